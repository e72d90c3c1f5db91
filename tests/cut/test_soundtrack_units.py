"""Loudness normalisation, true-peak limiting, ducking envelopes and subtitle cue splitting, on synthetic input."""

from __future__ import annotations

import numpy as np
import pyloudnorm
import pytest
import srt

from studio.cut.audio_mix import duck_gain
from studio.cut.loudness import normalize, true_peak_db
from studio.cut.plan import CutPlan, OutputSettings, PlannedVoice
from studio.cut.subtitles import cues_for, srt_text, vtt_text

RATE = 48000


def _noise_with_spikes(seconds: float = 4.0) -> np.ndarray:
    rng = np.random.default_rng(7)
    x = rng.normal(0, 0.05, (int(seconds * RATE), 2)).astype(np.float32)
    x[RATE::RATE // 3] = 0.9  # sharp peaks a plain gain would push over the ceiling
    return x


@pytest.mark.parametrize("target", [-14.0, -23.0])
def test_normalize_hits_target_under_the_true_peak_ceiling(target):
    source = _noise_with_spikes()
    result = normalize(source, RATE, target, -1.0)
    meter = pyloudnorm.Meter(RATE)
    measured = meter.integrated_loudness(result.samples.astype(np.float64))
    assert measured == pytest.approx(target, abs=0.5)
    assert true_peak_db(result.samples) <= -1.0 + 1e-3
    assert result.measured_lufs == pytest.approx(meter.integrated_loudness(source.astype(np.float64)))
    assert result.output_lufs == pytest.approx(measured, abs=0.01)


def test_silence_is_left_alone():
    silence = np.zeros((RATE, 2), np.float32)
    result = normalize(silence, RATE, -14.0, -1.0)
    assert result.measured_lufs is None and result.gain_db == 0 and not result.samples.any()


def test_duck_gain_ramps_down_before_and_up_after_the_voice():
    gain = duck_gain(RATE * 3, [(RATE, 2 * RATE)], RATE, -12.0)
    db = 20 * np.log10(gain)
    assert db[0] == pytest.approx(0) and db[-1] == pytest.approx(0)
    assert db[RATE] == pytest.approx(-12, abs=1e-4) and db[int(1.9 * RATE)] == pytest.approx(-12, abs=1e-4)
    assert -12 < db[int(0.95 * RATE)] < 0, "already going down before the voice (attack)"
    assert -12 < db[int(2.2 * RATE)] < 0, "coming back up after it (release)"
    assert np.all(np.diff(db[: RATE]) <= 1e-6), "monotonic ramp"


def _plan(*voices: PlannedVoice, seconds: float = 30) -> CutPlan:
    return CutPlan("t", OutputSettings(160, 90, 24), int(seconds * 24), (), (), voices)


def test_word_timings_split_a_long_line_into_readable_cues():
    sentence = ("This is a rather long narration line that keeps going well past what one subtitle can hold "
                "on screen at once, so it must split.")
    words = sentence.split(" ")
    timings = [{"text": w, "start": i * 0.3, "end": i * 0.3 + 0.25} for i, w in enumerate(words)]
    voice = PlannedVoice("l1", "s1", " ".join(words), "Narrator", 2.0, duration_seconds=len(words) * 0.3,
                         timings=tuple(timings))
    cues = cues_for(_plan(voice))
    assert len(cues) >= 2
    assert cues[0].start == pytest.approx(2.0)
    assert cues[-1].end == pytest.approx(2.0 + (len(words) - 1) * 0.3 + 0.25)
    for cue in cues:
        assert all(len(row) <= 50 for row in cue.text.split("\n")) and cue.text.count("\n") <= 1
    assert " ".join(c.text.replace("\n", " ") for c in cues) == " ".join(words)
    parsed = list(srt.parse(srt_text(cues)))
    assert [p.start.total_seconds() for p in parsed] == pytest.approx([c.start for c in cues], abs=0.001)


def test_character_timings_are_joined_into_words():
    text = "Hi there"
    timings = [{"text": ch, "start": i * 0.1, "end": i * 0.1 + 0.1} for i, ch in enumerate(text)]
    voice = PlannedVoice("l1", "s1", text, "Narrator", 1.0, duration_seconds=0.8, timings=tuple(timings))
    (cue,) = cues_for(_plan(voice))
    assert cue.text == "Hi there" and cue.start == pytest.approx(1.0) and cue.end == pytest.approx(1.8)


def test_vtt_format():
    voice = PlannedVoice("l1", "s1", "Hello.", "Narrator", 61.5, duration_seconds=1.25)
    text = vtt_text(cues_for(_plan(voice, seconds=120)))
    assert text.startswith("WEBVTT\n\n")
    assert "00:01:01.500 --> 00:01:02.750\nHello." in text


def test_cues_keep_the_lines_own_words_when_the_aligner_drops_some():
    text = "For forty-one years, Tomas kept the light. Tonight he would light it for the last time."
    spoken = ["For", "forty", "years", "Tomas", "kept", "the", "light", "Tonight", "he", "would", "light", "it",
              "for", "last", "time"]
    timings = [{"text": w, "start": i * 0.4, "end": i * 0.4 + 0.3} for i, w in enumerate(spoken)]
    voice = PlannedVoice("l1", "s1", text, "Narrator", 0.0, duration_seconds=6.0, timings=tuple(timings))
    cues = cues_for(_plan(voice))
    assert [c.text.replace("\n", " ") for c in cues] == ["For forty-one years, Tomas kept the light.",
                                                         "Tonight he would light it for the last time."]
    assert cues[1].start == pytest.approx(7 * 0.4) and cues[1].end == pytest.approx(14 * 0.4 + 0.3)
