"""Cast, settings and the model manager, used through their widgets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from studio.voice.wav_audio import read_wav

from .test_editing import new_film


def test_cast_add_character_set_voice_and_preview_it_offline(qtbot, make_window, tmp_path):
    window = make_window()
    new_film(window, tmp_path)
    window.docks["cast"].raise_()
    cast = window.panels["cast"]
    qtbot.keyClicks(cast.name, "Keeper")
    qtbot.keyClick(cast.name, Qt.Key.Key_Return)
    [keeper] = window.session.project.cast
    assert keeper.name == "Keeper" and keeper.is_narrator  # the first character narrates
    cast.voice.setCurrentText("en-gb+f3")
    qtbot.mouseClick(cast.apply_voice, Qt.MouseButton.LeftButton)
    assert window.session.project.cast[0].voice.voice_id == "en-gb+f3"
    window.undo_action.trigger()
    assert window.session.project.cast[0].voice.voice_id == "en-us"
    assert cast.voice.currentText() == "en-us"  # the panel follows undo

    qtbot.mouseClick(cast.preview, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cast.player.last_played is not None or "failed" in cast.status.text(),
                    timeout=60_000)
    samples, rate = read_wav(cast.player.last_played)
    assert samples.size / rate > 1.0 and abs(samples).max() > 1000
    # Offscreen there is no speaker: the panel says so instead of failing silently.
    assert "Playing" in cast.status.text() or "cannot be played" in cast.status.text()

    # ElevenLabs without a key: clear guidance, no network call.
    cast.provider.setCurrentIndex(cast.provider.findData("elevenlabs"))
    assert "No ElevenLabs key" in cast.status.text()


def test_settings_change_the_autosave_interval_and_explain_a_missing_keyring(qtbot, make_window):
    window = make_window()
    window.actions.settings.trigger()
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.windowTitle() == "Settings"
    dialog.autosave.setValue(5)
    dialog.key.setText("sk_test_key")
    dialog.accept()
    # The test keyring refuses everything: the dialog stays open and says why.
    assert dialog.isVisible() and "keyring" in dialog.key_status.text()
    dialog.key.clear()
    dialog.accept()
    assert not dialog.isVisible()
    assert window.settings.autosave_interval_s == 5
    assert window.autosaver.timer.interval() == 5000


def test_model_manager_lists_known_models_and_refuses_to_download_offline(qtbot, make_window, tmp_path):
    window = make_window()
    window.actions.models.trigger()
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.table.rowCount() >= 5
    ids = [dialog.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(dialog.table.rowCount())]
    assert "Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in ids
    dialog.table.selectRow(0)
    assert dialog.download_button.isEnabled()
    qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    assert "Offline" in dialog.status.text() and dialog.download_task is None
    dialog.close()


def test_empty_storyboard_offers_the_first_steps(qtbot, make_window, tmp_path, prompts):
    window = make_window(prompts)
    panel = window.panels["storyboard"]
    assert panel.currentWidget() is panel.empty
    script = tmp_path / "short.fountain"
    script.write_text("EXT. CLIFF - DUSK\n\nThe lighthouse stands against the storm.\n\nKEEPER\nNot tonight.\n",
                      encoding="utf-8")
    new_film(window, tmp_path)
    prompts.paths.append(script)
    qtbot.mouseClick(window.panels["storyboard"].import_button, Qt.MouseButton.LeftButton)
    assert prompts.errors == []
    project = window.session.project
    assert project.shots and "lighthouse" in project.shots[0].prompt.lower()
    assert window.panels["storyboard"].currentWidget() is window.panels["storyboard"].view
    window.undo_action.trigger()  # the whole import is undoable
    assert window.session.project.shots == []
