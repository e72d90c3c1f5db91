"""The editor's docks: fixed object names (so QSettings can restore a layout) and the default arrangement."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QWidget

Area = Qt.DockWidgetArea

# object name -> (title, default area)
DOCKS: dict[str, tuple[str, Area]] = {
    "storyboard": ("Storyboard", Area.LeftDockWidgetArea),
    "preview": ("Preview", Area.LeftDockWidgetArea),
    "inspector": ("Shot", Area.RightDockWidgetArea),
    "elements": ("Cast && Locations", Area.RightDockWidgetArea),  # &&: a literal & (one is a mnemonic)
    "cast": ("Voices", Area.RightDockWidgetArea),
    "timeline": ("Timeline", Area.BottomDockWidgetArea),
    "takes": ("Takes", Area.BottomDockWidgetArea),
    "keyframes": ("Keyframes", Area.BottomDockWidgetArea),
    "lines": ("Lines", Area.BottomDockWidgetArea),
    "queue": ("Queue", Area.BottomDockWidgetArea),
    "history": ("History", Area.BottomDockWidgetArea),
}


def unavailable_notice(text: str, parent: QWidget | None = None) -> QLabel:
    """What a dock shows while the widget it is made for cannot be loaded."""
    label = QLabel(text, parent)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setProperty("role", "hint")
    return label


def create_docks(window: QMainWindow) -> dict[str, QDockWidget]:
    """Storyboard | preview on top, timeline and the tabbed panels below them, the shot inspector (and cast)
    down the whole right side, where a tall form has room."""
    window.setCorner(Qt.Corner.TopRightCorner, Area.RightDockWidgetArea)
    window.setCorner(Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)
    docks: dict[str, QDockWidget] = {}
    for name, (title, area) in DOCKS.items():
        dock = QDockWidget(title, window)
        dock.setObjectName(f"dock_{name}")
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        window.addDockWidget(area, dock)
        docks[name] = dock
    window.splitDockWidget(docks["storyboard"], docks["preview"], Qt.Orientation.Horizontal)
    window.splitDockWidget(docks["timeline"], docks["takes"], Qt.Orientation.Vertical)
    window.tabifyDockWidget(docks["inspector"], docks["elements"])
    window.tabifyDockWidget(docks["elements"], docks["cast"])
    window.tabifyDockWidget(docks["takes"], docks["keyframes"])
    window.tabifyDockWidget(docks["keyframes"], docks["lines"])
    window.tabifyDockWidget(docks["lines"], docks["queue"])
    window.tabifyDockWidget(docks["queue"], docks["history"])
    docks["inspector"].raise_()
    docks["takes"].raise_()
    window.resizeDocks([docks["storyboard"], docks["preview"], docks["inspector"]], [660, 520, 420],
                       Qt.Orientation.Horizontal)
    window.resizeDocks([docks["storyboard"], docks["timeline"], docks["takes"]], [520, 170, 210],
                       Qt.Orientation.Vertical)
    return docks
