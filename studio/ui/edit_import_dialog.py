"""File > Import Edit…: an edit from another editor, previewed (what changes, what did not match), then applied.

The plan comes from the same Qt-free ``studio.cut.edit_changes`` the CLI uses; applying pushes its one command on
the undo stack, so a single Undo puts the whole cut back. Nothing is saved here.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from studio.project import Project, StoryreelError

from .project_files import start_folder
from .prompts import Prompts
from .session import ProjectSession
from .settings_dialog import StudioSettings

if TYPE_CHECKING:
    from studio.cut.edit_changes import EditImportPlan

class Editor(Protocol):
    """What the import needs of the main window (held as an interface: the window imports this module)."""

    session: ProjectSession | None
    prompts: Prompts
    settings: StudioSettings

    def say(self, message: str) -> None: ...


EDIT_FILTERS = "Edits (*.otio *.otioz *.fcpxml *.xml *.edl);;All files (*)"


class EditImportDialog(QDialog):
    """The plan in two boxes: what changes, and what is not applied (unmatched clips, notes). Apply or Cancel."""

    def __init__(self, plan: EditImportPlan, project: Project, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("edit_import_dialog")
        self.setWindowTitle(f"Import edit — {plan.source}")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.plan = plan
        layout = QVBoxLayout(self)
        self.summary = QLabel(plan.summary(), self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.changes = self._box("edit_import_changes", plan.change_lines(project))
        layout.addWidget(self.changes)
        layout.addWidget(QLabel("Not applied:", self))
        self.unmatched = self._box("edit_import_unmatched", plan.not_applied_lines()
                                   or ["every clip of the edit matched a shot"])
        layout.addWidget(self.unmatched)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.apply_button = buttons.addButton("Apply Edit", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(plan.command is not None)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 480)

    def _box(self, name: str, lines: list[str]) -> QPlainTextEdit:
        box = QPlainTextEdit("\n".join(lines), self)
        box.setObjectName(name)
        box.setReadOnly(True)
        box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        return box


def import_edit(window: Editor, path: Path | None = None) -> EditImportDialog | None:
    """Ask for an edit, plan it and show the preview (window-modal); Apply pushes the plan as one undo step."""
    session = window.session
    if session is None:
        return None
    path = path or window.prompts.open_file("Import an edit from another editor", start_folder(window.settings),
                                            EDIT_FILTERS)
    if path is None:
        return None
    try:
        from studio.cut.edit_changes import plan_edit_import

        plan = plan_edit_import(session.document, path)
    except (StoryreelError, OSError) as exc:
        window.prompts.error("Cannot import the edit", str(exc))
        return None
    dialog = EditImportDialog(plan, session.project, window if isinstance(window, QWidget) else None)

    def apply() -> None:
        if plan.command is None:
            return
        try:
            session.push(plan.command)
        except (StoryreelError, ValueError) as exc:
            window.prompts.error("Cannot apply the edit", str(exc))
            return
        window.say(f"Applied the edit {plan.source}: {len(plan.updates)} shot(s) changed, "
                   f"{len(plan.left_out)} not in the edit, {len(plan.unmatched)} clip(s) unmatched")

    dialog.accepted.connect(apply)
    dialog.open()
    return dialog
