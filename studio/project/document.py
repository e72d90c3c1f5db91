"""An open project: the document, where it lives, its undo history, unsaved-changes state and listeners."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from . import store
from .commands import Change, Command
from .errors import ProjectError, StoryreelError
from .model import Project
from .model_limits import check_loadable
from .project_lock import ProjectLock


class ProjectConflict(ProjectError):
    """This process's edits cannot be replayed onto what another process saved meanwhile."""

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
        # What a save needs to merge with another writer: the digest of the file as this document last read or
        # wrote it, and every apply (True) and revert (False) since then, in order.
        self._disk_digest: str | None = None
        self._journal: list[tuple[bool, Command]] = []

    # --- opening and saving --------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str) -> tuple[ProjectDocument, store.LoadReport]:
        project, report = store.load(path)
        document = cls(project, store.bundle_path(path))
        document._disk_digest = report.digest
        return document, report

    @classmethod
    def create(cls, path: Path | str, project: Project | None = None) -> ProjectDocument:
        project = project or Project()
        document = cls(project, store.create_bundle(path, project))
        document._disk_digest = store.digest_of(store.serialize(project))
        return document

    def save(self, path: Path | str | None = None) -> Path:
        """Write the project under the project lock, after merging what another process saved meanwhile.

        If project.json changed since this document read (or last wrote) it, the new file is loaded and this
        document's own edits are replayed onto it (they are commands), so neither writer's work is lost; an edit
        that no longer applies (its shot was deleted meanwhile) refuses the save with ProjectConflict.
        """
        same_file = path is None or (self.bundle is not None and store.bundle_path(path) == self.bundle)
        if path is not None:
            self.bundle = store.bundle_path(path)
        if self.bundle is None:
            raise ProjectError("this project has no folder yet; use Save As")
        bundle = self.bundle
        bundle.mkdir(parents=True, exist_ok=True)
        with ProjectLock(bundle):
            if same_file and self._disk_digest is not None:
                self._merge_disk_changes(bundle)
            data = store.loadable_bytes(self.project, bundle / store.DOCUMENT)
            written = store.write_document(bundle, data)
        self._disk_digest = store.digest_of(data)
        self._journal.clear()
        self._saved_revision = self._revision
        self._notify(Change("saved"))
        return written

    def changed_on_disk(self) -> bool:
        """True when project.json is no longer what this document last read or wrote (another program saved)."""
        if self.bundle is None or self._disk_digest is None or not (self.bundle / store.DOCUMENT).is_file():
            return False
        try:
            return store.digest_of(store.read_document(self.bundle)) != self._disk_digest
        except ProjectError:
            return False

    def merge_disk_changes(self) -> bool:
        """Bring in what another program saved, now (the editor offers this): the file is loaded and this
        document's unsaved edits are replayed onto it, as a save would do; nothing is written. True if merged."""
        if not self.changed_on_disk():
            return False
        assert self.bundle is not None
        with ProjectLock(self.bundle):
            return self._merge_disk_changes(self.bundle)

    def _merge_disk_changes(self, bundle: Path) -> bool:
        if not (bundle / store.DOCUMENT).exists():
            return False  # deleted meanwhile: this document's save recreates it
        current = store.read_document(bundle)
        if store.digest_of(current) == self._disk_digest:
            return False
        fresh, _ = store.load_bytes(bundle, current)
        for forward, command in self._journal:
            try:
                (command.apply if forward else command.revert)(fresh)
            except (StoryreelError, ValidationError, ValueError, LookupError) as exc:
                raise ProjectConflict(
                    f"another program saved this project meanwhile and {command.text.lower()!r} no longer applies "
                    f"({exc}); nothing was saved — open the project again and redo it", path=bundle) from exc
        try:
            check_loadable(fresh)
        except ProjectError as exc:
            raise ProjectConflict(f"another program saved this project meanwhile, and with its changes this "
                                  f"one's would break a rule ({exc}); nothing was saved", path=bundle) from exc
        self.project = fresh
        self._disk_digest = store.digest_of(current)  # the journal stays: its edits are still unsaved
        self._notify(Change("project"))
        return True

    def autosave(self) -> Path | None:
        if self.bundle is None or not self.dirty:
            return None
        return store.autosave(self.bundle, self.project)

    @property
    def dirty(self) -> bool:
        return self._revision != self._saved_revision

    @property
    def revision(self) -> int:
        """Bumps on every change (apply, revert, reload): what a view derived from the project can be keyed by."""
        return self._revision

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
        # A field edit of a shot, take, line... is validated on assignment by the same model, and a few structural
        # edits check what they can break (``Command.verify``); anything else re-runs the loader's validation.
        if not command.verify(self.project):
            try:
                check_loadable(self.project)
            except ProjectError:
                command.revert(self.project)
                raise
        self._journal.append((True, command))
        self._revision += 1
        self._notify(change)
        return change

    def revert(self, command: Command) -> Change:
        change = command.revert(self.project)
        self._journal.append((False, command))
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
