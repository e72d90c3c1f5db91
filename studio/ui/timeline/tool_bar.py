"""The timeline's tools — Select, Blade, Roll, Slip, Slide — as one exclusive group of checkable actions on a
small tool bar above the tracks, with the Snap toggle beside them. The checked one is the tool in use; the
pointer takes its cursor over the tracks."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QToolBar, QWidget

# name: (text, shortcut, what a drag with it does)
TOOLS: dict[str, tuple[str, str, str]] = {
    "select": ("Select", "V", "Click to select, Shift/Ctrl-click or drag a band to select more; drag clips to move "
                              "them, their edges to trim, Alt-drag to slip"),
    "blade": ("Blade", "C", "Click a clip to cut it in two there"),
    "roll": ("Roll", "N", "Drag the join between two shots: one gets longer, the other shorter"),
    "slip": ("Slip", "Y", "Drag a clip to show other frames of its take; the shot keeps its length"),
    "slide": ("Slide", "U", "Drag a clip between its neighbours; they change length, it keeps its frames"),
}


def build_tool_bar(parent: QWidget, snap_action: QAction) -> tuple[QToolBar, dict[str, QAction]]:
    """The tool bar and its tool actions by name (Select checked). The actions are added to ``parent`` too, so
    their one-key shortcuts work while the timeline has focus."""
    bar = QToolBar("Timeline tools", parent)
    bar.setObjectName("timeline_tools")
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    group = QActionGroup(bar)
    group.setExclusive(True)
    actions: dict[str, QAction] = {}
    for name, (text, key, tip) in TOOLS.items():
        action = QAction(text, bar)
        action.setObjectName(f"tool_{name}")
        action.setCheckable(True)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{text} tool ({key}): {tip}")
        group.addAction(action)
        bar.addAction(action)
        parent.addAction(action)
        actions[name] = action
    actions["select"].setChecked(True)
    bar.addSeparator()
    bar.addAction(snap_action)
    return bar, actions
