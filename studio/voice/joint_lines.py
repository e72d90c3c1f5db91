"""A line several characters speak together: each voice rendered on its own, then mixed into one stereo take.

The second voice comes in ``OFFSET_SECONDS`` after the first (the third twice that...) and the voices are panned
apart, so two people saying the same words sound like two people, not one thick voice. The take is stereo; the
cut decodes every take to stereo anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.project.model import Voice

from .audio_cache import cache_key
from .provider import RenderedAudio
from .wav_audio import read_wav, write_wav

OFFSET_SECONDS = 0.1  # between one voice and the next
PAN = 0.6  # the outer voices sit this far from centre (-1 = left, 1 = right)
MIX_VERSION = 1


@dataclass(frozen=True)
class SpokenPart:
    """One speaker's rendition of a line: the voice, the text sent to it and its own cache key."""

    provider: str
    voice: Voice
    text: str
    cache_key: str


def joint_cache_key(parts: tuple[SpokenPart, ...]) -> str:
    """The mixed take's key: every part's key (so both voices key it) and the mix rule."""
    return cache_key("tts-joint", "", {"parts": [p.cache_key for p in parts], "offset": OFFSET_SECONDS,
                                       "pan": PAN, "mix": MIX_VERSION})


def pans(count: int) -> list[float]:
    return [0.0] if count == 1 else list(np.linspace(-PAN, PAN, count))


def mix_parts(renders: list[RenderedAudio], out: Path) -> RenderedAudio:
    """Mix single-voice takes (first voice first) into a stereo WAV at ``out``; the words are the first voice's."""
    rate = max(r.sample_rate for r in renders)
    tracks = [_at_rate(*read_wav(r.path), rate) for r in renders]
    offset = round(OFFSET_SECONDS * rate)
    length = max(i * offset + len(t) for i, t in enumerate(tracks))
    mix = np.zeros((length, 2), np.float64)
    for index, (track, pan) in enumerate(zip(tracks, pans(len(tracks)), strict=True)):
        angle = (pan + 1) * np.pi / 4  # constant power: the voice is as loud wherever it sits
        start = index * offset
        mix[start:start + len(track), 0] += track * np.cos(angle)
        mix[start:start + len(track), 1] += track * np.sin(angle)
    peak = float(np.max(np.abs(mix))) or 1.0
    mix *= min(1.0, 32000.0 / peak)  # voices in unison add up: keep the sum below full scale
    write_wav(out, np.round(mix).astype(np.int16), rate)
    return RenderedAudio(Path(out), rate, length, renders[0].words, renders[0].characters)


def _at_rate(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Samples as float at ``target`` Hz (two providers may answer at different rates)."""
    values = samples.astype(np.float64)
    if rate == target or len(values) < 2:
        return values
    count = round(len(values) * target / rate)
    return np.interp(np.arange(count) * rate / target, np.arange(len(values)), values)
