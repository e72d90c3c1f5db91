"""Application setup: the one QApplication, its settings, and ``run_studio``."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from .icons import icon
from .main_window import MainWindow
from .theme import apply_theme

ORGANIZATION = "Storyreel"
APPLICATION = "Storyreel Studio"


def create_application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication (reused when it exists, as under pytest-qt), themed and named for QSettings."""
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setWindowIcon(icon("film"))
    apply_theme(app)
    return app


def user_settings() -> QSettings:
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APPLICATION)


def run_studio(path: Path | None) -> int:
    """Open the editor (on ``path`` if given) and run the event loop; returns the exit code."""
    app = create_application()
    window = MainWindow(settings=user_settings())
    window.show()
    if path is not None:
        window.open_project(Path(path))
    return app.exec()
