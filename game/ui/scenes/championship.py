"""The championship between races: the standings, the next round, and the podium when the season is over.

A round is raced by :class:`ChampionshipRaceScene`, a race whose results are added to the season and saved as soon
as they are shown; Enter on the results comes back here. Esc leaves for the menu: the season is saved, and the
menu's CHAMPIONSHIP (or ``python main.py --championship``) resumes it.
"""

from __future__ import annotations

from pathlib import Path

import pygame

from game.paths import resolve_portable
from game.sim.championship import Championship
from game.sim.track import Track
from game.ui.controls import menu_direction
from game.ui.render.font import font
from game.ui.render.palette import GREY, LIGHT_GREY, WHITE, YELLOW
from game.ui.render.panel import panel
from game.ui.render.podium import draw_podium, draw_standings
from game.ui.scenes.backdrop_scene import BackdropScene
from game.ui.scenes.base import Context, Scene
from game.ui.scenes.race_scene import LoadingScene, RaceScene
from game.ui.seasons import save_season


def track_title(stored: str) -> str:
    """A calendar entry for the screen: the track file's stem, in words."""
    return Path(stored).stem.replace("_", " ").upper()


class StandingsScene(BackdropScene):
    """The season so far; Enter races the next round (or, at the end, goes back to the menu)."""

    def __init__(self, ctx: Context, season: Championship) -> None:
        super().__init__(ctx)
        self.season = season

    def handle_event(self, event: pygame.event.Event) -> None:
        """Enter: next round (or the menu after the podium); Esc: the menu (the season is saved)."""
        command = menu_direction(event)
        if command == "accept":
            self.ctx.audio.play("blip", 0.5)
            if self.season.finished:
                self._to_menu()
            else:
                self.start_round()
        elif command == "back":
            self._to_menu()

    def _to_menu(self) -> None:
        from game.ui.scenes.menu import MainMenuScene

        self.ctx.stack.reset(MainMenuScene(self.ctx))

    def start_round(self) -> None:
        """Load the next round's track and race it."""
        season = self.season
        track_path = resolve_portable(season.next_track or "")

        def build(track: Track) -> Scene:
            return ChampionshipRaceScene(self.ctx, track, track_path, season)

        self.ctx.stack.push(LoadingScene(self.ctx, track_path, season.config, build=build))

    def draw(self, surface: pygame.Surface) -> None:
        """Title, standings, next round (or the podium)."""
        super().draw(surface)
        f = font()
        w, h = surface.get_size()
        season = self.season
        table = season.standings()
        total = len(season.calendar)
        if season.finished:
            f.draw(surface, "CHAMPIONSHIP FINAL", (w // 2, 8), YELLOW, 2, "center")
            draw_podium(surface, table, 128)
            if len(table) > 3:
                draw_standings(surface, table[3:], {}, 134, first=4)
            champion = table[0]
            verdict = "YOU ARE THE CHAMPION!" if champion.car == 0 else f"{champion.name} IS THE CHAMPION"
            panel(surface, (w // 2 - 100, h - 30, 200, 28), 210)
            f.draw(surface, verdict, (w // 2, h - 26), WHITE, 1, "center")
            f.draw(surface, "ENTER: MENU", (w // 2, h - 13), LIGHT_GREY, 1, "center")
            return
        done = season.round_index
        title = "CHAMPIONSHIP" if done == 0 else f"STANDINGS AFTER ROUND {done}"
        f.draw(surface, title, (w // 2, 8), YELLOW, 2, "center")
        last = season.round_points(done - 1) if done else {}
        draw_standings(surface, table, last, 30)
        panel(surface, (w // 2 - 130, h - 46, 260, 44), 210)
        f.draw(
            surface,
            f"ROUND {done + 1} OF {total}: {track_title(season.next_track or '')}",
            (w // 2, h - 40),
            WHITE,
            1,
            "center",
        )
        config = season.config
        f.draw(
            surface,
            f"{config.laps} LAP{'S' if config.laps > 1 else ''}   {config.rivals} RIVALS   {config.difficulty.upper()}",
            (w // 2, h - 28),
            GREY,
            1,
            "center",
        )
        f.draw(surface, "ENTER: RACE   ESC: MENU (SAVED)", (w // 2, h - 13), LIGHT_GREY, 1, "center")


class ChampionshipRaceScene(RaceScene):
    """A round of the season: its results go into the standings and the season is saved."""

    def __init__(self, ctx: Context, track: Track, track_path: Path, season: Championship, **kwargs) -> None:  # noqa: ANN003
        self.season = season
        self.recorded = False
        super().__init__(ctx, track, track_path, season.config, **kwargs)

    def reload(self) -> Scene:
        """The same round from the grid."""

        def build(track: Track) -> Scene:
            return ChampionshipRaceScene(self.ctx, track, self.track_path, self.season, input_source=self.input_source)

        return LoadingScene(self.ctx, self.track_path, self.config, self.track, build=build)

    def show_results(self) -> None:
        """Add the round to the season, save it, and show the results (Enter goes on to the standings)."""
        from game.ui.scenes.results import ResultsScene

        if not self.recorded:
            self.recorded = True
            self.season.add_round(self.race.results())
            message = save_season(self.season)
            if message:
                self.ctx.toast(message.upper(), 6.0)
        self.ctx.audio.stop_loops()
        self.ctx.stack.replace(ResultsScene(self.ctx, self, next_scene=self.ctx.stack.pop, can_restart=False))
