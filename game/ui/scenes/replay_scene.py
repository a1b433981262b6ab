"""Watching a replay: the race run again from its recorded inputs, with the camera on any car, 1x/2x/4x, pause.

Tab or left/right put the camera on another car, 1, 2 and 4 set the speed, Space or P pauses, R starts again,
Enter shows the results, Esc opens the pause menu. Nothing here counts for the records.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from game.drivers.catalogue import DriverChoice
from game.sim.race import Race
from game.sim.replay import Replay, replay_race, step_replay
from game.sim.track import Track
from game.ui.render.font import font
from game.ui.render.palette import GREY, LIGHT_GREY, RED, YELLOW
from game.ui.render.panel import panel
from game.ui.scenes.base import Context, Scene
from game.ui.scenes.race_scene import RaceScene

SPEED_KEYS = {
    pygame.K_1: 1.0,
    pygame.K_2: 2.0,
    pygame.K_4: 4.0,
    pygame.K_KP1: 1.0,
    pygame.K_KP2: 2.0,
    pygame.K_KP4: 4.0,
}


class ReplayScene(RaceScene):
    """A recorded race, re-simulated tick by tick from its inputs."""

    keeps_records = False

    def __init__(
        self, ctx: Context, replay: Replay, track: Track, track_path: Path, choice: DriverChoice, back: bool = False
    ) -> None:
        """A replay of ``track`` driven by ``choice``; ``back``: its end returns to the results it was opened from."""
        self.recording = replay
        self.back = back
        self.speed = 1.0
        self.paused = False
        super().__init__(
            ctx, track, track_path, replay.config, lambda race: replay.controls_at(race.tick), choice=choice
        )
        self.choice.message = None

    def create_race(self) -> Race:
        """The race as it was set up when recorded."""
        return replay_race(self.recording, self.track, self.choice.driver)

    @property
    def ended(self) -> bool:
        """Every recorded tick has been shown."""
        return self.race.tick >= self.recording.ticks

    def tick(self, controls: tuple[float, float]) -> None:
        """One recorded tick (the recorded rescue, then the recorded controls); nothing past the end."""
        if self.ended:
            self.race.prev_cars[:] = self.race.cars
            return
        step_replay(self.race, self.recording)

    def reload(self) -> Scene:
        """The same replay from the start."""
        from game.ui.replays import open_replay

        return open_replay(self.ctx, self.recording, self.back)

    def show_results(self) -> None:
        """The results: back to the screen it was opened from, else results of its own."""
        if not self.back:
            super().show_results()
            return
        self.ctx.audio.stop_loops()
        self.ctx.stack.pop()

    def replay(self) -> Replay | None:
        """The replay being shown (saving it again saves the same race)."""
        return self.recording

    # -- input --------------------------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        """Camera, speed, pause, results; Esc: the pause menu."""
        if event.type != pygame.KEYDOWN:
            if event.type == pygame.JOYBUTTONDOWN and event.button == 7:
                self.pause()
            return
        key = event.key
        n = self.race.n_cars
        if key == pygame.K_ESCAPE:
            self.pause()
        elif key in (pygame.K_SPACE, pygame.K_p):
            self.paused = not self.paused
        elif key in SPEED_KEYS:
            self.speed = SPEED_KEYS[key]
            self.paused = False
        elif key in (pygame.K_TAB, pygame.K_RIGHT):
            self.focus = (self.focus + 1) % n
        elif key == pygame.K_LEFT:
            self.focus = (self.focus - 1) % n
        elif key == pygame.K_r:
            self.restart()
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.show_results()

    def update(self, dt: float) -> None:
        """The race at the chosen speed (nothing while paused)."""
        super().update(0.0 if self.paused else dt * self.speed)

    # -- drawing ------------------------------------------------------------------------------------------------
    def draw_over_hud(self, surface: pygame.Surface) -> None:
        """The replay bar: speed or pause, the car watched, the keys."""
        f = font()
        w, h = surface.get_size()
        state = "PAUSED" if self.paused else ("END" if self.ended else f"{self.speed:.0f}X")
        lights = not self.race.started or self.race.race_time < 1.0  # the start gantry is under this panel
        panel(surface, (w // 2 - 105, 4, 210, 16 if lights else 40), 190)
        f.draw(surface, "REPLAY", (w // 2 - 99, 8), RED, 1)
        f.draw(surface, state, (w // 2 + 99, 8), YELLOW, 1, "right")
        if lights:
            return
        f.draw(surface, f"CAMERA: {self.race.names[self.focus]}", (w // 2, 20), LIGHT_GREY, 1, "center")
        f.draw(surface, "TAB CAR  1/2/4 SPEED  SPACE PAUSE", (w // 2, 32), GREY, 1, "center")
        if self.ended:
            panel(surface, (w // 2 - 130, h - 46, 260, 12), 190)
            f.draw(surface, "END OF THE REPLAY  ENTER: RESULTS  R: AGAIN", (w // 2, h - 44), YELLOW, 1, "center")
