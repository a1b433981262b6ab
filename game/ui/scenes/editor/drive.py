"""Test drive from the editor: the race scene on the edited track, alone, with the lap timer, then back.

:class:`TestDriveScene` is the ordinary :class:`game.ui.scenes.race_scene.RaceScene` with no rivals and
:data:`game.sim.rules.MAX_LAPS` laps (a practice session); only its ways out change: its pause menu offers
BACK TO EDITOR instead of QUIT TO MENU, and the end of the session returns to the editor, not to the results.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from game.sim.race import RaceConfig
from game.sim.rules import MAX_LAPS
from game.sim.track import Track
from game.ui.render.font import font
from game.ui.render.palette import YELLOW
from game.ui.scenes.base import Context, Scene
from game.ui.scenes.race_scene import InputSource, PauseScene, RaceScene
from game.ui.text import format_time


class TestDriveLoadingScene(Scene):
    """Shows LOADING for a frame, then builds the test drive (track art, compiled physics)."""

    def __init__(
        self, ctx: Context, track: Track, track_path: Path | None, input_source: InputSource | None = None
    ) -> None:
        super().__init__(ctx)
        self.track = track
        self.track_path = track_path
        self.input_source = input_source
        self.frames = 0

    def update(self, dt: float) -> None:
        """On the second frame, swap to the drive."""
        self.frames += 1
        if self.frames >= 2:
            self.ctx.stack.replace(TestDriveScene(self.ctx, self.track, self.track_path, self.input_source))

    def draw(self, surface: pygame.Surface) -> None:
        """A plain loading screen."""
        surface.fill((12, 12, 20))
        w, h = surface.get_size()
        font().draw(surface, "LOADING TEST DRIVE...", (w // 2, h // 2 - 7), YELLOW, 2, "center")


class TestDriveScene(RaceScene):
    """Drive the edited track alone; Esc offers the way back to the editor."""

    def __init__(
        self, ctx: Context, track: Track, track_path: Path | None, input_source: InputSource | None = None
    ) -> None:
        config = RaceConfig(laps=MAX_LAPS, rivals=0, difficulty=ctx.settings.difficulty, watch=False)
        super().__init__(ctx, track, track_path, config, input_source=input_source)
        self.banners = [[[("TEST DRIVE", YELLOW), ("ESC: BACK TO THE EDITOR", YELLOW)], 4.0]]
        self._warned = True  # no "scripted rivals" banner: there are no rivals

    def pause(self) -> None:
        """The test drive's own pause menu."""
        self.ctx.stack.push(TestDrivePauseScene(self.ctx, self))

    def restart(self) -> None:
        """From the grid again."""
        self.ctx.audio.stop_loops()
        self.ctx.stack.replace(TestDriveScene(self.ctx, self.track, self.track_path, self.input_source))

    def show_results(self) -> None:
        """The session is over: back to the editor."""
        self.back_to_editor()

    def back_to_editor(self) -> None:
        """Close the drive; say the best lap."""
        self.ctx.audio.stop_loops()
        human = self.race.human
        best = self.race.timers[human].best_lap if human is not None else None
        if best is not None:
            self.ctx.toast(f"TEST DRIVE BEST LAP {format_time(best)}", 3.0)
        if self.ctx.stack.top is self:
            self.ctx.stack.pop()


class TestDrivePauseScene(PauseScene):
    """Resume, restart, or back to the editor."""

    quit_label = "BACK TO EDITOR"

    def __init__(self, ctx: Context, race_scene: TestDriveScene) -> None:
        super().__init__(ctx, race_scene)
        self.drive = race_scene

    def _quit(self) -> None:
        self.ctx.stack.pop()
        self.drive.back_to_editor()
