"""Continuity in the editor: choose what a shot starts and ends on in the inspector, generate all shots at once
(a continuing shot waits for the one it continues), see a stale take flagged, undo the choice, and a loop of links
refused with the reason."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from skimage import data as skdata
from still_images import FRAME_TOLERANCE, frame_distance, save_still

from engine.video_io import read_frames
from studio.ui.storyboard import continuity_words

from .test_editing import new_film, type_shot

WAIT_MS = 180_000


def _choose(qtbot, combo, kind: str) -> None:
    """Pick an entry of a combo box by keyboard, as a user would."""
    target = combo.findData(kind)
    assert target >= 0, f"{kind} is not in the list"
    combo.setFocus()
    key = Qt.Key.Key_Down if target > combo.currentIndex() else Qt.Key.Key_Up
    for _ in range(abs(target - combo.currentIndex())):
        qtbot.keyClick(combo, key)


def test_continue_from_the_previous_shot_stale_undo_and_loops(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    bundle = new_film(window, tmp_path)
    inspector = window.panels["inspector"]
    first = type_shot(qtbot, window, "The keeper looks out to sea")
    inspector.set_reference(save_still(skdata.astronaut(), tmp_path / "keeper.png"))
    _choose(qtbot, inspector.camera, "pan_left")
    second = type_shot(qtbot, window, "He turns back to the lamp")
    fields = inspector.continuity
    _choose(qtbot, fields.combos["start_frame"], "prev")
    assert window.session.project.shot(second).start_frame.kind == "prev"

    window.session.select_shots([first, second])
    window.actions.generate.trigger()  # both at once: the second is queued when the first is done
    qtbot.waitUntil(lambda: window.session.project.shot(second).active() is not None, timeout=WAIT_MS)
    project = window.session.project
    last = read_frames(bundle / project.shot(first).active().media, [-1])[0]
    start = read_frames(bundle / project.shot(second).active().media, [0])[0]
    assert frame_distance(start, last) < FRAME_TOLERANCE

    # A new take of the first shot makes the second one's take stale; the inspector says so.
    window.session.select_shots([first])
    window.actions.regenerate.trigger()
    qtbot.waitUntil(lambda: len(window.session.project.shot(first).takes) == 2, timeout=WAIT_MS)
    window.session.select_shots([second])
    assert fields.stale.isVisible() and "shot 1's active take changed" in fields.stale.text()

    # A loop (the first shot ending on the second's first frame while the second continues it) is refused.
    window.session.select_shots([first])
    _choose(qtbot, fields.combos["end_frame"], "next")
    assert window.session.project.shot(first).end_frame is None
    assert "each would wait for the other" in window.statusBar().currentMessage()
    assert fields.combos["end_frame"].currentData() is None  # the combo shows what the shot has

    # Undo the continue link; redo it.
    window.session.select_shots([second])
    _choose(qtbot, fields.combos["start_frame"], "keyframe")
    assert window.session.project.shot(second).start_frame.kind == "keyframe"
    window.undo_action.trigger()
    assert window.session.project.shot(second).start_frame.kind == "prev"
    assert fields.combos["start_frame"].currentData() == "prev"


def test_a_still_as_the_end_frame_is_copied_into_the_project(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    bundle = new_film(window, tmp_path)
    shot = type_shot(qtbot, window, "The cup, then the cat")
    fields = window.panels["inspector"].continuity
    fields.set_image("end_frame", save_still(skdata.chelsea(), tmp_path / "cat.png"))
    source = window.session.project.shot(shot).end_frame
    assert source.kind == "image" and (bundle / source.path).is_file()
    assert fields.combos["end_frame"].currentText() == "Still: cat.png"


def test_the_storyboard_shows_the_chain_and_a_stale_badge(qtbot, make_window, tmp_path: Path) -> None:
    from studio.ui.storyboard import ShotRole, continuity_words, shot_status

    window = make_window()
    new_film(window, tmp_path)
    first = type_shot(qtbot, window, "The keeper looks out to sea")
    second = type_shot(qtbot, window, "He turns back to the lamp")
    _choose(qtbot, window.panels["inspector"].continuity.combos["start_frame"], "prev")
    window.session.select_shots([first, second])
    window.actions.generate.trigger()
    qtbot.waitUntil(lambda: window.session.project.shot(second).active() is not None, timeout=WAIT_MS)
    window.session.select_shots([first])
    window.actions.regenerate.trigger()
    qtbot.waitUntil(lambda: len(window.session.project.shot(first).takes) == 2, timeout=WAIT_MS)

    model = window.panels["storyboard"].view.storyboard_model
    row = next(r for r in range(model.rowCount()) if model.data(model.index(r, 0), ShotRole) == second)
    tooltip = model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert "Stale: shot 1's active take changed" in tooltip
    shot = window.session.project.shot(second)
    assert shot_status(shot, None, stale=True) == ("stale", 1.0)
    assert continuity_words(shot) == " · continues"
    window.panels["storyboard"].view.grab().save(str(tmp_path / "storyboard.png"))  # paints the badge

    # The timeline shows the same: a link where the second shot continues the first, an amber outline, the reason.
    timeline = window.panels["timeline"]
    qtbot.waitUntil(lambda: timeline.clip_item(second).stale, timeout=5_000)
    clip, before = timeline.clip_item(second), timeline.clip_item(first)
    assert clip.links == (True, False) and before.links == (False, False) and not before.stale
    assert "Starts on the last frame of the shot before" in clip.toolTip()
    assert "Stale: shot 1's active take changed" in clip.toolTip()
    timeline.ensureVisible(clip)
    box = timeline.mapFromScene(clip.sceneBoundingRect()).boundingRect()
    edge = timeline.viewport().grab().toImage().pixelColor(box.left() + 1, box.center().y())
    assert (edge.red(), edge.green(), edge.blue()) == (0xE0, 0xA0, 0x30)  # the stale outline is drawn


def _fill_and_accept(qtbot, seconds: str, choose: tuple[str, str] | None = None) -> None:
    """Type into the open Extend/Bridge dialog as a user would, then click OK."""
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.isVisible()
    dialog.seconds.selectAll()
    qtbot.keyClicks(dialog.seconds, seconds)
    if choose is not None:
        _choose(qtbot, getattr(dialog, choose[0]), choose[1])
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_extend_and_bridge_from_the_generate_menu_and_undo(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    bundle = new_film(window, tmp_path)
    inspector = window.panels["inspector"]
    cup = type_shot(qtbot, window, "The cup on the table")
    inspector.set_reference(save_still(skdata.coffee(), tmp_path / "cup.png"))
    _choose(qtbot, inspector.camera, "pan_left")
    cat = type_shot(qtbot, window, "The cat looks up")
    inspector.set_reference(save_still(skdata.chelsea(), tmp_path / "cat.png"))
    window.session.select_shots([cup, cat])
    window.actions.generate.trigger()
    project = window.session.project
    qtbot.waitUntil(lambda: all(project.shot(s).active() is not None for s in (cup, cat)), timeout=WAIT_MS)
    original = project.shot(cup).active()
    kept = read_frames(bundle / original.media)

    # Extend the cup's take by one second: a new active take, the original's frames kept bit for bit.
    window.session.select_shots([cup])
    window.actions.extend_take.trigger()
    _fill_and_accept(qtbot, "1")
    qtbot.waitUntil(lambda: len(window.session.project.shot(cup).takes) == 2, timeout=WAIT_MS)
    extended = project.shot(cup).active()
    assert extended.id != original.id and extended.metadata["lineage"]["extended_from"] == original.id
    frames = read_frames(bundle / extended.media)
    assert len(frames) == len(kept) + 12 and project.shot(cup).duration_frames == len(frames)
    assert all((a == b).all() for a, b in zip(frames[: len(kept)], kept, strict=True))
    window.undo_action.trigger()  # one step: the take and the longer shot
    assert project.shot(cup).active_take == original.id and project.shot(cup).duration_frames == 12

    # Bridge the cup to the cat as the join's transition: a new shot between them, meeting both.
    window.actions.bridge.trigger()
    _fill_and_accept(qtbot, "1.5", choose=("kind", "transition"))
    assert [s.id for s in project.shots][0::2] == [cup, cat]
    bridge = project.shots[1]
    assert bridge.flags == ["bridge"] and bridge.duration_frames == 18
    qtbot.waitUntil(lambda: window.session.project.shots[1].active() is not None, timeout=WAIT_MS)
    first, last = read_frames(bundle / project.shots[1].active().media, [0, -1])
    assert frame_distance(first, read_frames(bundle / original.media, [-1])[0]) < FRAME_TOLERANCE
    assert frame_distance(last, read_frames(bundle / project.shot(cat).active().media, [0])[0]) < FRAME_TOLERANCE
    assert continuity_words(project.shots[1]) == " · bridge · continues · ends on next"  # the card's caption
    window.undo_action.trigger()  # its take
    window.undo_action.trigger()  # the bridge shot
    assert [s.id for s in project.shots] == [cup, cat]


def test_the_timeline_extends_by_a_drag_past_the_take_and_bridges_from_the_join_menu(
        qtbot, make_window, tmp_path: Path) -> None:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    window = make_window()
    bundle = new_film(window, tmp_path)
    inspector = window.panels["inspector"]
    cup = type_shot(qtbot, window, "The cup on the table")
    inspector.set_reference(save_still(skdata.coffee(), tmp_path / "cup.png"))
    cat = type_shot(qtbot, window, "The cat looks up")
    window.session.select_shots([cup, cat])
    window.actions.generate.trigger()
    project = window.session.project
    qtbot.waitUntil(lambda: all(project.shot(s).active() is not None for s in (cup, cat)), timeout=WAIT_MS)
    original = project.shot(cup).active()

    # Drag the cup's right edge a second (12 frames) past the end of its take: the take is extended.
    view = window.panels["timeline"]
    view.set_zoom(8.0)
    view.horizontalScrollBar().setValue(0)
    view.sync()
    start = view.layout_frames.shots[0].start
    edge, past = view.viewport_point(start + 12 - 0.5, "video"), view.viewport_point(start + 24.5, "video")
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, edge)
    for i in range(1, 7):
        QTest.mouseMove(view.viewport(), edge + (past - edge) * (i / 6))
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, past)
    qtbot.waitUntil(lambda: len(window.session.project.shot(cup).takes) == 2, timeout=WAIT_MS)
    extended = project.shot(cup).active()
    assert extended.metadata["lineage"]["extended_from"] == original.id
    assert extended.frame_count == 24 and project.shot(cup).duration_frames == 24

    # The join's menu bridges the two shots.
    view.sync()
    menu = view.transition_menu(cat)
    bridge = next(a for a in menu.actions() if a.text().startswith("Bridge from shot 1 to shot 2"))
    bridge.trigger()
    dialog = QApplication.activeModalWidget()
    assert dialog is not None and dialog.windowTitle() == "Bridge to Next Shot"
    dialog.accept()
    assert len(project.shots) == 3 and project.shots[1].start_frame.kind == "prev"
    qtbot.waitUntil(lambda: window.session.project.shots[1].active() is not None, timeout=WAIT_MS)
    first = read_frames(bundle / project.shots[1].active().media, [0])[0]
    assert frame_distance(first, read_frames(bundle / extended.media, [-1])[0]) < FRAME_TOLERANCE
