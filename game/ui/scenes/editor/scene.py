"""The track editor scene: draw a track with the mouse, see its problems live, save it, drive it, train for it.

Opened from the main menu (TRACK EDITOR) or with ``python main.py --editor [tracks/NAME.json]``. The track being
edited is a :class:`game.editor.draft.TrackDraft`; after every change its geometry and problems are worked out
again (:mod:`game.editor.geometry`, :mod:`game.editor.validation`), once per frame at most. Drawing is in
:mod:`game.ui.scenes.editor.draw`; the commands on whole tracks (files, test drive, training) in
:mod:`game.ui.scenes.editor.actions`, with dialogs from :mod:`game.ui.scenes.editor.dialogs`.

Mouse: click adds a point after the selected one (or inserts it, on the road), drag moves a point, right click
deletes one, the wheel zooms (or, over a point, changes its width), right or middle drag pans. The keys are in
:data:`game.ui.scenes.editor.draw.HELP_LINES` (H shows them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pygame

from game.editor.draft import WIDTH_SIDES, WIDTH_STEP, TrackDraft
from game.editor.geometry import DraftGeometry, build_geometry
from game.editor.validation import ERROR, Problem, check_draft, errors
from game.editor.view import GRID_STEP, ZOOM_STEP, EditorView, screen_distance, snap
from game.ui.render.palette import LIME, ORANGE, RED, YELLOW
from game.ui.scenes.base import Context, Scene
from game.ui.scenes.editor.actions import EditorActions
from game.ui.scenes.editor.draw import (
    STATUS_HEIGHT,
    TOOLBAR_HEIGHT,
    Button,
    MapLayer,
    Toolbar,
    draw_ghost,
    draw_help,
    draw_message_line,
    draw_points,
    draw_problems,
    draw_status_bar,
)
from game.ui.scenes.training_status import training_line

PICK_RADIUS = 6  # [px] a click this close to a point grabs it
PAN_STEP = 40  # [px] one arrow key press
NUDGE = 1.0  # [m] Shift + arrow moves the selected point this far (a grid step when snapping)
NEW_TRACK_SPAN = 600.0  # [m] a new track's view shows about this much


class EditorScene(EditorActions, Scene):
    """Edit a track (a new one, or the file ``track_path``)."""

    def __init__(self, ctx: Context, track_path: Path | None = None) -> None:
        super().__init__(ctx)
        w, h = ctx.size
        self.view = EditorView(width=w, height=h - TOOLBAR_HEIGHT - STATUS_HEIGHT, top=TOOLBAR_HEIGHT)
        self.draft = TrackDraft()
        self.selected: int | None = None
        self.hovered: int | None = None
        self.mouse = (-100, -100)  # off the map until the mouse moves
        self.dragging: int | None = None  # index of the point being dragged
        self.panning = False
        self.snap_on = True
        self.width_side = "both"  # which edge the wheel and [ ] move (W switches): both, left or right
        self._quit_dialog: Scene | None = None  # the question asked when the window was closed
        self.show_help = False
        self.time = 0.0
        self.geometry: DraftGeometry | None = None
        self.problems: list[Problem] = []
        self._analysed: int | None = None
        self.layer = MapLayer()
        self.toolbar = self._make_toolbar()
        self.toolbar.layout(w)
        self._fit_new()
        if track_path is not None:
            self.open_file(Path(track_path))
        self.refresh()

    # -- state --------------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Work out the geometry and problems again if the draft has changed."""
        if self._analysed == self.draft.version:
            return
        d = self.draft
        self.geometry = build_geometry(d.points, d.width_left, d.width_right)
        self.problems = check_draft(d.points, d.width_left, d.width_right, self.geometry, d.metadata)
        self._analysed = d.version
        if self.selected is not None and self.selected >= d.n_points:
            self.selected = d.n_points - 1 if d.n_points else None

    def _set_draft(self, draft: TrackDraft, note: str | None = None) -> None:
        self.draft = draft
        self.selected = self.hovered = self.dragging = None
        self._analysed = None
        self.refresh()
        if draft.n_points:
            self.fit()
        else:
            self._fit_new()
        if note:
            self.ctx.toast(note, 4.0)

    def _fit_new(self) -> None:
        self.view.centre_x = self.view.centre_y = 0.0
        self.view.zoom = self.view.width / NEW_TRACK_SPAN

    def fit(self) -> None:
        """Show the whole track."""
        if self.geometry is not None:
            points = self.geometry.centerline
        else:
            points = self.draft.points
        if len(points):
            self.view.fit(points, margin=24)

    # -- the toolbar ----------------------------------------------------------------------------------------------
    def _make_toolbar(self) -> Toolbar:
        return Toolbar(
            [
                Button("NEW", lambda: self.confirm_discard(self.new_track)),
                Button("OPEN", lambda: self.confirm_discard(self.choose_file)),
                Button("SAVE", self.save),
                Button("SAVE AS", self.save_as),
                Button("IMPORT", lambda: self.confirm_discard(self.choose_csv)),
                Button("UNDO", self.undo, enabled=lambda: self.draft.can_undo),
                Button("REDO", self.redo, enabled=lambda: self.draft.can_redo),
                Button("GRID", self.toggle_snap, lit=lambda: self.snap_on),
                Button("DRIVE", self.test_drive),
                Button("TRAIN", self.train),
                Button("HELP", self.toggle_help, lit=lambda: self.show_help),
            ],
            right=[Button("EXIT", self.exit_editor)],
        )

    # -- input --------------------------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> None:
        """Mouse and keys (see the module docstring and the help overlay)."""
        if self.show_help and event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
            self.show_help = False
            return
        if event.type == pygame.MOUSEMOTION:
            self._on_motion(event)
        elif event.type == pygame.MOUSEBUTTONDOWN:
            self._on_press(event)
        elif event.type == pygame.MOUSEBUTTONUP:
            self._on_release(event)
        elif event.type == pygame.MOUSEWHEEL:
            self._on_wheel(event)
        elif event.type == pygame.KEYDOWN:
            self._on_key(event)

    def point_at(self, pos: tuple[float, float]) -> int | None:
        """The control point under a screen position (the nearest within PICK_RADIUS)."""
        best, best_d = None, float(PICK_RADIUS)
        for i, (x, y) in enumerate(self.view.to_screen_array(self.draft.points)):
            d = screen_distance((x, y), pos)
            if d <= best_d:
                best, best_d = i, d
        return best

    def on_road(self, pos: tuple[float, float]) -> int | None:
        """The control segment under a screen position on the tarmac (None when off it)."""
        self.refresh()
        return self._segment_under(pos)

    def _segment_under(self, pos: tuple[float, float]) -> int | None:
        if self.geometry is None:
            return None
        x, y = self.view.to_world(*pos)
        i, distance = self.geometry.nearest_sample(x, y)
        half = 0.5 * float(self.geometry.width_left[i] + self.geometry.width_right[i])
        if distance > max(half, 3.0 / self.view.zoom):
            return None
        return self.geometry.segment_of_sample(i)

    def _world(self, pos: tuple[float, float]) -> tuple[float, float]:
        x, y = self.view.to_world(*pos)
        return snap(x, y, GRID_STEP) if self.snap_on else (x, y)

    def _in_map(self, pos: tuple[int, int]) -> bool:
        return self.view.top <= pos[1] < self.view.top + self.view.height

    def _on_motion(self, event: pygame.event.Event) -> None:
        self.mouse = event.pos
        if self.dragging is not None:
            self.draft.move_point(self.dragging, *self._world(event.pos))
        elif self.panning:
            self.view.pan_pixels(*event.rel)
        self.hovered = self.point_at(event.pos) if self._in_map(event.pos) else None

    def _on_press(self, event: pygame.event.Event) -> None:
        self.mouse = event.pos
        if event.button in (4, 5):  # old-style wheel events: MOUSEWHEEL handles the wheel
            return
        if event.pos[1] < TOOLBAR_HEIGHT:
            button = self.toolbar.at(event.pos)
            if event.button == 1 and button is not None and (button.enabled is None or button.enabled()):
                self.ctx.audio.play("blip", 0.4)
                button.action()
            return
        if not self._in_map(event.pos):
            return
        point = self.point_at(event.pos)
        if event.button == 1:
            self.draft.begin_gesture()  # adding a point and dragging it into place undo as one step
            if point is None:
                point = self.add_point_at(event.pos)
            self.selected = point
            self.dragging = point
        elif event.button == 3 and point is not None:
            self.delete_point(point)
        elif event.button in (2, 3):
            self.panning = True

    def _on_release(self, event: pygame.event.Event) -> None:
        if event.button == 1 and self.dragging is not None:
            self.draft.end_gesture()
            self.dragging = None
        if event.button in (2, 3):
            self.panning = False

    def _on_wheel(self, event: pygame.event.Event) -> None:
        notches = int(getattr(event, "y", 0))
        if notches == 0:
            return
        point = self.point_at(self.mouse) if self._in_map(self.mouse) else None
        if point is not None:
            self.selected = point
            self.draft.change_width(point, WIDTH_STEP * notches, self.width_side)
        else:
            self.view.zoom_at(ZOOM_STEP**notches, *self.mouse)

    def _on_key(self, event: pygame.event.Event) -> None:
        key = event.key
        mods = getattr(event, "mod", 0)
        ctrl = bool(mods & pygame.KMOD_CTRL)
        shift = bool(mods & pygame.KMOD_SHIFT)
        if ctrl:
            actions: dict[int, Callable[[], None]] = {
                pygame.K_z: self.redo if shift else self.undo,
                pygame.K_y: self.redo,
                pygame.K_s: self.save_as if shift else self.save,
                pygame.K_o: lambda: self.confirm_discard(self.choose_file),
                pygame.K_n: lambda: self.confirm_discard(self.new_track),
                pygame.K_i: lambda: self.confirm_discard(self.choose_csv),
            }
            if key in actions:
                actions[key]()
            return
        arrows = {pygame.K_LEFT: (1, 0), pygame.K_RIGHT: (-1, 0), pygame.K_UP: (0, 1), pygame.K_DOWN: (0, -1)}
        if key in arrows:
            dx, dy = arrows[key]
            if shift and self.selected is not None:
                step = GRID_STEP if self.snap_on else NUDGE
                x, y = self.draft.points[self.selected]
                self.draft.move_point(self.selected, x - dx * step, y + dy * step)
            else:
                self.view.pan_pixels(dx * PAN_STEP, dy * PAN_STEP)
            return
        if key in (pygame.K_LEFTBRACKET, pygame.K_RIGHTBRACKET):
            delta = WIDTH_STEP if key == pygame.K_RIGHTBRACKET else -WIDTH_STEP
            if shift or self.selected is None:
                self.draft.change_width(None, delta, self.width_side)
            else:
                self.draft.change_width(self.selected, delta, self.width_side)
            return
        simple: dict[int, Callable[[], None]] = {
            pygame.K_ESCAPE: self.exit_editor,
            pygame.K_DELETE: self.delete_selected,
            pygame.K_BACKSPACE: self.delete_selected,
            pygame.K_INSERT: self.insert_after_selected,
            pygame.K_i: self.insert_after_selected,
            pygame.K_TAB: lambda: self.select_step(-1 if shift else 1),
            pygame.K_s: self.start_at_selected,
            pygame.K_r: self.reverse,
            pygame.K_g: self.toggle_snap,
            pygame.K_w: self.next_width_side,
            pygame.K_h: self.toggle_help,
            pygame.K_F1: self.toggle_help,
            pygame.K_f: self.fit,
            pygame.K_HOME: self.fit,
            pygame.K_F5: self.test_drive,
            pygame.K_t: self.train,
            pygame.K_PLUS: lambda: self.zoom_keys(1),
            pygame.K_EQUALS: lambda: self.zoom_keys(1),
            pygame.K_KP_PLUS: lambda: self.zoom_keys(1),
            pygame.K_PAGEUP: lambda: self.zoom_keys(1),
            pygame.K_MINUS: lambda: self.zoom_keys(-1),
            pygame.K_KP_MINUS: lambda: self.zoom_keys(-1),
            pygame.K_PAGEDOWN: lambda: self.zoom_keys(-1),
        }
        if key in simple:
            simple[key]()

    # -- edits --------------------------------------------------------------------------------------------------
    def add_point_at(self, pos: tuple[float, float]) -> int:
        """A new point under the mouse: inserted into the track when on the road, else after the selected point."""
        x, y = self._world(pos)
        segment = self.on_road(pos)
        if segment is not None:
            x, y = self.view.to_world(*pos)  # on the road: exactly where clicked, so the line keeps its shape
            index = segment + 1
        elif self.selected is not None:
            index = self.selected + 1
        else:
            index = self.draft.n_points
        return self.draft.insert_point(index, x, y)

    def delete_point(self, index: int) -> None:
        """Remove a point."""
        self.draft.remove_point(index)
        if self.selected is not None and self.selected >= index:
            self.selected = self.selected - 1 if self.selected > index else None
        self.hovered = None

    def delete_selected(self) -> None:
        """Remove the selected point (the one before it becomes selected)."""
        if self.selected is not None and self.draft.n_points:
            index = self.selected
            self.draft.remove_point(index)
            self.selected = (index - 1) % self.draft.n_points if self.draft.n_points else None

    def insert_after_selected(self) -> None:
        """A new point halfway along the track between the selected point and the next."""
        if self.selected is None or self.draft.n_points < 2:
            return
        self.refresh()
        i = self.selected
        if self.geometry is not None:
            x, y = self.geometry.segment_midpoint(i)
        else:
            a, b = self.draft.points[i], self.draft.points[(i + 1) % self.draft.n_points]
            x, y = (float(v) for v in (a + b) / 2)
        self.selected = self.draft.insert_point(i + 1, x, y)

    def select_step(self, step: int) -> None:
        """Select the next (or previous) point in driving order."""
        if self.draft.n_points:
            self.selected = 0 if self.selected is None else (self.selected + step) % self.draft.n_points

    def start_at_selected(self) -> None:
        """Move the start/finish line to the selected point."""
        if self.selected is not None:
            self.draft.set_start(self.selected)
            self.selected = 0
            self.ctx.toast("START LINE MOVED", 1.5)

    def reverse(self) -> None:
        """Drive the other way round."""
        if self.draft.n_points >= 2:
            self.draft.reverse()
            if self.selected:
                self.selected = self.draft.n_points - self.selected
            self.ctx.toast("DIRECTION REVERSED", 1.5)

    def undo(self) -> None:
        """Undo the last change."""
        if not self.draft.undo():
            self.ctx.toast("NOTHING TO UNDO", 1.0)

    def redo(self) -> None:
        """Redo the last undone change."""
        if not self.draft.redo():
            self.ctx.toast("NOTHING TO REDO", 1.0)

    def toggle_snap(self) -> None:
        """Grid and snapping on or off."""
        self.snap_on = not self.snap_on
        self.ctx.toast("GRID AND SNAPPING ON" if self.snap_on else "GRID AND SNAPPING OFF", 1.2)

    def next_width_side(self) -> None:
        """Width changes move both edges, then the left one alone, then the right one alone."""
        self.width_side = WIDTH_SIDES[(WIDTH_SIDES.index(self.width_side) + 1) % len(WIDTH_SIDES)]

    def before_quit(self, proceed: Callable[[], None]) -> bool:
        """The window is being closed: ask about unsaved changes first (closing it again while asked quits)."""
        if not self.draft.modified or self._quit_dialog in self.ctx.stack.scenes:
            return False
        self.confirm_discard(proceed)
        self._quit_dialog = self.ctx.stack.top
        return True

    def toggle_help(self) -> None:
        """Show or hide the shortcuts."""
        self.show_help = not self.show_help

    def zoom_keys(self, notches: int) -> None:
        """Zoom about the centre of the view."""
        self.view.zoom_at(ZOOM_STEP**notches, self.view.width / 2, self.view.top + self.view.height / 2)

    # -- frame --------------------------------------------------------------------------------------------------
    def update(self, dt: float) -> None:
        """Re-analyse the draft after changes."""
        self.time += dt
        self.refresh()

    def draw(self, surface: pygame.Surface) -> None:
        """Map, points, problems, toolbar, bars, help."""
        self.layer.draw(surface, self.view, self.geometry, self._analysed or 0, self.snap_on)
        surface.set_clip(pygame.Rect(0, self.view.top, self.view.width, self.view.height))
        draw_problems(surface, self.view, self.problems)
        draw_points(surface, self.view, self.draft, self.selected, self.hovered)
        if self.dragging is None and self.hovered is None and self._in_map(self.mouse) and not self.show_help:
            draw_ghost(surface, self.mouse, self._segment_under(self.mouse) is not None)
        surface.set_clip(None)
        self._draw_lines(surface)
        self.toolbar.draw(surface, self.mouse)
        if self.show_help:
            draw_help(surface)

    def _draw_lines(self, surface: pygame.Surface) -> None:
        d = self.draft
        length = f"{self.geometry.length / 1000.0:.2f} KM" if self.geometry is not None else "- KM"
        file = f" ({d.path.name.upper()})" if d.path is not None else " (NOT SAVED)"
        facts = f"{d.name.upper()}{'*' if d.modified else ''}  {length}  {d.n_points} PTS{file}"
        if self.selected is not None and self.selected < d.n_points:
            hint = f"POINT {self.selected + 1}: {d.total_width(self.selected):.1f} M   H: HELP"
            if self.width_side != "both":
                left, right = d.side_widths(self.selected)
                hint = f"POINT {self.selected + 1}: L {left:.1f} R {right:.1f} M  W: {self.width_side.upper()}"
        else:
            hint = "CLICK: ADD POINT   H: HELP"
        draw_status_bar(surface, facts, hint)
        row = 0
        found = errors(self.problems) if d.n_points else []
        if found:
            count = f"{len(found)} PROBLEMS. " if len(found) > 1 else ""
            draw_message_line(surface, row, f"{count}{found[0].reason.upper()}", RED)
            row += 1
        elif d.n_points:
            warnings = [p for p in self.problems if p.severity != ERROR and p.kind != "crossing"]
            text = "TRACK OK: READY TO SAVE, DRIVE (F5) AND TRAIN (T)"
            if warnings:
                text = f"TRACK OK ({len(warnings)} WARNING{'S' if len(warnings) > 1 else ''}: {warnings[0].label})"
            draw_message_line(surface, row, text, ORANGE if warnings else LIME)
            row += 1
        key = self.track_key
        job = self.ctx.jobs.job_for(key)
        if job is not None:
            text, colour = training_line(job)
            draw_message_line(surface, row, text, colour, job.fraction if job.active else None)
        elif d.n_points == 0:
            draw_message_line(surface, row, "CLICK TO PLACE THE FIRST POINT: IT WILL BE THE START LINE", YELLOW)
