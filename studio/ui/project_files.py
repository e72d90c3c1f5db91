"""The project file's life in the editor: new, open (offering to recover an autosave), save, save as, the
unsaved-changes question before the project goes away, and the Open Recent menu."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtWidgets import QMenu

from studio.project import Project, ProjectDocument, StoryreelError, store

from .editor_window import EditorWindow
from .prompts import SaveChoice
from .settings_dialog import StudioSettings


def start_folder(settings: StudioSettings) -> Path:
    """Where file questions start: beside the most recent project, else the home folder."""
    recent = settings.recent_projects()
    return Path(recent[0]).parent if recent else Path.home()


def set_autosave_aside(bundle: Path, autosave: Path) -> None:
    """Keep a declined autosave in backups/ rather than deleting work the user may want after all."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = bundle / store.BACKUPS / f"autosave-declined-{stamp}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(autosave), target)


class ProjectFiles:
    """New/open/save/save-as for ``window``'s open project; every method returns False when nothing happened."""

    def __init__(self, window: EditorWindow) -> None:
        self.window = window

    def new_project(self, path: Path | None = None, project: Project | None = None) -> bool:
        """Create a bundle at ``path`` (asked when None) holding ``project`` (default: an empty 720p film)."""
        window = self.window
        if not self.maybe_save():
            return False
        path = path or window.prompts.new_project_path(start_folder(window.settings))
        if path is None:
            return False
        try:
            document = ProjectDocument.create(path, project or Project(title=store.bundle_path(path).stem))
        except (StoryreelError, OSError) as exc:
            window.prompts.error("Cannot create the project", str(exc))
            return False
        window.install_document(document)
        window.settings.add_recent(document.bundle)
        return True

    def open_project(self, path: Path | None = None) -> bool:
        """Open a bundle, offering to recover an autosave newer than its last save."""
        window = self.window
        if not self.maybe_save():
            return False
        path = path or window.prompts.open_project_path(start_folder(window.settings))
        if path is None:
            return False
        bundle = store.bundle_path(path)
        try:
            document, report = ProjectDocument.open(bundle)
            autosave = store.newer_autosave(bundle)
            if autosave is not None:
                if window.prompts.recover_autosave(bundle, autosave):
                    project, report = store.recover_autosave(bundle)
                    document = ProjectDocument(project, bundle)
                    document.mark_dirty()  # recovered work is unsaved until the user saves it
                else:
                    set_autosave_aside(bundle, autosave)
        except (StoryreelError, OSError) as exc:
            window.prompts.error("Cannot open the project", str(exc))
            return False
        window.install_document(document)
        window.settings.add_recent(bundle)
        if report.offline:
            window.say(f"{len(report.offline)} media file(s) are missing; their takes are marked offline.")
        elif report.upgraded_from is not None:
            window.say(f"Upgraded from an older format (schema {report.upgraded_from}); saving writes the new one.")
        return True

    def save(self) -> bool:
        window, session = self.window, self.window.session
        if session is None:
            return False
        document = session.document
        if document.bundle is None:
            return self.save_as()
        try:
            document.save()
        except (StoryreelError, OSError) as exc:
            window.prompts.error("Cannot save", str(exc))
            return False
        session.undo_stack.setClean()
        window.setWindowModified(False)
        window.say(f"Saved {document.bundle.name}")
        return True

    def save_as(self) -> bool:
        window, session = self.window, self.window.session
        if session is None:
            return False
        path = window.prompts.save_as_path(start_folder(window.settings))
        if path is None:
            return False
        document = session.document
        old_bundle = document.bundle
        target = store.bundle_path(path)
        try:
            if old_bundle is not None and (old_bundle / store.MEDIA).is_dir() and target != old_bundle:
                shutil.copytree(old_bundle / store.MEDIA, target / store.MEDIA, dirs_exist_ok=True)
            document.save(target)
        except (StoryreelError, OSError) as exc:
            window.prompts.error("Cannot save", str(exc))
            return False
        window.settings.add_recent(target)
        if old_bundle != target:  # generation state and the engine's cache live in the bundle
            selection = session.selected_shot_ids()
            window.install_document(document).select_shots(selection)
        window.setWindowModified(False)
        return True

    def maybe_save(self) -> bool:
        """Before the project goes away: ask about unsaved changes. False = the user cancelled."""
        session = self.window.session
        if session is None or not session.document.dirty:
            return True
        document = session.document
        if document.bundle is None and not document.project.shots:
            return True  # an untouched new project
        choice = self.window.prompts.save_changes(document.project.title)
        if choice is SaveChoice.CANCEL:
            return False
        if choice is SaveChoice.SAVE:
            return self.save()
        return True

    def ensure_saved_folder(self) -> bool:
        """Generation and narration store files in the bundle: an unsaved project gets a folder first."""
        session = self.window.session
        if session is not None and session.document.bundle is None:
            self.window.say("Choose where to keep the project first: takes and audio are stored inside it.")
            return self.save_as()
        return session is not None

    def fill_recent(self, menu: QMenu) -> None:
        """Refill Open Recent each time it opens, from the settings' list."""
        menu.clear()
        for path in self.window.settings.recent_projects():
            action = menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project(Path(p)))
        if menu.isEmpty():
            menu.addAction("No recent projects").setEnabled(False)
