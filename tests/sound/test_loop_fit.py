"""Fitting a sound to a shot: exact length, and a loop point with no click (measured against typical jumps)."""

from __future__ import annotations

import numpy as np
from sound_measures import rms, seam_click

from studio.sound.ambience import synthesize
from studio.sound.loop_fit import fit_to_length, seam_positions

RATE = 48_000


def ramped_noise(n: int) -> np.ndarray:
    """Noise whose end is far from its start: looped by plain repetition it clicks."""
    rng = np.random.default_rng(4)
    return (np.convolve(rng.standard_normal(n), np.ones(6) / 6, mode="same") * 0.1
            + np.linspace(-0.3, 0.3, n)).astype(np.float32)


def test_longer_sounds_are_cut_and_shorter_ones_looped_to_the_exact_length() -> None:
    clip = ramped_noise(RATE)
    assert len(fit_to_length(clip, 12_345, RATE)) == 12_345
    assert np.array_equal(fit_to_length(clip, 12_345, RATE), clip[:12_345])
    for n in (RATE + 1, 3 * RATE + 17, 10 * RATE):
        assert len(fit_to_length(clip, n, RATE)) == n


def test_the_loop_point_has_no_click() -> None:
    clip = ramped_noise(2 * RATE)
    n = 9 * RATE
    fitted = fit_to_length(clip, n, RATE)
    seams = seam_positions(len(clip), n, RATE)
    assert len(seams) == 5
    assert seam_click(np.tile(clip, 5), [len(clip)]) > 5  # the clip itself would click: the test can fail
    assert seam_click(fitted, seams) < 2.0


def test_the_crossfade_keeps_the_level_of_noise() -> None:
    noise = np.random.default_rng(9).standard_normal(RATE).astype(np.float32) * 0.1
    fitted = fit_to_length(noise, 6 * RATE, RATE)
    seams = seam_positions(len(noise), 6 * RATE, RATE)
    around = np.concatenate([fitted[s:s + RATE // 2] for s in seams])  # each cycle starts with its crossfade
    assert abs(rms(around) / rms(noise) - 1) < 0.1  # equal power: no dip (a linear fade dips by 3 dB)


def test_an_ambience_cut_from_an_awkward_length_loops_cleanly_too() -> None:
    ambience = synthesize(["rain", "wind"], 2 * RATE + 7, seed=2)  # not a fast FFT length: cut from a longer loop
    fitted = fit_to_length(ambience, 7 * RATE, RATE)
    assert seam_click(fitted, seam_positions(len(ambience), 7 * RATE, RATE)) < 2.0
