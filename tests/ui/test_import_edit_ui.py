"""File > Import Edit… in the editor: the preview lists the changes and the unmatched clips, Apply is one undo step,
Cancel and broken files change nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from recut_edits import assert_recut_applied, make_recut_film, recut

from studio.cut import export_interchange
from studio.ui.edit_import_dialog import EditImportDialog

from .conftest import ScriptedPrompts


def _menu_action(window, menu_title: str, text: str):  # type: ignore[no-untyped-def]
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == menu_title)
    return next(a for a in menu.actions() if a.text() == text)


def _open_dialog(window, qtbot) -> EditImportDialog:  # type: ignore[no-untyped-def]
    _menu_action(window, "&File", "Import &Edit…").trigger()
    dialog = window.findChild(EditImportDialog)
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_import_edit_previews_applies_as_one_undo_step_and_cancels(make_window, qtbot, tmp_path: Path) -> None:
    film = make_recut_film(tmp_path)
    edit = recut(export_interchange(film, tmp_path / "cut.otio", "otio"), tmp_path / "recut.otio",
                 stranger=tmp_path / "elsewhere" / "harbour.mp4")
    prompts = ScriptedPrompts()
    window = make_window(prompts)
    assert window.files.open_project(film.bundle)
    session = window.session
    before = session.project.model_dump(mode="json")

    prompts.paths = [edit]
    dialog = _open_dialog(window, qtbot)
    assert "3 of 4 clips matched" in dialog.summary.text()
    changes = dialog.changes.toPlainText()
    assert "shot 1 (shot_3) 'a yellow frame': moved from place 4" in changes
    assert "cut -> crossfade 4 frames" in changes and "(shot_2) 'a blue frame'" in changes
    assert "clip 4 'harbour b-roll'" in dialog.unmatched.toPlainText()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.findChild(EditImportDialog) is None or not dialog.isVisible())
    assert_recut_applied(session.document)
    assert session.undo_stack.count() == 1 and session.is_dirty()
    assert [session.project.shots[i].id for i in range(4)] == ["shot_3", "shot_0", "shot_1", "shot_2"]
    assert "Applied the edit recut.otio" in window.statusBar().currentMessage()

    window.undo_action.trigger()  # the whole edit in one step
    assert session.project.model_dump(mode="json") == before

    prompts.paths = [edit]
    dialog = _open_dialog(window, qtbot)
    dialog.reject()
    QApplication.processEvents()
    assert session.project.model_dump(mode="json") == before and session.undo_stack.index() == 0


def test_a_broken_edit_is_an_error_message_and_changes_nothing(make_window, qtbot, tmp_path: Path) -> None:
    film = make_recut_film(tmp_path)
    broken = tmp_path / "Timeline 1.fcpxml"
    broken.write_text("<fcpxml version='1.10'><resources>", encoding="utf-8")
    prompts = ScriptedPrompts()
    window = make_window(prompts)
    assert window.files.open_project(film.bundle)
    before = window.session.project.model_dump(mode="json")
    prompts.paths = [broken]
    _menu_action(window, "&File", "Import &Edit…").trigger()
    assert window.findChild(EditImportDialog) is None
    assert prompts.errors and prompts.errors[-1][0] == "Cannot import the edit"
    assert "Timeline 1.fcpxml: cannot read this edit" in prompts.errors[-1][1]
    assert window.session.project.model_dump(mode="json") == before and window.session.undo_stack.count() == 0
