"""The timeline driven like a user: drags on the viewport change the model through undoable commands."""

from __future__ import annotations

import pytest
import timeline_fixtures as fixtures  # tests/support, on the test path
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from studio.ui.session import ProjectSession
from studio.ui.timeline import TimelineView


def open_timeline(qtbot, document, width: int = 900):
    session = ProjectSession(document)
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(width, 260)
    view.show()
    qtbot.waitExposed(view)
    view.set_zoom(4.0)
    view.horizontalScrollBar().setValue(0)
    return session, view


@pytest.fixture
def timeline(qtbot, tmp_path):
    return open_timeline(qtbot, fixtures.make_document(tmp_path, shots=3, take_frames=48))


def drag(view: TimelineView, start: QPoint, end: QPoint, steps: int = 6) -> None:
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, steps + 1):
        point = start + (end - start) * (i / steps)
        QTest.mouseMove(viewport, point)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)
    view.sync()


def test_trim_right_edge_shortens_take_and_is_one_undo_step(timeline):
    session, view = timeline
    view.set_snapping(False)
    shot = session.project.shots[0]
    take = shot.active()
    end = view.viewport_point(48 - 0.5, "video")  # just inside the right edge: the trim handle
    drag(view, end, end - QPoint(int(12 * view.px_per_frame), 0))
    assert shot.duration_frames == 36
    assert take.trim_in == 0 and take.trim_out == 36
    assert session.project.shot_starts()[session.project.shots[1].id] == 36
    assert session.undo_stack.count() == 1  # six mouse moves, one undo step
    session.undo_stack.undo()
    assert shot.duration_frames == 48 and take.trim_out is None
    session.undo_stack.redo()
    assert shot.duration_frames == 36 and take.trim_out == 36


def test_trim_cannot_stretch_a_take_past_its_frames(timeline):
    session, view = timeline
    view.set_snapping(False)
    shot = session.project.shots[1]
    right = view.viewport_point(96 - 0.5, "video")
    drag(view, right, right + QPoint(int(30 * view.px_per_frame), 0))
    assert shot.duration_frames == 48  # the take has 48 frames: nothing to extend into
    drag(view, right, right - QPoint(int(20 * view.px_per_frame), 0))
    drag(view, view.viewport_point(76 - 0.5, "video"), view.viewport_point(90, "video"))
    assert shot.duration_frames == 42 and shot.active().trim_out == 42
    assert session.undo_stack.count() == 2  # two separate drags stay two steps


def test_left_edge_trims_the_start_of_the_take(timeline):
    session, view = timeline
    view.set_snapping(False)
    shot = session.project.shots[1]
    left = view.viewport_point(48 + 0.5, "video")
    drag(view, left, left + QPoint(int(10 * view.px_per_frame), 0))
    assert shot.active().trim_in == 10 and shot.duration_frames == 38
    session.undo_stack.undo()
    assert shot.active().trim_in == 0 and shot.duration_frames == 48


def test_trim_a_shot_without_take_changes_its_duration(qtbot, tmp_path):
    document = fixtures.make_document(tmp_path, shots=2, with_takes=False, with_line=False, shot_frames=48)
    session = ProjectSession(document)
    view = TimelineView(session)
    qtbot.addWidget(view)
    view.resize(900, 260)
    view.show()
    view.set_zoom(4.0)
    view.set_snapping(False)
    right = view.viewport_point(48 - 0.5, "video")
    drag(view, right, right + QPoint(int(24 * view.px_per_frame), 0))
    assert session.project.shots[0].duration_frames == 72


def test_snapping_pulls_an_edge_to_the_playhead(timeline):
    session, view = timeline
    session.set_playhead(30)
    right = view.viewport_point(48 - 0.5, "video")
    drag(view, right, view.viewport_point(31.5, "video"))
    assert session.project.shots[0].duration_frames == 30


def test_drag_a_line_changes_its_offset_and_anchor(timeline):
    session, view = timeline
    view.set_snapping(False)
    line = session.project.lines[0]
    first, second = session.project.shots[0].id, session.project.shots[1].id
    start = view.viewport_point(6 + 4, "voice")
    drag(view, start, start + QPoint(int(8 * view.px_per_frame), 0))
    assert (line.shot_id, line.offset_frames) == (first, 14)
    assert session.undo_stack.count() == 1
    # Dropped over the second shot, the line now belongs to it.
    start = view.viewport_point(14 + 4, "voice")
    drag(view, start, start + QPoint(int(50 * view.px_per_frame), 0))
    assert (line.shot_id, line.offset_frames) == (second, 16)
    session.undo_stack.undo()
    assert (line.shot_id, line.offset_frames) == (first, 14)


