"""Player input: keyboard (remappable, arrows and WASD by default) and gamepads, as [steer, throttle].

Steer +1 is full lock left, -1 full lock right; throttle +1 full power, -1 full brake (and reverse once
stopped), as in ``game.sim.physics``. Keyboard input is digital; the physics rate-limits the wheels, so a tap
steers gently. A gamepad gives analog steering (left stick) and throttle (right trigger, brake on the left
trigger), with the A / B buttons as a digital fallback for pads without triggers. An input module: imports
pygame.
"""

from __future__ import annotations

import pygame

from game.ui.settings import DEFAULT_BINDINGS, DRIVING_ACTIONS

STICK_DEADZONE = 0.12
TRIGGER_DEADZONE = 0.05
# SDL's usual layout for an Xbox-style pad through the joystick API.
AXIS_STEER = 0
AXIS_LEFT_TRIGGER = 4
AXIS_RIGHT_TRIGGER = 5
BUTTON_ACCELERATE = 0  # A
BUTTON_BRAKE = 1  # B
BUTTON_START = 7

# Keys that menus understand, besides the driving bindings.
MENU_UP = (pygame.K_UP, pygame.K_w)
MENU_DOWN = (pygame.K_DOWN, pygame.K_s)
MENU_LEFT = (pygame.K_LEFT, pygame.K_a)
MENU_RIGHT = (pygame.K_RIGHT, pygame.K_d)
MENU_ACCEPT = (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)
MENU_BACK = (pygame.K_ESCAPE, pygame.K_BACKSPACE)
RESERVED_KEYS = (pygame.K_ESCAPE, pygame.K_F12, pygame.K_m, pygame.K_r, pygame.K_RETURN, pygame.K_t, pygame.K_g)


def key_code(name: str) -> int | None:
    """The pygame key code for a key name ("left", "a"), or None for an unknown name."""
    try:
        return pygame.key.key_code(name)
    except (ValueError, TypeError):
        return None


def key_label(name: str) -> str:
    """A short upper-case label for a key name, for menus."""
    return {"left": "LEFT", "right": "RIGHT", "up": "UP", "down": "DOWN"}.get(name, name.upper())


def menu_direction(event: pygame.event.Event) -> str | None:
    """Turn a key or gamepad event into a menu command: up, down, left, right, accept, back; else None."""
    if event.type == pygame.KEYDOWN:
        for command, keys in (
            ("up", MENU_UP),
            ("down", MENU_DOWN),
            ("left", MENU_LEFT),
            ("right", MENU_RIGHT),
            ("accept", MENU_ACCEPT),
            ("back", MENU_BACK),
        ):
            if event.key in keys:
                return command
    elif event.type == pygame.JOYHATMOTION:
        x, y = event.value
        if y:
            return "up" if y > 0 else "down"
        if x:
            return "right" if x > 0 else "left"
    elif event.type == pygame.JOYBUTTONDOWN:
        if event.button == BUTTON_ACCELERATE:
            return "accept"
        if event.button == BUTTON_BRAKE:
            return "back"
    return None


class Controls:
    """Reads the keyboard and any connected gamepads and turns them into [steer, throttle]."""

    def __init__(self, bindings: dict[str, list[str]] | None = None) -> None:
        self.joysticks: dict[int, pygame.joystick.JoystickType] = {}
        self._triggers_live: set[int] = set()  # pads whose triggers have been seen at rest (-1)
        self.set_bindings(bindings or DEFAULT_BINDINGS)

    def set_bindings(self, bindings: dict[str, list[str]]) -> None:
        """Use new key bindings (action -> key names); unknown names are ignored."""
        self.bindings = {action: list(bindings.get(action, DEFAULT_BINDINGS[action])) for action in DRIVING_ACTIONS}
        self.codes: dict[str, list[int]] = {}
        for action, names in self.bindings.items():
            codes = [code for code in (key_code(name) for name in names) if code is not None]
            self.codes[action] = codes or [c for c in (key_code(n) for n in DEFAULT_BINDINGS[action]) if c]

    def handle_event(self, event: pygame.event.Event) -> None:
        """Track gamepads being plugged in and out."""
        if event.type == pygame.JOYDEVICEADDED:
            try:
                joystick = pygame.joystick.Joystick(event.device_index)
                self.joysticks[joystick.get_instance_id()] = joystick
            except pygame.error:
                pass
        elif event.type == pygame.JOYDEVICEREMOVED:
            self.joysticks.pop(event.instance_id, None)

    def read(self) -> tuple[float, float]:
        """Current [steer, throttle] from the keyboard and gamepads (the strongest input wins)."""
        return self.from_keys(pygame.key.get_pressed()) if pygame.display.get_init() else (0.0, 0.0)

    def from_keys(self, pressed: pygame.key.ScancodeWrapper | dict[int, bool]) -> tuple[float, float]:
        """[steer, throttle] from a key-state lookup (pygame.key.get_pressed() or a dict), plus gamepads."""

        def down(action: str) -> bool:
            return any(pressed[code] for code in self.codes[action])

        steer = float(down("steer_left")) - float(down("steer_right"))
        throttle = float(down("accelerate")) - float(down("brake"))
        pad_steer, pad_throttle = self._gamepad()
        if abs(pad_steer) > abs(steer):
            steer = pad_steer
        if abs(pad_throttle) > abs(throttle):
            throttle = pad_throttle
        return steer, throttle

    def _gamepad(self) -> tuple[float, float]:
        steer = 0.0
        throttle = 0.0
        for instance_id, joystick in list(self.joysticks.items()):
            try:
                axes = joystick.get_numaxes()
                x = joystick.get_axis(AXIS_STEER) if axes > AXIS_STEER else 0.0
                if abs(x) > STICK_DEADZONE and abs(x) > abs(steer):
                    steer = -x  # stick right (+x) steers right (negative)
                gas = brake = 0.0
                if axes > AXIS_RIGHT_TRIGGER:  # triggers rest at -1 and read +1 fully pressed
                    right = joystick.get_axis(AXIS_RIGHT_TRIGGER)
                    left = joystick.get_axis(AXIS_LEFT_TRIGGER)
                    if min(right, left) < -0.9:  # some pads read 0 until a trigger first moves: wait for rest
                        self._triggers_live.add(instance_id)
                    if instance_id in self._triggers_live:
                        gas = (right + 1.0) / 2.0
                        brake = (left + 1.0) / 2.0
                buttons = joystick.get_numbuttons()
                if buttons > BUTTON_ACCELERATE and joystick.get_button(BUTTON_ACCELERATE):
                    gas = 1.0
                if buttons > BUTTON_BRAKE and joystick.get_button(BUTTON_BRAKE):
                    brake = 1.0
                value = (gas if gas > TRIGGER_DEADZONE else 0.0) - (brake if brake > TRIGGER_DEADZONE else 0.0)
                if abs(value) > abs(throttle):
                    throttle = value
            except pygame.error:
                continue
        return steer, throttle
