"""Crash reports stay on this machine: an unhandled exception in the editor autosaves the project, goes to the
log, and is shown in a dialog with the traceback to copy and the log file's path. Nothing is sent anywhere.

PySide6 hands an exception raised in a slot or an overridden Qt method to ``sys.excepthook`` and carries on, so the
editor keeps running after the dialog; exceptions in other threads come through ``threading.excepthook`` and
are shown on the GUI thread.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.project import ProjectDocument, StoryreelError

from .app_log import AppLog

log = logging.getLogger("storyreel.crash")


class CrashDialog(QDialog):
    def __init__(self, report: str, log_path: Path, saved: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crash_dialog")
        self.setWindowTitle("Storyreel hit an error")
        self.resize(760, 480)
        self.report = report
        self.log_path = log_path
        layout = QVBoxLayout(self)
        self.intro = intro = QLabel("Something went wrong inside Storyreel. You can keep working, but saving soon is wise.\n"
                       f"{saved}\n\nThis report stays on your computer. To report the problem, copy it (the "
                       "ElevenLabs key is already masked) and attach it, or send the log file:", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.log_label = QLabel(str(log_path), self)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setProperty("role", "hint")
        layout.addWidget(self.log_label)
        self.text = QPlainTextEdit(report, self)
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        layout.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("Copy report", self)
        self.folder_button = QPushButton("Open log folder", self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy_report)
        self.folder_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_path.parent))))
        layout.addWidget(buttons)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(f"{self.report}\nLog: {self.log_path}\n")
        self.copy_button.setText("Copied")


class CrashHandler(QObject):
    """Installs the hooks; ``autosave`` saves what it can first and says what it did (see ``autosave_note``)."""

    crashed = Signal(str)  # the masked report; emitted on the GUI thread
    _from_thread = Signal(str)

    def __init__(self, app_log: AppLog, autosave: Callable[[], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app_log = app_log
        self.autosave = autosave
        self.parent_widget = parent
        self.dialog: CrashDialog | None = None
        self._handling = False
        self._previous: tuple[object, object] | None = None
        self._from_thread.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle
        threading.excepthook = self._handle_thread

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous  # type: ignore[assignment]
            self._previous = None

    def handle(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, tb)
            return
        log.error("Unhandled exception", exc_info=(kind, value, tb))
        self._show(self._report(kind, value, tb))

    def _handle_thread(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        log.error("Unhandled exception in thread %s", getattr(args.thread, "name", "?"),
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        self._from_thread.emit(self._report(args.exc_type, args.exc_value, args.exc_traceback))

    def _report(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> str:
        from studio import __version__

        text = "".join(traceback.format_exception(kind, value, tb))
        return self.app_log.mask(f"Storyreel {__version__}, Python {sys.version.split()[0]}\n{text}")

    def _show(self, report: str) -> None:
        if self._handling:  # an error while reporting one: the log has it, one dialog is enough
            return
        self._handling = True
        try:
            saved = self._autosave()
            if self.dialog is not None:
                self.dialog.close()
            self.dialog = CrashDialog(report, self.app_log.path, saved, self.parent_widget)
            self.dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog.destroyed.connect(self._forget_dialog)
            self.dialog.open()
            self.crashed.emit(report)
        finally:
            self._handling = False

    def _forget_dialog(self) -> None:
        self.dialog = None

    def _autosave(self) -> str:
        try:
            return self.autosave()
        except Exception as exc:  # the editor is already in trouble: say so, never raise from the hook
            log.exception("Autosave after the error failed")
            return f"The project could not be autosaved ({exc}); save it with File > Save As."


def autosave_note(document: ProjectDocument | None) -> str:
    """Autosave ``document`` (autosave.json beside project.json) and say in one sentence what happened."""
    if document is None or not document.dirty:
        return "There were no unsaved changes."
    if document.bundle is None:
        return "The project was never saved to a folder, so it could not be autosaved: use File > Save As."
    try:
        written = document.autosave()
    except (StoryreelError, OSError) as exc:
        return f"The project could not be autosaved ({exc}); save it with File > Save As."
    return f"Your unsaved changes were autosaved first ({written}); reopening the project offers them."
