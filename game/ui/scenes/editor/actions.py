"""The track editor's commands on whole tracks: new, open, import, save, save as, leave, test drive, train.

:class:`EditorActions` is mixed into :class:`game.ui.scenes.editor.scene.EditorScene`; it uses the scene's ``ctx``,
``draft``, ``problems``, :meth:`refresh` and :meth:`_set_draft`. Each command that could lose work asks first
(:meth:`EditorActions.confirm_discard`); each that needs a valid track refuses with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from game.editor.draft import TrackDraft
from game.editor.files import circuit_files, import_circuit, open_track, save_draft, track_file_name
from game.editor.validation import refusal
from game.jobs.finetune import FinetuneError, NoBaseModelError, cancel_finetune, start_finetune
from game.jobs.presets import FINETUNE_STEPS as FULL_STEPS
from game.jobs.presets import QUICK_FINETUNE_STEPS as QUICK_STEPS
from game.sim.track import TrackError
from game.ui.scenes.editor.dialogs import ChoiceScene, FilePickerScene, TextPromptScene
from game.ui.scenes.message import MessageScene

if TYPE_CHECKING:
    from game.editor.validation import Problem
    from game.ui.scenes.base import Context


class EditorActions:
    """New, open, import, save, save as, leave; test drive and train (mixed into the editor scene)."""

    ctx: Context
    draft: TrackDraft
    problems: list[Problem]

    def refresh(self) -> None:  # provided by the scene
        """Re-analyse the draft."""
        raise NotImplementedError

    def _set_draft(self, draft: TrackDraft, note: str | None = None) -> None:  # provided by the scene
        raise NotImplementedError

    @property
    def track_key(self) -> str | None:
        """The saved file's stem (names the fine-tuned model), or None for a track never saved."""
        return self.draft.path.stem if self.draft.path is not None else None

    # -- files --------------------------------------------------------------------------------------------------
    def save_dir(self) -> Path:
        """Where new tracks are saved: the first track folder (``tracks/``)."""
        from game.ui.tracklist import track_dirs

        return track_dirs()[0]

    def confirm_discard(self, then: Callable[[], None]) -> None:
        """Run ``then`` now, or after asking what to do with unsaved changes."""
        if not self.draft.modified:
            then()
            return
        self.ctx.stack.push(
            ChoiceScene(
                self.ctx,
                "UNSAVED CHANGES",
                f"{self.draft.name} has changes that are not saved.",
                [("SAVE", lambda: self.save(then)), ("DISCARD", then), ("CANCEL", None)],
            )
        )

    def new_track(self) -> None:
        """Start an empty track."""
        self._set_draft(TrackDraft())

    def choose_file(self) -> None:
        """Pick a track file to open."""
        from game.ui.tracklist import track_files

        self.ctx.stack.push(FilePickerScene(self.ctx, "OPEN A TRACK", track_files(), self.open_file))

    def open_file(self, path: Path) -> bool:
        """Open a track file for editing; a broken file shows why."""
        try:
            loaded = open_track(path)
        except TrackError as exc:
            self.ctx.stack.push(MessageScene(self.ctx, "CANNOT OPEN THE TRACK", str(exc)))
            return False
        self._set_draft(loaded.draft, loaded.note)
        return True

    def choose_csv(self) -> None:
        """Pick a circuit CSV to import."""
        from game.paths import data_dir
        from game.ui.tracklist import TRACKS_DIR

        files = circuit_files(TRACKS_DIR.parent, extra=(data_dir() / "circuits", Path.cwd()))
        self.ctx.stack.push(FilePickerScene(self.ctx, "IMPORT A CIRCUIT CSV", files, self.import_file))

    def import_file(self, path: Path) -> bool:
        """Import a circuit CSV as a new, unsaved track."""
        try:
            (points, left, right, name, metadata), note = import_circuit(path)
        except TrackError as exc:
            self.ctx.stack.push(MessageScene(self.ctx, "CANNOT IMPORT", str(exc)))
            return False
        draft = TrackDraft(name=name)
        draft.replace_all(points, left, right, name, metadata)
        self._set_draft(draft, note or f"IMPORTED {path.name}")
        return True

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Save to the track's file (asking for a name the first time); ``then`` runs after a successful save."""
        if self.draft.path is None:
            self.save_as(then)
        else:
            self._save_to(self.draft.path, then)

    def save_as(self, then: Callable[[], None] | None = None) -> None:
        """Ask for a name, then save into the tracks folder under it."""
        self.refresh()
        why = refusal(self.problems)
        if why is not None:
            self._refuse("CANNOT SAVE", why)
            return

        def named(name: str) -> None:
            path = self.save_dir() / track_file_name(name)
            self.draft.rename(name)
            if path.exists() and path != self.draft.path:
                self.ctx.stack.push(
                    ChoiceScene(
                        self.ctx,
                        "REPLACE THE FILE?",
                        f"{path.name} already exists.",
                        [("REPLACE", lambda: self._save_to(path, then)), ("CANCEL", None)],
                    )
                )
            else:
                self._save_to(path, then)

        self.ctx.stack.push(TextPromptScene(self.ctx, "SAVE AS: TRACK NAME", self.draft.name, named))

    def _save_to(self, path: Path, then: Callable[[], None] | None = None) -> bool:
        why = save_draft(self.draft, path)
        if why is not None:
            self._refuse("CANNOT SAVE", why)
            return False
        self.ctx.toast(f"SAVED {path.name}", 2.0)
        if then is not None:
            then()
        return True

    def _refuse(self, title: str, why: str) -> None:
        self.ctx.audio.play("thud", 0.4)
        self.ctx.stack.push(MessageScene(self.ctx, title, why))

    def exit_editor(self) -> None:
        """Back to whatever opened the editor (asking about unsaved changes)."""
        if self.show_help:
            self.show_help = False
            return
        self.confirm_discard(self._close)

    def _close(self) -> None:
        if self.ctx.stack.top is self:
            self.ctx.stack.pop()

    # -- using the track ----------------------------------------------------------------------------------------
    def test_drive(self) -> None:
        """Drive the track now, alone, with a lap timer."""
        from game.ui.scenes.editor.drive import TestDriveLoadingScene

        self.refresh()

        why = refusal(self.problems)
        if why is not None:
            self._refuse("CANNOT DRIVE THIS YET", why)
            return
        try:
            track = self.draft.to_track()
        except TrackError as exc:
            self._refuse("CANNOT DRIVE THIS YET", str(exc))
            return
        self.ctx.stack.push(TestDriveLoadingScene(self.ctx, track, self.draft.path))

    def train(self) -> None:
        """Train a driver for this track in the background (or cancel the one training)."""
        self.refresh()
        key = self.track_key
        self.ctx.jobs.poll(force=True)
        job = self.ctx.jobs.job_for(key)
        if job is not None and job.active:
            self.ctx.stack.push(
                ChoiceScene(
                    self.ctx,
                    "TRAINING RUNS",
                    f"A driver for {self.draft.name} is being trained ({job.steps:,} steps so far).",
                    [("CANCEL TRAINING", lambda: self._cancel_training(key)), ("KEEP TRAINING", None)],
                )
            )
            return
        why = refusal(self.problems)
        if why is not None:
            self._refuse("CANNOT TRAIN FOR THIS YET", why)
            return
        if self.draft.path is None or self.draft.modified:
            self.ctx.stack.push(
                ChoiceScene(
                    self.ctx,
                    "SAVE FIRST",
                    "The driver trains on the saved track file.",
                    [("SAVE AND TRAIN", lambda: self.save(self._choose_steps)), ("CANCEL", None)],
                )
            )
            return
        self._choose_steps()

    def _choose_steps(self) -> None:
        self.ctx.stack.push(
            ChoiceScene(
                self.ctx,
                "TRAIN A DRIVER",
                f"Fine-tune the rivals' driver on {self.draft.name}, in the background. "
                "Quick takes a few minutes, full nearly twice as long for a faster driver.",
                [
                    (f"QUICK: {QUICK_STEPS:,} STEPS", lambda: self.start_training(QUICK_STEPS)),
                    (f"FULL: {FULL_STEPS:,} STEPS", lambda: self.start_training(FULL_STEPS)),
                    ("CANCEL", None),
                ],
            )
        )

    def start_training(self, steps: int | None = None, extra_args: tuple[str, ...] = ()) -> bool:
        """Start the background fine-tune for the saved track."""
        if self.draft.path is None:
            return False
        try:
            start_finetune(self.draft.path, steps=steps, extra_args=extra_args)
        except NoBaseModelError as exc:
            self._refuse("NO BASE MODEL", str(exc))
            return False
        except FinetuneError as exc:
            self._refuse("CANNOT TRAIN", str(exc))
            return False
        self.ctx.jobs.poll(force=True)
        self.ctx.toast("TRAINING STARTED IN THE BACKGROUND", 2.5)
        return True

    def _cancel_training(self, key: str) -> None:
        if cancel_finetune(key):
            self.ctx.toast("TRAINING CANCELLED: NO MODEL WRITTEN", 2.5)
        self.ctx.jobs.poll(force=True)
