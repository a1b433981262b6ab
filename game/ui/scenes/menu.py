"""The title screen and main menu: Race, Time Trial, Championship, Watch, Track Editor, Settings, Quit."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pygame

from game.ui.render.backdrop import draw_logo
from game.ui.render.font import font
from game.ui.render.palette import GREY, LIGHT_GREY
from game.ui.scenes.backdrop_scene import BackdropScene
from game.ui.scenes.base import Context
from game.ui.scenes.message import MessageScene
from game.ui.scenes.training_status import draw_training_status
from game.ui.scenes.widgets import MenuItem, MenuList

EDITOR_MODULE = "game.ui.scenes.editor.scene"


def editor_available() -> bool:
    """Does the track editor (``game.ui.scenes.editor.scene.EditorScene``) exist yet?"""
    try:
        return importlib.util.find_spec(EDITOR_MODULE) is not None
    except (ImportError, ValueError):
        return False


def open_editor(ctx: Context, track_path: Path | None = None) -> None:
    """Push ``EditorScene(ctx, track_path)`` if the editor exists, else a "coming soon" message."""
    if editor_available():
        try:
            from game.ui.scenes.editor.scene import EditorScene  # type: ignore[import-not-found]

            ctx.stack.push(EditorScene(ctx, track_path))
            return
        except Exception as exc:  # a broken editor must not end the game
            ctx.stack.push(MessageScene(ctx, "TRACK EDITOR", f"The editor could not start: {exc}"))
            return
    ctx.stack.push(MessageScene(ctx, "TRACK EDITOR", "Coming soon: draw your own circuits and race them."))


class MainMenuScene(BackdropScene):
    """The title and the main menu."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.menu = MenuList(
            [
                MenuItem("RACE", on_accept=lambda: self._select(watch=False)),
                MenuItem("TIME TRIAL", on_accept=self._time_trial),
                MenuItem("CHAMPIONSHIP", on_accept=self._championship),
                MenuItem("WATCH (AI ONLY)", on_accept=lambda: self._select(watch=True)),
                MenuItem("TRACK EDITOR", on_accept=lambda: open_editor(self.ctx)),
                MenuItem("SETTINGS", on_accept=self._settings),
                MenuItem("QUIT", on_accept=self._quit),
            ],
            blip=lambda: self.ctx.audio.play("blip", 0.5),
        )

    def enter(self) -> None:
        """Menus are quiet: no engine."""
        self.ctx.audio.stop_loops()

    def _select(self, watch: bool) -> None:
        from game.ui.scenes.track_select import TrackSelectScene

        self.ctx.stack.push(TrackSelectScene(self.ctx, watch=watch))

    def _time_trial(self) -> None:
        from game.ui.scenes.time_trial_select import TimeTrialSelectScene

        self.ctx.stack.push(TimeTrialSelectScene(self.ctx))

    def _championship(self) -> None:
        from game.ui.scenes.championship_setup import ChampionshipSetupScene

        self.ctx.stack.push(ChampionshipSetupScene(self.ctx))

    def _settings(self) -> None:
        from game.ui.scenes.settings_menu import SettingsScene

        self.ctx.stack.push(SettingsScene(self.ctx))

    def _quit(self) -> None:
        self.ctx.stack.scenes.clear()

    def handle_event(self, event: pygame.event.Event) -> None:
        """Menu navigation."""
        self.menu.handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        """Logo, menu and key help."""
        super().draw(surface)
        w, h = surface.get_size()
        draw_logo(surface, 30, self.time)
        self.menu.draw(surface, w // 2 - 80, 118, 160, scale=1, gap=7)
        f = font()
        f.draw(surface, "ARROWS + ENTER   M: MUTE   F12: SCREENSHOT", (w // 2, h - 22), LIGHT_GREY, 1, "center")
        f.draw(surface, "RIVALS DRIVEN BY NEURAL NETWORKS", (w // 2, h - 11), GREY, 1, "center")
        draw_training_status(surface, self.ctx.jobs)  # drivers being trained in the background (track editor)
