"""Choosing a time trial: the track and the ghost to chase (your best lap, the AI's, none)."""

from __future__ import annotations

from game.ui.scenes.base import Context
from game.ui.scenes.time_trial import GHOST_LABELS, GHOST_MODES, open_time_trial
from game.ui.scenes.track_select import TrackSelectScene
from game.ui.scenes.widgets import MenuItem, MenuList


class TimeTrialSelectScene(TrackSelectScene):
    """Track select with the ghost instead of rivals, difficulty and laps."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.heading = "TIME TRIAL"
        self.mode = "best"
        items = [
            MenuItem("TRACK", on_change=self._change_track, value=self._track_label),
            MenuItem("GHOST", on_change=self._change_ghost, value=lambda: f"< {GHOST_LABELS[self.mode]} >"),
            MenuItem("START", on_accept=self._start, enabled=self._startable),
            MenuItem("BACK", on_accept=self.ctx.stack.pop),
        ]
        self.menu = MenuList(items, on_back=self.ctx.stack.pop, blip=lambda: self.ctx.audio.play("blip", 0.5))
        self.menu.index = 2 if self._startable() else 0

    def _change_ghost(self, step: int) -> None:
        self.mode = GHOST_MODES[(GHOST_MODES.index(self.mode) + step) % len(GHOST_MODES)]

    def _start(self) -> None:
        entry = self._chosen()
        if entry is None:
            return
        self.ctx.stack.push(open_time_trial(self.ctx, entry.path, entry.load(), self.mode))
