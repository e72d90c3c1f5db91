"""The NLE tools driven like a user: the tool bar and its keys, then blade, roll, slip, slide, moving and
rubber-band selecting clips with the mouse on the real timeline; B, M, I/O and Delete in the real window.
Every edit lands on the undo stack as one step and undoes exactly."""

from __future__ import annotations

import pytest
import timeline_fixtures as fixtures  # tests/support, on the test path
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog

from studio.timeline.layout import film_frames
from studio.ui.session import ProjectSession
from studio.ui.timeline import TimelineView

Mod = Qt.KeyboardModifier


@pytest.fixture
def timeline(qtbot, tmp_path):
    """Three 48-frame shots whose takes have 96 frames (each shows frames 0..48), a line on shot 1 at 6."""
    document = fixtures.make_document(tmp_path, shots=3, take_frames=96, shot_frames=48)
    for shot in document.project.shots:
        shot.active().trim_out = 48
    session = ProjectSession(document)
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(900, 300)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitActive(view):  # shortcuts fire only in the active window
        view.activateWindow()
    view.set_zoom(4.0)
    view.horizontalScrollBar().setValue(0)
    view.setFocus()
    return session, view


def drag(view: TimelineView, start: QPoint, end: QPoint, modifiers=Mod.NoModifier, steps: int = 6) -> None:
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, start)
    for i in range(1, steps + 1):
        QTest.mouseMove(viewport, start + (end - start) * (i / steps))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, end)
    view.sync()


def frames_right(view: TimelineView, frames: float) -> QPoint:
    return QPoint(round(frames * view.px_per_frame), 0)


def durations(session) -> list[int]:
    return [s.duration_frames for s in session.project.shots]


def test_tool_keys_check_the_tool_bar_and_set_the_cursor(timeline):
    session, view = timeline
    expected = {Qt.Key.Key_C: ("blade", Qt.CursorShape.CrossCursor), Qt.Key.Key_N: ("roll", Qt.CursorShape.SplitHCursor),
                Qt.Key.Key_Y: ("slip", Qt.CursorShape.SizeAllCursor),
                Qt.Key.Key_U: ("slide", Qt.CursorShape.DragMoveCursor),
                Qt.Key.Key_V: ("select", Qt.CursorShape.ArrowCursor)}
    for key, (tool, cursor) in expected.items():
        QTest.keyClick(view, key)
        assert view.tool == tool
        assert view.tool_actions[tool].isChecked()
        assert sum(a.isChecked() for a in view.tool_actions.values()) == 1
        QTest.mouseMove(view.viewport(), view.viewport_point(70, "video"))
        assert view.viewport().cursor().shape() == cursor
    assert view.tool_bar.isVisible() and view.snap_action in view.tool_bar.actions()
    QTest.keyClick(view, Qt.Key.Key_S)
    assert not view.snapping and not view.snap_action.isChecked()


def test_blade_tool_click_cuts_the_clip_and_both_parts_keep_the_take(timeline):
    session, view = timeline
    view.set_snapping(False)
    view.set_tool("blade")
    first = session.project.shots[0]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Mod.NoModifier, view.viewport_point(20, "video"))
    assert durations(session) == [20, 28, 48, 48]
    second = session.project.shots[1]
    assert second.active().media == first.active().media and second.active().trim_in == 20
    assert first.active().trim_out == 20
    view.sync()
    assert view.clip_item(second.id).x() == pytest.approx(20 * view.px_per_frame)
    later = view.clip_item(session.project.shots[3].id)  # moved along the cut: renumbered, label and tooltip
    assert later.label.startswith("4  ") and later.toolTip().startswith("Shot 4 · ")
    assert session.selected_shot_ids() == [second.id]
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert durations(session) == [48, 48, 48] and first.active().trim_out == 48


def test_roll_tool_drag_moves_the_join_and_keeps_the_cut_length(timeline):
    session, view = timeline
    view.set_snapping(False)
    view.set_tool("roll")
    a, b = session.project.shots[:2]
    start = view.viewport_point(44, "video")  # the right half of shot 1: its join with shot 2
    drag(view, start, start + frames_right(view, 12))
    assert durations(session) == [60, 36, 48]
    assert a.active().trim_out == 60 and b.active().trim_in == 12
    assert film_frames(session.project) == 144
    assert session.undo_stack.count() == 1  # six moves, one step
    assert view.clip_item(b.id).x() == pytest.approx(60 * view.px_per_frame)
    session.undo_stack.undo()
    assert durations(session) == [48, 48, 48] and b.active().trim_in == 0


