"""How a shot begins — cut, crossfade, dip to black, with a length — chosen from the timeline's menu."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from studio.timeline.edits import set_transition_command

TRANSITION_CHOICES = (("cut", 0.0), ("crossfade", 0.5), ("crossfade", 1.0), ("dip_to_black", 0.5),
                      ("dip_to_black", 1.0))
KIND_NAMES = {"cut": "Cut", "crossfade": "Crossfade", "dip_to_black": "Dip to black", "fade_in": "Fade in from black"}


def set_transition(session, shot_id: str, kind: str, seconds: float) -> None:
    """One undo step: ``shot_id`` begins with ``kind`` lasting ``seconds`` (rounded to frames)."""
    fps = session.project.fps
    session.push(set_transition_command(shot_id, kind, round(seconds * fps)))


def transition_menu(session, shot_id: str, parent: QWidget) -> QMenu:
    """The menu that sets how ``shot_id`` begins (cut, crossfade, dip to black, with a duration)."""
    project = session.project
    index = project.shot_index(shot_id)
    shot = project.shot(shot_id)
    menu = QMenu(parent)
    title = "Fade in from black" if index == 0 else f"Transition into shot {index + 1}"
    menu.addSection(title)
    for kind, seconds in TRANSITION_CHOICES:
        if index == 0 and kind == "crossfade":
            continue  # nothing to cross-fade from
        text = KIND_NAMES[kind] if kind == "cut" else f"{KIND_NAMES[kind]} {seconds:g} s"
        act = menu.addAction(text)
        act.setCheckable(True)
        frames = round(seconds * project.fps)
        act.setChecked(shot.transition.kind == kind and (kind == "cut" or shot.transition.duration_frames == frames))
        act.triggered.connect(lambda _=False, k=kind, s=seconds: set_transition(session, shot_id, k, s))
    custom = menu.addAction("Custom duration…")
    custom.triggered.connect(lambda: _custom_transition(session, shot_id, parent))
    return menu


def _custom_transition(session, shot_id: str, parent: QWidget) -> None:
    shot = session.project.shot(shot_id)
    kind = shot.transition.kind if shot.transition.kind != "cut" else "crossfade"
    current = shot.transition.duration_frames / session.project.fps or 0.5
    seconds, ok = QInputDialog.getDouble(parent, "Transition length", f"{KIND_NAMES[kind]} length in seconds:",
                                         current, 0.04, 10.0, 2)
    if ok:
        set_transition(session, shot_id, kind, seconds)
