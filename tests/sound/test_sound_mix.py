"""Each shot's sound on its own track of the mix: under its shot, at its level, faded at cuts, ducked under lines;
in the rendered film (decoded with ffmpeg) and in the OTIO export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest
from cut_film_factory import ShotSpec, add_line, decode_audio, make_film
from sound_measures import rms

from studio.cut import export_film, export_interchange
from studio.cut.audio_mix import mix_soundtrack
from studio.cut.plan import SOUND_CUT_FADE_SECONDS, build_plan
from studio.project import commands as cmd
from studio.sound import make_sounds

RATE = 48_000
SHOT = 2 * RATE  # 48 frames at 24 fps


def highs(x: np.ndarray) -> np.ndarray:
    """What is above 2 kHz: the rain, without the 440 Hz test line."""
    spectrum = np.fft.rfft(x)
    spectrum[np.fft.rfftfreq(len(x), 1 / RATE) < 2000] = 0
    return np.fft.irfft(spectrum, len(x))


@pytest.fixture
def film(tmp_path: Path):
    document = make_film(tmp_path, [ShotSpec("red", 48), ShotSpec("blue", 48), ShotSpec("green", 48)])
    document.execute(cmd.edit_shot("shot_1", sound_prompt="heavy rain", sound_gain_db=-12.0))
    report = make_sounds(document)
    assert report.made and report.no_prompt == ["shot_0", "shot_2"]
    document.save()
    return document


def test_the_rendered_film_has_the_ambience_under_its_shot_only(film, tmp_path: Path) -> None:
    export_film(film, tmp_path / "with.mp4")
    audio = decode_audio(tmp_path / "with.mp4")
    assert len(audio) == pytest.approx(3 * SHOT, abs=2048)
    inside = rms(audio[SHOT + 4800:2 * SHOT - 4800])
    before, after = rms(audio[:SHOT - 4800]), rms(audio[2 * SHOT + 4800:3 * SHOT])
    assert inside > 0.03, "the shot's ambience is not heard"
    assert before < inside / 100 and after < inside / 100, "the ambience leaks past its shot"

    film.execute(cmd.edit_shot("shot_1", active_sound_take=None))  # the same film without the sound
    export_film(film, tmp_path / "without.mp4")
    assert rms(decode_audio(tmp_path / "without.mp4")[SHOT:2 * SHOT]) < 1e-3


def test_level_fades_and_ducking_in_the_mix(film, tmp_path: Path) -> None:
    loud = mix_soundtrack(build_plan(film.project, film.bundle)).samples[:, 0]
    film.execute(cmd.edit_shot("shot_1", sound_gain_db=-24.0))
    soft = mix_soundtrack(build_plan(film.project, film.bundle)).samples[:, 0]
    middle = slice(SHOT + RATE // 4, 2 * SHOT - RATE // 4)
    assert 20 * np.log10(rms(loud[middle]) / rms(soft[middle])) == pytest.approx(12.0, abs=0.1)
    # A short fade at each cut: the first and last milliseconds rise from and fall to silence.
    fade = round(SOUND_CUT_FADE_SECONDS * RATE)
    assert abs(loud[SHOT]) < 1e-3 and abs(loud[2 * SHOT - 1]) < 0.01
    assert rms(loud[SHOT:SHOT + fade // 4]) < 0.5 * rms(loud[SHOT + fade:SHOT + 4 * fade])

    add_line(film, "shot_1", "Listen.", offset_frames=12, seconds=0.5)  # 0.5 s to 1.0 s into the shot
    ducked = highs(mix_soundtrack(build_plan(film.project, film.bundle)).samples[:, 0])
    plain = highs(soft)
    under = slice(SHOT + RATE // 2 + 2400, SHOT + RATE - 2400)
    assert 20 * np.log10(rms(plain[under]) / rms(ducked[under])) == pytest.approx(12.0, abs=1.0)  # duck_db
    clear = slice(2 * SHOT - RATE // 3, 2 * SHOT - RATE // 10)  # past the release
    assert rms(ducked[clear]) == pytest.approx(rms(plain[clear]), rel=0.02)


def test_a_shot_longer_than_its_sound_take_loops_it(film) -> None:
    film.execute(cmd.edit_shot("shot_1", duration_frames=144))  # 6 s; the take is 2 s
    mix = mix_soundtrack(build_plan(film.project, film.bundle)).samples[:, 0]
    quarter = [rms(mix[SHOT + i * RATE:SHOT + (i + 1) * RATE]) for i in range(6)]
    assert min(quarter) > 0.5 * max(quarter)


def test_the_otio_export_has_a_sound_track(film, tmp_path: Path) -> None:
    export_interchange(film, tmp_path / "cut.otio", "otio")
    timeline = otio.adapters.read_from_file(str(tmp_path / "cut.otio"))
    (track,) = [t for t in timeline.tracks if t.name == "Sound"]
    clips = list(track.find_clips())
    assert len(clips) == 1
    clip = clips[0]
    assert clip.metadata["storyreel"]["shot_id"] == "shot_1"
    assert clip.metadata["storyreel"]["prompt"] == "heavy rain"
    assert clip.trimmed_range_in_parent().start_time.to_frames() == 48
    assert clip.source_range.duration.to_frames() == 48
    assert Path(otio.url_utils.filepath_from_url(clip.media_reference.target_url)).is_file()