def test_slip_tool_and_alt_drag_move_the_take_inside_its_shot(timeline):
    session, view = timeline
    view.set_snapping(False)
    shot = session.project.shots[1]
    view.set_tool("slip")
    start = view.viewport_point(70, "video")
    drag(view, start, start - frames_right(view, 10))  # drag left: later frames of the take come into view
    take = shot.active()
    assert (take.trim_in, take.trim_out, shot.duration_frames) == (10, 58, 48)
    view.set_tool("select")
    drag(view, start, start - frames_right(view, 6), modifiers=Mod.AltModifier)
    assert (take.trim_in, take.trim_out) == (16, 64)
    assert durations(session) == [48, 48, 48] and session.undo_stack.count() == 2
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert (take.trim_in, take.trim_out) == (0, 48)


def test_slide_tool_moves_a_clip_between_its_neighbours(timeline):
    session, view = timeline
    view.set_snapping(False)
    view.set_tool("slide")
    a, b, c = session.project.shots
    start = view.viewport_point(70, "video")
    drag(view, start, start + frames_right(view, 8))
    assert durations(session) == [56, 48, 40]
    assert (b.active().trim_in, b.active().trim_out) == (0, 48)  # the slid shot shows the same frames
    assert c.active().trim_in == 8 and a.active().trim_out == 56
    assert view.clip_item(b.id).x() == pytest.approx(56 * view.px_per_frame)
    session.undo_stack.undo()
    assert durations(session) == [48, 48, 48]
    view.sync()
    # The first shot has no neighbour before it: the tool says why and changes nothing.
    drag(view, view.viewport_point(20, "video"), view.viewport_point(30, "video"))
    assert "a slide needs a shot on each side" in view.last_message
    assert durations(session) == [48, 48, 48] and session.undo_stack.count() == 1


def test_drag_a_clip_moves_it_and_ctrl_click_selection_moves_together(timeline):
    session, view = timeline
    view.set_snapping(False)
    a, b, c = (s.id for s in session.project.shots)
    drag(view, view.viewport_point(20, "video"), view.viewport_point(130, "video"))
    assert [s.id for s in session.project.shots] == [b, c, a]
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    view.sync()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Mod.NoModifier, view.viewport_point(20, "video"))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Mod.ControlModifier,
                     view.viewport_point(120, "video"))
    assert session.selected_shot_ids() == [a, c]
    drag(view, view.viewport_point(120, "video"), view.viewport_point(60, "video"))
    assert [s.id for s in session.project.shots] == [a, c, b]  # A stays first; C jumps before B
    assert session.selected_shot_ids() == [a, c]


def test_rubber_band_selects_the_clips_it_touches_and_delete_ripples(timeline, qtbot):
    session, view = timeline
    a, b, c = (s.id for s in session.project.shots)
    # From the empty music track below the clips, up and over shots 2 and 3.
    start = view.viewport_point(60, "music") + QPoint(0, 8)
    drag(view, start, view.viewport_point(100, "video"))
    assert session.selected_shot_ids() == [b, c]
    assert not view.rubber_band.isVisible()
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Mod.NoModifier, view.viewport_point(4, "music"))
    assert session.selected_shot_ids() == []


def test_snapping_reaches_markers_and_line_boundaries(timeline):
    from studio.timeline import nle_edits

    session, view = timeline
    session.push(nle_edits.add_marker(session.project, 30, "Door"))
    view.sync()
    assert view.scene_items.markers[session.project.markers[0].id].x() == pytest.approx(30 * view.px_per_frame)
    right = view.viewport_point(48 - 0.5, "video")
    drag(view, right, view.viewport_point(31.5, "video"))
    assert session.project.shots[0].duration_frames == 30  # pulled onto the marker
    session.undo_stack.undo()
    view.sync()
    line = view.layout_frames.lines[0]
    end = line.start + line.duration  # the narrated line ends at 6 + 36 = 42
    assert end == 42
    drag(view, right, view.viewport_point(end + 1.5, "video"))
    assert session.project.shots[0].duration_frames == end
    session.undo_stack.undo()
    view.sync()
    QTest.keyClick(view, Qt.Key.Key_S)  # snapping off: the edge lands where it is dropped
    drag(view, right, view.viewport_point(end + 1.5, "video"))
    assert session.project.shots[0].duration_frames == 44  # four frames in from 48, not pulled onto 42


