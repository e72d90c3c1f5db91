"""The Voices panel offers the neural voice; without its model on disk it says how to get it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from .test_editing import new_film


def test_choosing_the_neural_voice_without_its_model_says_how_to_get_it(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    new_film(window, tmp_path)
    panel = window.panels["cast"]
    qtbot.keyClicks(panel.name, "Keeper")
    qtbot.keyClick(panel.name, Qt.Key.Key_Return)
    panel.provider.setFocus()
    target = panel.provider.findData("kokoro")
    assert target >= 0
    while panel.provider.currentIndex() < target:
        qtbot.keyClick(panel.provider, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: "not ready" in panel.status.text(), timeout=30_000)
    assert "storyreel models download" in panel.status.text()
