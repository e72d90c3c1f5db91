"""The film's soundtrack: narration placed sample-exactly, music and each shot's sound under it ducked, mixed at
48 kHz in numpy."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.progress import CancelToken
from studio.sound.loop_fit import fit_to_length

from .ffmpeg_run import decode_audio
from .plan import CutPlan, PlannedSound

DUCK_ATTACK_SECONDS = 0.15  # the music is down by the time the voice starts
DUCK_RELEASE_SECONDS = 0.5
CHANNELS = 2


@dataclass(frozen=True)
class Mix:
    samples: np.ndarray  # (n, 2) float32
    sample_rate: int
    voice_spans: tuple[tuple[int, int], ...]  # sample ranges with a voice


def film_samples(plan: CutPlan) -> int:
    """Exactly the picture's duration in samples (rounded), so A/V durations match."""
    sr = plan.settings.sample_rate
    return (plan.total_frames * sr + plan.fps // 2) // plan.fps


def mix_soundtrack(plan: CutPlan, *, cancel: CancelToken | None = None) -> Mix:
    sr = plan.settings.sample_rate
    n = film_samples(plan)
    voices = np.zeros((n, CHANNELS), np.float32)
    spans: list[tuple[int, int]] = []
    for voice in plan.voices:
        if voice.path is None:
            continue
        clip = decode_audio(voice.path, sr, channels=CHANNELS, cancel=cancel)
        at = round(voice.start_seconds * sr)
        end = _add(voices, clip, at)
        if end > at:
            spans.append((at, end))
    music = np.zeros((n, CHANNELS), np.float32)
    ducked = np.zeros((n, CHANNELS), np.float32)
    for clip in plan.music:
        audio = decode_audio(clip.path, sr, channels=CHANNELS, start=clip.source_in_seconds,
                             duration=clip.duration_seconds, cancel=cancel) * np.float32(10 ** (clip.gain_db / 20))
        _add(ducked if clip.duck else music, audio, round(clip.start_seconds * sr))
    for sound in plan.sounds:  # ambience ducks under the lines like the music does
        _add(ducked, shot_sound(sound, sr, cancel), round(sound.start_seconds * sr))
    if spans and np.any(ducked):
        ducked *= duck_gain(n, spans, sr, plan.settings.duck_db)[:, None]
    return Mix(voices + music + ducked, sr, tuple(spans))


def shot_sound(sound: PlannedSound, sample_rate: int, cancel: CancelToken | None = None) -> np.ndarray:
    """A shot's sound take as it sits under the shot: fitted to its length (looped with a crossfade if short),
    at its level, faded in and out at its edges."""
    n = round(sound.duration_seconds * sample_rate)
    clip = decode_audio(sound.path, sample_rate, channels=CHANNELS, cancel=cancel)
    if n <= 0 or len(clip) == 0:
        return np.zeros((0, CHANNELS), np.float32)
    fitted = np.stack([fit_to_length(clip[:, c], n, sample_rate) for c in range(CHANNELS)], axis=1)
    envelope = np.ones(n, np.float32)
    k = min(n, max(1, round(sound.fade_in_seconds * sample_rate)))
    np.minimum(envelope[:k], np.linspace(0.0, 1.0, k, endpoint=False, dtype=np.float32), out=envelope[:k])
    k = min(n, max(1, round(sound.fade_out_seconds * sample_rate)))
    np.minimum(envelope[n - k:], np.linspace(0.0, 1.0, k, endpoint=False, dtype=np.float32)[::-1],
               out=envelope[n - k:])
    return fitted * (envelope * np.float32(10 ** (sound.gain_db / 20)))[:, None]


def _add(into: np.ndarray, clip: np.ndarray, at: int) -> int:
    """Add ``clip`` into ``into`` at sample ``at`` (clipped to the film); returns the end sample."""
    if at >= len(into) or len(clip) == 0:
        return at
    end = min(len(into), at + len(clip))
    into[at:end] += clip[: end - at]
    return end


def duck_gain(n: int, spans: list[tuple[int, int]], sample_rate: int, depth_db: float) -> np.ndarray:
    """Linear gain per sample: ``depth_db`` under voices, ramping down before them and back up after."""
    attack = max(1, int(DUCK_ATTACK_SECONDS * sample_rate))
    release = max(1, int(DUCK_RELEASE_SECONDS * sample_rate))
    amount = np.zeros(n, np.float32)  # 0 = full music, 1 = fully ducked
    for a, b in spans:
        amount[a:b] = 1.0
        lo = max(0, a - attack)
        ramp = np.linspace(0.0, 1.0, attack, endpoint=False, dtype=np.float32)[attack - (a - lo):]
        np.maximum(amount[lo:a], ramp, out=amount[lo:a])
        hi = min(n, b + release)
        ramp = np.linspace(1.0, 0.0, release, endpoint=False, dtype=np.float32)[: hi - b]
        np.maximum(amount[b:hi], ramp, out=amount[b:hi])
    return (10 ** (depth_db * amount / 20)).astype(np.float32)
