"""Undo and Redo as actions that follow the open session's undo stack (enabled state and "Undo <what>")."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QWidget

from .icons import icon
from .session import ProjectSession


class UndoActions(QObject):
    """A QObject child of the window, so the stack's signals stop reaching it once the window is gone (a
    session's stack still announces its clear while the window closes)."""

    def __init__(self, current: Callable[[], ProjectSession | None], parent: QWidget) -> None:
        """``current`` gives the open session (None between projects): the actions act on its stack."""
        super().__init__(parent)
        self.undo = QAction(icon("undo"), "&Undo", parent)
        self.redo = QAction(icon("redo"), "&Redo", parent)
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        self.undo.triggered.connect(lambda: (session := current()) and session.undo_stack.undo())
        self.redo.triggered.connect(lambda: (session := current()) and session.undo_stack.redo())

    def follow(self, stack: QUndoStack) -> None:
        """Track a new project's stack, starting from nothing to undo."""
        stack.canUndoChanged.connect(self.undo.setEnabled)
        stack.canRedoChanged.connect(self.redo.setEnabled)
        stack.undoTextChanged.connect(self._undo_text)
        stack.redoTextChanged.connect(self._redo_text)
        self.undo.setEnabled(False)
        self.redo.setEnabled(False)
        self.undo.setText("&Undo")
        self.redo.setText("&Redo")

    def _undo_text(self, text: str) -> None:
        self.undo.setText(f"&Undo {text}".strip())

    def _redo_text(self, text: str) -> None:
        self.redo.setText(f"&Redo {text}".strip())
