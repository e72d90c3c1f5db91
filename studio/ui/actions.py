"""Every menu/toolbar command of the editor as a QAction with its shortcut, shown in menus and tooltips."""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from .icons import icon

Key = QKeySequence.StandardKey

# name: (text, icon or "", shortcut (str or StandardKey) or None, status tip)
SPECS: dict[str, tuple[str, str, object, str]] = {
    "new": ("&New Project…", "new", Key.New, "Create a new project folder"),
    "open": ("&Open Project…", "open", Key.Open, "Open a .storyreel project"),
    "save": ("&Save", "save", Key.Save, "Save the project"),
    "save_as": ("Save &As…", "", Key.SaveAs, "Save the project under a new name"),
    "import_script": ("&Import Screenplay…", "script", "Ctrl+I", "Turn a Fountain screenplay into shots and lines"),
    "import_edit": ("Import &Edit…", "", None,
                    "Follow a cut made in another editor (OTIO, FCPXML, FCP 7 XML, EDL): order, trims, dissolves"),
    "export": ("&Export Film…", "export", "Ctrl+E", "Export an MP4 or an edit for another editor"),
    "settings": ("Se&ttings…", "settings", Key.Preferences, "Engine, voices, autosave"),
    "models": ("&Model Manager…", "model", None, "See and download video models"),
    "quit": ("&Quit", "", Key.Quit, "Close Storyreel"),
    "add_shot": ("&Add Shot", "add", "Ctrl+Shift+N", "Add a shot after the selection"),
    "duplicate_shot": ("&Duplicate Shot", "duplicate", "Ctrl+D", "Copy the selected shots (without their takes)"),
    "split_shot": ("S&plit Shot at Playhead", "split", "Ctrl+Shift+K", "Cut the selected shot in two"),
    "delete_shot": ("De&lete Shot", "delete", Key.Delete, "Ripple delete: the selected shots leave the cut and the "
                    "gap closes (their take files stay on disk)"),
    "blade": ("&Blade at Playhead", "", "B", "Cut the shot under the playhead in two there (both keep the take)"),
    "add_marker": ("Add &Marker", "", "M", "A named marker at the playhead (double-click it on the ruler to rename)"),
    "generate": ("&Generate Selected", "generate", "Ctrl+G", "Generate a take for each selected shot"),
    "generate_missing": ("Generate &Missing", "", "Ctrl+Shift+G", "Generate every shot that has no take yet"),
    "regenerate": ("&Regenerate (New Take)", "regenerate", "Ctrl+R",
                   "A new take: a new seed, or the next seed derived from a locked one"),
    "generate_n": ("Generate &N Takes…", "", None, "Several new, distinct takes of the selected shots to choose from"),
    "generate_keyframes": ("Generate &Keyframes", "", "Ctrl+Alt+K",
                           "A keyframe (the still a shot is made from) for each selected shot, from its cast's stills"),
    "generate_missing_keyframes": ("Generate Missing Ke&yframes", "", None,
                                   "A keyframe for every shot that has none"),
    "extend_take": ("E&xtend Take…", "", "Ctrl+Alt+E",
                    "Carry the selected shot's active take on by a few seconds (a new take; the old frames kept)"),
    "bridge": ("&Bridge to Next Shot…", "", None,
               "A new shot from the selected shot's last frame to the next shot's first"),
    "make_sounds": ("Make &Sounds", "", None, "The sound of every shot that has a sound prompt (offline ambiences)"),
    "narrate": ("&Narrate Lines", "narrate", "Ctrl+Shift+L", "Synthesize every line that needs audio"),
    "play": ("&Play / Pause", "play", "Space", "Play or pause the preview"),
    "shuttle_back": ("Shuttle &Backward", "", "J", "Play backward; press again to go faster"),
    "shuttle_stop": ("S&top", "", "K", "Stop shuttling"),
    "shuttle_forward": ("Shuttle &Forward", "", "L", "Play forward; press again to go faster"),
    "mark_in": ("Mark &In", "", "I", "The cut's in mark for a partial export (in the take view: the take's in mark)"),
    "mark_out": ("Mark &Out", "", "O", "The cut's out mark for a partial export (in the take view: the take's out mark)"),
    "clear_marks": ("Clear In/Out", "", "Alt+X", "Export the whole film again"),
    "frame_back": ("Previous Frame", "", "Left", "Step one frame back"),
    "frame_forward": ("Next Frame", "", "Right", "Step one frame forward"),
}


@dataclass
class Actions:
    new: QAction
    open: QAction
    save: QAction
    save_as: QAction
    import_script: QAction
    import_edit: QAction
    export: QAction
    settings: QAction
    models: QAction
    quit: QAction
    add_shot: QAction
    duplicate_shot: QAction
    split_shot: QAction
    delete_shot: QAction
    blade: QAction
    add_marker: QAction
    generate: QAction
    generate_missing: QAction
    regenerate: QAction
    generate_n: QAction
    generate_keyframes: QAction
    generate_missing_keyframes: QAction
    extend_take: QAction
    bridge: QAction
    make_sounds: QAction
    narrate: QAction
    play: QAction
    shuttle_back: QAction
    shuttle_stop: QAction
    shuttle_forward: QAction
    mark_in: QAction
    mark_out: QAction
    clear_marks: QAction
    frame_back: QAction
    frame_forward: QAction

    def all(self) -> list[QAction]:
        return [getattr(self, f.name) for f in fields(self)]


def make_action(parent: QObject, text: str, icon_name: str, shortcut: object, tip: str) -> QAction:
    action = QAction(text, parent)
    if icon_name:
        action.setIcon(icon(icon_name))
    if shortcut is not None:
        sequence = QKeySequence(shortcut) if isinstance(shortcut, str) else QKeySequence(shortcut)
        action.setShortcut(sequence)
        # Window-wide so J/K/L and Space work from any dock (text fields still get their own keys first).
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    plain = text.replace("&", "").rstrip("…")
    keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{plain} ({keys})" if keys else plain)
    action.setStatusTip(tip)
    return action


def build_actions(parent: QObject) -> Actions:
    actions = Actions(**{name: make_action(parent, *spec) for name, spec in SPECS.items()})
    actions.blade.setShortcuts([QKeySequence("B"), QKeySequence("Ctrl+B")])  # B, as most editors; Ctrl+B as Kdenlive
    return actions
