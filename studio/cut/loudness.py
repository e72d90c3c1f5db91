"""Loudness normalisation to an integrated LUFS target with a true-peak ceiling (EBU R128 / ITU-R BS.1770).

pyloudnorm measures; the gain brings the mix to the target; a look-ahead limiter driven by a 4x oversampled
peak estimate keeps inter-sample peaks under the ceiling without audible pumping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

OVERSAMPLE = 4
LOOKAHEAD_SECONDS = 0.002
MIN_MEASURABLE_SECONDS = 0.4  # BS.1770 gating blocks are 400 ms


@dataclass(frozen=True)
class LoudnessResult:
    samples: np.ndarray
    measured_lufs: float | None  # before; None for silence or too short to measure
    output_lufs: float | None
    gain_db: float
    true_peak_db: float


def integrated_lufs(samples: np.ndarray, sample_rate: int) -> float | None:
    if len(samples) < MIN_MEASURABLE_SECONDS * sample_rate or not np.any(samples):
        return None
    value = pyloudnorm.Meter(sample_rate).integrated_loudness(samples.astype(np.float64))
    return value if math.isfinite(value) else None


def true_peak_db(samples: np.ndarray) -> float:
    peak = float(np.max(np.abs(_oversampled_peaks(samples)))) if len(samples) else 0.0
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def _oversampled_peaks(samples: np.ndarray, block: int = 1 << 18) -> np.ndarray:
    """Per original sample, the largest |value| among its 4x oversampled values across channels.

    Works in blocks (with margins for the resampling filter) so a long film never holds a 4x copy.
    """
    n = len(samples)
    peaks = np.empty(n, np.float32)
    margin = 256
    for start in range(0, n, block):
        lo, hi = max(0, start - margin), min(n, start + block + margin)
        up = resample_poly(samples[lo:hi], OVERSAMPLE, 1, axis=0)
        local = np.abs(up).reshape(hi - lo, OVERSAMPLE, -1).max(axis=(1, 2))
        end = min(n, start + block)
        peaks[start:end] = local[start - lo:end - lo]
    return peaks


def limit_true_peak(samples: np.ndarray, sample_rate: int, ceiling_db: float) -> np.ndarray:
    """Reduce gain only around the peaks that would exceed ``ceiling_db`` dBTP."""
    ceiling = 10 ** (ceiling_db / 20)
    peaks = _oversampled_peaks(samples)
    if peaks.max(initial=0.0) <= ceiling:
        return samples
    gain = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    look = max(1, int(LOOKAHEAD_SECONDS * sample_rate))
    # A min over +-look then a mean over look never rises above the needed gain at any sample,
    # and ramps in and out over a couple of milliseconds instead of clicking.
    held = minimum_filter1d(gain, size=2 * look + 1, mode="nearest")
    smooth = uniform_filter1d(held, size=look + 1, mode="nearest")
    out = samples * smooth[:, None].astype(samples.dtype)
    peak = _oversampled_peaks(out).max(initial=0.0)
    if peak > ceiling:  # what smoothing and resampling ripple left over
        out *= ceiling / peak
    return out


def normalize(samples: np.ndarray, sample_rate: int, target_lufs: float, ceiling_db: float) -> LoudnessResult:
    """Bring ``samples`` (n, channels) to ``target_lufs`` integrated with true peaks <= ``ceiling_db``."""
    before = integrated_lufs(samples, sample_rate)
    if before is None:
        return LoudnessResult(samples, None, None, 0.0, true_peak_db(samples))
    out, total_gain = samples, 0.0
    for _ in range(3):  # limiting lowers loudness a little; a second pass wins it back
        current = integrated_lufs(out, sample_rate)
        if current is None or abs(current - target_lufs) < 0.2:
            break
        gain = target_lufs - current
        total_gain += gain
        out = limit_true_peak(out * np.float32(10 ** (gain / 20)), sample_rate, ceiling_db)
    return LoudnessResult(out.astype(np.float32), before, integrated_lufs(out, sample_rate), total_gain,
                          true_peak_db(out))
