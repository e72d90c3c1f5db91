"""Editing shots in the real window like a user: typing in the inspector, dragging cards, undo/redo, menus."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from studio.project import Project, store
from studio.ui.storyboard import MIME_TYPE


def new_film(window, tmp_path: Path, name: str = "film") -> Path:
    bundle = tmp_path / f"{name}.storyreel"
    assert window.new_project(bundle, Project(title=name, width=160, height=90, fps=12))
    return bundle


def type_shot(qtbot, window, prompt: str) -> str:
    """Add a shot with the toolbar action and type its prompt into the inspector, as a user would."""
    window.actions.add_shot.trigger()
    inspector = window.panels["inspector"]
    qtbot.keyClicks(inspector.prompt, prompt)
    inspector.duration.setValue(1.0)
    return window.session.selected_shot_ids()[0]


def type_character(qtbot, window, name: str) -> str:
    """Type a name in Cast & Locations and click + Character, as a user would; the new character's id."""
    panel = window.panels["elements"]
    qtbot.keyClicks(panel.name, name)
    qtbot.mouseClick(panel.add_character_button, Qt.MouseButton.LeftButton)
    return window.session.project.cast[-1].id


def test_typing_in_the_inspector_makes_shots_and_merges_into_one_undo_step(qtbot, make_window, tmp_path):
    window = make_window()
    storyboard = window.panels["storyboard"]
    assert storyboard.currentWidget() is storyboard.empty  # a new project says what to do first
    bundle = new_film(window, tmp_path)
    qtbot.mouseClick(window.panels["storyboard"].add_button, Qt.MouseButton.LeftButton)
    shot_id = window.session.selected_shot_ids()[0]
    qtbot.keyClicks(window.panels["inspector"].prompt, "A lighthouse at dusk")
    project = window.session.project
    assert project.shot(shot_id).prompt == "A lighthouse at dusk"
    stack = window.session.undo_stack
    assert stack.count() == 2  # "Add shot" + one merged "Edit prompt" for 20 keystrokes
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    window.panels["inspector"].duration.setValue(2.5)
    assert project.shot(shot_id).duration_frames == 30  # seconds in the UI, frames in the model (12 fps)
    assert window.undo_action.text() == "&Undo Edit duration_frames"

    window.undo_action.trigger()
    assert project.shot(shot_id).duration_frames == 48
    window.undo_action.trigger()
    assert project.shot(shot_id).prompt == ""
    assert window.panels["inspector"].prompt.toPlainText() == ""  # the view follows the model
    window.undo_action.trigger()
    assert project.shots == []
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert window.session.project.shot(shot_id).prompt == "A lighthouse at dusk"

    assert window.save()
    assert not window.isWindowModified()
    saved = json.loads((bundle / store.DOCUMENT).read_text())
    assert saved["shots"][0]["prompt"] == "A lighthouse at dusk"


def test_drag_reorders_cards_as_one_step_and_multi_select_moves_together(qtbot, make_window, tmp_path):
    window = make_window()
    new_film(window, tmp_path)
    ids = [type_shot(qtbot, window, text) for text in ("first", "second", "third")]
    view = window.panels["storyboard"].view
    model = view.model()
    assert model.rowCount() == 3

    # Drag card 3 onto card 1: the model gets the drag's own mime data, as a drop delivers it.
    data = model.mimeData([model.index(2)])
    assert data.hasFormat(MIME_TYPE)
    model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, model.index(0).parent())
    project = window.session.project
    assert [s.id for s in project.shots] == [ids[2], ids[0], ids[1]]
    assert window.session.undo_stack.undoText() == "Move shot"
    window.undo_action.trigger()
    assert [s.id for s in project.shots] == ids

    # Click card 1, shift-click card 2, then drop both at the end: one undo step for the pair.
    first = view.visualRect(model.index(0)).center()
    second = view.visualRect(model.index(1)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, pos=second)
    assert window.session.selected_shot_ids() == ids[:2]
    model.dropMimeData(model.mimeData(view.selectionModel().selectedIndexes()), Qt.DropAction.MoveAction,
                       3, 0, model.index(0).parent())
    assert [s.id for s in project.shots] == [ids[2], ids[0], ids[1]]
    assert window.session.undo_stack.undoText() == "Move 2 shots"
    assert window.session.selected_shot_ids() == ids[:2]  # the moved cards stay selected
    window.undo_action.trigger()
    assert [s.id for s in project.shots] == ids


