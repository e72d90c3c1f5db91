"""Ambiences synthesized in code: rain, sea, wind, fire, room tone, crowd murmur, traffic, gulls, birds.

Each layer is noise shaped in the frequency domain plus slow modulations and sparse events, all *circular*: the
FFT filters wrap around, envelopes have a whole number of cycles, and events that run past the end continue at
the start. Made at a length the FFT is fast at and cut to the exact length asked, it has no seam inside.
Deterministic: the same (kind, length, rate, seed) gives the same samples.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

SAMPLE_RATE = 48_000
TARGET_RMS = 0.1  # -20 dBFS: the shot's level (Shot.sound_gain_db) sets how loud it sits in the mix
PEAK_LIMIT = 0.89  # about -1 dBFS
ACCENT_GAIN = 0.5  # gulls and birds sit over the bed, not on it
CYCLE_SECONDS = 20  # longer shots repeat a 20 s cycle (work stays bounded; no ear tracks a bed that long)

Rng = np.random.Generator


def _spectrum_noise(n: int, rate: int, rng: Rng, shape: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Gaussian noise of ``n`` samples coloured by ``shape(frequency in Hz)`` (amplitude), circularly.

    White noise's spectrum is itself white complex Gaussian, so it is drawn directly: one inverse FFT, no forward one.
    """
    bins = n // 2 + 1
    spectrum = rng.standard_normal(bins, dtype=np.float32) + 1j * rng.standard_normal(bins, dtype=np.float32)
    return np.fft.irfft(spectrum * shape(np.fft.rfftfreq(n, 1.0 / rate)), n)


