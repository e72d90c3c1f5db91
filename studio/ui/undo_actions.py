"""Undo and Redo as actions that follow the open session's undo stack (enabled state and "Undo <what>")."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QWidget

from .icons import icon
from .session import ProjectSession


class UndoActions:
    def __init__(self, current: Callable[[], ProjectSession | None], parent: QWidget) -> None:
        """``current`` gives the open session (None between projects): the actions act on its stack."""
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
        stack.undoTextChanged.connect(lambda t: self.undo.setText(f"&Undo {t}".strip()))
        stack.redoTextChanged.connect(lambda t: self.redo.setText(f"&Redo {t}".strip()))
        self.undo.setEnabled(False)
        self.redo.setEnabled(False)
        self.undo.setText("&Undo")
        self.redo.setText("&Redo")
