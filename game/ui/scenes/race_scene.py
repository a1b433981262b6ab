"""The race on screen: a fixed-timestep loop around :class:`game.sim.race.Race`, the camera, HUD and sound.

The simulation advances in equal ``PHYSICS_DT`` ticks whatever the frame rate ("Fix Your Timestep!"): real
time goes into an accumulator and every whole tick in it is run; drawing interpolates the cars between the
last two ticks by what is left over. The player's controls are read once per tick through ``input_source``
(the keyboard and gamepad by default; tests pass a function of the tick), so the same inputs give the same
race at 30, 60 or 144 frames per second.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygame

from game.drivers.catalogue import DriverChoice, driver_for_track
from game.sim.physics import CAR_SLIDE, CAR_VX, CAR_VY, CAR_X, CAR_Y, DEFAULT_CAR, PHYSICS_DT
from game.sim.race import PLAYER_RESCUE_HOLD, Race, RaceConfig
from game.sim.replay import InputRecorder, Replay
from game.sim.track import Track
from game.ui.audio import distance_volume
from game.ui.controls import BUTTON_START
from game.ui.render.bridge import bridge_for
from game.ui.render.font import font
from game.ui.render.hud import Hud, banner
from game.ui.render.palette import CAR_COLOURS, GREY, LIGHT_GREY, LIME, WHITE, YELLOW
from game.ui.render.panel import panel
from game.ui.render.sprites import CarSprites
from game.ui.render.world import TrackArt, draw_cars, interpolate_cars, world_to_screen
from game.ui.scenes.base import Context, Scene
from game.ui.scenes.grid_scene import GridScene, fresh_line_up
from game.ui.scenes.message import MessageScene
from game.ui.scenes.widgets import MenuItem, MenuList
from game.ui.text import format_time

PUT_BACK_KEY = pygame.K_t  # puts the player's car back on the track (it waits PLAYER_RESCUE_HOLD)
MAX_FRAME_TIME = 0.25  # [s] a longer frame (a stall) is cut short instead of running many ticks at once
LOOK_AHEAD = 0.35  # [s] the camera leads the car by its velocity times this
MAX_LOOK_AHEAD = 30.0  # [m]
BANNER_CHARS = 70  # a message banner wraps at this many characters (the screen is 480 px wide) ...
BANNER_LINES = 3  # ... into at most this many lines
InputSource = Callable[[Race], tuple[float, float]]


class LoadingScene(Scene):
    """Shows "LOADING" for one frame, then builds the race (track art, model, compiled physics)."""

    def __init__(
        self,
        ctx: Context,
        track_path: Path | None,
        config: RaceConfig,
        track: Track | None = None,
        input_source: InputSource | None = None,
        build: Callable[[Track], Scene] | None = None,
        text: str = "LOADING...",
        grid: bool = True,
    ) -> None:
        """Args: what to race; ``build`` makes the scene from the loaded track instead of a plain RaceScene."""
        super().__init__(ctx)
        self.track_path = track_path
        self.config = fresh_line_up(config) if grid else config  # grid: a new race, shown on the grid screen first
        self.grid = grid
        self.track = track
        self.input_source = input_source
        self.build = build
        self.text = text
        self.frames = 0

    def update(self, dt: float) -> None:
        """On the second frame (after LOADING has been shown), build the race scene and swap to it."""
        self.frames += 1
        if self.frames < 2:
            return
        try:
            track = self.track
            if track is None:
                from game.editor.track_files import load_race_track

                track = load_race_track(self.track_path)
            if self.build is not None:
                scene = self.build(track)
            else:
                scene = RaceScene(self.ctx, track, self.track_path, self.config, input_source=self.input_source)
        except Exception as exc:  # a broken track or model file shows a message; the game goes on
            self.ctx.stack.replace(MessageScene(self.ctx, "CANNOT START THE RACE", str(exc)))
            return
        race = getattr(scene, "race", None)
        rivals = race is not None and race.n_cars > 1  # a time trial alone has no grid to show
        self.ctx.stack.replace(GridScene(self.ctx, scene) if self.grid and rivals else scene)

    def draw(self, surface: pygame.Surface) -> None:
        """A plain loading screen."""
        surface.fill((12, 12, 20))
        w, h = surface.get_size()
        font().draw(surface, self.text, (w // 2, h // 2 - 7), YELLOW, 2, "center")


class RaceScene(Scene):
    """A race being driven (or watched).

    The other modes are race scenes too, changing a few hooks: :meth:`create_race` (the race to run),
    :meth:`tick` (one physics tick), :meth:`reload` (what R restarts), :meth:`show_results`,
    :meth:`draw_under_cars` and :meth:`draw_over_hud` (time trial, championship round, replay).
    """

    keeps_records = True  # the player's laps count for the best-lap records (not in a replay)

    def __init__(
        self,
        ctx: Context,
        track: Track,
        track_path: Path | None,
        config: RaceConfig,
        input_source: InputSource | None = None,
        choice: DriverChoice | None = None,
    ) -> None:
        super().__init__(ctx)
        self.track = track
        self.track_path = Path(track_path) if track_path is not None else None
        self.track_key = self.track_path.stem if self.track_path is not None else track.name
        self.config = config
        self.input_source = input_source or (lambda race: self.ctx.controls.read())
        self.choice = choice or driver_for_track(track, self.track_path, DEFAULT_CAR)
        self.race = self.create_race()
        self.recorder = InputRecorder()  # the player's inputs, for the replay
        self.put_back_asked = False  # T pressed: put the player's car back on the track before the next tick
        self.colours = [CAR_COLOURS[i % len(CAR_COLOURS)] for i in range(self.race.n_cars)]
        self.art = TrackArt(track, [self.race.grid_slot(k) for k in range(self.race.n_cars)])
        self.art.prerender()
        self.bridge = bridge_for(track, self.art.ppm)  # a figure-eight's upper road, drawn over the lower one
        self.sprites = CarSprites()
        for colour in self.colours:
            self.sprites.prepare(colour)
        self.hud = Hud(self.race, self.colours)
        self.accumulator = 0.0
        self.time = 0.0  # [s] real time in this scene, for banners and blinking
        self.focus = self.race.human if self.race.human is not None else 0
        self.banners: list[list] = []  # [lines, seconds left]
        self.saved_best = ctx.best_laps.get(self.track_key, track.length)
        self._scratch = self.race.cars.copy()
        self._warned = False
        if self.choice.message:  # wrapped to the screen's width: a file's name and the reason can be long
            lines = textwrap.wrap(self.choice.message.upper(), BANNER_CHARS)[:BANNER_LINES]
            self.banners.append([[(line, YELLOW) for line in lines], 7.0])

    def create_race(self) -> Race:
        """The race this scene runs (a subclass may wrap it in a session of its own)."""
        return Race(self.track, self.config, self.choice.driver, DEFAULT_CAR, autopilot=self.ctx.autopilot)

    # -- input --------------------------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        """Esc pauses; R restarts; Enter after the flag shows the results; left/right change car when watching."""
        self.ctx.controls.handle_event(event)
        if event.type == pygame.JOYBUTTONDOWN and event.button == BUTTON_START:
            self.pause()
        if event.type != pygame.KEYDOWN:
            return
        if event.key == pygame.K_ESCAPE or event.key == pygame.K_p:
            self.pause()
        elif event.key == pygame.K_r:
            self.restart()
        elif event.key == PUT_BACK_KEY:
            self.put_back_asked = True
        elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self._player_done():
            self.show_results()
        elif self.config.watch and event.key in (pygame.K_LEFT, pygame.K_RIGHT, pygame.K_TAB):
            step = -1 if event.key == pygame.K_LEFT else 1
            self.focus = (self.focus + step) % self.race.n_cars

    def _player_done(self) -> bool:
        human = self.race.human
        return human is not None and self.race.finished(human)

    def pause(self) -> None:
        """Open the pause menu over the race."""
        self.ctx.stack.push(PauseScene(self.ctx, self))

    def restart(self) -> None:
        """The same race again from the grid."""
        self.ctx.audio.stop_loops()
        self.ctx.stack.replace(self.reload())

    def reload(self) -> Scene:
        """A loading screen that builds this race afresh (a subclass rebuilds its own kind)."""
        return LoadingScene(
            self.ctx, self.track_path, self.config, self.track, input_source=self.input_source, grid=False
        )

    def show_results(self) -> None:
        """Swap the race for its results."""
        from game.ui.scenes.results import ResultsScene

        self.ctx.audio.stop_loops()
        self.ctx.stack.replace(ResultsScene(self.ctx, self))

    def leave(self) -> None:
        """No engine noise under menus."""
        self.ctx.audio.stop_loops()

    # -- simulation ---------------------------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        """Run every whole physics tick in the accumulator, then react to what happened."""
        self.time += dt
        self.accumulator += min(max(dt, 0.0), MAX_FRAME_TIME)
        race = self.race
        while self.accumulator >= PHYSICS_DT - 1e-9:
            self.tick(self.input_source(race))
            self.accumulator -= PHYSICS_DT
        self.accumulator = max(self.accumulator, 0.0)
        self.art.paint_skids(race.skid_marks, race.skid_serial)
        for item in self.banners:
            item[1] -= dt
        self.banners = [item for item in self.banners if item[1] > 0.0]
        for event in race.pop_events():
            self._on_event(event)
        message = getattr(race.driver, "message", None)
        if message and not self._warned:
            self._warned = True
            self.banners.append([[(message.upper()[:70], YELLOW)], 6.0])
        self._sound()
        if race.done:
            self.show_results()

    def tick(self, controls: tuple[float, float]) -> None:
        """One physics tick with the player's controls (recorded for the replay, with any rescue asked for)."""
        race = self.race
        put_back = self.take_put_back() and race.put_back(race.human)
        self.recorder.record(race.tick, controls, put_back)
        race.step(controls)

    def take_put_back(self) -> bool:
        """Whether the player asked to be put back on the track since the last tick (and forget the request)."""
        asked = self.put_back_asked and self.race.human is not None and not self.race.autopilot
        self.put_back_asked = False
        return asked

    def replay(self) -> Replay | None:
        """The replay of this race as it stands, or None for a track that has no file (it could not be found)."""
        from game.ui.replays import replay_of

        return replay_of(self)

    def _on_event(self, event) -> None:  # noqa: ANN001
        race = self.race
        audio = self.ctx.audio
        human = race.human
        if event.kind == "light":
            audio.play("beep", 0.8)
        elif event.kind == "go":
            audio.play("go", 0.9)
        elif event.kind == "contact":
            dx = race.cars[event.car, CAR_X] - race.cars[self.focus, CAR_X]
            dy = race.cars[event.car, CAR_Y] - race.cars[self.focus, CAR_Y]
            audio.play("thud", min(event.value / 8.0, 1.0) * distance_volume(math.hypot(dx, dy)))
        elif event.kind == "lap" and event.car == human:
            audio.play("lap", 0.7)
            if (
                self.keeps_records
                and not self.ctx.autopilot
                and self.ctx.best_laps.submit(self.track_key, self.track.length, event.value)
            ):
                self.saved_best = event.value
                self.banners.append([[(f"NEW BEST LAP {format_time(event.value)}", YELLOW)], 3.0])
            else:
                self.banners.append([[(f"LAP {format_time(event.value)}", WHITE)], 2.0])
        elif event.kind == "finish" and event.car == human:
            lines = [(f"FINISHED P{int(event.value)}", LIME), ("PRESS ENTER FOR RESULTS", LIGHT_GREY)]
            self.banners.append([lines, 1e9])
        elif event.kind == "flag" and race.config.watch:
            self.banners.append([[(f"{race.names[event.car]} WINS!", LIME)], 5.0])

    def _sound(self) -> None:
        race = self.race
        audio = self.ctx.audio
        focus = self.focus
        speed = race.speed(focus)
        audio.engine(speed, float(race.controls[focus, 1]) if race.started else float(self.input_source(race)[1]))
        slide = float(race.cars[focus, CAR_SLIDE]) if speed > 4.0 else 0.0
        audio.squeal(max(slide - 0.1, 0.0) * 2.0)

    # -- drawing ------------------------------------------------------------------------------------------------
    def camera(self, cars: np.ndarray) -> tuple[float, float]:
        """World pixel at the centre of the screen: the focus car, led by its velocity."""
        ppm = self.art.ppm
        car = cars[self.focus]
        lead_x = car[CAR_VX] * LOOK_AHEAD
        lead_y = car[CAR_VY] * LOOK_AHEAD
        lead = math.hypot(lead_x, lead_y)
        if lead > MAX_LOOK_AHEAD:
            lead_x *= MAX_LOOK_AHEAD / lead
            lead_y *= MAX_LOOK_AHEAD / lead
        return (car[CAR_X] + lead_x) * ppm, -(car[CAR_Y] + lead_y) * ppm

    def draw(self, surface: pygame.Surface) -> None:
        """World, cars (interpolated between ticks), HUD, banners."""
        race = self.race
        alpha = min(max(self.accumulator / PHYSICS_DT, 0.0), 1.0)
        cars = interpolate_cars(race.prev_cars, race.cars, alpha, self._scratch)
        camera = self.camera(cars)
        self.art.draw(surface, camera)
        self.draw_under_cars(surface, camera)
        if self.bridge is None:
            draw_cars(surface, cars, self.colours, self.sprites, camera, self.art.ppm)
        else:  # the cars below the bridge, the deck, the cars on it
            above = self.bridge.on_deck(cars)
            for layer in (~above, above):
                picked = np.flatnonzero(layer)
                colours = [self.colours[i] for i in picked]
                draw_cars(surface, cars[picked], colours, self.sprites, camera, self.art.ppm)
                if layer is not above:
                    self.bridge.draw(surface, camera)
        f = font()
        if race.human is not None and not self.config.watch:
            x, y = world_to_screen(
                cars[race.human, CAR_X], cars[race.human, CAR_Y], camera, surface.get_size(), self.art.ppm
            )
            pygame.draw.polygon(surface, WHITE, [(x - 3, y - 15), (x + 3, y - 15), (x, y - 11)])
        flash = int(self.time * 4.0) % 2 == 0
        self.hud.draw(surface, cars, self.focus, self.saved_best if race.human is not None else None, flash)
        w, h = surface.get_size()
        if self.config.watch:
            panel(surface, (w // 2 - 70, h - 20, 140, 16), 170)
            f.draw(surface, f"WATCHING {race.names[self.focus]}  < >", (w // 2, h - 16), LIGHT_GREY, 1, "center")
        self.draw_over_hud(surface)
        self._draw_put_back(surface)
        y = h - 64
        for lines, _ in self.banners[-2:]:
            banner(surface, lines, y - 11 * (len(lines) - 1), 1)
            y -= 14 * len(lines) + 4

    def _draw_put_back(self, surface: pygame.Surface) -> None:
        """The rescue's countdown while the car waits, or the key to press when it is stranded."""
        race = self.race
        human = race.human
        if human is None or race.autopilot or self.focus != human:
            return
        w, h = surface.get_size()
        if race.hold_ticks[human] > 0:
            text = f"BACK ON TRACK  {race.hold_ticks[human] * PHYSICS_DT:.1f}"
            banner(surface, [(text, YELLOW)], h // 2 + 24, 1)
        elif race.stranded(human):
            banner(surface, [(f"{pygame.key.name(PUT_BACK_KEY).upper()}: BACK ON TRACK", WHITE)], h // 2 + 24, 1)

    def draw_under_cars(self, surface: pygame.Surface, camera: tuple[float, float]) -> None:
        """Between the track and the cars (a subclass draws a ghost here)."""

    def draw_over_hud(self, surface: pygame.Surface) -> None:
        """Over the HUD, under the banners (a subclass adds its own panels here)."""


class PauseScene(Scene):
    """The pause menu over the frozen race: resume, restart, and a way out (back to the menu)."""

    opaque = False
    quit_label = "QUIT TO MENU"  # the way out; a subclass with another one changes this and :meth:`_quit`

    def __init__(self, ctx: Context, race_scene: RaceScene) -> None:
        super().__init__(ctx)
        self.race_scene = race_scene
        self.menu = MenuList(
            [
                MenuItem("RESUME", on_accept=self.ctx.stack.pop),
                MenuItem("RESTART", on_accept=self._restart),
                MenuItem(self.quit_label, on_accept=self._quit),
            ],
            on_back=self.ctx.stack.pop,
            blip=lambda: self.ctx.audio.play("blip", 0.5),
        )

    def _restart(self) -> None:
        self.ctx.stack.pop()
        self.race_scene.restart()

    def _quit(self) -> None:
        from game.ui.scenes.menu import MainMenuScene

        self.ctx.stack.reset(MainMenuScene(self.ctx))

    def handle_event(self, event: pygame.event.Event) -> None:
        """Menu navigation; Esc resumes."""
        self.menu.handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        """Dim the race and show the menu."""
        w, h = surface.get_size()
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 120))
        surface.blit(shade, (0, 0))
        font().draw(surface, "PAUSED", (w // 2, 70), YELLOW, 3, "center")
        self.menu.draw(surface, w // 2 - 60, 110, 120, scale=1, gap=8)
        font().draw(surface, "ESC: RESUME", (w // 2, 180), GREY, 1, "center")
        hold = f"{PLAYER_RESCUE_HOLD:.0f} S"
        font().draw(surface, f"T: BACK ON TRACK (WAIT {hold})   R: RESTART", (w // 2, 192), GREY, 1, "center")
