"""The main window: assembles the docks and composes the controllers that do the work — project files,
shot edits, generation and narration, playback — and connects the actions to them."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QUndoView, QWidget

from studio.project import Project, ProjectDocument, StoryreelError, store

from .actions import Actions, build_actions
from .autosave import Autosaver
from .background import TaskList
from .cast_panel import CastPanel
from .disk_watch import ProjectFileWatcher
from .docks import create_docks, unavailable_notice
from .edit_import_dialog import import_edit
from .elements_panel import ElementsPanel
from .engine_bridge import ClientFactory, EngineBridge, spawned_worker
from .generation_actions import GenerationActions
from .generation_queue import GenerationQueue
from .gui_collector import GuiThreadCollector
from .keyframe_strip import KeyframeStrip
from .lines_panel import LinesPanel
from .playback_controls import PlaybackControls
from .project_files import ProjectFiles
from .prompts import Prompts
from .queue_panel import QueuePanel
from .session import ProjectSession
from .settings_dialog import SettingsDialog, StudioSettings
from .shot_editing import ShotEditing
from .shot_inspector import ShotInspector
from .storyboard import StoryboardPanel
from .takes_strip import TakesStrip
from .undo_actions import UndoActions
from .window_menus import build_menus


class MainWindow(QMainWindow):
    def __init__(self, *, settings: QSettings, prompts: Prompts | None = None,
                 parent: QWidget | None = None, engine_factory: ClientFactory = spawned_worker) -> None:
        super().__init__(parent)
        self.settings = StudioSettings(settings)
        self.engine_factory = engine_factory  # how this window runs a local engine (a spawned worker by default)
        self.prompts = prompts or Prompts(self)
        self.prompts.parent = self
        self.tasks = TaskList(self)
        self.collector = GuiThreadCollector(self)  # Qt objects in garbage are freed on this thread, never another
        self.session: ProjectSession | None = None
        self.engine: EngineBridge | None = None
        self.generation: GenerationQueue | None = None
        self.preview: Any = None
        self.export_dialog: Any = None
        self.files = ProjectFiles(self)
        self.shot_editing = ShotEditing(self)
        self.generation_actions = GenerationActions(self)
        self.playback = PlaybackControls(self, self.shot_editing)
        self.setObjectName("storyreel_main_window")
        self.resize(1600, 1000)
        self.setDockNestingEnabled(True)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AllowNestedDocks)
        self.docks = create_docks(self)
        self.actions = build_actions(self)
        self.undo_actions = UndoActions(lambda: self.session, self)
        self.undo_action, self.redo_action = self.undo_actions.undo, self.undo_actions.redo
        menus = build_menus(self, self.actions, self.undo_actions, self.docks)
        self.recent_menu, self.view_menu = menus.recent, menus.view
        self.recent_menu.aboutToShow.connect(lambda: self.files.fill_recent(self.recent_menu))
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

    def _connect_actions(self) -> None:
        a: Actions = self.actions
        files, edits, generation, playback = self.files, self.shot_editing, self.generation_actions, self.playback
        a.new.triggered.connect(lambda: files.new_project())
        a.open.triggered.connect(lambda: files.open_project())
        a.save.triggered.connect(files.save)
        a.save_as.triggered.connect(files.save_as)
        a.import_script.triggered.connect(lambda: edits.import_screenplay())
        a.import_edit.triggered.connect(lambda: import_edit(self))
        a.export.triggered.connect(self.export)
        a.settings.triggered.connect(self.show_settings)
        a.models.triggered.connect(self.show_models)
        a.quit.triggered.connect(self.close)
        a.add_shot.triggered.connect(edits.add_shot)
        a.duplicate_shot.triggered.connect(edits.duplicate_shots)
        a.split_shot.triggered.connect(edits.split_shot)
        a.delete_shot.triggered.connect(edits.delete_shots)
        a.blade.triggered.connect(edits.blade_at_playhead)
        a.add_marker.triggered.connect(edits.add_marker)
        a.generate.triggered.connect(lambda: generation.generate())
        a.regenerate.triggered.connect(lambda: generation.generate(new_takes=1))
        a.generate_n.triggered.connect(generation.generate_n)
        a.generate_missing.triggered.connect(generation.generate_missing)
        a.generate_keyframes.triggered.connect(lambda: generation.generate_keyframes())
        a.generate_missing_keyframes.triggered.connect(lambda: generation.generate_keyframes(missing=True))
        a.extend_take.triggered.connect(lambda: generation.extend())
        a.bridge.triggered.connect(lambda: generation.bridge())
        a.narrate.triggered.connect(generation.narrate)
        a.make_sounds.triggered.connect(generation.make_sounds)
        a.play.triggered.connect(playback.toggle_play)
        a.shuttle_back.triggered.connect(lambda: playback.shuttle(-1))
        a.shuttle_stop.triggered.connect(lambda: playback.shuttle(0))
        a.shuttle_forward.triggered.connect(lambda: playback.shuttle(+1))
        a.frame_back.triggered.connect(lambda: playback.step(-1))
        a.frame_forward.triggered.connect(lambda: playback.step(+1))
        a.mark_in.triggered.connect(lambda: playback.mark("in"))
        a.mark_out.triggered.connect(lambda: playback.mark("out"))
        a.clear_marks.triggered.connect(playback.clear_marks)

    # --- the open project ----------------------------------------------------------------------------------
    def install_document(self, document: ProjectDocument) -> ProjectSession:
        """Make ``document`` the open project: a new session, fresh panels in every dock."""
        self._drop_session()
        gc.unfreeze()  # the previous project's objects may be collected again
        session = ProjectSession(document, self)
        self.session = session
        ProjectFileWatcher(document, session).changedOnDisk.connect(self._project_changed_on_disk)
        if document.bundle is not None:
            # The settings' engine (this computer, or a Ray cluster) is read here: a change applies to the next project.
            self.engine = EngineBridge(document.bundle / store.CACHE / "engine", document.bundle / store.CACHE / "takes",
                                       self, factory=self.settings.engine_factory(self.engine_factory))
            self.generation = GenerationQueue(session, self.engine, self)
            self.generation.message.connect(self.say)
            self.generation.resume()
        status = self.generation.shot_status if self.generation else None
        storyboard = StoryboardPanel(session, status)
        storyboard.addShotRequested.connect(self.shot_editing.add_shot)
        storyboard.importScriptRequested.connect(lambda: self.import_screenplay())
        if self.generation is not None:
            self.generation.shotStatusChanged.connect(storyboard.refresh_shot)
        inspector = ShotInspector(session)
        inspector.error.connect(self.say)
        keyframes = KeyframeStrip(session)
        keyframes.generateRequested.connect(lambda ids: self.generation_actions.generate_keyframes(ids))
        takes = TakesStrip(session)
        takes.playRequested.connect(self.playback.play_take)
        takes.compareRequested.connect(self.playback.compare_takes)
        lines = LinesPanel(session, self.tasks)
        lines.message.connect(self.say)
        cast = CastPanel(session, self.tasks)
        cast.message.connect(self.say)
        elements = ElementsPanel(session)
        elements.message.connect(self.say)
        history = QUndoView(session.undo_stack)
        history.setEmptyLabel("Opened project")
        queue: QWidget = QueuePanel(self.generation) if self.generation else unavailable_notice(
            "Save the project to generate: takes are stored inside its folder.")
        self.preview = self._optional_widget("studio.ui.preview_player", "PreviewPlayer", session,
                                             "The preview player is not available in this build.")
        timeline = self._optional_widget("studio.ui.timeline", "TimelineView", session,
                                         "The timeline is not available in this build.")
        if hasattr(timeline, "message"):
            timeline.message.connect(self.say)
        if hasattr(timeline, "extendRequested"):
            timeline.extendRequested.connect(lambda shot_id, seconds: self.generation_actions.extend(shot_id, seconds))
            timeline.bridgeRequested.connect(lambda shot_id: self.generation_actions.bridge(shot_id))
        self.panels = {"storyboard": storyboard, "inspector": inspector, "takes": takes, "lines": lines,
                       "cast": cast, "elements": elements, "keyframes": keyframes, "history": history, "queue": queue, "preview": self.preview,
                       "timeline": timeline}
        for name, widget in self.panels.items():
            old = self.docks[name].widget()
            self.docks[name].setWidget(widget)
            if old is not None:
                old.deleteLater()
        self.undo_actions.follow(session.undo_stack)
        session.dirtyChanged.connect(self.setWindowModified)
        session.selectionChanged.connect(lambda _ids: self._update_actions())
        session.changed.connect(lambda *_: self._update_actions())
        session.changed.connect(lambda kind, _ids: kind == "project" and self._update_title())
        self.setWindowModified(document.dirty)
        self._update_title()
        self._update_actions()
        # A feature film's document and panels are ~10^6 objects that live as long as the project: frozen, the
        # collector's full passes skip them (each took ~0.1-0.3 s at 3,000 shots, landing on random edits).
        gc.freeze()
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
        for action in (a.duplicate_shot, a.split_shot, a.delete_shot, a.generate, a.regenerate, a.generate_n,
                       a.extend_take, a.bridge, a.generate_keyframes):
            action.setEnabled(selected)
        a.generate_missing.setEnabled(has_shots)
        a.generate_missing_keyframes.setEnabled(has_shots)
        a.export.setEnabled(has_shots)
        a.narrate.setEnabled(bool(self.session and self.session.project.lines))

    def say(self, message: str) -> None:
        self.statusBar().showMessage(message, 10_000)

    def _project_changed_on_disk(self) -> None:
        """Another program saved this project: bring its changes in (unsaved edits are replayed onto them)."""
        session = self.session
        if session is None:
            return
        document = session.document
        if document.dirty and not self.prompts.confirm(
                "Project changed on disk",
                "Another program (the command line, or a second editor) saved this project. Bring its changes "
                "in now? Your unsaved edits are kept. (Otherwise they are merged when you save.)"):
            return
        try:
            merged = document.merge_disk_changes()
        except StoryreelError as exc:
            self.prompts.error("Cannot bring in the changes", str(exc))
            return
        if merged:
            self.say("Another program saved this project; its changes are in" +
                     (" and your unsaved edits are kept" if document.dirty else ""))

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

    # --- what tests, the app and the panels call on the window (the controllers do the work) ----------------
    def new_project(self, path: Path | None = None, project: Project | None = None) -> bool:
        return self.files.new_project(path, project)

    def open_project(self, path: Path | None = None) -> bool:
        return self.files.open_project(path)

    def save(self) -> bool:
        return self.files.save()

    def save_as(self) -> bool:
        return self.files.save_as()

    def maybe_save(self) -> bool:
        return self.files.maybe_save()

    def ensure_saved_folder(self) -> bool:
        return self.files.ensure_saved_folder()

    def import_screenplay(self, path: Path | None = None) -> bool:
        return self.shot_editing.import_screenplay(path)

    def generate(self, *, new_takes: int | None = None) -> list[str]:
        return self.generation_actions.generate(new_takes=new_takes)

    def generate_missing(self) -> list[str]:
        return self.generation_actions.generate_missing()

    def narrate(self) -> None:
        self.generation_actions.narrate()

    # --- closing -------------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
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
        timeline = self.panels.get("timeline") if hasattr(self, "panels") else None
        if hasattr(timeline, "shutdown"):
            timeline.shutdown()
        self._drop_session()

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
        place = (self.settings.engine_place, self.settings.cluster_address)
        dialog.accepted.connect(lambda: place != (self.settings.engine_place, self.settings.cluster_address)
                                and self.say("The engine setting applies to the next project you open."))
        dialog.open()

    def show_models(self) -> None:
        from .model_manager import ModelManager

        dialog = ModelManager(self.settings.model_folder, self.tasks, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
