"""Keyframes in the editor: a still dropped on the inspector becomes the shot's active, imported keyframe (one
undo step takes it off again), and choosing none leaves the keyframe for later."""

from __future__ import annotations

from pathlib import Path

from skimage import data as skdata
from still_images import save_still

from .test_editing import new_film, type_shot


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
