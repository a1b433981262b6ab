"""The main loop: window, events, the scene stack, the low-resolution picture scaled up, screenshots."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pygame

from game.paths import data_dir
from game.ui.audio import Audio
from game.ui.controls import Controls
from game.ui.render import LOW_HEIGHT, LOW_WIDTH
from game.ui.render.font import font
from game.ui.render.palette import WHITE
from game.ui.render.panel import panel
from game.ui.scenes.base import Context, Scene
from game.ui.settings import BestLaps, load_settings

if TYPE_CHECKING:
    from game.sim.track import Track  # numba and scipy: not imported for the menu

TARGET_FPS = 60
# Set: print "first-frame" on stdout after the first frame, "first-race-frame" after a race's first (game.ui.bench).
FIRST_FRAME_ENV = "RETRORACER_PRINT_FIRST_FRAME"


@dataclass
class LaunchOptions:
    """What the command line asked for (see main.py)."""

    track: Path | None = None
    race_track: Track | None = None  # the track file, already loaded (main.py reads it before the window opens)
    rivals: int | None = None
    difficulty: str | None = None
    laps: int | None = None
    watch: bool = False
    time_trial: bool = False
    ghost: str = "best"
    replay: Path | None = None
    championship: bool = False
    editor: bool = False
    editor_track: Path | None = None
    frames: int | None = None
    screenshot: Path | None = None
    scale: int | None = None
    mute: bool = False
    autopilot: bool = False


def choose_scale(requested: int) -> int:
    """The window's whole-number scale: as asked, or the largest that fits the desktop (at least 1)."""
    if requested > 0:
        return requested
    try:
        desk_w, desk_h = pygame.display.get_desktop_sizes()[0]
    except (pygame.error, IndexError):
        return 2
    return max(1, min((desk_w - 64) // LOW_WIDTH, (desk_h - 96) // LOW_HEIGHT))


class App:
    """Owns the window and runs the scenes."""

    def __init__(self, options: LaunchOptions) -> None:
        self.options = options
        pygame.display.init()
        pygame.joystick.init()
        _sigterm_ends_the_game()
        settings, message = load_settings()
        best_laps = BestLaps()
        audio = Audio(settings.volume, settings.muted or options.mute)
        self.ctx = Context(settings, best_laps, audio, Controls(settings.key_bindings), autopilot=options.autopilot)
        for note in (message, best_laps.message):
            if note:
                self.ctx.toast(note, 6.0)
        self.scale = choose_scale(options.scale or settings.window_scale)
        pygame.display.set_caption("RetroRacer")
        self.window = pygame.display.set_mode((LOW_WIDTH * self.scale, LOW_HEIGHT * self.scale))
        self.low = pygame.Surface((LOW_WIDTH, LOW_HEIGHT))
        self.clock = pygame.time.Clock()
        self.frames = 0
        self._open_first_scenes()

    def _open_first_scenes(self) -> None:
        from game.ui.scenes.menu import MainMenuScene, open_editor

        options = self.options
        ctx = self.ctx
        ctx.stack.push(MainMenuScene(ctx))
        if options.editor:
            open_editor(ctx, options.editor_track)
        elif options.time_trial:
            self._open_time_trial()
        elif options.championship:
            self._open_championship()
        elif options.replay is not None:
            from game.ui.replays import open_replay

            ctx.stack.push(open_replay(ctx, options.replay))
        elif options.track is not None or options.watch:
            self._open_race()

    def _track_to_open(self) -> Path | None:
        """The --track file, else the first shipped track; None (with a message on screen) when there is none."""
        from game.ui.scenes.message import MessageScene
        from game.ui.tracklist import track_files

        if self.options.track is not None:
            return self.options.track
        files = track_files()
        if not files:
            self.ctx.stack.push(MessageScene(self.ctx, "NO TRACKS", "No track files found in tracks/."))
            return None
        return files[0]

    def _open_race(self) -> None:
        from game.sim.race import RaceConfig
        from game.ui.scenes.race_scene import LoadingScene

        options = self.options
        settings = self.ctx.settings
        path = self._track_to_open()
        if path is None:
            return
        rivals = options.rivals if options.rivals is not None else (7 if options.watch else settings.rivals)
        config = RaceConfig(
            laps=options.laps or settings.laps,
            rivals=rivals,
            difficulty=options.difficulty or settings.difficulty,
            watch=options.watch,
        )
        self.ctx.stack.push(LoadingScene(self.ctx, path, config, track=options.race_track))

    def _open_time_trial(self) -> None:
        from game.sim.rules import DIFFICULTY_PACE
        from game.ui.scenes.time_trial import open_time_trial

        path = self._track_to_open()
        if path is None:
            return

        pace = DIFFICULTY_PACE[self.options.difficulty] if self.options.difficulty else 1.0
        self.ctx.stack.push(open_time_trial(self.ctx, path, mode=self.options.ghost, autopilot_pace=pace))

    def _open_championship(self) -> None:
        """Resume the saved season, or start one over the shipped tracks with the settings' race settings."""
        from game.ui.scenes.championship_setup import open_season
        from game.ui.seasons import default_calendar, load_season, new_season, save_season

        ctx = self.ctx
        season, message = load_season()
        if message:
            ctx.toast(message.upper(), 6.0)
        if season is None or season.finished:
            options, settings = self.options, ctx.settings
            season = new_season(
                default_calendar(),
                options.laps or settings.laps,
                options.rivals if options.rivals is not None else settings.rivals,
                options.difficulty or settings.difficulty,
            )
            message = save_season(season)
            if message:
                ctx.toast(message.upper(), 6.0)
        open_season(ctx, season)

    # -- one frame ----------------------------------------------------------------------------------------------
    @property
    def top(self) -> Scene | None:
        """The scene getting input."""
        return self.ctx.stack.top

    def handle_event(self, event: pygame.event.Event) -> None:
        """Global keys, then the top scene."""
        ctx = self.ctx
        if event.type == pygame.QUIT:
            for scene in reversed(list(ctx.stack.scenes)):
                if scene.before_quit(ctx.stack.scenes.clear):
                    return
            ctx.stack.scenes.clear()
            return
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            attrs = dict(event.dict)
            attrs["pos"] = (event.pos[0] // self.scale, event.pos[1] // self.scale)
            event = pygame.event.Event(event.type, attrs)
        if event.type in (pygame.JOYDEVICEADDED, pygame.JOYDEVICEREMOVED):
            ctx.controls.handle_event(event)
        top = self.top
        if event.type == pygame.KEYDOWN and not (top is not None and top.wants_all_keys):
            if event.key == pygame.K_F12:
                self.save_screenshot()
                return
            if event.key == pygame.K_m:
                ctx.settings.muted = not ctx.settings.muted
                ctx.audio.set_muted(ctx.settings.muted)
                ctx.save_settings()
                ctx.toast("SOUND OFF" if ctx.settings.muted else "SOUND ON", 1.5)
                return
        if top is not None:
            top.handle_event(event)

    def step(self, dt: float, events: list[pygame.event.Event] | None = None) -> bool:
        """One frame: events, update, draw, show. Returns False when the game should end."""
        for event in pygame.event.get() if events is None else events:
            self.handle_event(event)
        top = self.top
        if top is None:
            return False
        self.ctx.jobs.poll()  # job files are read (and a dead job marked failed) here, never while drawing
        top.update(dt)
        for toast in self.ctx.toasts:
            toast[1] -= dt
        self.ctx.toasts = [t for t in self.ctx.toasts if t[1] > 0.0]
        if self.top is None:
            return False
        self.draw()
        self.frames += 1
        return True

    def draw(self) -> None:
        """Draw the stack onto the low-resolution picture, then scale it into the window."""
        self.low.fill((0, 0, 0))
        self.ctx.stack.draw(self.low)
        self._draw_toasts(self.low)
        pygame.transform.scale(self.low, self.window.get_size(), self.window)
        pygame.display.flip()

    def _draw_toasts(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        for k, (text, _) in enumerate(self.ctx.toasts[-3:]):
            y = h - 56 - 14 * k
            panel(surface, (10, y - 3, w - 20, 13), 210)
            font().draw(surface, str(text).upper()[:76], (w // 2, y), WHITE, 1, "center")

    def save_screenshot(self, path: Path | None = None) -> Path | None:
        """Save the window's picture (F12: into the data folder's screenshots/)."""
        if path is None:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            path = data_dir() / "screenshots" / f"retroracer-{stamp}-{self.frames}.png"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            pygame.image.save(self.window, str(path))
        except (OSError, pygame.error) as exc:
            self.ctx.toast(f"could not save the screenshot: {exc}")
            if path == self.options.screenshot:
                print(f"RetroRacer: error: could not save the screenshot {path}: {exc}", file=sys.stderr)
            return None
        if self.options.screenshot is None or path != self.options.screenshot:
            self.ctx.toast(f"SCREENSHOT SAVED: {path.name}", 2.5)
        return path

    def run(self) -> int:
        """Run until Quit (or ``--frames`` frames); returns the exit status."""
        frames = self.options.frames
        fixed_dt = 1.0 / TARGET_FPS if frames is not None else None
        report = bool(os.environ.get(FIRST_FRAME_ENV))
        running = True
        while running:
            if fixed_dt is not None:
                dt = fixed_dt
            else:
                dt = self.clock.tick(TARGET_FPS) / 1000.0
            running = self.step(dt)
            if report and self.frames == 1:
                print("first-frame", flush=True)
            if report and type(self.top).__name__ in ("RaceScene", "GridScene"):  # the race is built
                print("first-race-frame", flush=True)
                report = False
            if frames is not None and self.frames >= frames:
                running = False
        status = 0
        if self.options.screenshot is not None and self.save_screenshot(self.options.screenshot) is None:
            status = 1
        self.ctx.audio.stop_loops()
        pygame.quit()
        return status


def _sigterm_ends_the_game() -> None:
    """SIGTERM ends the game at once, like Ctrl-C, even in the middle of loading a race.

    SDL's own handler (installed by ``pygame.display.init``) only queues a QUIT event, which is not read until
    the frame ends: a long load ignored ``kill``.
    """

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread (tests)
        signal.signal(signal.SIGTERM, handler)


def run(options: LaunchOptions) -> int:
    """Start the game."""
    try:
        return App(options).run()
    except KeyboardInterrupt:
        return 130
    except pygame.error as exc:
        print(f"RetroRacer: cannot open a window: {exc}", file=sys.stderr)
        return 1
