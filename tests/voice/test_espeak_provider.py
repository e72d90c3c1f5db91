"""The offline voice makes real speech: audible, voiced, paced by its text, with increasing word timings."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from engine.progress import Cancelled, CancelToken
from studio.project.model import Voice
from studio.voice import VoiceSettingsError, get_provider
from studio.voice.wav_audio import read_wav, rms

SHORT = "The rain stopped."
LONG = "The rain stopped at midnight, and the whole city held its breath while Mara crossed the empty square."


@pytest.fixture(scope="module")
def espeak():
    return get_provider("espeak")


def _frame_levels(samples: np.ndarray, rate: int) -> np.ndarray:
    size = rate // 50  # 20 ms frames
    frames = samples[: len(samples) // size * size].reshape(-1, size).astype(np.float64) / 32768
    return np.sqrt((frames**2).mean(axis=1))


def test_speech_is_audible_and_voiced(espeak, tmp_path: Path) -> None:
    audio = espeak.synthesize(LONG, Voice(voice_id="en-us"), tmp_path / "long.wav")
    samples, rate = read_wav(audio.path)
    assert rate == audio.sample_rate == 22050
    assert samples.size == audio.duration_samples
    assert rms(samples) > 0.03
    # Speech has syllables and pauses: its 20 ms levels vary widely, unlike a tone or noise.
    levels = _frame_levels(samples, rate)
    assert np.percentile(levels, 90) > 4 * np.percentile(levels, 20)
    # Most energy sits in the voice band (80 Hz - 4 kHz).
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(samples.size, 1 / rate)
    assert spectrum[(freqs > 80) & (freqs < 4000)].sum() > 0.8 * spectrum.sum()


def test_duration_grows_with_text_and_rate_shortens_it(espeak, tmp_path: Path) -> None:
    short = espeak.synthesize(SHORT, Voice(voice_id="en-us"), tmp_path / "s.wav")
    long = espeak.synthesize(LONG, Voice(voice_id="en-us"), tmp_path / "l.wav")
    fast = espeak.synthesize(LONG, Voice(voice_id="en-us", settings={"rate": 300}), tmp_path / "f.wav")
    assert 0.5 < short.duration_seconds < long.duration_seconds
    assert long.duration_seconds > 4 * short.duration_seconds * 0.8
    assert fast.duration_seconds < 0.75 * long.duration_seconds


def test_word_timings_follow_the_text(espeak, tmp_path: Path) -> None:
    audio = espeak.synthesize(LONG, Voice(voice_id="en-us"), tmp_path / "w.wav")
    words = [w.text for w in audio.words]
    assert words[:4] == ["The", "rain", "stopped", "at"]
    assert words[-1] == "square"
    starts = [w.start for w in audio.words]
    assert all(b > a for a, b in zip(starts, starts[1:], strict=False))
    assert all(w.end >= w.start for w in audio.words)
    assert audio.words[-1].end <= audio.duration_seconds + 1e-6
    # The pause after the comma: the word after it starts later than its neighbours' pace would predict.
    midnight, and_ = audio.words[4], audio.words[5]
    assert and_.start - midnight.start > 0.3
    assert and_.start - midnight.end > 0.1  # the pause is not part of the word
    assert midnight.end - midnight.start > 0.2


def median_f0(path: Path) -> float:
    """Median fundamental frequency of the loud 40 ms frames: low-passed autocorrelation, first near-top peak."""
    samples, rate = read_wav(path)
    x = samples.astype(np.float64)
    spectrum = np.fft.rfft(x)
    spectrum[np.fft.rfftfreq(x.size, 1 / rate) > 450] = 0  # formants out: only the voice's fundamental range
    x = np.fft.irfft(spectrum, x.size)
    size = int(rate * 0.04)
    frames = x[: len(x) // size * size].reshape(-1, size)
    levels = np.sqrt((frames**2).mean(axis=1))
    lags = np.arange(rate // 450, rate // 60)
    f0s = []
    for frame in frames[levels > 0.3 * levels.max()]:
        frame = frame - frame.mean()
        corr = np.correlate(frame, frame, "full")[size - 1:]
        near_top = lags[corr[lags] > 0.9 * corr[lags].max()]
        f0s.append(rate / near_top[0])
    return float(np.median(f0s))


def test_variants_sound_different(espeak, tmp_path: Path) -> None:
    male = espeak.synthesize(SHORT, Voice(voice_id="en-us+m3"), tmp_path / "m.wav")
    female = espeak.synthesize(SHORT, Voice(voice_id="en-us+f2"), tmp_path / "f.wav")
    assert median_f0(female.path) > 1.5 * median_f0(male.path)


def test_higher_pitch_setting_raises_the_voice(espeak, tmp_path: Path) -> None:
    low = espeak.synthesize(SHORT, Voice(voice_id="en-us", settings={"pitch": 10}), tmp_path / "lo.wav")
    high = espeak.synthesize(SHORT, Voice(voice_id="en-us", settings={"pitch": 90}), tmp_path / "hi.wav")
    assert median_f0(high.path) > 1.5 * median_f0(low.path)


def test_bad_voices_and_settings_are_clear_errors(espeak, tmp_path: Path) -> None:
    with pytest.raises(VoiceSettingsError, match="no voice 'zz-nowhere'"):
        espeak.synthesize(SHORT, Voice(voice_id="zz-nowhere"), tmp_path / "x.wav")
    with pytest.raises(VoiceSettingsError, match="rate must be between 80 and 450"):
        espeak.synthesize(SHORT, Voice(voice_id="en-us", settings={"rate": 9000}), tmp_path / "x.wav")
    with pytest.raises(VoiceSettingsError, match="unknown offline voice setting"):
        espeak.synthesize(SHORT, Voice(voice_id="en-us", settings={"stability": 0.5}), tmp_path / "x.wav")
    with pytest.raises(VoiceSettingsError, match="no text"):
        espeak.synthesize("   ", Voice(voice_id="en-us"), tmp_path / "x.wav")
    with pytest.raises(VoiceSettingsError, match="can only read text"):
        espeak.convert(tmp_path / "x.wav", Voice(), tmp_path / "y.wav")
    assert not (tmp_path / "x.wav").exists()
    # A failure leaves the library usable.
    assert espeak.synthesize(SHORT, Voice(voice_id="en-us"), tmp_path / "ok.wav").duration_samples > 0


def test_cancelled_synthesis_writes_nothing(espeak, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        espeak.synthesize(LONG, Voice(), tmp_path / "c.wav", cancel=token)
    assert not (tmp_path / "c.wav").exists()


def test_threads_share_the_library_safely(espeak, tmp_path: Path) -> None:
    # espeak adds a little random jitter (measured up to ~1.1% under load), so takes of one line differ a little.
    voices = [Voice(voice_id="en-us+f2"), Voice(voice_id="en-gb", settings={"rate": 250})]
    reference = [espeak.synthesize(LONG, v, tmp_path / f"ref{i}.wav") for i, v in enumerate(voices)]
    results: dict[int, tuple[int, int]] = {}
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            audio = espeak.synthesize(LONG, voices[index % 2], tmp_path / f"t{index}.wav")
            results[index] = (audio.duration_samples, len(audio.words))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    for index, (samples, words) in results.items():
        expected = reference[index % 2]
        assert abs(samples - expected.duration_samples) < 0.02 * expected.duration_samples  # a race garbles far more
        assert words == len(expected.words)
    assert reference[1].duration_samples < 0.8 * reference[0].duration_samples  # the fast voice stayed fast


def test_lists_languages_and_variants(espeak) -> None:
    page = espeak.list_voices(search="english", page_size=200)
    ids = {v.voice_id for v in page.voices}
    assert {"en-us", "en-gb"} <= ids
    assert all(v.category == "language" for v in page.voices)
    variants = espeak.list_voices(search="+f2").voices
    assert [v.voice_id for v in variants] == ["+f2"]
    first = espeak.list_voices(page_size=10)
    second = espeak.list_voices(page_size=10, page_token=first.next_page_token)
    assert first.has_more and first.total_count and first.total_count > 100
    assert not {v.voice_id for v in first.voices} & {v.voice_id for v in second.voices}
