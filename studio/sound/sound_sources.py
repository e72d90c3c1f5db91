"""Where a shot's sound comes from: the offline ambience synthesizer, or ElevenLabs sound effects.

Both return a finished 16-bit mono WAV exactly as long as asked (the shot), and say what identifies the result,
so the take cache never makes (or bills) the same sound twice.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from engine.progress import CancelToken
from studio.voice.wav_audio import write_wav

from .ambience import SAMPLE_RATE, synthesize
from .keywords import layers_for

SYNTH_VERSION = 1  # bump when the synthesizer's output changes, so cached ambiences are remade


@dataclass(frozen=True)
class RenderedSound:
    path: Path
    sample_rate: int
    duration_samples: int
    layers: tuple[str, ...] = ()


class SoundSource(Protocol):
    name: str
    bills: bool  # whether a request costs the user money (ask first, never send twice)

    def sample_rate(self) -> int: ...

    def identity(self, prompt: str, n_samples: int, variant: int) -> dict[str, Any]: ...

    def render(self, prompt: str, n_samples: int, variant: int, out: Path, *,
               cancel: CancelToken | None = None) -> RenderedSound: ...


def variant_seed(shot_seed: int, variant: int) -> int:
    """A take's seed: the shot's seed for its first take, a stable different one for each further take."""
    if variant == 0:
        return shot_seed % 2**31
    digest = hashlib.sha256(f"{shot_seed}:{variant}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % 2**31


def to_int16(samples: np.ndarray) -> np.ndarray:
    return np.clip(np.round(np.asarray(samples) * 32767), -32768, 32767).astype(np.int16)


class OfflineAmbience:
    """Ambiences synthesized in code, chosen by the prompt's words; the seed is the shot's (per take)."""

    name = "offline"
    bills = False

    def __init__(self, shot_seed: int = 0) -> None:
        self.shot_seed = shot_seed

    def sample_rate(self) -> int:
        return SAMPLE_RATE

    def identity(self, prompt: str, n_samples: int, variant: int) -> dict[str, Any]:
        return {"provider": self.name, "layers": layers_for(prompt), "seed": variant_seed(self.shot_seed, variant),
                "samples": n_samples, "rate": SAMPLE_RATE, "v": SYNTH_VERSION}

    def render(self, prompt: str, n_samples: int, variant: int, out: Path, *,
               cancel: CancelToken | None = None) -> RenderedSound:
        layers = layers_for(prompt)
        samples = synthesize(layers, n_samples, variant_seed(self.shot_seed, variant), SAMPLE_RATE)
        write_wav(out, to_int16(samples), SAMPLE_RATE)
        return RenderedSound(Path(out), SAMPLE_RATE, n_samples, tuple(layers))
