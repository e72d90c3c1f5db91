"""An open project: the document, where it lives, its undo history, unsaved-changes state and listeners."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from . import store
from .commands import Change, Command, SetFields
from .errors import ProjectError
from .model import Project
from .model_limits import check_loadable

Listener = Callable[[Change], None]


class ProjectDocument:
    """Observable wrapper around a Project. Edits go through commands so they can be undone.

    ``execute`` keeps its own undo/redo stacks (CLI, tests); the Qt UI instead pushes each command on a
    QUndoStack whose redo/undo call ``apply``/``revert`` — the same two entry points.
    """

    def __init__(self, project: Project, bundle: Path | None = None) -> None:
        self.project = project
        self.bundle = bundle
        self._listeners: list[Listener] = []
        self._undo: list[Command] = []
        self._redo: list[Command] = []
        self._revision = 0  # bumps on every change
        self._saved_revision = 0

    # --- opening and saving --------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str) -> tuple[ProjectDocument, store.LoadReport]:
        project, report = store.load(path)
        return cls(project, store.bundle_path(path)), report

    @classmethod
    def create(cls, path: Path | str, project: Project | None = None) -> ProjectDocument:
        project = project or Project()
        return cls(project, store.create_bundle(path, project))

    def save(self, path: Path | str | None = None) -> Path:
        if path is not None:
            self.bundle = store.bundle_path(path)
        if self.bundle is None:
            raise ProjectError("this project has no folder yet; use Save As")
        written = store.save(self.bundle, self.project)
        self._saved_revision = self._revision
        self._notify(Change("saved"))
        return written

    def autosave(self) -> Path | None:
        if self.bundle is None or not self.dirty:
            return None
        return store.autosave(self.bundle, self.project)

    @property
    def dirty(self) -> bool:
        return self._revision != self._saved_revision

    def mark_dirty(self) -> None:
        self._revision += 1

    # --- listeners -----------------------------------------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, change: Change) -> None:
        for listener in list(self._listeners):
            listener(change)

    # --- edits ---------------------------------------------------------------------------------------------
    def apply(self, command: Command) -> Change:
        """Apply without touching this document's own history (the Qt undo stack calls this).

        An edit that breaks a rule the loader enforces (a count, a length, a range) is undone and refused here,
        so nothing that could not be opened again is ever saved.
        """
        try:
            change = command.apply(self.project)
        except ValidationError as exc:
            raise store.validation_error(exc, None) from exc
        if not isinstance(command, SetFields):  # field edits are validated on assignment by the same model
            try:
                check_loadable(self.project)
            except ProjectError:
                command.revert(self.project)
                raise
        self._revision += 1
        self._notify(change)
        return change

    def revert(self, command: Command) -> Change:
        change = command.revert(self.project)
        self._revision += 1
        self._notify(change)
        return change

    def execute(self, command: Command) -> Change:
        change = self.apply(command)
        if self._undo and self._undo[-1].merge(command):
            pass
        else:
            self._undo.append(command)
        self._redo.clear()
        return change

    def undo(self) -> Change | None:
        if not self._undo:
            return None
        command = self._undo.pop()
        self._redo.append(command)
        return self.revert(command)

    def redo(self) -> Change | None:
        if not self._redo:
            return None
        command = self._redo.pop()
        self._undo.append(command)
        return self.apply(command)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # --- paths ---------------------------------------------------------------------------------------------
    def media_file(self, relative: str) -> Path:
        if self.bundle is None:
            raise ProjectError("this project has no folder yet")
        return store.resolve_media(self.bundle, relative)
