"""The dark theme: a palette for natively drawn parts and the stylesheet from the shipped resources."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from storyreel_resources import resource_path

from .icons import icon_dir


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
    sheet = resource_path("styles", "dark.qss").read_text(encoding="utf-8")
    app.setStyleSheet(sheet.replace("@ICONS@", icon_dir().as_posix()))
