"""The export dialog renders a real film off the GUI thread, cancels cleanly, and writes the sidecars."""

from __future__ import annotations

import pytest
import timeline_fixtures as fixtures  # tests/support, on the test path
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from engine.video_io import probe_video, read_frames
from studio.ui.export_dialog import PRESETS, ExportDialog
from studio.ui.session import ProjectSession


@pytest.fixture
def dialog(qtbot, tmp_path):
    session = ProjectSession(fixtures.make_document(tmp_path, shots=3, take_frames=24))
    dialog = ExportDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    return session, dialog


def test_export_writes_the_film_and_sidecars(qtbot, dialog, tmp_path):
    session, dialog = dialog
    out = tmp_path / "short.mp4"
    dialog.path_edit.setText(str(out))
    dialog.subtitles.setCurrentIndex(dialog.subtitles.findData("srt"))
    dialog.sidecar_checks["otio"].setChecked(True)
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.state == "running" and not dialog.export_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=60_000)
    assert dialog.state == "done", dialog.status.text()
    info = probe_video(out)
    assert (info.width, info.height, info.frame_count) == (160, 90, 72)
    first, last = read_frames(out, [12, 60])
    assert first[45, 80, 0] > 150 and first[45, 80, 2] < 90  # shot 1 is red
    assert last[45, 80, 2] > 150 and last[45, 80, 0] < 90  # shot 3 is blue
    assert out.with_suffix(".srt").read_text().strip().startswith("1")
    assert "The keeper climbs the stairs." in out.with_suffix(".srt").read_text()
    assert out.with_suffix(".otio").is_file()
    assert dialog.result_row.isVisible() and str(out) in dialog.status.text()
    assert session.project.export.subtitles == "srt"  # the choice is kept with the project


def test_cancel_leaves_no_file(qtbot, dialog, tmp_path):
    session, dialog = dialog
    out = tmp_path / "cancelled.mp4"
    dialog.path_edit.setText(str(out))
    # Cancel from the worker thread at its first progress report: as early as a user could.
    dialog._relay.progressed.connect(lambda *_: dialog._cancel.cancel(), Qt.ConnectionType.DirectConnection)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=60_000)
    assert dialog.state == "cancelled"
    assert not out.exists() and "cancelled" in dialog.status.text()
    assert dialog.export_button.isEnabled()


def test_preset_and_bad_folder(qtbot, dialog, tmp_path):
    session, dialog = dialog
    dialog.preset.setCurrentIndex([p.name for p in PRESETS].index("720p draft"))
    assert "1280 × 720" in dialog.size_label.text() and dialog.quality.value() == 28
    dialog.path_edit.setText(str(tmp_path / "missing" / "film.mp4"))
    dialog.start()
    assert dialog.state == "idle" and "does not exist" in dialog.status.text()


def test_a_shot_without_take_fails_clearly(qtbot, tmp_path):
    session = ProjectSession(fixtures.make_document(tmp_path, shots=2, with_takes=False, with_line=False))
    dialog = ExportDialog(session)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "film.mp4"))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=30_000)
    assert dialog.state == "failed"
    assert "shot 1" in dialog.status.text() and "generate" in dialog.status.text()
    assert not (tmp_path / "film.mp4").exists() and dialog.export_button.isEnabled()
