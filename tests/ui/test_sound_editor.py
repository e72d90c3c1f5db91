"""Generate > Make Sounds in the editor: each shot's sound prompt becomes an ambience take in the project
folder (audible, the shot's length); one undo step takes the takes off again."""

from __future__ import annotations

from pathlib import Path

import numpy as np

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
    window.undo_action.trigger()
    assert window.session.project.shot(rain).sound_takes == []
