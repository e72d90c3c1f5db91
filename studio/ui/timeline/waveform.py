"""Waveform peaks of WAV files, downsampled once and cached (a line's clip draws them at any zoom)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

PEAKS_PER_SECOND = 200


def read_wav_mono(path: Path) -> tuple[np.ndarray, int]:
    """Samples as float32 in -1..1 (channels averaged) and the sample rate. Raises OSError/wave.Error."""
    with wave.open(str(path), "rb") as wav:
        width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
        raw = wav.readframes(wav.getnframes())
    if width == 1:
        data = (np.frombuffer(raw, np.uint8).astype(np.float32) - 128) / 128
    elif width == 2:
        data = np.frombuffer(raw, "<i2").astype(np.float32) / 32768
    elif width == 3:
        bytes3 = np.frombuffer(raw, np.uint8).reshape(-1, 3)
        ints = (bytes3[:, 0].astype(np.int32) | (bytes3[:, 1].astype(np.int32) << 8)
                | (bytes3[:, 2].astype(np.int32) << 16))
        data = (np.where(ints >= 1 << 23, ints - (1 << 24), ints)).astype(np.float32) / (1 << 23)
    elif width == 4:
        data = np.frombuffer(raw, "<i4").astype(np.float32) / 2**31
    else:
        raise wave.Error(f"unsupported sample width {width}")
    if channels > 1:
        data = data[: len(data) // channels * channels].reshape(-1, channels).mean(axis=1)
    return data, rate


def compute_peaks(samples: np.ndarray, rate: int, per_second: int = PEAKS_PER_SECOND) -> np.ndarray:
    """Absolute peak per bin of 1/per_second s, in 0..1."""
    if samples.size == 0:
        return np.zeros(0, np.float32)
    size = max(1, rate // per_second)
    bins = -(-samples.size // size)
    padded = np.zeros(bins * size, np.float32)
    padded[: samples.size] = np.abs(samples)
    return padded.reshape(bins, size).max(axis=1).clip(0, 1)


def resample_peaks(peaks: np.ndarray, columns: int) -> np.ndarray:
    """``peaks`` squeezed or stretched to ``columns`` values (max within each column, so short clicks stay)."""
    if columns <= 0 or peaks.size == 0:
        return np.zeros(max(0, columns), np.float32)
    if columns >= peaks.size:
        return peaks[np.arange(columns) * peaks.size // columns]
    edges = np.linspace(0, peaks.size, columns + 1).astype(int)  # step > 1: strictly increasing
    return np.maximum.reduceat(peaks, edges[:-1])


class WaveformCache:
    """Peaks per file, keyed by path and modification time (a re-narrated line gets a fresh waveform)."""

    def __init__(self) -> None:
        self._peaks: dict[tuple[str, int], np.ndarray] = {}

    def peaks(self, path: Path) -> np.ndarray | None:
        try:
            key = (str(path), path.stat().st_mtime_ns)
        except OSError:
            return None
        cached = self._peaks.get(key)
        if cached is None:
            try:
                samples, rate = read_wav_mono(path)
            except (OSError, EOFError, wave.Error, ValueError):
                cached = np.zeros(0, np.float32)
            else:
                cached = compute_peaks(samples, rate)
            self._peaks[key] = cached
        return cached if cached.size else None
