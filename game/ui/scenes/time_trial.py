"""Time trial: lap after lap alone on a track, chasing a ghost, with the live gap and splits.

The ghost chased is the player's best lap on the track (saved in the data folder whenever it is beaten) or the
AI's (recorded on demand by the track's model, see :mod:`game.ui.ghosts`). G switches between the ghosts there
are and none. Everything else is the race scene's: the pause menu, R to restart, the HUD.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from game.sim.ghost import Ghost
from game.sim.identity import track_fingerprint
from game.sim.race import Race, RaceConfig
from game.sim.time_trial import SESSION_LAPS, SPLIT_POINTS, Split, TimeTrial
from game.sim.track import Track
from game.ui.ghosts import ai_ghost, player_ghost_path, read_ghost, write_ghost
from game.ui.render.font import font
from game.ui.render.ghost import GHOST_BODY, GhostSprites, draw_ghost, draw_ghost_panel, draw_split
from game.ui.render.hud import MINIMAP_SIZE, Hud
from game.ui.render.palette import GREY, WHITE, YELLOW
from game.ui.render.panel import panel
from game.ui.scenes.base import Context, Scene
from game.ui.scenes.race_scene import InputSource, LoadingScene, RaceScene
from game.ui.text import format_time

GHOST_MODES = ("best", "ai", "none")  # which ghost to chase: the player's best lap, the AI's, none
GHOST_LABELS = {"best": "YOUR BEST", "ai": "THE AI", "none": "NO GHOST"}
SPLIT_SHOWN = 3.0  # [s] a split stays on screen


def split_name(point: int) -> str:
    """The name of a split: SPLIT 1 to SPLIT 3, then LAP at the line."""
    return "LAP" if point >= len(SPLIT_POINTS) else f"SPLIT {point + 1}"


def open_time_trial(
    ctx: Context,
    track_path: Path | None,
    track: Track | None = None,
    mode: str = "best",
    input_source: InputSource | None = None,
    autopilot_pace: float = 1.0,
) -> LoadingScene:
    """A loading screen that reads the ghosts (recording the AI's if it is wanted and not cached) and starts.

    Args:
        ctx: The shared context.
        track_path: The track file (its stem names the ghost files).
        track: The track, when already loaded.
        mode: The ghost to chase first (one of GHOST_MODES).
        input_source: The player's controls per tick (tests); default the keyboard and gamepad.
        autopilot_pace: Share of full pace for ``--autopilot`` (demos and screenshots that lose time to a ghost).
    """

    def build(loaded: Track) -> Scene:
        return TimeTrialScene(ctx, loaded, track_path, mode, input_source, autopilot_pace)

    text = "RECORDING THE AI GHOST..." if mode == "ai" else "LOADING..."
    return LoadingScene(ctx, track_path, RaceConfig(laps=SESSION_LAPS, rivals=0), track, build=build, text=text)


class TimeTrialScene(RaceScene):
    """A time-trial session on screen."""

    def __init__(
        self,
        ctx: Context,
        track: Track,
        track_path: Path | None,
        mode: str = "best",
        input_source: InputSource | None = None,
        autopilot_pace: float = 1.0,
    ) -> None:
        self.autopilot_pace = autopilot_pace
        self.track_id = track_fingerprint(track)
        key = Path(track_path).stem if track_path is not None else track.name
        self.ghosts: dict[str, Ghost] = {}
        best, message = read_ghost(player_ghost_path(key), self.track_id, "your ghost")
        if message:
            ctx.toast(message.upper(), 6.0)
        if best is not None:
            self.ghosts["best"] = best
        if mode == "ai":
            ghost, message = ai_ghost(track, Path(track_path) if track_path is not None else None, self.track_id)
            if message:
                ctx.toast(message.upper(), 6.0)
            if ghost is not None:
                self.ghosts["ai"] = ghost
        self.wanted = mode
        self.mode = mode if mode in self.ghosts else ("best" if "best" in self.ghosts else "none")
        self.ghost_sprites = GhostSprites()
        self.split: tuple[Split, float] | None = None  # the split shown, seconds left
        self.laps_seen = 0  # the player's laps completed (the first is the out lap)
        super().__init__(ctx, track, track_path, RaceConfig(laps=SESSION_LAPS, rivals=0), input_source)
        self.hud = Hud(self.race, self.colours, time_trial=True)
        self.choice.message = None  # the AI drives no rival here

    def create_race(self) -> Race:
        """The session's one-car race."""
        record = self.ghosts["best"].lap_time if "best" in self.ghosts else None
        self.session = TimeTrial(
            self.track,
            self.track_id,
            self.choice.driver,
            self.ghosts.get(self.mode),
            record,
            autopilot=self.ctx.autopilot,
            autopilot_pace=self.autopilot_pace,
        )
        return self.session.race

    def reload(self) -> Scene:
        """Restart with the ghost chased now."""
        return open_time_trial(self.ctx, self.track_path, self.track, self.mode, self.input_source, self.autopilot_pace)

    @property
    def target(self) -> Ghost | None:
        """The ghost chased, if any."""
        return self.session.target

    # -- input and simulation -----------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        """G changes the ghost chased; the rest as in a race."""
        if event.type == pygame.KEYDOWN and event.key == pygame.K_g:
            modes = [m for m in GHOST_MODES if m in self.ghosts or m == "none"]
            self.mode = modes[(modes.index(self.mode) + 1) % len(modes)] if self.mode in modes else modes[0]
            self.session.target = self.ghosts.get(self.mode)
            self.ctx.toast(f"GHOST: {GHOST_LABELS[self.mode]}", 1.5)
            return
        super().handle_event(event)

    def _on_event(self, event) -> None:  # noqa: ANN001
        """As in a race, but the out lap (from the grid) sets no best lap."""
        if event.kind == "lap" and event.car == self.race.human:
            self.laps_seen += 1
            if self.laps_seen == 1:
                self.ctx.audio.play("lap", 0.7)
                self.banners.append([[(f"OUT LAP {format_time(event.value)}: NOW CHASE THE GHOST", WHITE)], 3.0])
                return
        super()._on_event(event)

    def tick(self, controls: tuple[float, float]) -> None:
        """One tick of the session (the lap recorder and the splits run with the race)."""
        self.session.step(controls, put_back=self.take_put_back())

    def update(self, dt: float) -> None:
        """The race, then new laps (a new best is saved as the ghost) and splits."""
        super().update(dt)
        for lap in self.session.pop_laps():
            if lap.best:
                self.ghosts["best"] = lap.ghost
                message = write_ghost(lap.ghost, player_ghost_path(self.track_key))
                if message:
                    self.ctx.toast(message.upper(), 5.0)
                if self.mode == "best" or (self.mode == "none" and self.wanted == "best"):
                    self.mode = "best"
                    self.session.target = lap.ghost
        for split in self.session.pop_splits():
            self.split = (split, SPLIT_SHOWN)
        if self.split is not None:
            left = self.split[1] - dt
            self.split = (self.split[0], left) if left > 0.0 else None

    # -- drawing ------------------------------------------------------------------------------------------------
    def draw_under_cars(self, surface: pygame.Surface, camera: tuple[float, float]) -> None:
        """The ghost, under the player's car."""
        pose = self.session.ghost_pose()
        if pose is not None and self.race.started:
            draw_ghost(surface, self.ghost_sprites, pose, camera, self.art.ppm)

    def draw_over_hud(self, surface: pygame.Surface) -> None:
        """The ghost panel with the live gap, the last split, the ghost on the minimap."""
        target = self.target
        pose = self.session.ghost_pose()
        if pose is not None and self.race.started:
            w, h = surface.get_size()
            corner = (w - MINIMAP_SIZE - 4, h - MINIMAP_SIZE - 4)  # where the HUD draws the minimap
            self.hud.minimap.draw_dot(surface, corner, pose[0], pose[1], GHOST_BODY)
        draw_ghost_panel(
            surface,
            GHOST_LABELS[self.mode],
            target.lap_time if target else None,
            self.session.gap() if target else None,
        )
        if self.split is not None:
            draw_split(surface, split_name(self.split[0].point), self.split[0].gap)
        if not self.race.started:
            return
        w, h = surface.get_size()
        f = font()
        panel(surface, (w // 2 - 62, h - 26, 124, 24), 170)
        f.draw(surface, f"RECORD {format_time(self.session.record)}", (w // 2, h - 12), YELLOW, 1, "center")
        f.draw(surface, "G: GHOST", (w // 2, h - 22), GREY, 1, "center")
