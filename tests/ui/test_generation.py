"""Generating, choosing takes, narrating and exporting through the real window, with the real engine worker
(animatic backend) and the offline voice. Tiny films: 160x90, 12 fps, 1 s shots."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt

from engine.video_io import probe_video, read_frames
from studio.project import store
from studio.ui.takes_strip import CompareDialog
from studio.voice.wav_audio import read_wav

from .test_editing import new_film, type_shot

WAIT_MS = 180_000  # generous: two cores shared with other test runs


def takes_of(window, shot_id: str) -> list:
    return window.session.project.shot(shot_id).takes


def test_generate_regenerate_choose_narrate_undo_and_export(qtbot, make_window, tmp_path):
    window = make_window()
    bundle = new_film(window, tmp_path)
    prompts = ("A lighthouse on a cliff at dusk", "Waves break on black rocks", "The keeper lights the lamp")
    ids = [type_shot(qtbot, window, text) for text in prompts]

    window.session.select_shots(ids)
    qtbot.keyClick(window.panels["storyboard"].view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    queue = window.panels["queue"]
    assert len(window.generation.jobs()) == 3 and queue.list.count() == 3
    qtbot.waitUntil(lambda: all(takes_of(window, i) for i in ids), timeout=WAIT_MS)
    for shot_id in ids:
        take = takes_of(window, shot_id)[0]
        assert window.session.project.shot(shot_id).active_take == take.id
        info = probe_video(bundle / take.media)
        assert (info.width, info.height, info.frame_count) == (160, 90, 12)
        assert (bundle / take.thumbnail).is_file()
        assert window.generation.shot_status(shot_id) is None  # the card shows "Ready" now
    frame = read_frames(bundle / takes_of(window, ids[0])[0].media, [6])[0]
    assert frame.std() > 5  # a real picture, not a blank frame
    assert (bundle / store.AUTOSAVE).is_file()  # saved into the bundle the moment the takes finished

    # Regenerate shot 2 with a new seed: a second take, made active.
    window.session.select_shots([ids[1]])
    old = takes_of(window, ids[1])[0]
    window.actions.regenerate.trigger()
    qtbot.waitUntil(lambda: len(takes_of(window, ids[1])) == 2, timeout=WAIT_MS)
    new = takes_of(window, ids[1])[1]
    assert new.seed != old.seed
    assert window.session.project.shot(ids[1]).active_take == new.id
    first_new, first_old = (read_frames(bundle / t.media, [0])[0] for t in (new, old))
    assert not np.array_equal(first_new, first_old)

    # Set the older take active in the takes strip; undo and redo it.
    strip = window.panels["takes"]
    strip.select_take(old.id)
    qtbot.mouseClick(strip.activate_button, Qt.MouseButton.LeftButton)
    assert window.session.project.shot(ids[1]).active_take == old.id
    window.undo_action.trigger()
    assert window.session.project.shot(ids[1]).active_take == new.id
    window.redo_action.trigger()
    assert window.session.project.shot(ids[1]).active_take == old.id

    # Export through the export dialog and check the film.
    window.actions.export.trigger()
    dialog = window.export_dialog
    out = tmp_path / "film.mp4"
    dialog.path_edit.setText(str(out))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.state in ("done", "failed"), timeout=WAIT_MS)
    assert dialog.state == "done", dialog.status.text()
    film = probe_video(out)
    assert film.frame_count == 36 and (film.width, film.height) == (160, 90)
    dialog.close()


def test_write_a_line_and_narrate_it_offline_then_undo_and_redo(qtbot, make_window, tmp_path):
    window = make_window()
    bundle = new_film(window, tmp_path)
    ids = [type_shot(qtbot, window, "The keeper at the top of the stairs")]
    window.session.select_shots([ids[0]])
    window.docks["lines"].raise_()
    lines = window.panels["lines"]
    qtbot.keyClicks(lines.text, "The lamp has not gone out in forty years.")
    qtbot.keyClick(lines.text, Qt.Key.Key_Return)
    line = window.session.project.lines[0]
    assert line.shot_id == ids[0] and line.status == "pending"
    qtbot.mouseClick(lines.narrate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.project.lines[0].status == "ready", timeout=WAIT_MS)
    audio = window.session.project.lines[0].active()
    samples, rate = read_wav(bundle / audio.media)
    assert samples.size / rate > 1.0 and np.abs(samples).max() > 1000  # real speech, not silence
    window.undo_action.trigger()
    assert window.session.project.lines[0].takes == [] and window.session.project.lines[0].status == "pending"
    window.redo_action.trigger()
    assert window.session.project.lines[0].active().id == audio.id


def test_a_dead_worker_marks_the_job_failed_and_the_editor_keeps_working(qtbot, make_window, tmp_path):
    window = make_window(spawned_engine=True)
    new_film(window, tmp_path)
    shot_id = type_shot(qtbot, window, "A long slow push in on the lighthouse")
    window.panels["inspector"].duration.setValue(120.0)  # long enough to be caught mid-render
    window.session.select_shots([shot_id])
    [job_id] = window.generation.generate([shot_id])
    record = window.generation.records[job_id]
    qtbot.waitUntil(lambda: record.state == "generating" and window.engine.worker_pid() is not None,
                    timeout=WAIT_MS)
    os.kill(window.engine.worker_pid(), signal.SIGKILL)
    qtbot.waitUntil(lambda: record.state == "failed", timeout=WAIT_MS)
    assert "engine" in record.reason
    assert "engine" in window.statusBar().currentMessage()  # the user is told, not just the model
    assert window.generation.shot_status(shot_id)[0] == "failed"  # the card says so
    assert window.isVisible()

    # The editor still edits, and the restarted engine still generates.
    window.panels["inspector"].duration.setValue(1.0)
    [again] = window.generation.generate([shot_id])
    qtbot.waitUntil(lambda: window.generation.records[again].state == "done", timeout=WAIT_MS)
    assert takes_of(window, shot_id)


def test_cli_opens_the_studio_on_a_project(qtbot, tmp_path, settings_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from studio.cli.main import main
    from studio.project import Project, ProjectDocument, Shot
    from studio.ui.main_window import MainWindow

    bundle = tmp_path / "cli.storyreel"
    ProjectDocument.create(bundle, Project(title="From the CLI", shots=[Shot(prompt="opened")]))
    seen: list[str] = []

    def look_and_close() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                seen.append(widget.session.project.shots[0].prompt)
                widget.close()
                widget.deleteLater()

    QTimer.singleShot(500, look_and_close)
    assert main(["studio", str(bundle)]) == 0
    assert seen == ["opened"]
    assert main(["studio", str(tmp_path / "missing")]) == 2
    assert settings_path.parent.is_dir()  # the window kept its layout in the isolated settings folder


def test_queue_panel_reorders_cancels_and_retries(qtbot, make_window, tmp_path):
    window = make_window()
    new_film(window, tmp_path)
    ids = [type_shot(qtbot, window, text) for text in ("slow first", "second", "third")]
    window.panels["inspector"].duration.setValue(1.0)
    window.session.select_shots([ids[0]])
    window.panels["inspector"].duration.setValue(120.0)  # keeps the worker busy while the others wait (30 s
    # was not always enough: the first job could end, and the next start and finish, before the clicks landed)
    window.session.select_shots(ids)
    window.actions.generate.trigger()
    queue, panel = window.generation, window.panels["queue"]
    first, second, third = queue.order
    qtbot.waitUntil(lambda: queue.records[first].state == "generating", timeout=WAIT_MS)

    panel.rows[third].up.click()  # "Run earlier"
    assert queue.order.index(third) < queue.order.index(second)
    panel.rows[second].cancel.click()
    qtbot.waitUntil(lambda: queue.records[second].state == "cancelled", timeout=WAIT_MS)
    assert panel.rows[second].retry.isVisibleTo(panel.rows[second])
    panel.rows[second].retry.click()
    retried = queue.order[-1]
    assert queue.records[retried].shot_id == ids[1]
    qtbot.waitUntil(lambda: all(takes_of(window, i) for i in ids), timeout=WAIT_MS)
    assert len(takes_of(window, ids[1])) == 1  # the cancelled job made no take; the retry did
    finished = [r for r in queue.jobs() if r.state == "done"]
    assert {r.shot_id for r in finished} == set(ids)
    assert "3 running" not in panel.summary.text()

    # Compare two takes side by side, then delete one from the strip (undoable).
    window.session.select_shots([ids[2]])
    window.actions.regenerate.trigger()
    qtbot.waitUntil(lambda: len(takes_of(window, ids[2])) == 2, timeout=WAIT_MS)
    strip = window.panels["takes"]
    strip.list.selectAll()
    qtbot.mouseClick(strip.compare_button, Qt.MouseButton.LeftButton)
    compare = window.findChild(CompareDialog)
    assert compare is not None and compare.isVisible()
    compare.close()
    strip.select_take(takes_of(window, ids[2])[0].id)
    qtbot.mouseClick(strip.delete_button, Qt.MouseButton.LeftButton)
    assert len(takes_of(window, ids[2])) == 1
    window.undo_action.trigger()
    assert len(takes_of(window, ids[2])) == 2


def test_two_new_takes_of_a_locked_seed_in_the_editor(qtbot, make_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from studio.generation import derived_seed

    window = make_window()
    new_film(window, tmp_path)
    shot_id = type_shot(qtbot, window, "The lamp turns")
    inspector = window.panels["inspector"]
    inspector.seed.selectAll()
    qtbot.keyClicks(inspector.seed, "42")
    qtbot.mouseClick(inspector.seed_lock, Qt.MouseButton.LeftButton)
    assert window.session.project.shot(shot_id).seed == 42 and window.session.project.shot(shot_id).seed_locked
    window.actions.generate.trigger()
    qtbot.waitUntil(lambda: len(takes_of(window, shot_id)) == 1, timeout=WAIT_MS)
    assert takes_of(window, shot_id)[0].seed == 42
    window.actions.generate.trigger()  # Generate again: the locked seed's take is there already, no copy
    assert len(takes_of(window, shot_id)) == 1 and "already there" in window.statusBar().currentMessage()
    monkeypatch.setattr(QInputDialog, "getInt", staticmethod(lambda *args, **kwargs: (2, True)))
    window.actions.generate_n.trigger()
    qtbot.waitUntil(lambda: len(takes_of(window, shot_id)) == 3, timeout=WAIT_MS)
    assert [t.seed for t in takes_of(window, shot_id)] == [42, derived_seed(42, 1), derived_seed(42, 2)]


def test_closing_without_saving_leaves_project_json_as_it_was(qtbot, make_window, tmp_path):
    from studio.ui.prompts import SaveChoice

    from .conftest import ScriptedPrompts

    prompts = ScriptedPrompts()
    window = make_window(prompts)
    bundle = new_film(window, tmp_path)
    shot_id = type_shot(qtbot, window, "Fog over the harbour")
    window.save()
    saved = (bundle / "project.json").read_bytes()

    inspector = window.panels["inspector"]
    qtbot.keyClicks(inspector.prompt, ", at night")  # an edit
    script = Path(__file__).resolve().parents[2] / "resources/examples/scripts/the-lighthouse-keeper.fountain"
    assert window.import_screenplay(script)  # a screenplay import
    assert len(window.session.project.shots) > 1 and window.session.project.lines
    window.narrate()  # narration, offline, in a worker thread
    qtbot.waitUntil(lambda: all(line.active() is not None for line in window.session.project.lines),
                    timeout=WAIT_MS)
    audio = window.session.project.lines[0].active()
    assert (bundle / audio.media).is_file()  # the audio is in the bundle...
    assert (bundle / "project.json").read_bytes() == saved  # ...but the document is only the user's to save
    assert window.session.is_dirty() and window.session.project.shot(shot_id).prompt.endswith("at night")

    prompts.save_choice = SaveChoice.DISCARD
    window.close()
    assert "save_changes" in prompts.asked
    assert (bundle / "project.json").read_bytes() == saved
