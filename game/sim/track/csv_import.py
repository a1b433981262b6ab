"""Import real circuits from the TUMFTM racetrack-database CSV format, and the ``python -m game.sim.track`` command.

The CSV format has a ``#`` header line and one centre-line point per row, about 5 m apart, closed (the last point
joins the first, which lies on the start/finish line)::

    # x_m,y_m,w_tr_right_m,w_tr_left_m
    -1.109596,0.066431,5.076,5.462

Columns: x and y [m], then the width to the RIGHT of the centre line, then to the LEFT [m], looking along the
driving direction. The points are kept as given: a track of 1000 control points builds in a few milliseconds.
A circuit that crosses itself once, squarely (Suzuka's figure of eight), is imported with its bridge: the metadata
says ``"crossing": true`` and where the later part of the lap runs over the earlier (the CSV cannot say which is on
top; at Suzuka it is the later).

This module never imports pygame.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from game.sim.files import read_text_file
from game.sim.track import MIN_CONTROL_POINTS, Track, TrackError
from game.sim.track.io import save_track
from game.sim.track.overlap import bridge_crossing

CSV_COLUMNS = ("x", "y", "width right", "width left")
SOURCE = "TUMFTM racetrack-database (https://github.com/TUMFTM/racetrack-database)"
LICENCE = "LGPL-3.0"
ATTRIBUTION = (
    "Centre line and widths from the racetrack-database of the Institute of Automotive Technology, "
    "Technical University of Munich (TUMFTM), licensed under the GNU LGPL-3.0; centre lines from "
    "OpenStreetMap, widths from satellite images."
)


def read_circuit_csv(path: str | os.PathLike[str]) -> np.ndarray:
    """Read the rows of a circuit CSV file.

    Returns:
        (k, 4) array: x, y, width right, width left [m].

    Raises:
        TrackError: Naming the file and the line of the first bad row.
    """
    path = Path(path)
    text = read_text_file(path, "circuit file", TrackError)
    rows = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")]
        if len(cells) != len(CSV_COLUMNS):
            raise TrackError(
                f"{path}, line {line_number}: expected {len(CSV_COLUMNS)} columns "
                f"({', '.join(CSV_COLUMNS)}), got {len(cells)}"
            )
        values = []
        for column, cell in zip(CSV_COLUMNS, cells, strict=True):
            try:
                value = float(cell)
            except ValueError:
                raise TrackError(f"{path}, line {line_number}: {column} {cell!r} is not a number") from None
            if not math.isfinite(value):
                raise TrackError(f"{path}, line {line_number}: {column} is not a finite number ({cell})")
            values.append(value)
        rows.append(values)
    if len(rows) < MIN_CONTROL_POINTS:
        raise TrackError(f"{path}: only {len(rows)} point(s), a circuit needs at least {MIN_CONTROL_POINTS}")
    return np.array(rows)


def import_circuit_csv(path: str | os.PathLike[str], scale: float = 1.0, name: str | None = None) -> Track:
    """Build a track from a racetrack-database CSV file.

    Args:
        path: The CSV file.
        scale: Multiplies coordinates and widths (a scale of 0.5 makes a half-size circuit).
        name: Display name; defaults to the file name, "BrandsHatch" becoming "Brands Hatch".

    Returns:
        The track, with metadata recording the source, licence and attribution.

    Raises:
        TrackError: Naming the file (and the line, for a bad row) and the problem.
    """
    path = Path(path)
    if not (math.isfinite(scale) and scale > 0.0):
        raise TrackError(f"{path}: scale must be a positive number, got {scale}")
    rows = read_circuit_csv(path) * scale
    points, width_right, width_left = rows[:, :2], rows[:, 2], rows[:, 3]
    if np.allclose(points[-1], points[0], atol=1e-6 * scale):
        points, width_right, width_left = points[:-1], width_right[:-1], width_left[:-1]  # closed by repetition
    metadata = {
        "source": f"{SOURCE}, {path.name}",
        "licence": LICENCE,
        "attribution": ATTRIBUTION,
        "scale": scale,
    }
    try:
        track = Track(name or _name_from_file(path), points, width_left, width_right, metadata)
    except TrackError as exc:
        raise TrackError(f"{path}: {exc}") from None
    bridge = bridge_crossing(track)
    if bridge is not None:  # a figure of eight (Suzuka): the later part of the lap on the bridge
        track.metadata.update(crossing=True, bridge=bridge)
    return track


def _name_from_file(path: Path) -> str:
    """'BrandsHatch.csv' -> 'Brands Hatch', 'spa_francorchamps.csv' -> 'Spa Francorchamps'."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", path.stem).replace("_", " ").replace("-", " ").split()
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Imported circuit"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m game.sim.track import CIRCUIT.csv --out tracks/NAME.json [--scale S] [--name NAME]``.

    Returns:
        The exit status: 0 on success, 1 for a track that cannot be imported.
    """
    parser = argparse.ArgumentParser(prog="python -m game.sim.track", description="RetroRacer track tools.")
    commands = parser.add_subparsers(dest="command", required=True)
    convert = commands.add_parser("import", help="import a racetrack-database CSV circuit as a track file")
    convert.add_argument("csv", type=Path, help="circuit CSV: x_m, y_m, w_tr_right_m, w_tr_left_m")
    convert.add_argument("--out", type=Path, required=True, help="track file to write (JSON)")
    convert.add_argument("--scale", type=float, default=1.0, help="multiplies coordinates and widths (default 1)")
    convert.add_argument("--name", help="display name (default: from the file name)")
    args = parser.parse_args(argv)
    try:
        track = import_circuit_csv(args.csv, scale=args.scale, name=args.name)
        save_track(track, args.out)
    except (TrackError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.out}: {track.name}, {track.length / 1000.0:.2f} km, {len(track.control_points)} control points")
    return 0
