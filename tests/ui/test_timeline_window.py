"""The timeline, preview and export dialog inside the real main window: edits undo from the window's menu,
the preview follows the timeline's playhead, and the window's Export opens the dialog."""

from __future__ import annotations

import timeline_fixtures as fixtures  # tests/support, on the test path
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from studio.ui.export_dialog import ExportDialog


def test_timeline_trim_in_window_undoes_from_the_edit_menu(qtbot, make_window, tmp_path):
    document = fixtures.make_document(tmp_path, shots=3, take_frames=48)
    bundle = document.bundle
    window = make_window()
    assert window.open_project(bundle)
    timeline, preview = window.panels["timeline"], window.panels["preview"]
    timeline.set_zoom(4.0)
    timeline.set_snapping(False)
    timeline.horizontalScrollBar().setValue(0)
    shot = window.session.project.shots[0]
    start = timeline.viewport_point(48 - 0.5, "video")
    viewport = timeline.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for dx in (8, 16, 24, 32, 40):
        QTest.mouseMove(viewport, start - QPoint(dx, 0))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start - QPoint(40, 0))
    assert shot.duration_frames == 38 and shot.active().trim_out == 38
    assert window.session.selected_shot_ids() == [shot.id]
    window.undo_action.trigger()
    assert shot.duration_frames == 48 and shot.active().trim_out is None

    QTest.mouseClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     timeline.viewport_point(100, "ruler"))
    assert window.session.playhead() == 100
    assert preview.mode == "cut" and preview.position == 100  # the preview shows the frame under the playhead

    window.export()
    dialog = window.findChild(ExportDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.close()