def test_click_and_drag_on_ruler_moves_playhead(timeline):
    session, view = timeline
    view.set_snapping(False)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.viewport_point(20, "ruler"))
    assert session.playhead() == 20
    assert view.playhead_item.x() == pytest.approx(20 * view.px_per_frame)
    drag(view, view.viewport_point(20, "ruler"), view.viewport_point(70, "ruler"))
    assert session.playhead() == 70
    assert session.undo_stack.count() == 0  # the playhead is not an edit


def test_click_selects_and_ctrl_click_extends(timeline):
    session, view = timeline
    ids = [s.id for s in session.project.shots]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.viewport_point(60, "video"))
    assert session.selected_shot_ids() == [ids[1]]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier,
                     view.viewport_point(110, "video"))
    assert session.selected_shot_ids() == [ids[1], ids[2]]
    assert view.clip_item(ids[2]).selected and not view.clip_item(ids[0]).selected
    session.select_shots([ids[0]])
    assert view.clip_item(ids[0]).selected and not view.clip_item(ids[1]).selected


def test_zoom_actions_and_ctrl_wheel(timeline):
    session, view = timeline
    clip = view.clip_item(session.project.shots[1].id)
    assert clip.width == pytest.approx(48 * 4.0)
    view.zoom_in_action.trigger()
    assert view.px_per_frame == pytest.approx(5.0)
    assert clip.width == pytest.approx(48 * 5.0) and clip.x() == pytest.approx(48 * 5.0)
    view.zoom_fit_action.trigger()
    total = session.project.total_frames()
    assert total * view.px_per_frame <= view.viewport().width()
    before = view.px_per_frame
    QTest.qWait(0)
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication
    event = QWheelEvent(QPointF(100, 60), QPointF(view.viewport().mapToGlobal(QPoint(100, 60))), QPoint(0, 0),
                        QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.px_per_frame == pytest.approx(before * 1.25)


def test_transition_change_draws_overlap(timeline):
    session, view = timeline
    second = session.project.shots[1]
    view.set_transition(second.id, "crossfade", 0.5)
    view.sync()
    assert second.transition.kind == "crossfade" and second.transition.duration_frames == 12
    assert session.project.shot_starts()[second.id] == 36
    item = view._transitions[second.id]
    assert item.x() == pytest.approx(36 * view.px_per_frame) and item.width == pytest.approx(12 * view.px_per_frame)
    menu = view.transition_menu(second.id)
    dip = next(a for a in menu.actions() if a.text() == "Dip to black 1 s")
    dip.trigger()
    assert second.transition.kind == "dip_to_black" and second.transition.duration_frames == 24
    session.undo_stack.undo()
    assert second.transition.kind == "crossfade"


def test_timeline_paints_filmstrip_and_waveform(timeline, qtbot):
    session, view = timeline
    for item in view._clips.values():
        view._frames_for(item.media)
    view.filmstrips.wait()
    qtbot.waitUntil(lambda: all(view._frames_for(i.media) for i in view._clips.values()))
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    # The middle of the first clip shows its take's red frames; of the third, blue.
    red = image.pixelColor(view.viewport_point(24, "video") + QPoint(0, 12))
    blue = image.pixelColor(view.viewport_point(120, "video") + QPoint(0, 12))
    assert red.red() > 150 and red.green() < 90 and red.blue() < 90
    assert blue.blue() > 150 and blue.red() < 90
    line = view.line_item(session.project.lines[0].id)
    assert line.peaks is not None and line.peaks.max() > 0.7  # the tone's peak is 0.8


def test_filmstrip_decodes_the_right_frames_of_a_long_take(qapp, tmp_path):
    from studio.ui.timeline.filmstrip import decode_filmstrip

    clip = fixtures.write_solid_clip(tmp_path / "long.mp4", (200, 40, 40), 200)
    frames = decode_filmstrip(clip, 8, 45)
    assert [index for index, _ in frames] == [0, 28, 57, 85, 114, 142, 171, 199]
    for index, image in frames:
        assert image.height() == 45 and image.width() == 80
        bar_x = (index * 4) % 160 // 2 + 1  # the white bar marks the frame number (at half size here)
        assert image.pixelColor(bar_x, 2).red() > 200 and image.pixelColor(bar_x, 2).green() > 200


def test_labels_follow_edits_and_reordering(timeline):
    from studio.project.commands import MoveShot, edit_shot

    session, view = timeline
    first, second = session.project.shots[:2]
    session.push(edit_shot(second.id, prompt="A gull over the harbour"))
    view.sync()
    assert view.clip_item(second.id).label == "2  A gull over the harbour"
    session.push(MoveShot(second.id, 0))
    view.sync()
    assert view.clip_item(second.id).label.startswith("1  ") and view.clip_item(second.id).x() == 0
    assert view.clip_item(first.id).label.startswith("2  ")
    assert view.clip_item(first.id).x() == pytest.approx(48 * view.px_per_frame)


def test_drag_music_moves_its_start(timeline):
    from studio.project import MusicClip
    from studio.project.commands import AddMusic

    session, view = timeline
    view.set_snapping(False)
    fixtures.write_sine_wav(session.bundle / "media/music/theme.wav", 4.0)
    session.push(AddMusic(MusicClip(media="media/music/theme.wav", title="Theme", duration_frames=60)))
    view.sync()
    clip = session.project.music[0]
    start = view.viewport_point(10, "music")
    drag(view, start, start + QPoint(int(20 * view.px_per_frame), 0))
    assert clip.start_frame == 20
    assert view._music[clip.id].x() == pytest.approx(20 * view.px_per_frame)
    session.undo_stack.undo()
    assert clip.start_frame == 0


@pytest.fixture
def carded(qtbot, tmp_path):
    """The three-shot film with a 24-frame title card before it and 24 frames of credits after it."""
    document = fixtures.make_document(tmp_path, shots=3, take_frames=48, cards=fixtures.TITLE_AND_CREDITS)
    return open_timeline(qtbot, document, width=1000)


def test_cards_sit_on_the_video_track_where_the_export_puts_them(carded):
    session, view = carded
    title, credits = session.project.cards
    ppf = view.px_per_frame
    assert view.card_item(title.id).x() == 0 and view.card_item(title.id).width == pytest.approx(24 * ppf)
    assert view.clip_item(session.project.shots[0].id).x() == pytest.approx(24 * ppf)
    assert view.card_item(credits.id).x() == pytest.approx((24 + 144) * ppf)
    assert view.layout_frames.total == 24 + 144 + 24
    session.set_playhead(10_000)
    assert session.playhead() == 192  # the playhead reaches the end of the credits, as the film does
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    inside = image.pixelColor(view.viewport_point(12, "video") + QPoint(0, 18))
    assert max(inside.red(), inside.green(), inside.blue()) < 30  # drawn as the film shows it: black


def test_a_card_is_selectable_and_selecting_a_shot_drops_it(carded):
    session, view = carded
    title = session.project.cards[0]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.viewport_point(30, "video"))
    assert session.selected_shot_ids() == [session.project.shots[0].id]
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.viewport_point(10, "video"))
    assert view.selected_card == title.id and view.card_item(title.id).selected
    assert session.selected_shot_ids() == []
    assert "The Keeper" in view.card_item(title.id).toolTip()
    session.select_shots([session.project.shots[1].id])
    assert view.selected_card is None and not view.card_item(title.id).selected


