"""A tiny film exported end to end: streams, frames, narration timing, ducking, loudness, subtitles, caching."""

from __future__ import annotations

import os
import time

import numpy as np
import pyloudnorm
import pytest
import srt
from cut_film_factory import (
    ShotSpec,
    add_card,
    add_line,
    add_music,
    decode_audio,
    frame_at,
    make_clip,
    make_film,
    mean_colour,
    probe_output,
)
from scipy.signal import butter, sosfiltfilt

from engine.progress import Cancelled, CancelToken
from studio.cut import MediaError, build_plan, export_film

RATE = 48000
NARRATION_HZ = 1000
MUSIC_HZ = 110


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    film = make_film(root, [
        ShotSpec("red", frames=24),
        ShotSpec("lime", frames=24, take_fps=16, size=(90, 90), transition="crossfade", transition_frames=6),
        ShotSpec("blue", frames=24, size=(320, 180), transition="dip_to_black", transition_frames=6),
        ShotSpec("yellow", frames=24, take_frames=8),  # shorter than its shot: the last frame holds
    ])
    add_card(film, "A Test Film", "title", 12)
    line = add_line(film, "shot_1", "The first line is spoken here.", offset_frames=6, freq=NARRATION_HZ, seconds=0.6)
    silent = add_line(film, "shot_3", "Nobody has voiced this yet.", seconds=None)
    add_music(film, freq=MUSIC_HZ, seconds=8, gain_db=-6)
    out = root / "film.mp4"
    seen = []
    report = export_film(film, out, subtitles="srt", progress=seen.append)
    fractions = [p.fraction for p in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0, "one steady progress scale"
    return film, out, report, line, silent


def _band(samples: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return sosfiltfilt(butter(4, [lo, hi], btype="band", fs=RATE, output="sos"), samples)


def test_streams_codecs_size_and_durations(exported):
    film, out, report, *_ = exported
    plan = build_plan(film.project, film.bundle)
    info = probe_output(out)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert (info.width, info.height, info.fps) == (160, 90, 24)
    assert info.frames == plan.total_frames == 12 + film.project.total_frames() == report.frames
    assert abs(info.audio_seconds - info.video_seconds) <= 1 / 24
    assert report.encodes == report.segments == 6
    assert not list(out.parent.glob(".film.*part*")), "temp files left behind"


def test_frames_show_the_right_shots(exported):
    _, out, *_ = exported
    # title 0-11 | red 12-29 | crossfade 30-35 | lime 36-53 (dip: 51-53 down) | blue 54-77 (54-56 up) | yellow 78-101
    title = frame_at(out, 6)
    assert title.mean() < 80 and title.max() > 200, "a card is white text on black"
    red = mean_colour(frame_at(out, 20))
    assert red[0] > 230 and red[1] < 20 and red[2] < 20
    mix = mean_colour(frame_at(out, 33)[:, 40:120])  # inside the pillarboxed square
    assert 60 < mix[0] < 200 and 60 < mix[1] < 200, f"crossfade frame should mix red and lime: {mix}"
    lime = frame_at(out, 45)
    assert lime[:, 70:90].reshape(-1, 3).mean(axis=0)[1] > 230, "lime in the middle"
    assert lime[:, :30].max() < 30, "pillarbox bars are black"
    assert frame_at(out, 53).mean() < frame_at(out, 51).mean() / 2, "lime fades down"
    assert frame_at(out, 54).mean() < 5, "dip to black reaches black"
    blue = mean_colour(frame_at(out, 70))
    assert blue[2] > 230 and blue[0] < 20
    for index in (90, 101):  # the 8-frame take held to the end of its 24-frame shot
        yellow = mean_colour(frame_at(out, index))
        assert yellow[0] > 230 and yellow[1] > 230 and yellow[2] < 30


def test_narration_starts_at_its_anchor(exported):
    film, out, _, line, _ = exported
    audio = decode_audio(out)
    envelope = np.abs(_band(audio, NARRATION_HZ - 150, NARRATION_HZ + 150))
    onset = np.argmax(envelope > envelope.max() / 2) / RATE
    expected = (12 + film.project.shot_starts()[line.shot_id] + line.offset_frames) / 24
    assert onset == pytest.approx(expected, abs=0.010)


def test_music_is_ducked_under_narration(exported):
    film, out, _, line, _ = exported
    audio = decode_audio(out)
    music = _band(audio, MUSIC_HZ - 30, MUSIC_HZ + 30)
    start = (12 + film.project.shot_starts()[line.shot_id] + line.offset_frames) / 24

    def rms(a: float, b: float) -> float:
        return float(np.sqrt(np.mean(music[int(a * RATE):int(b * RATE)] ** 2)))

    under, before = rms(start + 0.2, start + 0.5), rms(start - 0.8, start - 0.3)
    assert 20 * np.log10(under / before) < -8, "the music drops about duck_db (-12 dB) under the voice"


def test_loudness_reaches_the_target(exported):
    _, out, report, *_ = exported
    import subprocess

    from cut_film_factory import FFMPEG
    stereo = np.frombuffer(subprocess.run([FFMPEG, "-v", "error", "-i", str(out), "-ac", "2", "-ar", str(RATE), "-f",
                                           "f32le", "-"], capture_output=True, check=True).stdout, np.float32)
    loudness = pyloudnorm.Meter(RATE).integrated_loudness(stereo.reshape(-1, 2).astype(np.float64))
    assert loudness == pytest.approx(-14.0, abs=1.0)
    assert report.true_peak_db <= -1.0 + 1e-6


def test_srt_sidecar_parses_with_right_times(exported):
    film, out, report, line, silent = exported
    assert report.subtitles == out.with_suffix(".srt")
    cues = list(srt.parse(report.subtitles.read_text(encoding="utf-8")))
    assert len(cues) == 2
    starts = film.project.shot_starts()
    voiced = (12 + starts[line.shot_id] + line.offset_frames) / 24
    assert cues[0].content == line.text
    assert cues[0].start.total_seconds() == pytest.approx(voiced, abs=0.001)
    assert cues[0].end.total_seconds() == pytest.approx(voiced + 0.6, abs=0.001)
    assert cues[1].content == silent.text
    assert cues[1].start.total_seconds() == pytest.approx((12 + starts[silent.shot_id]) / 24, abs=0.001)
    # estimated from the text's length (15 characters a second), clipped at the end of the film
    estimate = cues[1].start.total_seconds() + len(silent.text) / 15
    assert cues[1].end.total_seconds() == pytest.approx(min(estimate, report.duration_seconds), abs=0.001)


@pytest.fixture
def restored(exported):
    """Undo the take swaps a test makes on the module's shared film."""
    film = exported[0]
    media = [shot.takes[0].media for shot in film.project.shots]
    yield exported
    for shot, rel in zip(film.project.shots, media, strict=True):
        shot.takes[0].media = rel


def test_reexport_encodes_only_what_changed(restored, tmp_path):
    film, out, *_ = restored
    again = export_film(film, tmp_path / "same.mp4", subtitles="srt")
    assert (again.encodes, again.audio_encoded) == (0, False)
    # A new take for the blue shot: only its body (between a dip and a cut) is encoded again.
    shot = film.project.shots[2]
    make_clip(film.bundle / "media/takes/s2/v2.mp4", "magenta", 24, 24, (160, 90))
    shot.takes[0].media = "media/takes/s2/v2.mp4"
    changed = export_film(film, tmp_path / "changed.mp4", subtitles="srt")
    assert (changed.encodes, changed.encoded_labels, changed.audio_encoded) == (1, ["shot_2"], False)
    magenta = mean_colour(frame_at(tmp_path / "changed.mp4", 70))
    assert magenta[0] > 230 and magenta[2] > 230 and magenta[1] < 30
    assert probe_output(tmp_path / "changed.mp4").frames == probe_output(out).frames
    # The lime shot crossfades in from red: its body and that crossfade are encoded again, nothing else.
    make_clip(film.bundle / "media/takes/s1/v2.mp4", "white", 16, 16, (90, 90))
    film.project.shots[1].takes[0].media = "media/takes/s1/v2.mp4"
    changed = export_film(film, tmp_path / "changed2.mp4", subtitles="srt")
    assert sorted(changed.encoded_labels) == ["shot_0>shot_1", "shot_1"]


def test_cancel_leaves_no_output(exported, tmp_path):
    film, *_ = exported
    token = CancelToken()

    def progress(p):
        if p.stage == "encode":
            token.cancel()

    target = tmp_path / "cancelled.mp4"
    with pytest.raises(Cancelled):
        export_film(film, target, size=(128, 72), progress=progress, cancel=token)
    assert os.listdir(tmp_path) == []


def test_other_rate_and_burned_subtitles(exported, tmp_path):
    film, *_ = exported
    report = export_film(film, tmp_path / "burn.mp4", fps=12, subtitles="burn")
    info = probe_output(tmp_path / "burn.mp4")
    assert info.fps == 12 and info.frames == report.frames == 51
    assert abs(info.audio_seconds - info.video_seconds) <= 1 / 12
    # the voiced cue runs from (12+18+6)/24 = 1.5 s to 2.1 s: frame 20 at 12 fps has white caption text
    with_cue, without = frame_at(tmp_path / "burn.mp4", 20), frame_at(tmp_path / "burn.mp4", 26)
    bottom = slice(60, 90)
    assert (with_cue[bottom] > 200).all(axis=2).sum() > 20
    assert (without[bottom] > 200).all(axis=2).sum() == 0


def test_unreadable_narration_fails_cleanly(tmp_path):
    film = make_film(tmp_path, [ShotSpec("red", frames=12)])
    line = add_line(film, "shot_0", "Broken audio.", seconds=0.3)
    (film.bundle / line.takes[0].media).write_bytes(b"this is not a wav file")
    with pytest.raises(MediaError, match="cannot read audio"):
        export_film(film, tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()
    assert not list(tmp_path.glob("*.part*"))


def test_cache_keeps_what_exports_use_and_prunes_the_rest(restored, tmp_path):
    film = restored[0]
    cache = film.bundle / "cache" / "conform"
    stale = cache / "0123456789abcdef01234567.mp4"
    stale.write_bytes(b"an old segment no cut uses any more")
    old = time.time() - 40 * 86400
    for path in cache.glob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    report = export_film(film, tmp_path / "again.mp4", subtitles="srt")
    assert (report.encodes, report.audio_encoded) == (0, False)
    assert not stale.exists()
    assert len(list(cache.glob("*.mp4"))) >= report.segments
