"""The inspector's continuity rows: what a shot's take starts and ends on, and whether its take is stale.

"Starts on": free, the previous shot's last frame (the shot continues it), the keyframe, or a still; "Ends on":
free, the next shot's first frame, the keyframe, or a still. Each change is one undoable command; a pair of links
that would wait on each other is refused with the reason before anything changes.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QFormLayout, QLabel, QWidget

from studio.generation.continuity import ContinuityError, check_links, stale_reason
from studio.project import FrameSource, Shot, StoryreelError, commands, store

from .session import ProjectSession

_CHOICES = {
    "start_frame": (("Free (the engine decides)", None), ("Previous shot's last frame", "prev"),
                    ("The keyframe", "keyframe"), ("A still…", "image")),
    "end_frame": (("Free (the engine decides)", None), ("Next shot's first frame", "next"),
                  ("The keyframe", "keyframe"), ("A still…", "image")),
}


class ContinuityFields(QWidget):
    error = Signal(str)

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.shot_id: str | None = None
        self._loading = False
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.combos: dict[str, QComboBox] = {}
        for field, label in (("start_frame", "Starts on"), ("end_frame", "Ends on")):
            combo = QComboBox(self)
            for text, kind in _CHOICES[field]:
                combo.addItem(text, kind)
            combo.currentIndexChanged.connect(lambda _i, f=field: self._chosen(f))
            self.combos[field] = combo
            form.addRow(label, combo)
        self.stale = QLabel(self)
        self.stale.setWordWrap(True)
        self.stale.setProperty("role", "warning")
        self.stale.setStyleSheet("color: #d9a44a;")
        form.addRow(self.stale)

    def load(self, shot: Shot | None) -> None:
        self.shot_id = shot.id if shot is not None else None
        if shot is None:
            return
        self._loading = True
        try:
            for field, combo in self.combos.items():
                source: FrameSource | None = getattr(shot, field)
                combo.setCurrentIndex(max(0, combo.findData(source.kind if source is not None else None)))
                if source is not None and source.kind == "image":
                    combo.setItemText(combo.findData("image"), f"Still: {Path(source.path or '').name}")
                else:
                    combo.setItemText(combo.findData("image"), "A still…")
            reason = stale_reason(self.session.project, shot)
            self.stale.setText(f"Stale: {reason}. Regenerate to match." if reason else "")
            self.stale.setVisible(bool(reason))
        finally:
            self._loading = False

    def _chosen(self, field: str) -> None:
        if self._loading or self.shot_id is None:
            return
        kind = self.combos[field].currentData()
        if kind == "image":
            name, _ = QFileDialog.getOpenFileName(self, "Frame still", str(Path.home()),
                                                  "Images (*.png *.jpg *.jpeg *.webp *.bmp)")
            if name:
                self.set_image(field, Path(name))
            else:
                self._reload()
            return
        self.set_source(field, FrameSource(kind=kind) if kind else None)

    def set_image(self, field: str, path: Path) -> None:
        """Copy ``path`` into the bundle and make it the shot's start or end frame."""
        if self.session.bundle is None:
            self.error.emit("Save the project first: frame stills are copied into its folder.")
            self._reload()
            return
        try:
            relative = store.import_media(self.session.bundle, path)
        except (StoryreelError, OSError) as exc:
            self.error.emit(f"Could not use {path.name} as a frame: {exc}")
            self._reload()
            return
        self.set_source(field, FrameSource(kind="image", path=relative))

    def set_source(self, field: str, source: FrameSource | None) -> None:
        """Set the shot's start or end frame (one undoable edit), unless it makes a loop of links."""
        if self.shot_id is None:
            return
        project = self.session.project
        trial = project.model_copy(deep=True)
        setattr(trial.shot(self.shot_id), field, source)
        try:
            check_links(trial)
            if getattr(project.shot(self.shot_id), field) != source:
                self.session.push(commands.edit_shot(self.shot_id, **{field: source}))
        except (ContinuityError, StoryreelError) as exc:
            self.error.emit(str(exc))
        self._reload()

    def _reload(self) -> None:
        with contextlib.suppress(StoryreelError):  # the shot was deleted meanwhile
            self.load(self.session.project.shot(self.shot_id) if self.shot_id else None)
