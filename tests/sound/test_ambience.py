"""The offline ambiences sound like what they are called (by the numbers), are exact and repeatable."""

from __future__ import annotations

import numpy as np
import pytest
from sound_measures import band_shares, centroid_hz, flatness, rms, seam_click, tonality

from studio.sound.ambience import KINDS, SAMPLE_RATE, TARGET_RMS, fast_length, synthesize
from studio.sound.keywords import layers_for

SECONDS = 6
N = SECONDS * SAMPLE_RATE


@pytest.fixture(scope="module")
def sounds() -> dict[str, np.ndarray]:
    return {kind: synthesize([kind], N, seed=11) for kind in KINDS}


def test_rain_is_not_silent_and_not_a_pure_tone(sounds: dict[str, np.ndarray]) -> None:
    rain = sounds["rain"]
    assert rms(rain) == pytest.approx(TARGET_RMS, rel=0.05)
    assert flatness(rain, SAMPLE_RATE) > 0.3  # noise-like: a sine scores ~1e-12
    assert tonality(rain, SAMPLE_RATE) < 30
    assert 2500 < centroid_hz(rain, SAMPLE_RATE) < 7000  # hiss and drops, no rumble
    tone = 0.1 * np.sin(2 * np.pi * 440 * np.arange(N) / SAMPLE_RATE)
    assert flatness(tone, SAMPLE_RATE) < 1e-3 and tonality(tone, SAMPLE_RATE) > 1e5  # the measures can tell
    hidden = tone + 0.1 * np.random.default_rng(0).standard_normal(N)  # a tone under noise of its own level
    assert tonality(hidden, SAMPLE_RATE) > 100


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_is_audible_noise_not_a_tone_and_within_full_scale(kind: str,
                                                                      sounds: dict[str, np.ndarray]) -> None:
    x = sounds[kind]
    assert x.dtype == np.float32 and len(x) == N
    assert 0.07 < rms(x) < 0.12
    assert np.abs(x).max() < 0.9
    assert tonality(x, SAMPLE_RATE) < 30, "a spectral line stands out: it would sound like a tone"
    quiet = [rms(x[i:i + SAMPLE_RATE // 2]) for i in range(0, N, SAMPLE_RATE // 2)]
    if kind not in ("gulls", "birds"):  # calls come and go; a bed never drops out
        assert min(quiet) > 0.01, f"{kind} drops out"


def test_each_kind_is_distinct_by_spectrum(sounds: dict[str, np.ndarray]) -> None:
    centroids = {kind: centroid_hz(x, SAMPLE_RATE) for kind, x in sounds.items()}
    assert centroids["room"] < 400 < centroids["traffic"] < 1500
    assert centroids["sea"] < centroids["rain"] and centroids["wind"] < centroids["rain"]
    assert centroids["birds"] > centroids["gulls"] > 2000
    assert centroids["fire"] > 1500  # the crackle
    shares = {kind: band_shares(x, SAMPLE_RATE) for kind, x in sounds.items()}
    kinds = list(KINDS)
    for i, a in enumerate(kinds):
        for b in kinds[i + 1:]:
            distance = np.abs(shares[a] - shares[b]).sum() + abs(np.log(centroids[a] / centroids[b]))
            assert distance > 0.15, f"{a} and {b} sound alike"


def test_modulation_sea_swells_and_crowd_babbles(sounds: dict[str, np.ndarray]) -> None:
    def envelope(x: np.ndarray, hop: int) -> np.ndarray:
        return np.array([rms(x[i:i + hop]) for i in range(0, len(x) - hop + 1, hop)])

    sea = envelope(sounds["sea"], SAMPLE_RATE // 4)
    assert sea.max() / sea.min() > 2, "the sea should swell and fall"
    room = envelope(sounds["room"], SAMPLE_RATE // 4)
    assert room.max() / room.min() < 1.5, "room tone is steady"
    crowd = envelope(sounds["crowd"], SAMPLE_RATE // 50)
    assert crowd.std() / crowd.mean() > 0.1, "voices come and go syllable by syllable"


def test_exact_length_and_deterministic_for_a_seed() -> None:
    for n in (1, 1000, 48_017, 5 * SAMPLE_RATE + 3):
        assert len(synthesize(["rain", "wind"], n, seed=3)) == n
    a, b = synthesize(["sea", "gulls"], N, seed=5), synthesize(["sea", "gulls"], N, seed=5)
    assert np.array_equal(a, b)
    assert not np.allclose(a, synthesize(["sea", "gulls"], N, seed=6))


def test_a_fast_length_loops_with_no_seam(sounds: dict[str, np.ndarray]) -> None:
    assert fast_length(N) == N
    for kind, x in sounds.items():
        looped = np.concatenate([x, x])
        assert seam_click(looped, [N]) < 1.5, kind


def test_several_keywords_are_layered() -> None:
    assert layers_for("waves on rocks, gulls, wind") == ["sea", "gulls", "wind"]
    assert layers_for("A STORM at sea") == ["rain", "wind", "sea"]
    assert layers_for("something nobody can name") == ["room"]
    layered = synthesize(layers_for("waves on rocks, gulls, wind"), N, seed=1)
    for kind, share in (("sea", 0.6), ("wind", 0.6), ("gulls", 0.25)):  # gulls sit over the bed, softer
        alone = synthesize([kind], N, seed=1)
        assert np.corrcoef(layered, alone)[0, 1] > share, f"{kind} is not in the layers"
    assert np.corrcoef(layered, synthesize(["rain"], N, seed=1))[0, 1] < 0.05


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown ambience"):
        synthesize(["whale song"], 100, seed=0)


def test_a_long_shot_repeats_one_seamless_cycle() -> None:
    from studio.sound.ambience import CYCLE_SECONDS

    n = 45 * SAMPLE_RATE
    x = synthesize(["rain", "gulls"], n, seed=8)
    cycle = fast_length(CYCLE_SECONDS * SAMPLE_RATE)
    assert len(x) == n
    assert np.allclose(x[:cycle], x[cycle:2 * cycle])
    assert seam_click(x, [cycle, 2 * cycle]) < 1.5