def test_keys_blade_marker_marks_and_ripple_delete_in_the_window(qtbot, make_window, tmp_path):
    document = fixtures.make_document(tmp_path, shots=3, take_frames=48)
    window = make_window()
    assert window.open_project(document.bundle)
    session, timeline = window.session, window.panels["timeline"]
    project = session.project
    timeline.setFocus()
    a, b, c = (s.id for s in project.shots)

    session.set_playhead(60)
    QTest.keyClick(timeline, Qt.Key.Key_B)
    assert [s.duration_frames for s in project.shots] == [48, 12, 36, 48]
    assert project.shots[2].active().trim_in == 12
    QTest.keyClick(timeline, Qt.Key.Key_Z, Mod.ControlModifier)
    session.set_playhead(100)
    QTest.keyClick(timeline, Qt.Key.Key_B, Mod.ControlModifier)  # Ctrl+B is the blade too
    assert [s.duration_frames for s in project.shots] == [48, 48, 4, 44]
    QTest.keyClick(timeline, Qt.Key.Key_Z, Mod.ControlModifier)

    session.set_playhead(130)
    QTest.keyClick(timeline, Qt.Key.Key_M)
    assert [(m.frame, m.name) for m in project.markers] == [(130, "Marker 1")]
    session.set_playhead(110)
    QTest.keyClick(timeline, Qt.Key.Key_I)
    session.set_playhead(140)
    QTest.keyClick(timeline, Qt.Key.Key_O)
    assert (project.export.range_in, project.export.range_out) == (110, 140)
    timeline.sync()
    assert timeline.scene_items.range_item.isVisible()
    assert timeline.scene_items.range_item.x() == pytest.approx(110 * timeline.px_per_frame)
    window.actions.clear_marks.trigger()
    timeline.sync()
    assert (project.export.range_in, project.export.range_out) == (None, None)
    assert not timeline.scene_items.range_item.isVisible()
    window.undo_action.trigger()
    assert (project.export.range_in, project.export.range_out) == (110, 140)

    # Double-click the marker's flag on the ruler: a dialog renames it.
    flag = timeline.mapFromScene(timeline.scene_items.markers[project.markers[0].id].scenePos()) + QPoint(20, 18)
    QTest.mouseDClick(timeline.viewport(), Qt.MouseButton.LeftButton, Mod.NoModifier, flag)
    dialog = window.findChild(QInputDialog)
    assert dialog is not None and dialog.textValue() == "Marker 1"
    dialog.setTextValue("Storm breaks")
    dialog.accept()
    assert project.markers[0].name == "Storm breaks"

    # Delete ripples: shot 2 leaves the cut, the later shot, the marker and the out mark move up by 48.
    session.select_shots([b])
    QTest.keyClick(timeline, Qt.Key.Key_Delete)
    assert [s.id for s in project.shots] == [a, c]
    assert project.shot_starts()[c] == 48
    assert project.markers[0].frame == 130 - 48 and (project.export.range_in, project.export.range_out) == (62, 92)
    assert (document.bundle / project.shots[1].active().media).is_file()
    window.undo_action.trigger()
    assert [s.id for s in project.shots] == [a, b, c] and project.markers[0].frame == 130


def test_drag_a_marker_along_the_ruler_and_delete_it_from_its_menu(timeline):
    from studio.timeline import nle_edits

    session, view = timeline
    view.set_snapping(False)
    session.push(nle_edits.add_marker(session.project, 30, "Door"))
    view.sync()
    marker = session.project.markers[0]
    flag = view.viewport_point(30, "ruler") + QPoint(20, 0)  # on its name, right of the flag
    drag(view, flag, flag + frames_right(view, 20))
    assert marker.frame == 50 and session.playhead() == 0  # the marker moved, the playhead did not
    assert session.undo_stack.count() == 2
    view.sync()
    assert view.scene_items.markers[marker.id].x() == pytest.approx(50 * view.px_per_frame)
    menu = view.marker_menu(marker.id)
    next(a for a in menu.actions() if a.text() == "Delete Marker").trigger()
    assert session.project.markers == []
    session.undo_stack.undo()
    assert [m.name for m in session.project.markers] == ["Door"]
