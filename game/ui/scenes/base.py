"""The scene framework: a small lifecycle, a stack of scenes, and a context that every scene shares.

Writing a scene (the track editor plugs in the same way)::

    from game.ui.scenes.base import Context, Scene

    class EditorScene(Scene):
        def __init__(self, ctx: Context, track_path: Path | None = None) -> None:
            super().__init__(ctx)

        def handle_event(self, event: pygame.event.Event) -> None:  # one input event
            if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
                self.ctx.stack.pop()  # back to whatever opened the editor

        def update(self, dt: float) -> None:  # dt: real seconds since the last frame
            ...

        def draw(self, surface: pygame.Surface) -> None:  # the 480x270 picture; never change state here
            ...

The main loop (:func:`game.ui.app.run`) sends every event to the top scene, then calls its ``update``,
then draws the stack: the top scene, over the scenes below it when it is not ``opaque`` (a pause menu over the
race). ``ctx.stack.push(scene)`` opens a scene on top, ``pop()`` closes the top one, ``replace(scene)`` swaps
it, ``reset(scene)`` empties the stack down to one scene (back to the menu). ``enter()`` runs when a scene
becomes the top one (pushed, or uncovered by a pop); ``leave()`` when it stops being the top one.

The app handles a few keys itself before the scene sees them: F12 saves a screenshot and M toggles the sound,
unless the top scene sets ``wants_all_keys`` (a key-remapping prompt, a text field).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pygame

from game.jobs.board import JobBoard
from game.ui.render import LOW_HEIGHT, LOW_WIDTH

if TYPE_CHECKING:
    from game.ui.audio import Audio
    from game.ui.controls import Controls
    from game.ui.settings import BestLaps, Settings


class Scene:
    """One screen of the game. Override what you need; every method has a do-nothing default."""

    opaque = True  # False: the scene below is drawn first (overlays such as the pause menu)
    wants_all_keys = False  # True: the app passes F12 and M to this scene instead of handling them

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def enter(self) -> None:
        """Called when the scene becomes the top of the stack."""

    def leave(self) -> None:
        """Called when another scene covers this one or it is popped."""

    def handle_event(self, event: pygame.event.Event) -> None:
        """React to one pygame event (keys, gamepad, mouse)."""

    def update(self, dt: float) -> None:
        """Move the scene on by ``dt`` seconds of real time."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw onto the low-resolution surface; must not change the scene's state."""

    def before_quit(self, proceed: Callable[[], None]) -> bool:
        """The window is being closed: return True to hold the quit (and call ``proceed`` later to quit after all).

        Any open scene is asked, the top one first (an editor with unsaved changes asks what to do with them).
        """
        return False


class SceneStack:
    """The open scenes; the last one is on top and gets the input."""

    def __init__(self) -> None:
        self.scenes: list[Scene] = []

    @property
    def top(self) -> Scene | None:
        """The scene that gets input and updates, or None when the stack is empty (the game quits)."""
        return self.scenes[-1] if self.scenes else None

    def push(self, scene: Scene) -> None:
        """Open ``scene`` on top of the current one."""
        if self.scenes:
            self.scenes[-1].leave()
        self.scenes.append(scene)
        scene.enter()

    def pop(self) -> Scene | None:
        """Close the top scene and return to the one below."""
        if not self.scenes:
            return None
        scene = self.scenes.pop()
        scene.leave()
        if self.scenes:
            self.scenes[-1].enter()
        return scene

    def replace(self, scene: Scene) -> None:
        """Swap the top scene for ``scene``."""
        if self.scenes:
            self.scenes.pop().leave()
        self.scenes.append(scene)
        scene.enter()

    def reset(self, scene: Scene) -> None:
        """Close every scene and open ``scene`` alone."""
        while self.scenes:
            self.scenes.pop().leave()
        self.scenes.append(scene)
        scene.enter()

    def draw(self, surface: pygame.Surface) -> None:
        """Draw from the highest opaque scene up to the top."""
        start = 0
        for index in range(len(self.scenes) - 1, -1, -1):
            if self.scenes[index].opaque:
                start = index
                break
        for scene in self.scenes[start:]:
            scene.draw(surface)


@dataclass
class Context:
    """What every scene shares.

    Attributes:
        settings: The player's settings (call :meth:`save_settings` after changing them).
        best_laps: The player's best lap per track.
        audio: Sound (silent when there is no audio device).
        controls: Keyboard and gamepad input.
        stack: The scene stack.
        size: Size of the low-resolution picture [px].
        autopilot: The AI drives the player's car (``--autopilot``, for demos and screenshots).
        toasts: Short messages to show over any scene: (text, seconds left).
        jobs: The background jobs (driver training), polled by the app before each update; screens read it.
    """

    settings: Settings
    best_laps: BestLaps
    audio: Audio
    controls: Controls
    stack: SceneStack = field(default_factory=SceneStack)
    size: tuple[int, int] = (LOW_WIDTH, LOW_HEIGHT)
    autopilot: bool = False
    toasts: list[list] = field(default_factory=list)
    jobs: JobBoard = field(default_factory=JobBoard)

    def save_settings(self) -> None:
        """Persist the settings; a failure becomes a toast, never an exception."""
        from game.ui.settings import save_settings

        message = save_settings(self.settings)
        if message:
            self.toast(message)

    def toast(self, text: str, seconds: float = 4.0) -> None:
        """Show a message at the bottom of the screen for a few seconds."""
        self.toasts.append([text, seconds])
