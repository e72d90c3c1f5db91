"""Application setup: the one QApplication, its settings, and ``run_studio`` (the log, the crash report, the
first-run welcome page, and a clean close on SIGTERM)."""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication

from .app_log import AppLog, setup_logging
from .crash_report import CrashHandler, autosave_note
from .icons import icon
from .main_window import MainWindow
from .theme import apply_theme
from .welcome_facts import WelcomeFacts, gather
from .welcome_page import Welcome, is_first_run

log = logging.getLogger("storyreel.studio")

ORGANIZATION = "Storyreel"
APPLICATION = "Storyreel Studio"
DESKTOP_ID = "org.storyreel.Storyreel"  # packaging/linux/org.storyreel.Storyreel.desktop


def create_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication (reused when it exists, as under pytest-qt), themed and named for QSettings."""
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setDesktopFileName(DESKTOP_ID)  # the menu entry's id: desktops match the window to its launcher and icon
    app.setWindowIcon(icon("film"))
    apply_theme(app)
    return app


def user_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def welcome_facts(window: MainWindow, app_log: AppLog) -> WelcomeFacts:
    from engine.model_store import ModelStore

    from .cast_panel import elevenlabs_key_set

    return gather(ModelStore(window.settings.model_folder), app_log.path.parent, elevenlabs_key=elevenlabs_key_set())


def close_on_sigterm(app: QApplication) -> QTimer:
    """SIGTERM (a session logging out, ``kill``) closes the windows as Quit does, so the engine worker stops.

    Python runs signal handlers only between bytecodes, so a timer hands it control while Qt's loop waits.
    """
    signal.signal(signal.SIGTERM, lambda *_: QTimer.singleShot(0, app.closeAllWindows))
    tick = QTimer(app)
    tick.start(250)
    tick.timeout.connect(lambda: None)
    return tick


def run_studio(path: Path | None) -> int:
    """Open the editor (on ``path`` if given: a bundle or its project.json) and run the event loop; returns the
    exit code. On the first start without a path the welcome page opens beside the window (given a project, as
    by a double-click, the project comes first and the page waits for the next start)."""
    from studio import __version__

    app_log = setup_logging()
    log.info("Storyreel %s opening the editor (log: %s)", __version__, app_log.path)
    app = create_application()
    qsettings = user_settings()
    first_run = is_first_run(qsettings)
    window = MainWindow(settings=qsettings)
    crash = CrashHandler(app_log, lambda: autosave_note(window.session.document if window.session else None), window)
    crash.install()
    welcome = Welcome(window, qsettings, lambda: welcome_facts(window, app_log))
    tick = close_on_sigterm(app)
    window.show()
    log.info("Editor window shown")
    if path is not None:
        if window.open_project(Path(path)):
            log.info("Opened %s", path)
    elif first_run:
        welcome.show()
        log.info("Welcome page shown (first run)")
    code = app.exec()
    tick.stop()
    crash.uninstall()
    log.info("Editor closed (exit code %s)", code)
    return code
