"""Track select: each track's shape, length and the player's best lap; rivals, difficulty and laps."""

from __future__ import annotations

import pygame

from game.sim.rules import DIFFICULTIES, MAX_LAPS, MAX_RIVALS
from game.ui.render.font import font
from game.ui.render.hud import track_outline
from game.ui.render.palette import GREY, LIGHT_GREY, RED, WHITE, YELLOW
from game.ui.render.panel import panel
from game.ui.scenes.backdrop_scene import BackdropScene
from game.ui.scenes.base import Context
from game.ui.scenes.widgets import MenuItem, MenuList
from game.ui.text import format_time
from game.ui.tracklist import TrackEntry, track_files

PREVIEW_SIZE = (170, 130)


class TrackSelectScene(BackdropScene):
    """Choose the track and the race settings, then start (a race, or an AI-only race when ``watch``)."""

    def __init__(self, ctx: Context, watch: bool = False) -> None:
        super().__init__(ctx)
        self.watch = watch
        self.heading = "WATCH AN AI RACE" if watch else "CHOOSE YOUR RACE"
        self.entries = [TrackEntry(path) for path in track_files()]
        self.index = 0
        last = ctx.settings.last_track
        for k, entry in enumerate(self.entries):
            if str(entry.path) == last:
                self.index = k
        self._previews: dict[int, pygame.Surface] = {}
        items = [
            MenuItem("TRACK", on_change=self._change_track, value=self._track_label),
            MenuItem("CARS" if watch else "RIVALS", on_change=self._change_rivals, value=self._rivals_label),
            MenuItem(
                "DIFFICULTY", on_change=self._change_difficulty, value=lambda: f"< {self.settings.difficulty.upper()} >"
            ),
            MenuItem("LAPS", on_change=self._change_laps, value=lambda: f"< {self.settings.laps} >"),
            MenuItem("WATCH!" if watch else "START RACE", on_accept=self._start, enabled=self._startable),
            MenuItem("BACK", on_accept=self.ctx.stack.pop),
        ]
        self.menu = MenuList(items, on_back=self.ctx.stack.pop, blip=lambda: self.ctx.audio.play("blip", 0.5))
        self.menu.index = 4 if self._startable() else 0
        self._load_current()

    @property
    def settings(self):  # noqa: ANN201
        """The shared settings (the choices here are remembered)."""
        return self.ctx.settings

    # -- choices ------------------------------------------------------------------------------------------------
    @property
    def entry(self) -> TrackEntry | None:
        """The chosen track file, if there is any."""
        return self.entries[self.index] if self.entries else None

    def _load_current(self) -> None:
        entry = self.entry
        if entry is not None and self.index not in self._previews:
            track = entry.load()
            if track is not None:
                self._previews[self.index] = track_outline(track, PREVIEW_SIZE, LIGHT_GREY, 4)

    def _change_track(self, step: int) -> None:
        if self.entries:
            self.index = (self.index + step) % len(self.entries)
            self._load_current()

    def _track_label(self) -> str:
        entry = self.entry
        if entry is None:
            return "NO TRACKS"
        track = entry.load()
        name = track.name.split(" (")[0] if track is not None else entry.path.stem
        return f"< {name.upper()[:18]} >"

    def _change_rivals(self, step: int) -> None:
        self.settings.rivals = min(max(self.settings.rivals + step, 0), MAX_RIVALS)
        self.ctx.save_settings()

    def _rivals_label(self) -> str:
        return f"< {self.settings.rivals + 1 if self.watch else self.settings.rivals} >"

    def _change_difficulty(self, step: int) -> None:
        k = DIFFICULTIES.index(self.settings.difficulty) if self.settings.difficulty in DIFFICULTIES else 1
        self.settings.difficulty = DIFFICULTIES[(k + step) % len(DIFFICULTIES)]
        self.ctx.save_settings()

    def _change_laps(self, step: int) -> None:
        self.settings.laps = min(max(self.settings.laps + step, 1), MAX_LAPS)
        self.ctx.save_settings()

    def _startable(self) -> bool:
        entry = self.entry
        return entry is not None and entry.load() is not None

    def _chosen(self) -> TrackEntry | None:
        """The chosen track, remembered in the settings as the last one; None when it cannot be raced."""
        if not self._startable():
            return None
        entry = self.entry
        self.settings.last_track = str(entry.path)
        self.ctx.save_settings()
        return entry

    def _start(self) -> None:
        from game.sim.race import RaceConfig
        from game.ui.scenes.race_scene import LoadingScene

        entry = self._chosen()
        if entry is None:
            return
        config = RaceConfig(
            laps=self.settings.laps, rivals=self.settings.rivals, difficulty=self.settings.difficulty, watch=self.watch
        )
        self.ctx.stack.push(LoadingScene(self.ctx, entry.path, config, track=entry.load()))

    # -- scene --------------------------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        """Menu navigation."""
        self.menu.handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        """Preview on the left, choices on the right."""
        super().draw(surface)
        f = font()
        w, h = surface.get_size()
        f.draw(surface, self.heading, (w // 2, 12), YELLOW, 2, "center")
        panel(surface, (12, 36, PREVIEW_SIZE[0] + 16, PREVIEW_SIZE[1] + 70), 200)
        entry = self.entry
        if entry is None:
            f.draw(surface, "NO TRACK FILES FOUND", (20, 90), RED, 1)
            f.draw(surface, "PUT TRACKS IN TRACKS/", (20, 102), GREY, 1)
        else:
            track = entry.load()
            preview = self._previews.get(self.index)
            if track is None or preview is None:
                f.draw(surface, "BROKEN TRACK FILE", (20, 60), RED, 1)
                import textwrap

                for k, line in enumerate(textwrap.wrap(entry.error or "", 28)[:10]):
                    f.draw(surface, line, (20, 74 + 10 * k), LIGHT_GREY, 1)
            else:
                surface.blit(preview, (20, 42))
                top = 48 + PREVIEW_SIZE[1]
                f.draw(surface, track.name.upper()[:28], (20, top), WHITE, 1)
                f.draw(surface, f"LENGTH {track.length / 1000.0:.2f} KM", (20, top + 12), LIGHT_GREY, 1)
                best = self.ctx.best_laps.get(entry.key, track.length)
                f.draw(surface, f"BEST LAP {format_time(best)}", (20, top + 24), YELLOW, 1)
                f.draw(surface, f"AI: {self._ai_label(entry)}", (20, top + 36), GREY, 1)
            f.draw(surface, f"{self.index + 1}/{len(self.entries)}", (12 + PREVIEW_SIZE[0] + 10, 42), GREY, 1, "right")
        self.menu.draw(surface, 222, 64, 240, scale=1, gap=10)
        f.draw(surface, "LEFT/RIGHT: CHANGE   ENTER: GO   ESC: BACK", (w // 2, h - 14), LIGHT_GREY, 1, "center")

    def _ai_label(self, entry: TrackEntry) -> str:
        from game.drivers.catalogue import model_path_for_track
        from game.paths import base_model
        from game.ui.scenes.training_status import training_label

        training = training_label(self.ctx.jobs, entry.key)  # a driver being trained in the background (track editor)
        if training is not None:
            return training
        path = model_path_for_track(entry.path)
        if path is None:
            return "SCRIPTED (NO MODEL)"
        return "BASE MODEL" if path == base_model() else "TUNED FOR THIS TRACK"
