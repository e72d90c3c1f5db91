"""Keyframes in the editor: a still dropped on the inspector becomes the shot's active, imported keyframe (one
undo step takes it off again), and choosing none leaves the keyframe for later."""

from __future__ import annotations

from pathlib import Path

from skimage import data as skdata
from still_images import save_still

from .test_editing import new_film, type_character, type_shot


def test_an_imported_still_is_an_active_keyframe_and_undo_takes_it_off(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    bundle = new_film(window, tmp_path)
    shot_id = type_shot(qtbot, window, "The keeper at the window")
    inspector = window.panels["inspector"]
    inspector.set_reference(save_still(skdata.astronaut(), tmp_path / "keeper.png"))
    shot = window.session.project.shot(shot_id)
    assert len(shot.keyframes) == 1 and shot.keyframes[0].source == "imported"
    assert shot.active_keyframe == shot.keyframes[0].id and (bundle / shot.reference).is_file()

    inspector.reference_clear.click()  # no still: a story card again, the keyframe kept
    shot = window.session.project.shot(shot_id)
    assert shot.reference is None and shot.active_keyframe is None and len(shot.keyframes) == 1
    window.undo_action.trigger()
    assert window.session.project.shot(shot_id).active_keyframe == shot.keyframes[0].id
    window.undo_action.trigger()  # the import itself
    shot = window.session.project.shot(shot_id)
    assert shot.keyframes == [] and shot.reference is None

    text = tmp_path / "notes.png"
    text.write_text("not a picture")
    inspector.set_reference(text)
    assert window.session.project.shot(shot_id).keyframes == []
    assert "not an image" in window.statusBar().currentMessage()


def test_generate_compare_choose_and_delete_keyframes_by_mouse(qtbot, make_window, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    window = make_window()
    bundle = new_film(window, tmp_path)
    elements = window.panels["elements"]
    type_character(qtbot, window, "Keeper")
    assert elements.add_reference(save_still(skdata.astronaut(), tmp_path / "keeper.png"))
    shot_id = type_shot(qtbot, window, "@Keeper at the lamp")
    window.actions.generate_keyframes.trigger()
    project = window.session.project
    qtbot.waitUntil(lambda: len(window.session.project.shot(shot_id).keyframes) == 1, timeout=60_000)
    first = project.shot(shot_id).keyframes[0]
    assert first.source == "generated" and project.shot(shot_id).active_keyframe == first.id
    assert (bundle / first.media).is_file() and "elements" in first.metadata

    strip = window.panels["keyframes"]
    assert strip.list.count() == 1 and strip.list.item(0).text().startswith("★")
    qtbot.mouseClick(strip.generate_button, Qt.MouseButton.LeftButton)  # another one, a new seed
    qtbot.waitUntil(lambda: len(window.session.project.shot(shot_id).keyframes) == 2, timeout=60_000)
    second = project.shot(shot_id).keyframes[1]
    assert second.seed != first.seed and project.shot(shot_id).active_keyframe == second.id

    strip.list.selectAll()
    qtbot.mouseClick(strip.compare_button, Qt.MouseButton.LeftButton)
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.windowTitle() == "Compare keyframes"
    qtbot.mouseClick(dialog.use_buttons[1], Qt.MouseButton.LeftButton)  # newest first: [1] is the first one
    assert project.shot(shot_id).active_keyframe == first.id and project.shot(shot_id).reference == first.media

    strip.select(second.id)
    qtbot.mouseClick(strip.delete_button, Qt.MouseButton.LeftButton)
    assert [k.id for k in project.shot(shot_id).keyframes] == [first.id]
    window.undo_action.trigger()
    assert [k.id for k in project.shot(shot_id).keyframes] == [first.id, second.id]