def test_trims_lines_music_and_snapping_keep_working_after_the_titles(carded):
    from studio.project import MusicClip
    from studio.project.commands import AddMusic

    session, view = carded
    view.set_snapping(False)
    shot, line = session.project.shots[0], session.project.lines[0]
    end = view.viewport_point(24 + 48 - 0.5, "video")
    drag(view, end, end - QPoint(int(12 * view.px_per_frame), 0))
    assert shot.duration_frames == 36 and shot.active().trim_out == 36
    start = view.viewport_point(24 + 6 + 4, "voice")  # the line sits after the title card
    drag(view, start, start + QPoint(int(8 * view.px_per_frame), 0))
    assert (line.shot_id, line.offset_frames) == (shot.id, 14)
    fixtures.write_sine_wav(session.bundle / "media/music/theme.wav", 4.0)
    session.push(AddMusic(MusicClip(media="media/music/theme.wav", title="Theme", duration_frames=60)))
    view.sync()
    music = session.project.music[0]
    assert view._music[music.id].x() == pytest.approx(24 * view.px_per_frame)  # music starts with the first shot
    start = view.viewport_point(24 + 10, "music")
    drag(view, start, start + QPoint(int(20 * view.px_per_frame), 0))
    assert music.start_frame == 20
    view.set_snapping(True)
    session.set_playhead(24 + 30)
    right = view.viewport_point(24 + 36 - 0.5, "video")
    drag(view, right, view.viewport_point(24 + 31.5, "video"))
    assert shot.duration_frames == 30  # snapped to the playhead, in film frames
