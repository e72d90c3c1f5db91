"""Questions the editor asks the user (files, recovery, unsaved changes, errors), all in one replaceable object.

Tests pass a ``Prompts`` subclass with scripted answers instead of monkeypatching QMessageBox.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class SaveChoice(Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


class Prompts:
    """Modal questions shown over ``parent``; every method returns the user's answer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def recover_autosave(self, bundle: Path, autosave: Path) -> bool:
        answer = QMessageBox.question(
            self.parent, "Recover unsaved work?",
            f"“{bundle.name}” has autosaved changes that are newer than its last save "
            "(the editor may have closed unexpectedly).\n\nRecover them? Choosing No keeps the last save "
            "and sets the autosave aside.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
        return answer == QMessageBox.StandardButton.Yes

    def save_changes(self, title: str) -> SaveChoice:
        answer = QMessageBox.question(
            self.parent, "Unsaved changes", f"Save the changes to “{title}” before closing?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: SaveChoice.SAVE,
                QMessageBox.StandardButton.Discard: SaveChoice.DISCARD}.get(answer, SaveChoice.CANCEL)

    def open_project_path(self, start: Path) -> Path | None:
        folder = QFileDialog.getExistingDirectory(self.parent, "Open a project (.storyreel folder)", str(start))
        return Path(folder) if folder else None

    def new_project_path(self, start: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, "New project", str(start / "Untitled.storyreel"),
                                              "Storyreel project (*.storyreel)")
        return Path(name) if name else None

    def save_as_path(self, start: Path) -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, "Save project as", str(start),
                                              "Storyreel project (*.storyreel)")
        return Path(name) if name else None

    def open_file(self, title: str, start: Path, filters: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, str(start), filters)
        return Path(name) if name else None

    def error(self, title: str, message: str) -> None:
        QMessageBox.warning(self.parent, title, message)

    def confirm(self, title: str, message: str) -> bool:
        answer = QMessageBox.question(self.parent, title, message,
                                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Ok)
        return answer == QMessageBox.StandardButton.Ok
