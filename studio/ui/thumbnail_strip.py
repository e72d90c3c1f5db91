"""The scaffolding the Takes and Keyframes strips share: a hint page, then a horizontal row of thumbnails
with a column of tool buttons beside it."""

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

from .icons import icon


class ThumbnailStrip(QStackedWidget):
    """Page 0: ``hint``; page 1: ``list`` (icons of ``thumb`` size, several selectable) and ``buttons``."""

    def __init__(self, hint: str, accessible_name: str, thumb: QSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
