"""The example film's score, synthesised in code: a slow A-minor pad over a low drone and the wash of the sea.

The score follows the cut: ``Cue`` times (seconds) come from the project, so the chords darken when the storm
shot starts and open out at dawn. Additive synthesis (detuned partials, soft attack and release), a sparse bell
motif, filtered noise for the sea, a synthetic hall reverb, then loudness normalisation with pyloudnorm.
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pyloudnorm
from scipy import signal

RATE = 48_000
TARGET_LUFS = -16.0
PEAK_LIMIT = 10 ** (-1.5 / 20)

# MIDI note numbers of each voicing (low to high); A minor with its neighbours.
CHORDS: dict[str, tuple[int, ...]] = {
    "Am": (45, 52, 57, 60, 64), "Fmaj7": (41, 53, 57, 60, 64), "C": (48, 55, 60, 64, 67),
    "G": (43, 55, 59, 62, 67), "Dm": (50, 57, 62, 65, 69), "E": (40, 52, 56, 59, 64),
    "Esus": (40, 52, 57, 59, 64), "Cadd9": (48, 55, 62, 64, 67), "F": (41, 53, 57, 60, 65),
}


@dataclass(frozen=True)
class Cue:
    """Where the picture changes mood, in seconds from the start of the film (title card included)."""

    story: float  # the first shot after the title card
    storm: float  # the storm shot
    dawn: float  # the boat at dawn
    credits: float  # the credits card
    end: float  # the length of the music file


def midi_hz(note: float) -> float:
    return 440.0 * 2 ** ((note - 69) / 12)


def envelope(n: int, attack: int, release: int) -> np.ndarray:
    """Raised-cosine attack and release around a flat sustain (n samples)."""
    env = np.ones(n, np.float64)
    attack, release = min(attack, n // 2), min(release, n // 2)
    env[:attack] = 0.5 - 0.5 * np.cos(np.linspace(0, np.pi, attack))
    env[n - release:] = 0.5 + 0.5 * np.cos(np.linspace(0, np.pi, release))
    return env


def pad_note(freq: float, n: int, rng: np.random.Generator) -> np.ndarray:
    """A warm pad tone: 5 partials, each two slightly detuned oscillators (chorus), stereo (n, 2)."""
    t = np.arange(n) / RATE
    out = np.zeros((n, 2))
    for k in range(1, 6):
        for side, cents in ((0, -5.0), (1, 5.0)):
            f = freq * k * 2 ** (cents / 1200)
            vibrato = 0.0015 * np.sin(2 * np.pi * rng.uniform(0.15, 0.3) * t + rng.uniform(0, 6.28))
            out[:, side] += np.sin(2 * np.pi * f * t * (1 + vibrato) + rng.uniform(0, 6.28)) / k**1.6
    return out


def bell(freq: float, seconds: float) -> np.ndarray:
    """A soft struck tone (inharmonic partials, fast decay of the upper ones), mono."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    tone = np.zeros(n)
    for ratio, amp, decay in ((1.0, 1.0, 1.6), (2.0, 0.3, 1.0), (2.76, 0.22, 0.7), (5.4, 0.08, 0.35)):
        tone += amp * np.sin(2 * np.pi * freq * ratio * t) * np.exp(-t / decay)
    return tone * envelope(n, int(0.004 * RATE), int(0.3 * RATE))


def sea_wash(n: int, rng: np.random.Generator, storm: np.ndarray) -> np.ndarray:
    """Band-passed noise that swells and recedes like waves on shingle; rougher where ``storm`` is high."""
    noise = rng.standard_normal((n, 2))
    sos = signal.butter(2, [180, 2400], btype="bandpass", fs=RATE, output="sos")
    wash = signal.sosfilt(sos, noise, axis=0)
    t = np.arange(n) / RATE
    swell = np.zeros(n)
    start = 0.0
    while start < t[-1]:  # each wave: a quick rise and a long pull back
        period = rng.uniform(6.5, 9.5)
        phase = (t - start) / period
        inside = (phase >= 0) & (phase < 1)
        swell[inside] += (np.sin(np.pi * phase[inside] ** 0.6) ** 2)[...]
        start += period * 0.8
    swell = 0.35 + 0.65 * swell / swell.max()
    rough = signal.sosfilt(signal.butter(2, 4000, btype="lowpass", fs=RATE, output="sos"), noise[:, ::-1], axis=0)
    return wash * swell[:, None] * (0.5 + 0.8 * storm[:, None]) + rough * storm[:, None] * 0.25


