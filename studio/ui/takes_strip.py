"""The takes of the selected shot: thumbnail, seed, model, time; set active, play, delete, compare two."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.project import Take, commands

from .icons import icon
from .session import ProjectSession
from .thumbnail_strip import ItemIdRole, ThumbnailStrip
from .thumbnails import pixmap, take_image_path

THUMB = QSize(160, 90)


def take_caption(take: Take, active: bool) -> str:
    made = take.created_at.replace("T", " ")[:16]
    model = take.model_id or take.backend
    star = "★ " if active else ""
    state = "" if take.status == "ready" else f" · {take.status.upper()}"
    return f"{star}seed {take.seed}{state}\n{model} · {made}"


class TakesStrip(ThumbnailStrip):
    """A horizontal strip of the selected shot's takes. Double-click plays one; ★ sets the active take."""

    playRequested = Signal(str, str)  # shot id, take id
    compareRequested = Signal(str, str, str)  # shot id, take a, take b

    def __init__(self, session: ProjectSession, parent: QWidget | None = None) -> None:
        super().__init__(session, "Select a shot to see its takes. Generate one with Ctrl+G.", "Takes", THUMB, parent)
        self.activate_button = self.tool_button("star", "Use this take in the cut")
        self.play_button = self.tool_button("play", "Play this take in the preview")
        self.compare_button = self.tool_button("compare", "Compare two selected takes side by side")
        self.delete_button = self.tool_button("delete", "Delete the take (undoable)")
        self.buttons.addStretch(1)
        self.activate_button.clicked.connect(self.activate_selected)
        self.play_button.clicked.connect(self.play_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.compare_button.clicked.connect(self.compare_selected)
        self.list.itemDoubleClicked.connect(lambda _item: self.play_selected())
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.follow_session()

    def reload(self) -> None:
        shot = self.shot()
        if shot is None:
            self.setCurrentIndex(0)
            return
        if not shot.takes:
            self.hint.setText(f"Shot {self.session.project.shot_index(shot.id) + 1} has no takes yet. "
                              "Generate one with Ctrl+G.")
            self.setCurrentIndex(0)
            return
        self.setCurrentIndex(1)
        selected = set(self.selected_take_ids())
        self.list.clear()
        for take in reversed(shot.takes):  # newest first
            item = QListWidgetItem(self._take_icon(take), take_caption(take, take.id == shot.active_take))
            item.setData(ItemIdRole, take.id)
            item.setToolTip(f"{take.width}×{take.height} · {take.frame_count} frames at {take.fps:g} fps"
                            + (f"\n{take.error}" if take.error else ""))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.list.addItem(item)
            item.setSelected(take.id in selected)
        self._update_buttons()

    def _take_icon(self, take: Take) -> QIcon:
        path = take_image_path(self.session, take)
        image = pixmap(path, THUMB) if path is not None else None
        if image is None:
            image = QPixmap(THUMB)
            image.fill(QColor("#17191c"))
            painter = QPainter(image)
            icon("warning" if take.status != "ready" else "film").paint(painter, 66, 31, 28, 28)
            painter.end()
        return QIcon(image)

    def selected_take_ids(self) -> list[str]:
        return self.selected_ids()

    def select_take(self, take_id: str) -> None:
        self.select(take_id)

    def _update_buttons(self) -> None:
        count = len(self.selected_take_ids())
        for button in (self.activate_button, self.play_button, self.delete_button):
            button.setEnabled(count == 1 or (button is self.delete_button and count > 0))
        self.compare_button.setEnabled(count == 2)

    # --- actions -------------------------------------------------------------------------------------------
    def activate_selected(self) -> None:
        shot, ids = self.shot(), self.selected_take_ids()
        if shot is not None and len(ids) == 1 and shot.active_take != ids[0]:
            self.session.push(commands.set_active_take(shot.id, ids[0]))
            self.select_take(ids[0])

    def play_selected(self) -> None:
        ids = self.selected_take_ids()
        if self.shot_id and len(ids) == 1:
            self.playRequested.emit(self.shot_id, ids[0])

    def delete_selected(self) -> None:
        shot, ids = self.shot(), self.selected_take_ids()
        if shot is None or not ids:
            return
        removals: list[commands.Command] = [commands.RemoveTake(shot.id, take_id) for take_id in ids]
        self.session.push(removals[0] if len(removals) == 1
                          else commands.Batch(removals, text=f"Delete {len(removals)} takes"))

    def compare_selected(self) -> None:
        ids = self.selected_take_ids()
        if self.shot_id and len(ids) == 2:
            self.compareRequested.emit(self.shot_id, ids[0], ids[1])


class CompareDialog(QDialog):
    """Two takes side by side (their first and last frames), with their settings, to choose between them."""

    def __init__(self, session: ProjectSession, shot_id: str, take_ids: tuple[str, str], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare takes")
        shot = session.project.shot(shot_id)
        layout = QHBoxLayout(self)
        for take_id in take_ids:
            take = shot.take(take_id)
            column = QVBoxLayout()
            for rel in (take.first_frame or take.thumbnail, take.last_frame):
                label = QLabel(self)
                image = pixmap(session.media_path(rel), QSize(384, 216)) if rel else None
                if image is not None:
                    label.setPixmap(image)
                else:
                    label.setText("(no picture)")
                column.addWidget(label)
            caption = QLabel(take_caption(take, take.id == shot.active_take), self)
            column.addWidget(caption)
            use = QToolButton(self)
            use.setText("Use this take")
            use.setIcon(icon("star"))
            use.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            use.clicked.connect(lambda _=False, t=take.id: (session.push(commands.set_active_take(shot_id, t)),
                                                            self.accept()))
            column.addWidget(use)
            layout.addLayout(column)
