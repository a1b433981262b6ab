"""Opening, importing and saving drafts: track files and racetrack-database circuit CSVs.

Saving refuses a draft with errors (the message says why) and writes atomically through
:func:`game.sim.track.io.save_track`. Opening a track or importing a circuit with more than
:data:`game.editor.simplify.SIMPLIFY_ABOVE` control points thins them for editing (the file itself is not
touched until it is saved, and saving what was not edited does not change it).

This module never imports pygame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from game.editor.draft import TrackDraft
from game.editor.geometry import build_geometry
from game.editor.simplify import SIMPLIFY_ABOVE, simplify_track
from game.editor.validation import check_draft, refusal
from game.sim.track import Track, TrackError
from game.sim.track.io import load_track, save_track

CSV_FOLDERS = ("tracks/circuits", "../shared/circuits", "circuits")  # relative to the repository: circuit CSVs


@dataclass
class Loaded:
    """A draft made from a file, and what was done to it (e.g. "SIMPLIFIED 876 -> 143 POINTS"), if anything."""

    draft: TrackDraft
    note: str | None = None


def track_file_name(name: str) -> str:
    """A file name for a track name: 'Seaside Sprint!' -> 'seaside_sprint.json'."""
    stem = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or "track"
    return f"{stem}.json"


def _thin(points: np.ndarray, width_left: np.ndarray, width_right: np.ndarray) -> tuple[tuple, str | None]:
    if len(points) <= SIMPLIFY_ABOVE:
        return (points, width_left, width_right), None
    thin = simplify_track(points, width_left, width_right)
    note = f"SIMPLIFIED {len(points)} -> {len(thin.kept)} POINTS (WITHIN {thin.deviation:.1f} M)"
    return (thin.points, thin.width_left, thin.width_right), note


def open_track(path: Path) -> Loaded:
    """A draft of a track file, thinned if it is dense.

    Raises:
        TrackError: The file cannot be read or is not a valid track (the message names it).
    """
    track = load_track(path)
    (points, left, right), note = _thin(track.control_points, track.control_width_left, track.control_width_right)
    draft = TrackDraft(points, left, right, track.name, track.metadata, path=Path(path))
    draft.set_source(track)
    return Loaded(draft, note)


def import_circuit(path: Path) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray, str, dict], str | None]:
    """The points, widths, name and metadata of a circuit CSV (thinned), and a note.

    A circuit that is not a valid track (too narrow somewhere) is still imported, so that it can be fixed.

    Raises:
        TrackError: The file cannot be read or parsed (the message names the file and line).
    """
    from game.sim.track.csv_import import import_circuit_csv, read_circuit_csv

    try:
        track = import_circuit_csv(path)
        points, left, right = track.control_points, track.control_width_left, track.control_width_right
        name, metadata = track.name, dict(track.metadata)
    except TrackError:
        rows = read_circuit_csv(path)  # raises for a file that cannot be parsed at all
        points, right, left = rows[:, :2], rows[:, 2], rows[:, 3]
        if np.allclose(points[-1], points[0]):
            points, left, right = points[:-1], left[:-1], right[:-1]
        name = Path(path).stem.replace("_", " ").title()
        metadata = {"source": f"circuit CSV, {Path(path).name}"}
    (points, left, right), note = _thin(points, left, right)
    return (points, left, right, name, metadata), note


def circuit_files(repo: Path, extra: tuple[Path, ...] = ()) -> list[Path]:
    """Circuit CSVs in the usual folders and ``extra``, each circuit once.

    The folders: the shipped ``tracks/circuits``, the shared ones beside the repository, ``circuits/``.
    """
    found: list[Path] = []
    for folder in [repo / rel for rel in CSV_FOLDERS] + list(extra):
        if folder.is_dir():
            found.extend(sorted(p.resolve() for p in folder.glob("*.csv")))
    return list(dict.fromkeys(found))


def save_draft(draft: TrackDraft, path: Path) -> str | None:
    """Save a draft as a track file (atomically) and mark it saved.

    A figure of eight's bridge (``metadata["bridge"]``) is re-measured from the crossing as it now is.

    A draft that still holds exactly what was opened (perhaps thinned for editing) saves the track as it was
    opened: into its own file, nothing is written; into another, every point of the original.

    Returns:
        None when saved, else why not (an error of the track, or of the file system).
    """
    geometry = build_geometry(draft.points, draft.width_left, draft.width_right)
    problems = check_draft(draft.points, draft.width_left, draft.width_right, geometry, draft.metadata)
    why = refusal(problems)
    if why is not None:
        return why
    source = draft.unchanged_source()
    if source is not None:
        if draft.path is None or Path(path).resolve() != draft.path.resolve() or not Path(path).is_file():
            return _write(draft, source, path)
        draft.mark_saved(path)
        return None
    crossing = next((p for p in problems if p.kind == "crossing"), None)
    metadata = draft.metadata
    if crossing is not None and isinstance(metadata.get("bridge"), dict):
        _update_bridge(metadata, draft, geometry)
    try:
        track = draft.to_track()
    except TrackError as exc:
        return str(exc)
    if metadata != track.metadata:
        draft.set_metadata(metadata)
        track = draft.to_track()
    return _write(draft, track, path)


def _write(draft: TrackDraft, track: Track, path: Path) -> str | None:
    """Save the track file atomically and mark the draft saved; returns why not when the file cannot be written."""
    try:
        save_track(track, path)
    except OSError as exc:
        return f"Cannot write {path}: {exc}"
    draft.mark_saved(path)
    return None


def _update_bridge(metadata: dict, draft: TrackDraft, geometry) -> None:  # noqa: ANN001
    from game.sim.track.overlap import bridge_crossing

    bridge = bridge_crossing(geometry)  # type: ignore[arg-type]  # duck-typed: a draft's resampled centre line
    if bridge is not None:
        metadata["bridge"] = {**metadata["bridge"], **bridge}
