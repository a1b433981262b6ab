"""Setting up a championship: resume the saved season, or choose the calendar and the race settings of a new one."""

from __future__ import annotations

from pathlib import Path

import pygame

from game.paths import TRACKS_DIR
from game.sim.championship import Championship
from game.sim.rules import DIFFICULTIES, MAX_LAPS, MAX_RIVALS
from game.ui.render.font import font
from game.ui.render.palette import LIGHT_GREY, YELLOW
from game.ui.scenes.backdrop_scene import BackdropScene
from game.ui.scenes.base import Context
from game.ui.scenes.widgets import MenuItem, MenuList
from game.ui.seasons import load_season, new_season, save_season
from game.ui.tracklist import track_files


def open_season(ctx: Context, season: Championship) -> None:
    """Show a season's standings (its next round one Enter away)."""
    from game.ui.scenes.championship import StandingsScene

    ctx.stack.push(StandingsScene(ctx, season))


class ChampionshipSetupScene(BackdropScene):
    """RESUME (when a season is saved), the calendar (a switch per track), rivals, difficulty, laps, START."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.saved, message = load_season()
        if message:
            ctx.toast(message.upper(), 6.0)
        self.tracks = track_files()
        self.chosen = [path.parent == TRACKS_DIR for path in self.tracks]  # the shipped tracks by default
        items = []
        if self.saved is not None and not self.saved.finished:
            label = f"RESUME: ROUND {self.saved.round_index + 1} OF {len(self.saved.calendar)}"
            items.append(MenuItem(label, on_accept=lambda: open_season(self.ctx, self.saved)))
        for k, path in enumerate(self.tracks):
            items.append(MenuItem(self._track_name(path), on_change=self._toggler(k), value=self._mark(k)))
        settings = ctx.settings
        items += [
            MenuItem("RIVALS", on_change=self._change_rivals, value=lambda: f"< {settings.rivals} >"),
            MenuItem(
                "DIFFICULTY", on_change=self._change_difficulty, value=lambda: f"< {settings.difficulty.upper()} >"
            ),
            MenuItem("LAPS", on_change=self._change_laps, value=lambda: f"< {settings.laps} >"),
            MenuItem("START NEW SEASON", on_accept=self._start, enabled=lambda: any(self.chosen)),
            MenuItem("BACK", on_accept=self.ctx.stack.pop),
        ]
        self.menu = MenuList(items, on_back=self.ctx.stack.pop, blip=lambda: self.ctx.audio.play("blip", 0.5))

    @staticmethod
    def _track_name(path: Path) -> str:
        return path.stem.replace("_", " ").upper()[:22]

    def _toggler(self, k: int):  # noqa: ANN202
        def toggle(step: int) -> None:
            self.chosen[k] = not self.chosen[k]

        return toggle

    def _mark(self, k: int):  # noqa: ANN202
        return lambda: "[X]" if self.chosen[k] else "[ ]"

    def _change_rivals(self, step: int) -> None:
        self.ctx.settings.rivals = min(max(self.ctx.settings.rivals + step, 0), MAX_RIVALS)
        self.ctx.save_settings()

    def _change_difficulty(self, step: int) -> None:
        settings = self.ctx.settings
        k = DIFFICULTIES.index(settings.difficulty) if settings.difficulty in DIFFICULTIES else 1
        settings.difficulty = DIFFICULTIES[(k + step) % len(DIFFICULTIES)]
        self.ctx.save_settings()

    def _change_laps(self, step: int) -> None:
        self.ctx.settings.laps = min(max(self.ctx.settings.laps + step, 1), MAX_LAPS)
        self.ctx.save_settings()

    def _start(self) -> None:
        settings = self.ctx.settings
        calendar = [path for path, on in zip(self.tracks, self.chosen, strict=True) if on]
        season = new_season(calendar, settings.laps, settings.rivals, settings.difficulty)
        message = save_season(season)
        if message:
            self.ctx.toast(message.upper(), 6.0)
        self.ctx.stack.pop()
        open_season(self.ctx, season)

    def handle_event(self, event: pygame.event.Event) -> None:
        """Menu navigation (Enter or left/right switch a track in or out)."""
        self.menu.handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        """Title and the list."""
        super().draw(surface)
        f = font()
        w, h = surface.get_size()
        f.draw(surface, "CHAMPIONSHIP", (w // 2, 8), YELLOW, 2, "center")
        self.menu.draw(surface, w // 2 - 110, 32, 220, scale=1, gap=4)
        f.draw(surface, "ENTER: SWITCH A TRACK IN OR OUT   ESC: BACK", (w // 2, h - 12), LIGHT_GREY, 1, "center")
