"""One open project in the editor: the document, its Qt undo stack, the selection and the playhead.

Widgets never change the model directly: they ``push`` a model command; the document announces the change
and every view that subscribed to ``changed`` redraws (napari's model/view split, orange's undo commands).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from studio.project import Change, Command, Project, ProjectDocument, ProjectError
from studio.timeline.layout import film_frames


class ModelCommand(QUndoCommand):
    """A model ``Command`` on the Qt undo stack: redo/undo call ``document.apply``/``revert``."""

    MERGE_ID = 0x5707  # every model command shares one id; ``Command.merge`` decides

    def __init__(self, document: ProjectDocument, command: Command) -> None:
        super().__init__(command.text)
        self.document = document
        self.command = command
        self.applied = False  # ``push`` applies first (so a refused edit never reaches the stack)

    def redo(self) -> None:
        if self.applied:
            self.applied = False
            return
        self.document.apply(self.command)

    def undo(self) -> None:
        self.document.revert(self.command)

    def id(self) -> int:
        return self.MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        return isinstance(other, ModelCommand) and self.command.merge(other.command)


class ProjectSession(QObject):
    """Signals: ``changed(kind, ids)``, ``selectionChanged(shot_ids)``, ``playheadChanged(frame)``,
    ``dirtyChanged(dirty)``. ``push`` is the one way the UI edits the project."""

    changed = Signal(str, tuple)
    selectionChanged = Signal(list)
    playheadChanged = Signal(int)
    dirtyChanged = Signal(bool)

    def __init__(self, document: ProjectDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.undo_stack = QUndoStack(self)
        self._selection: list[str] = []
        self._playhead = 0
        self._dirty = document.dirty
        self._unsubscribe = document.subscribe(self._on_change)

    # --- edits ---------------------------------------------------------------------------------------------
    def push(self, command: Command) -> None:
        """Apply ``command`` as one undo step (merging with the previous one when the command says so).

        A command the model refuses (validation) raises before anything lands on the stack.
        """
        wrapper = ModelCommand(self.document, command)
        self.document.apply(command)  # raises on invalid input; the stack never holds a command that failed
        wrapper.applied = True  # QUndoStack.push calls redo() once; that call is a no-op
        self.undo_stack.push(wrapper)
        self._update_dirty()

    def execute(self, command: Command) -> None:
        """``push`` under the name Qt-free services call on a ProjectDocument (generation, script import), so
        their edits land on this undo stack."""
        self.push(command)

    def close(self) -> None:
        """Stop listening to the document (the window calls this when it drops the session)."""
        self._unsubscribe()
        self.undo_stack.clear()

    # --- selection and playhead ----------------------------------------------------------------------------
    def select_shots(self, ids: list[str]) -> None:
        known = {shot.id for shot in self.document.project.shots}
        ids = [i for i in dict.fromkeys(ids) if i in known]
        if ids != self._selection:
            self._selection = ids
            self.selectionChanged.emit(list(ids))

    def selected_shot_ids(self) -> list[str]:
        return list(self._selection)

    def set_playhead(self, frame: int) -> None:
        # Film frames: title cards, shots and credits, as the export counts them.
        frame = max(0, min(int(frame), max(0, film_frames(self.document.project))))
        if frame != self._playhead:
            self._playhead = frame
            self.playheadChanged.emit(frame)

    def playhead(self) -> int:
        return self._playhead

    # --- paths ---------------------------------------------------------------------------------------------
    @property
    def project(self) -> Project:
        return self.document.project

    @property
    def bundle(self) -> Path | None:
        return self.document.bundle

    def media_path(self, rel: str) -> Path:
        if self.document.bundle is None:
            raise ProjectError("this project has no folder yet")
        return self.document.media_file(rel)

    # --- change plumbing -----------------------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if change.kind in ("shots", "project"):
            known = {shot.id for shot in self.document.project.shots}
            kept = [i for i in self._selection if i in known]
            if kept != self._selection:
                self._selection = kept
                self.selectionChanged.emit(list(kept))
        self.changed.emit(change.kind, tuple(change.ids))
        self._update_dirty()

    def _update_dirty(self) -> None:
        dirty = self.document.dirty
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    def is_dirty(self) -> bool:
        return self.document.dirty

