"""What a recording was made with: fingerprints of tracks and files, so a changed one is noticed. No pygame here.

A ghost or a replay keeps these; on load they are compared with what is there now, and a mismatch is said on the
screen instead of showing a lap or a race that no longer fits the road.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np

from game.sim.track import Track

CHUNK = 1 << 20  # [bytes] read at a time when hashing a file


def track_fingerprint(track: Track) -> str:
    """SHA-256 of a track's shape: its control points and widths (the name and metadata do not count)."""
    digest = hashlib.sha256()
    for array in (track.control_points, track.control_width_left, track.control_width_right):
        digest.update(np.ascontiguousarray(np.round(np.asarray(array, dtype=np.float64), 4)).tobytes())
    return digest.hexdigest()


def file_sha256(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes (raises OSError when it cannot be read)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
