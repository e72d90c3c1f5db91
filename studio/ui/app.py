"""Application setup: the QApplication, the dark theme, icons, and ``run_studio``."""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

ORGANIZATION = "Storyreel"
APPLICATION = "Storyreel Studio"
RESOURCES = Path(__file__).resolve().parents[2] / "resources"
STYLE_FILE = RESOURCES / "styles" / "dark.qss"
ICON_DIR = RESOURCES / "icons"


@cache
def icon(name: str) -> QIcon:
    """An SVG icon from resources/icons (Qt renders SVG at any device pixel ratio, so HiDPI stays crisp)."""
    path = ICON_DIR / f"{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"no icon {name!r} in {ICON_DIR}")
    return QIcon(str(path))


def dark_palette() -> QPalette:
    """The palette behind the stylesheet, so native-drawn parts (dialogs, item views) stay dark too."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#1e2024", QPalette.ColorRole.WindowText: "#d5d8de",
        QPalette.ColorRole.Base: "#16181b", QPalette.ColorRole.AlternateBase: "#1b1d21",
        QPalette.ColorRole.Text: "#e3e6eb", QPalette.ColorRole.Button: "#2a2e34",
        QPalette.ColorRole.ButtonText: "#d5d8de", QPalette.ColorRole.Highlight: "#2f7f86",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#2a2e34",
        QPalette.ColorRole.ToolTipText: "#e3e6eb", QPalette.ColorRole.PlaceholderText: "#6b717b",
        QPalette.ColorRole.Link: "#5cc3cb", QPalette.ColorRole.Mid: "#34383f",
    }
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#5f646d"))
    return palette


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    # The sheet names icons as @ICONS@/name.svg so it works wherever Storyreel is installed.
    app.setStyleSheet(STYLE_FILE.read_text(encoding="utf-8").replace("@ICONS@", ICON_DIR.as_posix()))


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
    from .main_window import MainWindow

    app = create_application()
    window = MainWindow(settings=user_settings())
    window.show()
    if path is not None:
        window.open_project(Path(path))
    return app.exec()
