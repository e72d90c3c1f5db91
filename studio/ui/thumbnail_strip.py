"""The scaffolding the Takes and Keyframes strips share: a hint page, then a horizontal row of thumbnails
with a column of tool buttons beside it, following the selected shot of the session."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.project import Shot, StoryreelError

from .icons import icon
from .session import ProjectSession

ItemIdRole = Qt.ItemDataRole.UserRole + 1  # the take or keyframe id of a thumbnail


class ThumbnailStrip(QStackedWidget):
    """Page 0: ``hint``; page 1: ``list`` (icons of ``thumb`` size, several selectable) and ``buttons``.
    A subclass defines ``reload()`` (draw the shot's items) and calls ``follow_session`` once its widgets exist."""

    RELOAD_ON: tuple[str, ...] = ("takes", "shots", "project")  # session changes that redraw the strip

    def __init__(self, session: ProjectSession, hint: str, accessible_name: str, thumb: QSize,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.shot_id: str | None = None
        self.hint = QLabel(hint, self)
        self.hint.setProperty("role", "hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.addWidget(self.hint)
        self.page = QWidget(self)
        layout = QHBoxLayout(self.page)
        layout.setContentsMargins(4, 4, 4, 4)
        self.list = QListWidget(self.page)
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setIconSize(thumb)
        self.list.setGridSize(QSize(thumb.width() + 16, thumb.height() + 48))
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setAccessibleName(accessible_name)
        layout.addWidget(self.list, 1)
        self.buttons = QVBoxLayout()
        layout.addLayout(self.buttons)
        self.addWidget(self.page)

    def tool_button(self, name: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setIcon(icon(name))
        button.setToolTip(tip)
        button.setIconSize(QSize(20, 20))
        self.buttons.addWidget(button)
        return button

    def follow_session(self) -> None:
        self.session.selectionChanged.connect(self._on_selection)
        self.session.changed.connect(self._on_changed)
        self._on_selection(self.session.selected_shot_ids())

    def shot(self) -> Shot | None:
        try:
            return self.session.project.shot(self.shot_id) if self.shot_id else None
        except StoryreelError:
            return None

    def _on_selection(self, ids: list) -> None:
        self.shot_id = ids[0] if ids else None
        self.reload()

    def _on_changed(self, kind: str, _ids: tuple) -> None:
        if kind in self.RELOAD_ON:
            self.reload()

    def selected_ids(self) -> list[str]:
        return [item.data(ItemIdRole) for item in self.list.selectedItems()]

    def select(self, item_id: str) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            item.setSelected(item.data(ItemIdRole) == item_id)
