"""Fitting a sound to a shot's length: cut it, or loop it with an equal-power crossfade at the seam.

To loop a clip of L samples with a crossfade of c, its last c samples are faded into its first c: the cycle is
L - c samples long and its end runs straight on into its start (sample L - c - 1 is followed by what was sample
L - c, faded in at full weight). Tiling that cycle gives any length with no click at the loop points.
"""

from __future__ import annotations

import numpy as np

LOOP_CROSSFADE_SECONDS = 0.5


def loop_cycle(samples: np.ndarray, crossfade: int) -> np.ndarray:
    """The clip as a seamless cycle of ``len(samples) - crossfade`` samples (float32)."""
    x = np.asarray(samples, dtype=np.float64)
    c = max(0, min(int(crossfade), len(x) // 2))
    if c == 0:
        return x.astype(np.float32)
    cycle = x[: len(x) - c].copy()
    ramp = (np.arange(c) + 0.5) / c
    fade_in, fade_out = np.sin(0.5 * np.pi * ramp), np.cos(0.5 * np.pi * ramp)  # equal power: noise keeps its level
    cycle[:c] = x[:c] * fade_in + x[len(x) - c:] * fade_out
    return cycle.astype(np.float32)


def fit_to_length(samples: np.ndarray, n_samples: int, sample_rate: int, *,
                  crossfade_seconds: float = LOOP_CROSSFADE_SECONDS) -> np.ndarray:
    """``samples`` (mono) made exactly ``n_samples`` long: cut when longer, looped with a crossfade when shorter."""
    x = np.asarray(samples, dtype=np.float32)
    if n_samples <= 0:
        return np.zeros(0, np.float32)
    if len(x) == 0:
        raise ValueError("there is no sound to fit")
    if len(x) >= n_samples:
        return x[:n_samples].copy()
    cycle = loop_cycle(x, round(crossfade_seconds * sample_rate))
    repeats = -(-n_samples // len(cycle))
    return np.tile(cycle, repeats)[:n_samples]


def seam_positions(clip_samples: int, n_samples: int, sample_rate: int, *,
                   crossfade_seconds: float = LOOP_CROSSFADE_SECONDS) -> list[int]:
    """Where ``fit_to_length`` joins one cycle to the next (the first sample of each repeat after the first)."""
    if clip_samples >= n_samples:
        return []
    c = max(0, min(round(crossfade_seconds * sample_rate), clip_samples // 2))
    period = clip_samples - c
    return list(range(period, n_samples, period))
