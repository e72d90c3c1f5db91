"""The export dialog's 'Only the marked range': offered once the cut has I/O marks, and the film it writes
holds exactly the marked frames."""

from __future__ import annotations

import timeline_fixtures as fixtures  # tests/support, on the test path
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from engine.video_io import probe_video, read_frames
from studio.timeline import nle_edits
from studio.ui.export_dialog import ExportDialog
from studio.ui.session import ProjectSession


def test_marked_range_export_from_the_dialog(qtbot, tmp_path):
    session = ProjectSession(fixtures.make_document(tmp_path, shots=3, take_frames=24))
    unmarked = ExportDialog(session)
    qtbot.addWidget(unmarked)
    assert not unmarked.marked_range.isEnabled()  # nothing marked yet
    session.push(nle_edits.set_range_mark(session.project, "in", 24))
    session.push(nle_edits.set_range_mark(session.project, "out", 48))
    dialog = ExportDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.marked_range.isEnabled()
    dialog.marked_range.setChecked(True)
    out = tmp_path / "marked.mp4"
    dialog.path_edit.setText(str(out))
    QTest.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state != "running", timeout=60_000)
    assert dialog.state == "done", dialog.status.text()
    assert probe_video(out).frame_count == 24  # the second shot, and only it
    frame = read_frames(out, [12])[0]
    assert frame[45, 80, 1] > 150 and frame[45, 80, 0] < 90  # shot 2 is green
