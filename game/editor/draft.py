"""The track being edited: control points and widths, with undo and redo.

A :class:`TrackDraft` may be anything while it is edited (three points, a hairpin of 2 m, a track that runs into
itself); :func:`game.editor.validation.check_draft` says what is wrong with it, and :meth:`TrackDraft.to_track`
builds the real :class:`game.sim.track.Track` once it is right. Every change goes through a method here and is one
undo step; a drag is one step too (:meth:`TrackDraft.begin_gesture` ... :meth:`TrackDraft.end_gesture`).

States are immutable snapshots (:class:`DraftState`), so undo and redo only swap which snapshot is current, and
"modified" means "the current snapshot is not the one last saved or loaded".

Units: metres. Widths are per control point, to the left and right of the driving direction, as in a track file.
The first control point lies on the start/finish line.

This module never imports pygame.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from game.sim.track import Track

DEFAULT_NAME = "New Track"
DEFAULT_HALF_WIDTH = 6.0  # [m] each side of a new track's centre line: 12 m of tarmac
MIN_HALF_WIDTH = 0.5  # [m] the narrowest a side can be made (validation says when the total is too narrow)
MAX_HALF_WIDTH = 15.0  # [m]
WIDTH_STEP = 1.0  # [m] one wheel notch or key press changes the total width by this much
WIDTH_SIDES = ("both", "left", "right")  # which edge a width change moves (left/right seen driving)
MAX_UNDO = 200  # undo steps kept

_ids = itertools.count(1)


@dataclass(frozen=True, eq=False)
class DraftState:
    """One snapshot of the draft (never changed once made).

    Attributes:
        points: (k, 2) control points in driving order [m]; the first is on the start/finish line.
        width_left: (k,) width from the centre line to the left edge at each point [m].
        width_right: (k,) width to the right edge [m].
        name: Display name.
        metadata: Free-form information saved with the track (author, source, licence, ...).
        id: Unique number of the snapshot.
    """

    points: np.ndarray
    width_left: np.ndarray
    width_right: np.ndarray
    name: str = DEFAULT_NAME
    metadata: dict[str, Any] = field(default_factory=dict)
    id: int = field(default_factory=lambda: next(_ids))

    def __post_init__(self) -> None:
        for array in (self.points, self.width_left, self.width_right):
            array.setflags(write=False)

    def but(self, **changes: Any) -> DraftState:
        """A new snapshot with some fields changed (and a new id)."""
        return replace(self, id=next(_ids), **changes)


def _state(points: Any, width_left: Any, width_right: Any, name: str, metadata: dict[str, Any] | None) -> DraftState:
    points = np.array(points, dtype=np.float64).reshape(-1, 2)
    return DraftState(
        points,
        np.array(width_left, dtype=np.float64).reshape(-1),
        np.array(width_right, dtype=np.float64).reshape(-1),
        name,
        copy.deepcopy(metadata or {}),
    )


class TrackDraft:
    """A track being edited, with its undo and redo history and the file it belongs to."""

    def __init__(
        self,
        points: Any = (),
        width_left: Any = (),
        width_right: Any = (),
        name: str = DEFAULT_NAME,
        metadata: dict[str, Any] | None = None,
        path: Path | None = None,
    ) -> None:
        self._state = _state(points, width_left, width_right, name, metadata)
        if not self._state.points.shape[0] == self._state.width_left.shape[0] == self._state.width_right.shape[0]:
            raise ValueError("one width_left and one width_right per point")
        self.path = Path(path) if path is not None else None
        self._saved_id = self._state.id
        self._undo: list[DraftState] = []
        self._redo: list[DraftState] = []
        self._gesture_start: DraftState | None = None
        self._source: Track | None = None
        self._source_id = -1

    def set_source(self, track: Track) -> None:
        """The track file this draft was opened from, at full resolution (the draft may hold a thinned copy)."""
        self._source = track
        self._source_id = self._state.id

    def unchanged_source(self) -> Track | None:
        """The track the draft was opened from while the draft holds exactly what was opened, else None.

        Saving then writes this track, so a file opened and saved without an edit keeps every point.
        """
        return self._source if self._state.id == self._source_id else None

    @classmethod
    def from_track(cls, track: Track, path: Path | None = None) -> TrackDraft:
        """A draft of an existing track (unmodified)."""
        return cls(
            track.control_points, track.control_width_left, track.control_width_right, track.name,
            track.metadata, path,
        )  # fmt: skip

    # -- what is there ----------------------------------------------------------------------------------------
    @property
    def state(self) -> DraftState:
        """The current snapshot."""
        return self._state

    @property
    def points(self) -> np.ndarray:
        """(k, 2) control points [m] (read-only)."""
        return self._state.points

    @property
    def width_left(self) -> np.ndarray:
        """(k,) left widths [m] (read-only)."""
        return self._state.width_left

    @property
    def width_right(self) -> np.ndarray:
        """(k,) right widths [m] (read-only)."""
        return self._state.width_right

    @property
    def name(self) -> str:
        """Display name."""
        return self._state.name

    @property
    def metadata(self) -> dict[str, Any]:
        """Metadata saved with the track (a copy: change it through :meth:`set_metadata`)."""
        return copy.deepcopy(self._state.metadata)

    @property
    def n_points(self) -> int:
        """Number of control points."""
        return int(self._state.points.shape[0])

    @property
    def version(self) -> int:
        """Changes whenever the draft does (undo and redo included): a key for caches."""
        return self._state.id

    @property
    def modified(self) -> bool:
        """Does the draft differ from what was last loaded or saved?"""
        return self._state.id != self._saved_id

    def mark_saved(self, path: Path | None = None) -> None:
        """The current state is what the file now holds."""
        if path is not None:
            self.path = Path(path)
        self._saved_id = self._state.id

    def side_widths(self, index: int) -> tuple[float, float]:
        """(left, right) width at a control point [m], seen driving along the track."""
        return float(self._state.width_left[index]), float(self._state.width_right[index])

    def total_width(self, index: int) -> float:
        """Left plus right width at a control point [m]."""
        return float(self._state.width_left[index] + self._state.width_right[index])

    def to_track(self) -> Track:
        """The real track.

        Raises:
            TrackError: When the draft is not a valid track (see :mod:`game.editor.validation` for why).
        """
        s = self._state
        return Track(s.name, s.points.copy(), s.width_left.copy(), s.width_right.copy(), copy.deepcopy(s.metadata))

    # -- history ----------------------------------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        """Is there a step to undo?"""
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        """Is there an undone step to redo?"""
        return bool(self._redo)

    def undo(self) -> bool:
        """Go back one step; False when there is none."""
        self.end_gesture()
        if not self._undo:
            return False
        self._redo.append(self._state)
        self._state = self._undo.pop()
        return True

    def redo(self) -> bool:
        """Redo the last undone step; False when there is none."""
        self.end_gesture()
        if not self._redo:
            return False
        self._undo.append(self._state)
        self._state = self._redo.pop()
        return True

    def begin_gesture(self) -> None:
        """Start a group of changes that undo as one step (a drag)."""
        self.end_gesture()
        self._gesture_start = self._state

    def end_gesture(self) -> None:
        """Close the group opened by :meth:`begin_gesture` (nothing is recorded if nothing changed)."""
        start, self._gesture_start = self._gesture_start, None
        if start is not None and start is not self._state:
            self._push_undo(start)

    def _push_undo(self, previous: DraftState) -> None:
        self._undo.append(previous)
        del self._undo[:-MAX_UNDO]
        self._redo.clear()

    def _commit(self, new: DraftState) -> None:
        if self._gesture_start is None:
            self._push_undo(self._state)
        self._state = new

    # -- edits ------------------------------------------------------------------------------------------------
    def insert_point(self, index: int, x: float, y: float) -> int:
        """Put a new point at position ``index`` in the driving order (``n_points`` appends); returns ``index``.

        Its widths are those of the neighbours, averaged (a new track's default for the first point).
        """
        s = self._state
        k = self.n_points
        index = min(max(int(index), 0), k)
        if k == 0:
            left = right = DEFAULT_HALF_WIDTH
        else:
            before, after = (index - 1) % k, index % k
            left = 0.5 * float(s.width_left[before] + s.width_left[after])
            right = 0.5 * float(s.width_right[before] + s.width_right[after])
        self._commit(
            s.but(
                points=np.insert(s.points, index, [x, y], axis=0),
                width_left=np.insert(s.width_left, index, left),
                width_right=np.insert(s.width_right, index, right),
            )
        )
        return index

    def move_point(self, index: int, x: float, y: float) -> None:
        """Move a control point to (x, y) [m]."""
        s = self._state
        if np.array_equal(s.points[index], (x, y)):
            return
        points = s.points.copy()
        points[index] = (x, y)
        self._commit(s.but(points=points))

    def remove_point(self, index: int) -> None:
        """Delete a control point (the next one becomes the start when the first is deleted)."""
        s = self._state
        self._commit(
            s.but(
                points=np.delete(s.points, index, axis=0),
                width_left=np.delete(s.width_left, index),
                width_right=np.delete(s.width_right, index),
            )
        )

    def change_width(self, index: int | None, delta: float, side: str = "both") -> None:
        """Widen (``delta`` > 0) or narrow the track by ``delta`` metres in total: half on each side, or on one.

        Args:
            index: The control point, or None for every point (the whole track).
            delta: Change of the total width [m]; each side stays within [MIN_HALF_WIDTH, MAX_HALF_WIDTH].
            side: "both", or "left" / "right" (seen driving along the track) to move that edge alone.
        """
        s = self._state
        if self.n_points == 0:
            return
        if side not in WIDTH_SIDES:
            raise ValueError(f"side must be one of {WIDTH_SIDES}, got {side!r}")
        share_left = {"both": 0.5, "left": 1.0, "right": 0.0}[side]
        where = slice(None) if index is None else slice(index, index + 1)
        left, right = s.width_left.copy(), s.width_right.copy()
        left[where] = np.clip(left[where] + share_left * delta, MIN_HALF_WIDTH, MAX_HALF_WIDTH)
        right[where] = np.clip(right[where] + (1.0 - share_left) * delta, MIN_HALF_WIDTH, MAX_HALF_WIDTH)
        if np.array_equal(left, s.width_left) and np.array_equal(right, s.width_right):
            return
        self._commit(s.but(width_left=left, width_right=right))

    def set_start(self, index: int) -> None:
        """Move the start/finish line to a control point (it becomes the first)."""
        s = self._state
        if self.n_points == 0 or index % self.n_points == 0:
            return
        self._commit(
            s.but(
                points=np.roll(s.points, -index, axis=0),
                width_left=np.roll(s.width_left, -index),
                width_right=np.roll(s.width_right, -index),
            )
        )

    def reverse(self) -> None:
        """Drive the track the other way round: same start point, order reversed, left and right swapped."""
        s = self._state
        if self.n_points < 2:
            return
        order = np.concatenate([[0], np.arange(self.n_points - 1, 0, -1)])
        self._commit(s.but(points=s.points[order], width_left=s.width_right[order], width_right=s.width_left[order]))

    def rename(self, name: str) -> None:
        """Change the display name."""
        name = name.strip()
        if name and name != self._state.name:
            self._commit(self._state.but(name=name))

    def set_metadata(self, metadata: dict[str, Any]) -> None:
        """Replace the metadata (an undo step)."""
        if metadata != self._state.metadata:
            self._commit(self._state.but(metadata=copy.deepcopy(metadata)))

    def replace_all(
        self, points: Any, width_left: Any, width_right: Any, name: str, metadata: dict[str, Any] | None = None
    ) -> None:
        """Replace the whole track (an import), as one undo step."""
        self._commit(_state(points, width_left, width_right, name, metadata))
