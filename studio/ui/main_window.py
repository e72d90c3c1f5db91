"""The main window: assembles the docks and wires the actions. Panels do the work; this file only connects."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLabel, QMainWindow, QMenu, QUndoView, QWidget

from studio.project import Project, ProjectDocument, StoryreelError, store
from studio.timeline import shot_edits

from .actions import Actions, build_actions
from .autosave import Autosaver
from .background import TaskList
from .cast_panel import CastPanel
from .docks import create_docks, unavailable_notice
from .engine_bridge import ClientFactory, EngineBridge, spawned_worker
from .generation_queue import GenerationQueue
from .icons import icon
from .lines_panel import LinesPanel
from .prompts import Prompts, SaveChoice
from .queue_panel import QueuePanel
from .session import ProjectSession
from .settings_dialog import SettingsDialog, StudioSettings
from .shot_inspector import ShotInspector
from .storyboard import StoryboardPanel
from .takes_strip import CompareDialog, TakesStrip

SHUTTLE_SPEEDS = (1, 2, 4, 8)


class MainWindow(QMainWindow):
    def __init__(self, *, settings: QSettings, prompts: Prompts | None = None,
                 parent: QWidget | None = None, engine_factory: ClientFactory = spawned_worker) -> None:
        super().__init__(parent)
        self.settings = StudioSettings(settings)
        self.engine_factory = engine_factory  # how this window runs the engine (a spawned worker by default)
        self.prompts = prompts or Prompts(self)
        self.prompts.parent = self
        self.tasks = TaskList(self)
        self.session: ProjectSession | None = None
        self.engine: EngineBridge | None = None
        self.generation: GenerationQueue | None = None
        self.preview: Any = None
        self.export_dialog: Any = None
        self.setObjectName("storyreel_main_window")
        self.resize(1600, 1000)
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AllowNestedDocks)
        self.docks = create_docks(self)
        self.actions = build_actions(self)
        self.undo_action = QAction(icon("undo"), "&Undo", self)
        self.redo_action = QAction(icon("redo"), "&Redo", self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        self.undo_action.triggered.connect(lambda: self.session and self.session.undo_stack.undo())
        self.redo_action.triggered.connect(lambda: self.session and self.session.undo_stack.redo())
        self._build_menus()
        self._connect_actions()
        self.status_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.status_label)
        self.tasks.changed.connect(self._show_tasks)
        self.autosaver = Autosaver(lambda: self.session.document if self.session else None,
                                   self.settings.autosave_interval_s, self)
        self.autosaver.failed.connect(self.say)
        self.install_document(ProjectDocument(Project(width=1280, height=720)))
        state = settings.value("window/state")
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    # --- building ------------------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([a.new, a.open])
        self.recent_menu = QMenu("Open &Recent", self)
        file_menu.addMenu(self.recent_menu)
        file_menu.addActions([a.save, a.save_as])
        file_menu.addSeparator()
        file_menu.addActions([a.import_script, a.export])
        file_menu.addSeparator()
        file_menu.addActions([a.settings, a.models])
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([a.add_shot, a.duplicate_shot, a.split_shot, a.delete_shot])
        generate_menu = bar.addMenu("&Generate")
        generate_menu.addActions([a.generate, a.regenerate, a.generate_n, a.generate_missing])
        generate_menu.addSeparator()
        generate_menu.addAction(a.narrate)
        play_menu = bar.addMenu("&Playback")
        play_menu.addActions([a.play, a.shuttle_back, a.shuttle_stop, a.shuttle_forward])
        play_menu.addSeparator()
        play_menu.addActions([a.frame_back, a.frame_forward, a.mark_in, a.mark_out])
        self.view_menu = bar.addMenu("&View")
        for dock in self.docks.values():
            self.view_menu.addAction(dock.toggleViewAction())
        self.recent_menu.aboutToShow.connect(self._fill_recent)

        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("toolbar_main")
        toolbar.setMovable(False)
        toolbar.addActions([a.new, a.open, a.save])
        toolbar.addSeparator()
        toolbar.addActions([self.undo_action, self.redo_action])
        toolbar.addSeparator()
        toolbar.addActions([a.import_script, a.add_shot, a.duplicate_shot, a.split_shot, a.delete_shot])
        toolbar.addSeparator()
        toolbar.addActions([a.generate, a.regenerate, a.narrate])
        toolbar.addSeparator()
        toolbar.addActions([a.play, a.export])
        for action in a.all():  # shortcuts work even for actions that sit in no visible menu
            self.addAction(action)

    def _connect_actions(self) -> None:
        a: Actions = self.actions
        a.new.triggered.connect(lambda: self.new_project())
        a.open.triggered.connect(lambda: self.open_project())
        a.save.triggered.connect(self.save)
        a.save_as.triggered.connect(self.save_as)
        a.import_script.triggered.connect(lambda: self.import_screenplay())
        a.export.triggered.connect(self.export)
        a.settings.triggered.connect(self.show_settings)
        a.models.triggered.connect(self.show_models)
        a.quit.triggered.connect(self.close)
        a.add_shot.triggered.connect(self.add_shot)
        a.duplicate_shot.triggered.connect(self.duplicate_shots)
        a.split_shot.triggered.connect(self.split_shot)
        a.delete_shot.triggered.connect(self.delete_shots)
        a.generate.triggered.connect(lambda: self.generate())
        a.regenerate.triggered.connect(lambda: self.generate(new_takes=1))
        a.generate_n.triggered.connect(self.generate_n)
        a.generate_missing.triggered.connect(self.generate_missing)
        a.narrate.triggered.connect(self.narrate)
        a.play.triggered.connect(lambda: self._preview_call("toggle_play"))
        a.shuttle_back.triggered.connect(lambda: self.shuttle(-1))
        a.shuttle_stop.triggered.connect(lambda: self.shuttle(0))
        a.shuttle_forward.triggered.connect(lambda: self.shuttle(+1))
        a.frame_back.triggered.connect(lambda: self.step(-1))
        a.frame_forward.triggered.connect(lambda: self.step(+1))
        a.mark_in.triggered.connect(lambda: self.mark("in"))
        a.mark_out.triggered.connect(lambda: self.mark("out"))

    # --- the open project ----------------------------------------------------------------------------------
    def install_document(self, document: ProjectDocument) -> ProjectSession:
        """Make ``document`` the open project: a new session, fresh panels in every dock."""
        self._drop_session()
        session = ProjectSession(document, self)
        self.session = session
        if document.bundle is not None:
            self.engine = EngineBridge(document.bundle / store.CACHE / "engine", document.bundle / store.CACHE / "takes",
                                       self, factory=self.engine_factory)
            self.generation = GenerationQueue(session, self.engine, self)
            self.generation.message.connect(self.say)
            self.generation.resume()
        status = self.generation.shot_status if self.generation else None
        storyboard = StoryboardPanel(session, status)
        storyboard.addShotRequested.connect(self.add_shot)
        storyboard.importScriptRequested.connect(lambda: self.import_screenplay())
        if self.generation is not None:
            self.generation.shotStatusChanged.connect(storyboard.refresh_shot)
        inspector = ShotInspector(session)
        inspector.error.connect(self.say)
        takes = TakesStrip(session)
        takes.playRequested.connect(self.play_take)
        takes.compareRequested.connect(self.compare_takes)
        lines = LinesPanel(session, self.tasks)
        lines.message.connect(self.say)
        cast = CastPanel(session, self.tasks)
        cast.message.connect(self.say)
        history = QUndoView(session.undo_stack)
        history.setEmptyLabel("Opened project")
        queue: QWidget = QueuePanel(self.generation) if self.generation else unavailable_notice(
            "Save the project to generate: takes are stored inside its folder.")
        self.preview = self._optional_widget("studio.ui.preview_player", "PreviewPlayer", session,
                                             "The preview player is not available in this build.")
        timeline = self._optional_widget("studio.ui.timeline", "TimelineView", session,
                                         "The timeline is not available in this build.")
        self.panels = {"storyboard": storyboard, "inspector": inspector, "takes": takes, "lines": lines,
                       "cast": cast, "history": history, "queue": queue, "preview": self.preview,
                       "timeline": timeline}
        for name, widget in self.panels.items():
            old = self.docks[name].widget()
            self.docks[name].setWidget(widget)
            if old is not None:
                old.deleteLater()
        session.undo_stack.canUndoChanged.connect(self.undo_action.setEnabled)
        session.undo_stack.canRedoChanged.connect(self.redo_action.setEnabled)
        session.undo_stack.undoTextChanged.connect(lambda t: self.undo_action.setText(f"&Undo {t}".strip()))
        session.undo_stack.redoTextChanged.connect(lambda t: self.redo_action.setText(f"&Redo {t}".strip()))
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.undo_action.setText("&Undo")
        self.redo_action.setText("&Redo")
        session.dirtyChanged.connect(self.setWindowModified)
        session.selectionChanged.connect(lambda _ids: self._update_actions())
        session.changed.connect(lambda *_: self._update_actions())
        session.changed.connect(lambda kind, _ids: kind == "project" and self._update_title())
        self.setWindowModified(document.dirty)
        self._update_title()
        self._update_actions()
        return session

    def _optional_widget(self, module: str, name: str, session: ProjectSession, missing: str) -> QWidget:
        import importlib

        try:
            factory = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            return unavailable_notice(missing)
        return factory(session)

    def _drop_session(self) -> None:
        if self.engine is not None:
            self.engine.close()
            self.engine.deleteLater()
        if self.generation is not None:
            self.generation.deleteLater()
        if self.session is not None:
            self.session.close()
            self.session.deleteLater()
        self.engine = self.generation = self.session = None

    def _update_title(self) -> None:
        if self.session is None:
            return
        document = self.session.document
        where = document.bundle.name if document.bundle else "not saved yet"
        self.setWindowTitle(f"{document.project.title} ({where})[*] — Storyreel")

    def _update_actions(self) -> None:
        a = self.actions
        selected = bool(self.session and self.session.selected_shot_ids())
        has_shots = bool(self.session and self.session.project.shots)
        for action in (a.duplicate_shot, a.split_shot, a.delete_shot, a.generate, a.regenerate, a.generate_n):
            action.setEnabled(selected)
        a.generate_missing.setEnabled(has_shots)
        a.export.setEnabled(has_shots)
        a.narrate.setEnabled(bool(self.session and self.session.project.lines))

    def say(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    def _show_tasks(self) -> None:
        running = self.tasks.running()
        if not running:
            self.status_label.setText("")
            return
        task = running[-1]
        p = task.last_progress
        detail = f" {p.done}/{p.total}" if p is not None and p.total else ""
        more = f" (+{len(running) - 1})" if len(running) > 1 else ""
        self.status_label.setText(f"{task.title}{detail}…{more}")

    # --- files ---------------------------------------------------------------------------------------------
    def _start_folder(self) -> Path:
        recent = self.settings.recent_projects()
        return Path(recent[0]).parent if recent else Path.home()

    def new_project(self, path: Path | None = None, project: Project | None = None) -> bool:
        """Create a bundle at ``path`` (asked when None) holding ``project`` (default: an empty 720p film)."""
        if not self.maybe_save():
            return False
        path = path or self.prompts.new_project_path(self._start_folder())
        if path is None:
            return False
        try:
            document = ProjectDocument.create(path, project or Project(title=store.bundle_path(path).stem))
        except (StoryreelError, OSError) as exc:
            self.prompts.error("Cannot create the project", str(exc))
            return False
        self.install_document(document)
        self.settings.add_recent(document.bundle)
        return True

    def open_project(self, path: Path | None = None) -> bool:
        """Open a bundle, offering to recover an autosave newer than its last save."""
        if not self.maybe_save():
            return False
        path = path or self.prompts.open_project_path(self._start_folder())
        if path is None:
            return False
        bundle = store.bundle_path(path)
        try:
            document, report = ProjectDocument.open(bundle)
            autosave = store.newer_autosave(bundle)
            if autosave is not None:
                if self.prompts.recover_autosave(bundle, autosave):
                    project, report = store.recover_autosave(bundle)
                    document = ProjectDocument(project, bundle)
                    document.mark_dirty()  # recovered work is unsaved until the user saves it
                else:
                    self._set_autosave_aside(bundle, autosave)
        except (StoryreelError, OSError) as exc:
            self.prompts.error("Cannot open the project", str(exc))
            return False
        self.install_document(document)
        self.settings.add_recent(bundle)
        if report.offline:
            self.say(f"{len(report.offline)} media file(s) are missing; their takes are marked offline.")
        elif report.upgraded_from is not None:
            self.say(f"Upgraded from an older format (schema {report.upgraded_from}); saving writes the new one.")
        return True

    @staticmethod
    def _set_autosave_aside(bundle: Path, autosave: Path) -> None:
        """Keep a declined autosave in backups/ rather than deleting work the user may want after all."""
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = bundle / store.BACKUPS / f"autosave-declined-{stamp}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(autosave), target)

    def save(self) -> bool:
        if self.session is None:
            return False
        document = self.session.document
        if document.bundle is None:
            return self.save_as()
        try:
            document.save()
        except (StoryreelError, OSError) as exc:
            self.prompts.error("Cannot save", str(exc))
            return False
        self.session.undo_stack.setClean()
        self.setWindowModified(False)
        self.say(f"Saved {document.bundle.name}")
        return True

    def save_as(self) -> bool:
        if self.session is None:
            return False
        path = self.prompts.save_as_path(self._start_folder())
        if path is None:
            return False
        document = self.session.document
        old_bundle = document.bundle
        target = store.bundle_path(path)
        try:
            if old_bundle is not None and (old_bundle / store.MEDIA).is_dir() and target != old_bundle:
                shutil.copytree(old_bundle / store.MEDIA, target / store.MEDIA, dirs_exist_ok=True)
            document.save(target)
        except (StoryreelError, OSError) as exc:
            self.prompts.error("Cannot save", str(exc))
            return False
        self.settings.add_recent(target)
        if old_bundle != target:  # generation state and the engine's cache live in the bundle
            selection = self.session.selected_shot_ids()
            self.install_document(document).select_shots(selection)
        self.setWindowModified(False)
        return True

    def maybe_save(self) -> bool:
        """Before the project goes away: ask about unsaved changes. False = the user cancelled."""
        if self.session is None or not self.session.document.dirty:
            return True
        document = self.session.document
        if document.bundle is None and not document.project.shots:
            return True  # an untouched new project
        choice = self.prompts.save_changes(document.project.title)
        if choice is SaveChoice.CANCEL:
            return False
        if choice is SaveChoice.SAVE:
            return self.save()
        return True

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.settings.recent_projects():
            action = self.recent_menu.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project(Path(p)))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("No recent projects").setEnabled(False)

    def ensure_saved_folder(self) -> bool:
        """Generation and narration store files in the bundle: an unsaved project gets a folder first."""
        if self.session is not None and self.session.document.bundle is None:
            self.say("Choose where to keep the project first: takes and audio are stored inside it.")
            return self.save_as()
        return self.session is not None

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.maybe_save():
            event.ignore()
            return
        self.settings.qsettings.setValue("window/state", self.saveState())
        self.settings.qsettings.setValue("window/geometry", self.saveGeometry())
        self.settings.qsettings.sync()
        self.shutdown()
        event.accept()

    def shutdown(self) -> None:
        """Stop timers, background tasks and the engine worker (also called by tests)."""
        self.autosaver.timer.stop()
        self.tasks.shutdown()
        if self.preview is not None and hasattr(self.preview, "stop"):
            self.preview.stop()
        self._drop_session()

    # --- shots ---------------------------------------------------------------------------------------------
    def _push(self, command: Any) -> bool:
        assert self.session is not None
        try:
            self.session.push(command)
        except (StoryreelError, ValueError) as exc:
            self.say(str(exc))
            return False
        return True

    def add_shot(self) -> None:
        if self.session is None:
            return
        command, shot_id = shot_edits.add_shot(self.session.project, self.session.selected_shot_ids())
        if self._push(command):
            self.session.select_shots([shot_id])
            self.docks["inspector"].raise_()
            self.panels["inspector"].prompt.setFocus()

    def duplicate_shots(self) -> None:
        if self.session is None:
            return
        command, ids = shot_edits.duplicate_shots(self.session.project, self.session.selected_shot_ids())
        if command is not None and self._push(command):
            self.session.select_shots(ids)

    def split_shot(self) -> None:
        if self.session is None or not self.session.selected_shot_ids():
            return
        try:
            command, new_id = shot_edits.split_shot(self.session.project, self.session.selected_shot_ids()[0],
                                                    self.session.playhead())
        except ValueError as exc:
            self.say(str(exc))
            return
        if self._push(command):
            self.session.select_shots([new_id])

    def delete_shots(self) -> None:
        if self.session is None:
            return
        command = shot_edits.delete_shots(self.session.project, self.session.selected_shot_ids())
        if command is not None:
            self._push(command)

    def import_screenplay(self, path: Path | None = None) -> bool:
        if self.session is None:
            return False
        path = path or self.prompts.open_file("Import a screenplay", self._start_folder(),
                                              "Fountain screenplay (*.fountain *.spmd *.txt)")
        if path is None:
            return False
        try:
            from studio.script import import_fountain

            summary = import_fountain(self.session, path)
        except (StoryreelError, OSError) as exc:
            self.prompts.error("Cannot import the screenplay", str(exc))
            return False
        report = summary.report() if hasattr(summary, "report") else [str(summary)]
        self.say(f"Imported {path.name}: " + "; ".join(report))
        return True

    # --- generation and voice ------------------------------------------------------------------------------
    def generate(self, *, new_takes: int | None = None) -> list[str]:
        """Generate the selected shots (each shot's take), or ``new_takes`` new distinct takes of each."""
        if not self.ensure_saved_folder() or self.generation is None or self.session is None:
            return []
        ids = self.session.selected_shot_ids()
        if not ids:
            self.say("Select the shots to generate on the storyboard.")
            return []
        try:
            jobs = self.generation.generate(ids, new_takes=new_takes)
        except (StoryreelError, ValueError) as exc:
            self.prompts.error("Cannot generate", str(exc))
            return []
        if jobs:
            self.docks["queue"].raise_()
            self.say(f"Queued {len(jobs)} generation job(s).")
        return jobs

    def generate_n(self) -> list[str]:
        count, ok = QInputDialog.getInt(self, "Generate takes", "New takes per selected shot:", 3, 1, 16)
        return self.generate(new_takes=count) if ok else []

    def generate_missing(self) -> list[str]:
        if not self.ensure_saved_folder() or self.generation is None:
            return []
        try:
            jobs = self.generation.generate_missing()
        except (StoryreelError, ValueError) as exc:
            self.prompts.error("Cannot generate", str(exc))
            return []
        self.say(f"Queued {len(jobs)} shot(s) without takes." if jobs else "Every shot has a take.")
        return jobs

    def narrate(self) -> None:
        if not self.ensure_saved_folder() or self.session is None:
            return
        from .voice_bridge import narrate

        ids = [line.id for line in self.session.project.lines if line.status != "ready"]
        if not ids:
            self.say("Every line is narrated.")
            return
        task = narrate(self.tasks, self.session, ids)
        task.failed.connect(lambda reason: self.prompts.error("Narration failed", reason))
        task.succeeded.connect(lambda _r: self.say(f"Narrated {len(ids)} line(s)."))

    # --- playback ------------------------------------------------------------------------------------------
    def _preview_call(self, method: str, *args: Any) -> bool:
        function = getattr(self.preview, method, None)
        if function is None:
            return False
        function(*args)
        return True

    def play_take(self, shot_id: str, take_id: str) -> None:
        self.docks["preview"].raise_()
        self._preview_call("play_take", shot_id, take_id)

    def compare_takes(self, shot_id: str, take_a: str, take_b: str) -> None:
        if self.session is not None:
            dialog = CompareDialog(self.session, shot_id, (take_a, take_b), self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.open()

    def shuttle(self, direction: int) -> None:
        """J/K/L: each press in the same direction doubles the speed (up to 8x); K stops."""
        current = int(getattr(self.preview, "speed", 0) or 0)
        if direction == 0:
            target = 0
        elif current * direction > 0:
            target = direction * min(SHUTTLE_SPEEDS[-1], abs(current) * 2)
        else:
            target = direction
        self._preview_call("shuttle", target)

    def step(self, frames: int) -> None:
        if not self._preview_call("step", frames) and self.session is not None:
            self.session.set_playhead(self.session.playhead() + frames)

    def mark(self, edge: str) -> None:
        """I/O: on the take the preview is playing, else on the selected shot's active take at the playhead."""
        if getattr(self.preview, "mode", None) == "take":
            self._preview_call("mark_in" if edge == "in" else "mark_out")
            return
        if self.session is None or not self.session.selected_shot_ids():
            return
        command = shot_edits.trim_at_playhead(self.session.project, self.session.selected_shot_ids()[0],
                                              self.session.playhead(), edge)
        if command is None:
            self.say("Put the playhead inside the selected shot (which needs a take) to mark in or out.")
            return
        self._push(command)

    # --- dialogs -------------------------------------------------------------------------------------------
    def export(self) -> None:
        if self.session is None or not self.ensure_saved_folder():
            return
        try:
            from .export_dialog import ExportDialog
        except ImportError:
            self.prompts.error("Export", "The export dialog is not available in this build; use "
                                         "`storyreel export` on the command line.")
            return
        dialog = ExportDialog(self.session, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.exported.connect(lambda path: self.say(f"Exported {path}"))
        self.export_dialog = dialog
        dialog.open()

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.autosaver.set_interval(self.settings.autosave_interval_s))
        dialog.open()

    def show_models(self) -> None:
        from .model_manager import ModelManager

        dialog = ModelManager(self.settings.model_folder, self.tasks, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
