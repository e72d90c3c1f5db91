"""Listening by numbers: level, spectral centroid, tonality and loop-point clicks of mono float samples."""

from __future__ import annotations

import numpy as np


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.asarray(samples, np.float64) ** 2))) if len(samples) else 0.0


def power_spectrum(samples: np.ndarray, rate: int, frame: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Welch-averaged power spectrum (Hann frames, half overlap): (frequencies, power)."""
    x = np.asarray(samples, np.float64)
    window = np.hanning(frame)
    starts = range(0, len(x) - frame + 1, frame // 2)
    power = np.mean([np.abs(np.fft.rfft(x[s:s + frame] * window)) ** 2 for s in starts], axis=0)
    return np.fft.rfftfreq(frame, 1 / rate), power


def centroid_hz(samples: np.ndarray, rate: int) -> float:
    freqs, power = power_spectrum(samples, rate)
    return float((freqs * power).sum() / power.sum())


def flatness(samples: np.ndarray, rate: int, low: float = 200, high: float = 8000) -> float:
    """Spectral flatness in [low, high] Hz: ~0 for a pure tone, towards 1 for white noise."""
    freqs, power = power_spectrum(samples, rate)
    band = power[(freqs >= low) & (freqs <= high)] + 1e-30
    return float(np.exp(np.mean(np.log(band))) / np.mean(band))


def tonality(samples: np.ndarray, rate: int, reach: int = 16) -> float:
    """The strongest spectral line over the median of its neighbours (+-``reach`` bins): a tone stands out by
    orders of magnitude (1e6 and more), averaged noise of any colour stays near 1-10."""
    _, power = power_spectrum(samples, rate)
    power = power[1:] + 1e-30
    padded = np.pad(power, reach, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * reach + 1)
    return float(np.max(power / np.median(windows, axis=1)))


def band_shares(samples: np.ndarray, rate: int, edges: tuple[float, ...] = (0, 250, 1000, 4000, 24000)) -> np.ndarray:
    freqs, power = power_spectrum(samples, rate)
    shares = np.array([power[(freqs >= a) & (freqs < b)].sum() for a, b in zip(edges, edges[1:], strict=False)])
    return shares / shares.sum()


def seam_click(samples: np.ndarray, seams: list[int]) -> float:
    """The largest sample-to-sample jump at the seams, over the 99th percentile of all jumps (~1 = no click)."""
    x = np.asarray(samples, np.float64)
    jumps = np.abs(np.diff(x))
    typical = float(np.percentile(jumps, 99))
    return max(abs(x[s] - x[s - 1]) for s in seams) / typical
