"""The keyframes of the selected shot: its stills, imported or generated. ★ makes one the still the shot is
made from, two side by side help choose, delete takes one off (undoable; the file stays)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.generation.keyframes import keyframe_stale_reason
from studio.project import StoryreelError, commands
from studio.project.element_commands import RemoveKeyframe, set_active_keyframe
from studio.project.model import Keyframe

from .icons import icon
from .session import ProjectSession
from .thumbnail_strip import ItemIdRole, ThumbnailStrip
from .thumbnails import pixmap

THUMB = QSize(160, 90)


def keyframe_caption(key: Keyframe, active: bool) -> str:
    made = "imported" if key.source == "imported" else f"seed {key.seed} · {key.model_id or key.backend}"
    return f"{'★ ' if active else ''}{made}\n{key.created_at[:16].replace('T', ' ')}"


class KeyframeStrip(ThumbnailStrip):
    RELOAD_ON = ("shots", "takes", "cast", "project")  # the cast: a keyframe goes stale with its elements' stills
    generateRequested = Signal(list)  # shot ids: the window queues their keyframes

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(session, "Select a shot to see its keyframes.", "Keyframes", THUMB, parent)
        self.generate_button = self.tool_button("generate", "Generate a new keyframe of this shot")
        self.activate_button = self.tool_button("star", "Make the shot from this still")
        self.compare_button = self.tool_button("compare", "Compare two selected keyframes side by side")
        self.delete_button = self.tool_button("delete", "Delete the keyframe (undoable)")
        self.buttons.addStretch(1)
        self.stale = QLabel(self.page)
        self.stale.setProperty("role", "hint")
        self.stale.setWordWrap(True)
        self.buttons.addWidget(self.stale)
        self.generate_button.clicked.connect(lambda: self.shot_id and self.generateRequested.emit([self.shot_id]))
        self.activate_button.clicked.connect(self.activate_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.compare_button.clicked.connect(self.compare_selected)
        self.list.itemDoubleClicked.connect(lambda _item: self.activate_selected())
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.follow_session()

    def reload(self) -> None:
        shot = self.shot()
        if shot is None or not shot.keyframes:
            self.hint.setText("Select a shot to see its keyframes." if shot is None else
                              f"Shot {self.session.project.shot_index(shot.id) + 1} has no keyframe yet: drop a "
                              "still on its inspector, or Generate > Generate Keyframes.")
            self.setCurrentIndex(0)
            return
        self.setCurrentIndex(1)
        selected = set(self.selected_ids())
        self.list.clear()
        for key in reversed(shot.keyframes):  # newest first
            try:
                image = pixmap(self.session.media_path(key.media), THUMB)
            except StoryreelError:
                image = None
            if image is None:
                image = QPixmap(THUMB)
                image.fill(QColor("#17191c"))
            item = QListWidgetItem(QIcon(image), keyframe_caption(key, key.id == shot.active_keyframe))
            item.setData(ItemIdRole, key.id)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.list.addItem(item)
            item.setSelected(key.id in selected)
        stale = keyframe_stale_reason(self.session.project, shot)
        self.stale.setText(f"Stale: {stale}" if stale else "")
        self._update_buttons()

    def _update_buttons(self) -> None:
        count = len(self.selected_ids())
        self.activate_button.setEnabled(count == 1)
        self.delete_button.setEnabled(count > 0)
        self.compare_button.setEnabled(count == 2)

    # --- actions -------------------------------------------------------------------------------------------
    def activate_selected(self) -> None:
        shot, ids = self.shot(), self.selected_ids()
        if shot is not None and len(ids) == 1 and shot.active_keyframe != ids[0]:
            self.session.push(set_active_keyframe(self.session.project, shot.id, ids[0]))
            self.select(ids[0])

    def delete_selected(self) -> None:
        shot, ids = self.shot(), self.selected_ids()
        if shot is None or not ids:
            return
        removals: list[commands.Command] = [RemoveKeyframe(shot.id, key_id) for key_id in ids]
        self.session.push(removals[0] if len(removals) == 1
                          else commands.Batch(removals, text=f"Delete {len(removals)} keyframes"))

    def compare_selected(self) -> QDialog | None:
        ids = self.selected_ids()
        shot = self.shot()
        if shot is None or len(ids) != 2:
            return None
        dialog = KeyframeCompare(self.session, shot.id, (ids[0], ids[1]), self)
        dialog.open()
        return dialog


class KeyframeCompare(QDialog):
    """Two keyframes side by side, with how each was made, to choose between them."""

    def __init__(self, session: ProjectSession, shot_id: str, keyframe_ids: tuple[str, str], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare keyframes")
        shot = session.project.shot(shot_id)
        layout = QHBoxLayout(self)
        self.use_buttons: list[QToolButton] = []
        for key_id in keyframe_ids:
            key = shot.keyframe(key_id)
            column = QVBoxLayout()
            label = QLabel(self)
            image = pixmap(session.media_path(key.media), QSize(480, 270))
            label.setPixmap(image) if image is not None else label.setText("(the still is missing)")
            column.addWidget(label)
            column.addWidget(QLabel(keyframe_caption(key, key.id == shot.active_keyframe), self))
            use = QToolButton(self)
            use.setText("Use this keyframe")
            use.setIcon(icon("star"))
            use.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            use.clicked.connect(lambda _=False, k=key.id: (
                session.push(set_active_keyframe(session.project, shot_id, k)), self.accept()))
            column.addWidget(use)
            self.use_buttons.append(use)
            layout.addLayout(column)