def test_duplicate_split_delete_and_keyboard(qtbot, make_window, tmp_path):
    window = make_window()
    new_film(window, tmp_path)
    shot_id = type_shot(qtbot, window, "the keeper climbs")
    project = window.session.project
    window.panels["inspector"].duration.setValue(2.0)

    window.actions.duplicate_shot.trigger()
    assert len(project.shots) == 2 and project.shots[1].prompt == "the keeper climbs"
    assert project.shots[1].id != shot_id and project.shots[1].takes == []

    window.session.select_shots([shot_id])
    window.session.set_playhead(6)
    window.actions.split_shot.trigger()
    assert [s.duration_frames for s in project.shots] == [6, 18, 24]

    # Delete key with the storyboard focused removes the selected shot; Ctrl+Z brings it back.
    view = window.panels["storyboard"].view
    view.setFocus()
    window.session.select_shots([shot_id])
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert shot_id not in [s.id for s in project.shots]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert project.shots[0].id == shot_id
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert shot_id not in [s.id for s in project.shots]

    # Typing in a text field must not trigger single-key shortcuts (Delete, Space, J/K/L).
    window.actions.add_shot.trigger()
    count = len(project.shots)
    prompt = window.panels["inspector"].prompt
    prompt.setFocus()
    qtbot.keyClicks(prompt, "jkl i o")
    qtbot.keyClick(prompt, Qt.Key.Key_Delete)
    assert len(project.shots) == count
    assert project.shot(window.session.selected_shot_ids()[0]).prompt == "jkl i o"

    # Shortcuts are shown in tooltips and menus.
    assert "Ctrl+G" in window.actions.generate.toolTip()
    assert window.actions.regenerate.shortcut().toString() == "Ctrl+R"
    assert window.actions.export.shortcut().toString() == "Ctrl+E"
    assert window.actions.play.shortcut().toString() == "Space"


def test_layout_is_remembered(qtbot, make_window, settings_path):
    window = make_window()
    window.docks["cast"].setFloating(True)
    window.docks["history"].hide()
    window.close()
    assert settings_path.is_file()
    again = make_window()
    assert again.docks["cast"].isFloating()
    assert not again.docks["history"].isVisible()
    assert QApplication.activeModalWidget() is None


def test_closing_with_unsaved_changes_asks(qtbot, make_window, prompts, tmp_path):
    from studio.ui.prompts import SaveChoice

    window = make_window(prompts)
    bundle = new_film(window, tmp_path)
    type_shot(qtbot, window, "unsaved work")
    prompts.save_choice = SaveChoice.CANCEL
    assert not window.close()
    assert window.isVisible() and prompts.asked == ["save_changes"]
    prompts.save_choice = SaveChoice.SAVE
    assert window.close()
    project, _ = store.load(bundle)
    assert project.shots[0].prompt == "unsaved work"


def test_autosave_recovery_is_offered_and_restores_the_newer_work(qtbot, make_window, prompts, tmp_path):
    window = make_window(prompts)
    bundle = new_film(window, tmp_path)
    type_shot(qtbot, window, "saved prompt")
    assert window.save()
    type_shot(qtbot, window, "work after the save")
    written = window.autosaver.autosave_now()
    assert written == bundle / store.AUTOSAVE
    window.shutdown()  # as if the editor crashed: no save, no question
    window.session = None

    reopened = make_window(prompts)
    assert reopened.open_project(bundle)
    assert "recover" in prompts.asked
    prompts_in_project = [s.prompt for s in reopened.session.project.shots]
    assert prompts_in_project == ["saved prompt", "work after the save"]
    assert reopened.isWindowModified()  # recovered work is unsaved until saved

    # Declining keeps the last save and sets the autosave aside in backups/ instead of deleting it.
    store.autosave(bundle, reopened.session.project)
    prompts.recover = False
    third = make_window(prompts)
    assert third.open_project(bundle)
    assert [s.prompt for s in third.session.project.shots] == ["saved prompt"]
    assert store.newer_autosave(bundle) is None
    assert list((bundle / store.BACKUPS).glob("autosave-declined-*.json"))


def test_reference_still_is_copied_into_the_bundle(qtbot, make_window, tmp_path):
    from PIL import Image

    window = make_window()
    bundle = new_film(window, tmp_path)
    type_shot(qtbot, window, "with a still")
    still = tmp_path / "still.png"
    Image.new("RGB", (64, 36), (200, 120, 40)).save(still)
    window.panels["inspector"].set_reference(still)
    shot = window.session.project.shots[0]
    assert shot.reference == "media/stills/still.png"
    assert (bundle / shot.reference).read_bytes() == still.read_bytes()
    window.undo_action.trigger()
    assert window.session.project.shots[0].reference is None
    assert QPoint(0, 0).isNull()


def test_playback_keys_drive_the_preview(qtbot, make_window, tmp_path):
    window = make_window()
    new_film(window, tmp_path)
    for text in ("one", "two"):
        type_shot(qtbot, window, text)
    preview = window.panels["preview"]
    view = window.panels["storyboard"].view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert preview.speed == 1
    qtbot.keyClick(view, Qt.Key.Key_L)
    assert preview.speed == 2
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert preview.speed == -1
    qtbot.keyClick(view, Qt.Key.Key_K)
    assert preview.speed == 0
    preview.seek(5)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert preview.position == 6
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Left)
    assert preview.position == 4
