"""The main window's menu bar and toolbar: where each action appears (what it does is wired by the window)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu

from .actions import Actions
from .undo_actions import UndoActions


@dataclass
class WindowMenus:
    recent: QMenu  # Open Recent, filled as it opens
    view: QMenu  # one toggle per dock


def build_menus(window: QMainWindow, a: Actions, undo: UndoActions, docks: dict[str, QDockWidget]) -> WindowMenus:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([a.new, a.open])
    recent_menu = QMenu("Open &Recent", window)
    file_menu.addMenu(recent_menu)
    file_menu.addActions([a.save, a.save_as])
    file_menu.addSeparator()
    file_menu.addActions([a.import_script, a.import_edit, a.export])
    file_menu.addSeparator()
    file_menu.addActions([a.settings, a.models])
    file_menu.addSeparator()
    file_menu.addAction(a.quit)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([undo.undo, undo.redo])
    edit_menu.addSeparator()
    edit_menu.addActions([a.add_shot, a.duplicate_shot, a.split_shot, a.delete_shot])
    edit_menu.addSeparator()
    edit_menu.addActions([a.blade, a.add_marker])
    generate_menu = bar.addMenu("&Generate")
    generate_menu.addActions([a.generate, a.regenerate, a.generate_n, a.generate_missing])
    generate_menu.addSeparator()
    generate_menu.addActions([a.generate_keyframes, a.generate_missing_keyframes])
    generate_menu.addSeparator()
    generate_menu.addActions([a.extend_take, a.bridge])
    generate_menu.addSeparator()
    generate_menu.addActions([a.narrate, a.make_sounds])
    play_menu = bar.addMenu("&Playback")
    play_menu.addActions([a.play, a.shuttle_back, a.shuttle_stop, a.shuttle_forward])
    play_menu.addSeparator()
    play_menu.addActions([a.frame_back, a.frame_forward, a.mark_in, a.mark_out, a.clear_marks])
    view_menu = bar.addMenu("&View")
    for dock in docks.values():
        view_menu.addAction(dock.toggleViewAction())
    help_menu = bar.addMenu("&Help")
    welcome = help_menu.addAction("&Welcome")  # the first-run page again (studio.ui.welcome_page connects it)
    welcome.setObjectName("action_welcome")

    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("toolbar_main")
    toolbar.setMovable(False)
    toolbar.addActions([a.new, a.open, a.save])
    toolbar.addSeparator()
    toolbar.addActions([undo.undo, undo.redo])
    toolbar.addSeparator()
    toolbar.addActions([a.import_script, a.add_shot, a.duplicate_shot, a.split_shot, a.delete_shot])
    toolbar.addSeparator()
    toolbar.addActions([a.generate, a.regenerate, a.narrate])
    toolbar.addSeparator()
    toolbar.addActions([a.play, a.export])
    for action in a.all():  # shortcuts work even for actions that sit in no visible menu
        window.addAction(action)
    return WindowMenus(recent=recent_menu, view=view_menu)
