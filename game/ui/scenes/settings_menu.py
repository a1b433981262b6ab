"""Settings: sound, volume, window size and key remapping; every change is saved at once."""

from __future__ import annotations

import pygame

from game.ui.controls import RESERVED_KEYS, key_label
from game.ui.render.font import font
from game.ui.render.palette import LIGHT_GREY, RED, YELLOW
from game.ui.render.panel import panel
from game.ui.scenes.backdrop_scene import BackdropScene
from game.ui.scenes.base import Context
from game.ui.scenes.widgets import MenuItem, MenuList
from game.ui.settings import DRIVING_ACTIONS, default_bindings

ACTION_LABELS = {"steer_left": "STEER LEFT", "steer_right": "STEER RIGHT", "accelerate": "ACCELERATE", "brake": "BRAKE"}


class SettingsScene(BackdropScene):
    """The settings menu; remapping waits for the next key press (Esc cancels)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.waiting_for: str | None = None  # the action being remapped
        self.note = ""
        items = [
            MenuItem(
                "SOUND", on_change=self._toggle_sound, value=lambda: "< OFF >" if self.settings.muted else "< ON >"
            ),
            MenuItem(
                "VOLUME", on_change=self._change_volume, value=lambda: f"< {round(self.settings.volume * 100)}% >"
            ),
            MenuItem("WINDOW SIZE", on_change=self._change_scale, value=self._scale_label),
        ]
        for action in DRIVING_ACTIONS:
            items.append(
                MenuItem(
                    ACTION_LABELS[action],
                    on_accept=lambda action=action: self._start_remap(action),
                    value=lambda action=action: " / ".join(key_label(k) for k in self.settings.key_bindings[action]),
                )
            )
        items.append(MenuItem("RESET CONTROLS", on_accept=self._reset_controls))
        items.append(MenuItem("BACK", on_accept=self.ctx.stack.pop))
        self.menu = MenuList(items, on_back=self.ctx.stack.pop, blip=lambda: self.ctx.audio.play("blip", 0.5))

    @property
    def settings(self):  # noqa: ANN201
        """The shared settings."""
        return self.ctx.settings

    @property
    def wants_all_keys(self) -> bool:  # type: ignore[override]
        """While waiting for a key, M and F12 can be bound too (well, they are refused, with a message)."""
        return self.waiting_for is not None

    def _toggle_sound(self, step: int) -> None:
        self.settings.muted = not self.settings.muted
        self.ctx.audio.set_muted(self.settings.muted)
        self.ctx.save_settings()

    def _change_volume(self, step: int) -> None:
        self.settings.volume = min(max(round(self.settings.volume * 10 + step) / 10.0, 0.0), 1.0)
        self.ctx.audio.set_volume(self.settings.volume)
        self.ctx.save_settings()

    def _scale_label(self) -> str:
        scale = self.settings.window_scale
        return "< AUTO >" if scale == 0 else f"< {scale}X >"

    def _change_scale(self, step: int) -> None:
        self.settings.window_scale = (self.settings.window_scale + step) % 5
        self.ctx.save_settings()
        self.ctx.toast("WINDOW SIZE CHANGES ON THE NEXT START", 2.5)

    def _start_remap(self, action: str) -> None:
        self.waiting_for = action
        self.note = f"PRESS A KEY FOR {ACTION_LABELS[action]} (ESC: CANCEL)"

    def _reset_controls(self) -> None:
        self.settings.key_bindings = default_bindings()
        self.ctx.controls.set_bindings(self.settings.key_bindings)
        self.ctx.save_settings()
        self.note = "CONTROLS RESET TO ARROWS + WASD"

    def bind(self, action: str, key: int) -> bool:
        """Make ``key`` the first key for ``action`` (keeping one other); False for a reserved key."""
        if key in RESERVED_KEYS:
            self.note = f"{pygame.key.name(key).upper()} IS TAKEN BY THE GAME: TRY ANOTHER KEY"
            return False
        name = pygame.key.name(key)
        bindings = self.settings.key_bindings
        for other in DRIVING_ACTIONS:  # a key drives one action only
            if other != action and name in bindings[other]:
                bindings[other] = [k for k in bindings[other] if k != name] or list(default_bindings()[other][:1])
        bindings[action] = [name] + [k for k in bindings[action] if k != name][:1]
        self.ctx.controls.set_bindings(bindings)
        self.ctx.save_settings()
        self.note = f"{ACTION_LABELS[action]}: {key_label(name)}"
        return True

    def handle_event(self, event: pygame.event.Event) -> None:
        """Remap prompt first, else menu navigation."""
        if self.waiting_for is not None:
            if event.type == pygame.KEYDOWN:
                if event.key == pygame.K_ESCAPE:
                    self.note = "CANCELLED"
                    self.waiting_for = None
                elif self.bind(self.waiting_for, event.key):
                    self.waiting_for = None
            return
        self.menu.handle_event(event)

    def draw(self, surface: pygame.Surface) -> None:
        """The settings list and the remap prompt."""
        super().draw(surface)
        f = font()
        w, h = surface.get_size()
        f.draw(surface, "SETTINGS", (w // 2, 12), YELLOW, 3, "center")
        self.menu.draw(surface, w // 2 - 120, 50, 240, scale=1, gap=8)
        if self.note:
            panel(surface, (20, h - 40, w - 40, 16), 200)
            f.draw(surface, self.note, (w // 2, h - 36), RED if self.waiting_for else LIGHT_GREY, 1, "center")
        f.draw(surface, "ENTER: REMAP   LEFT/RIGHT: CHANGE   ESC: BACK", (w // 2, h - 14), LIGHT_GREY, 1, "center")
