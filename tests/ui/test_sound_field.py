"""The inspector's Sound field: typing a sound prompt and setting its level are undoable edits of the shot."""

from __future__ import annotations

from pathlib import Path

from studio.project import Project


def test_sound_prompt_and_level_are_undoable_edits(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    assert window.new_project(tmp_path / "film.storyreel", Project(title="film", width=160, height=90, fps=12))
    window.actions.add_shot.trigger()
    shot_id = window.session.selected_shot_ids()[0]
    inspector = window.panels["inspector"]
    stack = window.session.undo_stack
    before = stack.count()
    qtbot.keyClicks(inspector.sound, "rain on the window")
    shot = window.session.project.shot(shot_id)
    assert shot.sound_prompt == "rain on the window"
    assert stack.count() == before + 1  # the keystrokes merge into one step
    inspector.sound_level.setValue(-9.5)
    assert window.session.project.shot(shot_id).sound_gain_db == -9.5

    window.undo_action.trigger()
    assert window.session.project.shot(shot_id).sound_gain_db == -12.0
    assert inspector.sound_level.value() == -12.0  # the view follows the model
    window.undo_action.trigger()
    assert window.session.project.shot(shot_id).sound_prompt == ""
    assert inspector.sound.text() == ""
