"""Transport keys handed to the preview player — play, J/K/L shuttle, frame steps, I/O marks — and the
takes strip's play/compare requests. Without a preview player the keys still move the playhead and mark."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from studio.timeline import nle_edits

from .editor_window import EditorWindow
from .shot_editing import ShotEditing
from .takes_strip import CompareDialog

SHUTTLE_SPEEDS = (1, 2, 4, 8)


class PlaybackControls:
    def __init__(self, window: EditorWindow, edits: ShotEditing) -> None:
        self.window = window
        self.edits = edits  # I/O on the cut are model edits, pushed the shot editor's way

    def preview_call(self, method: str, *args: Any) -> bool:
        """Call ``method`` on the preview player if this build has one; False when it does not."""
        function = getattr(self.window.preview, method, None)
        if function is None:
            return False
        function(*args)
        return True

    def toggle_play(self) -> None:
        self.preview_call("toggle_play")

    def play_take(self, shot_id: str, take_id: str) -> None:
        self.window.docks["preview"].raise_()
        self.preview_call("play_take", shot_id, take_id)

    def compare_takes(self, shot_id: str, take_a: str, take_b: str) -> None:
        if self.window.session is not None:
            dialog = CompareDialog(self.window.session, shot_id, (take_a, take_b), self.window.window())
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

    def shuttle(self, direction: int) -> None:
        """J/K/L: each press in the same direction doubles the speed (up to 8x); K stops."""
        current = int(getattr(self.window.preview, "speed", 0) or 0)
        if direction == 0:
            target = 0
        elif current * direction > 0:
            target = direction * min(SHUTTLE_SPEEDS[-1], abs(current) * 2)
        else:
            target = direction
        self.preview_call("shuttle", target)

    def step(self, frames: int) -> None:
        session = self.window.session
        if not self.preview_call("step", frames) and session is not None:
            session.set_playhead(session.playhead() + frames)

    def mark(self, edge: str) -> None:
        """I/O: on the take the preview is playing, that take's marks; else the cut's in/out marks at the
        playhead, the range a partial export renders."""
        if getattr(self.window.preview, "mode", None) == "take":
            self.preview_call("mark_in" if edge == "in" else "mark_out")
            return
        session = self.window.session
        if session is not None:
            self.edits.push(nle_edits.set_range_mark(session.project, edge, session.playhead()))

    def clear_marks(self) -> None:
        if self.window.session is not None:
            self.edits.push(nle_edits.clear_range_marks())
