"""The one interface every voice provider implements, and the plain values it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from engine.progress import CancelToken, ProgressCallback, no_progress
from studio.project.model import Voice


@dataclass(frozen=True)
class Timing:
    """A word (or character) and when it is heard, in seconds from the start of the take."""

    text: str
    start: float
    end: float

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": round(self.start, 4), "end": round(self.end, 4)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Timing:
        return cls(str(data["text"]), float(data["start"]), float(data["end"]))


@dataclass(frozen=True)
class RenderedAudio:
    """A finished audio take on disk: a 16-bit mono WAV file and what is known about it."""

    path: Path
    sample_rate: int
    duration_samples: int
    words: tuple[Timing, ...] = ()
    characters: tuple[Timing, ...] = ()  # only providers that align characters (ElevenLabs)

    @property
    def duration_seconds(self) -> float:
        return self.duration_samples / self.sample_rate


@dataclass(frozen=True)
class VoiceInfo:
    """One voice a provider offers, as the cast editor lists it."""

    provider: str
    voice_id: str
    name: str
    language: str = ""
    gender: str = ""
    category: str = ""  # ElevenLabs: premade, cloned, generated, professional; espeak: language, variant
    description: str = ""
    preview_url: str = ""
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class VoicePage:
    """A page of voices; pass ``next_page_token`` back to get the next one."""

    voices: tuple[VoiceInfo, ...]
    has_more: bool = False
    next_page_token: str | None = None
    total_count: int | None = None


@runtime_checkable
class VoiceProvider(Protocol):
    """Text-to-speech, voice changing and voice listing behind one shape.

    Implementations write a finished WAV to ``out`` atomically (a reader never sees half a file) and raise
    ``studio.voice.errors.VoiceError`` subclasses for anything a user can fix or wait out.
    """

    name: str
    bills_characters: bool  # True when the service charges per character of text sent
    converts_recordings: bool  # True when ``convert`` can change a recording's voice

    def synthesize(self, text: str, voice: Voice, out: Path, *, progress: ProgressCallback = no_progress,
                   cancel: CancelToken | None = None) -> RenderedAudio: ...

    def convert(self, recording: Path, voice: Voice, out: Path, *, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None) -> RenderedAudio: ...

    def list_voices(self, *, search: str | None = None, page_size: int = 50,
                    page_token: str | None = None) -> VoicePage: ...

    def cache_identity(self, voice: Voice) -> dict[str, Any]:
        """Everything besides the text that changes the audio: voice, settings, model, output format, version."""
        ...
