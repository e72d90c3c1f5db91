"""Generate > Make Sounds in the editor: each shot's sound prompt becomes an ambience take in the project
folder (audible, the shot's length); one undo step takes the takes off again."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from studio.voice.wav_audio import read_wav

from .test_editing import new_film, type_shot


def test_make_sounds_gives_each_prompted_shot_an_ambience(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    bundle = new_film(window, tmp_path)
    rain = type_shot(qtbot, window, "Rain on the lamp room window")
    qtbot.keyClicks(window.panels["inspector"].sound, "rain on the window")
    quiet = type_shot(qtbot, window, "The keeper sleeps")
    window.actions.make_sounds.trigger()
    project = window.session.project
    qtbot.waitUntil(lambda: window.session.project.shot(rain).active_sound() is not None, timeout=60_000)
    take = project.shot(rain).active_sound()
    samples, rate = read_wav(bundle / take.media)
    assert abs(len(samples) / rate - 1.0) < 0.01  # the shot's one second
    assert np.sqrt(np.mean(np.square(samples.astype(np.float64)))) > 0.01  # audible, not silence
    assert project.shot(quiet).sound_takes == []  # no prompt, no sound

    # The sound sits on its own track under its shot, drawn with its waveform; clicking it picks the shot.
    view = window.panels["timeline"]
    qtbot.waitUntil(lambda: view.sound_item(rain) is not None, timeout=5_000)
    item, clip = view.sound_item(rain), view.clip_item(rain)
    assert view.sound_item(quiet) is None
    assert (item.x(), item.width) == (clip.x(), clip.width)
    assert item.y() >= view.track_geometry.sound_top() > clip.y() + clip.boundingRect().height()
    assert item.audio == take.media and "rain on the window" in item.label and "rain" in item.toolTip()
    view.ensureVisible(item)
    box = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
    picture = view.viewport().grab().toImage()
    lower = [picture.pixelColor(x, y).lightness() for x in range(box.left() + 4, box.right() - 4, 2)
             for y in range(box.center().y() + 2, box.bottom() - 2)]
    assert max(lower) - min(lower) > 40  # the waveform is drawn over the track colour, not a flat box
    window.session.select_shots([quiet])
    span = next(s for s in view.layout_frames.shots if s.shot_id == rain)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.viewport_point(span.start + span.duration // 2, "sound"))
    assert window.session.selected_shot_ids() == [rain] and item.selected

    window.undo_action.trigger()
    assert window.session.project.shot(rain).sound_takes == []
    qtbot.waitUntil(lambda: view.sound_item(rain) is None, timeout=5_000)