def _spectrum_noise_filter(signal: np.ndarray, rate: int, shape: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    freqs = np.fft.rfftfreq(len(signal), 1.0 / rate)
    return np.fft.irfft(np.fft.rfft(signal) * shape(freqs), len(signal))


def _band(low: float, high: float, slope: float = 0.0) -> Callable[[np.ndarray], np.ndarray]:
    """A smooth band-pass from ``low`` to ``high`` Hz with a 1/f**slope tilt."""

    def shape(f: np.ndarray) -> np.ndarray:
        f = np.maximum(f, 1.0)
        return (1 / (1 + (low / f) ** 4)) * (1 / (1 + (f / high) ** 4)) * f ** -slope

    return shape


def _slow_envelope(n: int, rate: int, rng: Rng, max_hz: float, depth: float) -> np.ndarray:
    """A smooth random envelope around 1 (``depth`` deep) with nothing faster than ``max_hz``, periodic in ``n``.

    Made at a control rate of a few points per cycle and interpolated (periodically) up to ``n`` samples."""
    points = max(8, int(np.ceil(n / rate * max_hz * 8)))
    spectrum = np.zeros(points // 2 + 1, complex)
    top = max(1, min(len(spectrum) - 1, int(n / rate * max_hz)))
    spectrum[1:top + 1] = rng.standard_normal(top) + 1j * rng.standard_normal(top)
    coarse = np.fft.irfft(spectrum, points)
    coarse /= np.abs(coarse).max() or 1.0
    wander = np.interp(np.arange(n), np.arange(points) * (n / points), coarse, period=n)
    return np.maximum(0.0, 1.0 + depth * wander)


def _cycles(n: int, rate: int, period_s: float) -> int:
    """A whole number of cycles close to ``period_s`` over ``n`` samples (at least one)."""
    return max(1, round(n / rate / period_s))


def _events(n: int, rate: int, rng: Rng, per_second: float, make: Callable[[Rng], np.ndarray]) -> np.ndarray:
    """Sparse events (each ``make(rng)`` samples long) at random places; a tail past the end wraps to the start."""
    out = np.zeros(n)
    count = rng.poisson(per_second * n / rate)
    for start in rng.integers(0, n, count):
        _add_wrapped(out, int(start), make(rng))
    return out


def _add_wrapped(out: np.ndarray, start: int, event: np.ndarray) -> None:
    """``out[start:] += event``, the part past the end wrapping round to the start."""
    event = event[:len(out)]
    head = min(len(event), len(out) - start)
    out[start:start + head] += event[:head]
    out[:len(event) - head] += event[head:]


def _decay(rate: int, seconds: float, rng: Rng) -> np.ndarray:
    t = np.arange(max(2, int(seconds * rate))) / rate
    return rng.standard_normal(len(t)) * np.exp(-t / (seconds / 5))


def _rain(n: int, rate: int, rng: Rng) -> np.ndarray:
    hiss = _spectrum_noise(n, rate, rng, _band(400, 9000, 0.3))
    drops = _events(n, rate, rng, 60, lambda r: _decay(rate, 0.006, r) * r.uniform(0.5, 2.0))
    drops = _spectrum_noise_filter(drops, rate, _band(1500, 12000))
    return _unit(hiss) * _slow_envelope(n, rate, rng, 0.3, 0.2) + 0.6 * _unit(drops)


def _sea(n: int, rate: int, rng: Rng) -> np.ndarray:
    t = np.arange(n) / n
    phase = rng.uniform(0, 2 * np.pi)
    swell = 0.5 - 0.5 * np.cos(2 * np.pi * _cycles(n, rate, 7.0) * t + phase)  # a wave every ~7 s
    body = _unit(_spectrum_noise(n, rate, rng, _band(60, 1200, 1.0)))
    wash = _unit(_spectrum_noise(n, rate, rng, _band(300, 5000, 0.5)))
    return body * (0.35 + 0.65 * swell) + wash * swell ** 3 * _slow_envelope(n, rate, rng, 0.5, 0.4)


def _wind(n: int, rate: int, rng: Rng) -> np.ndarray:
    rumble = _unit(_spectrum_noise(n, rate, rng, _band(30, 250, 1.0)))
    out = 0.5 * rumble * _slow_envelope(n, rate, rng, 0.15, 0.6)
    rush = _unit(_spectrum_noise(n, rate, rng, _band(150, 4000, 1.0)))  # air moving past things
    out += 0.4 * rush * _slow_envelope(n, rate, rng, 0.25, 0.8)
    for centre in (320, 520, 850):  # whistling bands, each gusting on its own
        width = centre * 0.12
        tone = _unit(_spectrum_noise(n, rate, rng, lambda f, c=centre, w=width: np.exp(-0.5 * ((f - c) / w) ** 2)))
        out += tone * _slow_envelope(n, rate, rng, 0.2, 0.9) ** 2 * 0.6
    return out


def _fire(n: int, rate: int, rng: Rng) -> np.ndarray:
    roar = _unit(_spectrum_noise(n, rate, rng, _band(40, 500, 1.0))) * _slow_envelope(n, rate, rng, 1.0, 0.3)
    crackle = _events(n, rate, rng, 25, lambda r: _decay(rate, r.uniform(0.002, 0.02), r) * r.uniform(0.3, 3.0))
    crackle = _spectrum_noise_filter(crackle, rate, _band(800, 8000))
    return 0.6 * roar + _unit(crackle)


def _room(n: int, rate: int, rng: Rng) -> np.ndarray:
    air = _unit(_spectrum_noise(n, rate, rng, _band(40, 2500, 1.0)))
    t = np.arange(n) / rate
    hum_hz = _cycles(n, rate, 1 / 50) * rate / n  # mains hum, a whole number of cycles
    hum = np.sin(2 * np.pi * hum_hz * t) + 0.3 * np.sin(4 * np.pi * hum_hz * t)
    return air + 0.05 * hum


def _crowd(n: int, rate: int, rng: Rng) -> np.ndarray:
    out = np.zeros(n)
    for _ in range(6):  # six voices, each with its own register and syllable rhythm
        low = rng.uniform(250, 500)
        voice = _unit(_spectrum_noise(n, rate, rng, _band(low, low * 6, 0.6)))
        syllables = _slow_envelope(n, rate, rng, rng.uniform(3.0, 6.0), 1.0) ** 2
        phrases = _slow_envelope(n, rate, rng, 0.3, 1.0)
        out += voice * syllables * phrases
    return out


def _traffic(n: int, rate: int, rng: Rng) -> np.ndarray:
    rumble = _unit(_spectrum_noise(n, rate, rng, _band(25, 300, 1.0)))
    tyres = _unit(_spectrum_noise(n, rate, rng, _band(300, 4000, 0.5)))
    passing = np.zeros(n)
    for _ in range(max(1, round(n / rate / 4))):  # a car every ~4 s, loudest as it passes
        width = rng.uniform(0.8, 2.0) * rate
        offsets = np.arange(-min(n // 2, int(4 * width)), min(n // 2, int(4 * width)))
        _add_wrapped(passing, int(rng.integers(0, n)) % n, np.exp(-0.5 * (offsets / width) ** 2))
    return rumble * 0.7 + tyres * (0.2 + passing)


def _call(rate: int, rng: Rng, *, low: float, high: float, seconds: tuple[float, float], harmonics: int) -> np.ndarray:
    """One call: a swept, vibrating pitch with harmonics and breath noise under a smooth envelope."""
    length = rng.uniform(*seconds)
    t = np.arange(int(length * rate)) / rate
    start, end = rng.uniform(low, high), rng.uniform(low, high)
    pitch = start + (end - start) * t / length + 0.04 * start * np.sin(2 * np.pi * rng.uniform(15, 30) * t)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    tone = sum(np.sin(k * phase) / k for k in range(1, harmonics + 1))
    breath = rng.standard_normal(len(t)) * 0.3
    return (tone + breath) * np.sin(np.pi * t / length) ** 2 * rng.uniform(0.4, 1.0)


def _gulls(n: int, rate: int, rng: Rng) -> np.ndarray:
    return _events(n, rate, rng, 0.6, lambda r: _call(rate, r, low=900, high=2200, seconds=(0.25, 0.6), harmonics=5))


def _birds(n: int, rate: int, rng: Rng) -> np.ndarray:
    return _events(n, rate, rng, 2.5, lambda r: _call(rate, r, low=2500, high=6000, seconds=(0.05, 0.2), harmonics=2))


def _unit(signal: np.ndarray) -> np.ndarray:
    """``signal`` scaled to RMS 1 (silence stays silence)."""
    level = float(np.sqrt(np.mean(signal**2))) if signal.size else 0.0
    return signal / level if level > 0 else signal


LAYERS: dict[str, Callable[[int, int, Rng], np.ndarray]] = {
    "rain": _rain, "sea": _sea, "wind": _wind, "fire": _fire, "room": _room, "crowd": _crowd,
    "traffic": _traffic, "gulls": _gulls, "birds": _birds,
}
ACCENTS = frozenset({"gulls", "birds"})  # layered over a bed at ACCENT_GAIN; on their own they play alone
KINDS: tuple[str, ...] = tuple(LAYERS)


def fast_length(n: int) -> int:
    """The smallest length >= ``n`` whose only prime factors are 2, 3 and 5 (where the FFT is fast)."""
    best = 1 << max(0, (n - 1).bit_length())
    power5 = 1
    while power5 < best:
        power35 = power5
        while power35 < best:
            m = power35
            while m < n:
                m *= 2
            best = min(best, m)
            power35 *= 3
        power5 *= 5
    return max(1, best)


def synthesize(kinds: list[str] | tuple[str, ...], n_samples: int, seed: int,
               sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """``kinds`` layered, ``n_samples`` long at ``sample_rate``: float32 mono at RMS ``TARGET_RMS``, peaks limited.

    The layers are made circular over ``fast_length(n_samples)`` (at most a ``CYCLE_SECONDS`` cycle, repeated for
    longer shots) and cut to ``n_samples``: at a fast length the result loops with no seam at all; otherwise it is
    a seamless stretch that ``loop_fit`` loops with a crossfade.
    """
    unknown = [k for k in kinds if k not in LAYERS]
    if unknown or not kinds:
        raise ValueError(f"unknown ambience {unknown or kinds!r}; known: {', '.join(KINDS)}")
    if n_samples < 1:
        raise ValueError("an ambience needs at least one sample")
    n = fast_length(min(n_samples, CYCLE_SECONDS * sample_rate))
    beds = [k for k in kinds if k not in ACCENTS]
    mix = np.zeros(n)
    for kind in dict.fromkeys(kinds):
        rng = np.random.default_rng([seed % 2**63, KINDS.index(kind)])
        gain = ACCENT_GAIN if kind in ACCENTS and beds else 1.0
        mix += gain * _unit(LAYERS[kind](n, sample_rate, rng))
    if n < n_samples:  # a long shot repeats one circular cycle: the joins are seamless by construction
        mix = np.tile(mix, -(-n_samples // n))
    mix = _unit(mix[:n_samples]) * TARGET_RMS
    peak = float(np.abs(mix).max())
    if peak > PEAK_LIMIT:  # a soft knee: tanh keeps loud events from clipping without touching the bed
        mix = np.tanh(mix / PEAK_LIMIT) * PEAK_LIMIT
    return mix.astype(np.float32)