def hall(audio: np.ndarray, rng: np.random.Generator, seconds: float = 3.2, mix: float = 0.35) -> np.ndarray:
    """A synthetic hall: exponentially decaying, darkening noise per channel, convolved with the dry mix."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    wet = np.zeros_like(audio)
    for ch in range(2):
        ir = rng.standard_normal(n) * np.exp(-t * 6.9 / seconds)
        ir = signal.sosfilt(signal.butter(1, 3500, btype="lowpass", fs=RATE, output="sos"), ir)
        ir /= np.sqrt(np.sum(ir**2))
        wet[:, ch] = signal.fftconvolve(audio[:, ch], ir)[: len(audio)]
    return (1 - mix) * audio + mix * wet


def chord_plan(cue: Cue) -> list[tuple[float, str]]:
    """(start second, chord) pairs: calm before the storm, unsettled during it, opening toward home at dawn."""
    calm = np.linspace(cue.story, cue.storm, 5)[:-1]
    storm = np.linspace(cue.storm, cue.dawn, 4)[:-1]
    dawn = np.linspace(cue.dawn, cue.credits, 4)[:-1]
    plan = [(0.0, "Am")]
    plan += list(zip(calm, ("Am", "Fmaj7", "C", "G"), strict=True))
    plan += list(zip(storm, ("Dm", "E", "Esus"), strict=True))
    plan += list(zip(dawn, ("F", "C", "G"), strict=True))
    plan += [(cue.credits, "Cadd9")]
    return plan


def compose(cue: Cue, seed: int = 1886) -> np.ndarray:
    """The full score as float64 stereo (n, 2) at RATE, loudness-normalised to TARGET_LUFS."""
    rng = np.random.default_rng(seed)
    n = int(cue.end * RATE)
    mix = np.zeros((n, 2))
    t = np.arange(n) / RATE
    storm = np.clip((t - cue.storm) / 2.5, 0, 1) * np.clip((cue.dawn + 1.0 - t) / 2.5, 0, 1)

    plan = chord_plan(cue)
    for index, (start, name) in enumerate(plan):
        stop = plan[index + 1][0] if index + 1 < len(plan) else cue.end
        a, b = int(start * RATE), min(n, int((stop + 2.5) * RATE))  # overlap: each chord rings into the next
        length = b - a
        env = envelope(length, int(2.2 * RATE), int(3.0 * RATE))
        for voice, note in enumerate(CHORDS[name]):
            level = 0.16 if voice == 0 else 0.09
            mix[a:b] += pad_note(midi_hz(note), length, rng) * (env * level)[:, None]

    # The drone: A1 and E2, always there, swelling in the storm.
    drone = sum(np.sin(2 * np.pi * midi_hz(m) * t + p) / (1 + h) for h, (m, p) in enumerate(((33, 0.0), (40, 1.3), (45, 2.1))))
    mix += (drone * (0.10 + 0.08 * storm))[:, None]

    # A bell motif, like a distant buoy: once in the calm, once at dawn.
    motif = ((0.0, 76), (1.6, 74), (3.2, 72), (5.6, 69))
    for when, note_set in ((cue.story + 1.0, 0), (cue.dawn + 1.5, 3)):
        for offset, note in motif:
            start = int((when + offset) * RATE)
            tone = bell(midi_hz(note + note_set), 4.0)
            end = min(n, start + len(tone))
            pan = 0.5 + 0.3 * np.sin(note)
            mix[start:end, 0] += tone[: end - start] * 0.05 * (1 - pan)
            mix[start:end, 1] += tone[: end - start] * 0.05 * pan

    mix += sea_wash(n, rng, storm) * 0.05
    mix = hall(mix, rng)
    mix *= envelope(n, int(2.5 * RATE), int(5.0 * RATE))[:, None]

    meter = pyloudnorm.Meter(RATE)
    mix = pyloudnorm.normalize.loudness(mix, meter.integrated_loudness(mix), TARGET_LUFS)
    peak = np.abs(mix).max()
    if peak > PEAK_LIMIT:  # a gentle score has few peaks; scale rather than clip
        mix *= PEAK_LIMIT / peak
    return mix


def write_aac(audio: np.ndarray, target: Path, bitrate: str = "160k") -> None:
    """Encode to AAC in an .m4a with imageio-ffmpeg's binary; byte-stable (no timestamps in the container)."""
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "score.wav"
        with wave.open(str(wav), "wb") as out:
            out.setnchannels(2)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(pcm.tobytes())
        subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-v", "error", "-i", str(wav), "-c:a", "aac", "-b:a", bitrate,
             "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-movflags", "+faststart",
             str(target)],
            check=True,
        )
