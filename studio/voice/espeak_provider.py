"""The offline voice: espeak-ng, always available, free, far faster than real time.

A voice id is a language, optionally with a variant: 'en-us', 'en-gb', 'fr', 'en-us+f2', 'en-us+m3'.
Settings: ``rate`` (words per minute, 80-450), ``pitch`` (0-99), ``range`` (pitch variation, 0-99),
``volume`` (0-200) and ``word_gap`` (extra pause between words, in 10 ms units).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from engine.progress import CancelToken, Progress, ProgressCallback, no_progress
from studio.project.model import Voice

from .errors import VoiceError, VoiceSettingsError
from .espeak_library import EspeakLibrary, Synthesis
from .provider import RenderedAudio, Timing, VoiceInfo, VoicePage
from .wav_audio import write_wav

# name: (default, lowest, highest)
SETTINGS: dict[str, tuple[int, int, int]] = {
    "rate": (165, 80, 450),
    "pitch": (50, 0, 99),
    "range": (50, 0, 99),
    "volume": (100, 0, 200),
    "word_gap": (0, 0, 100),
}
_VOICE_ID = re.compile(r"^[A-Za-z0-9_\-/]+(\+[A-Za-z0-9_\- ]+)?$")


def espeak_settings(voice: Voice) -> dict[str, int]:
    """The voice's settings with defaults filled in, checked against espeak's ranges."""
    unknown = sorted(set(voice.settings) - set(SETTINGS))
    if unknown:
        raise VoiceSettingsError(
            f"unknown offline voice setting(s) {', '.join(unknown)}; the offline voice knows {', '.join(SETTINGS)}"
        )
    values: dict[str, int] = {}
    for name, (default, low, high) in SETTINGS.items():
        raw = voice.settings.get(name, default)
        if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != raw:
            raise VoiceSettingsError(f"offline voice setting {name} must be a number, got {raw!r}")
        if not low <= raw <= high:
            raise VoiceSettingsError(f"offline voice setting {name} must be between {low} and {high}, got {raw}")
        values[name] = round(raw)
    return values


class EspeakProvider:
    """Offline text-to-speech through espeak-ng (see ``espeak_library``)."""

    name = "espeak"
    bills_characters = False
    converts_recordings = False

    def __init__(self) -> None:
        self._library: EspeakLibrary | None = None

    @property
    def library(self) -> EspeakLibrary:
        if self._library is None:
            self._library = EspeakLibrary.instance()
        return self._library

    def cache_identity(self, voice: Voice) -> dict[str, Any]:
        return {"provider": self.name, "engine": f"espeak-ng {self.library.version}", "voice_id": voice.voice_id,
                "settings": espeak_settings(voice), "sample_rate": self.library.sample_rate}

    def synthesize(self, text: str, voice: Voice, out: Path, *, progress: ProgressCallback = no_progress,
                   cancel: CancelToken | None = None) -> RenderedAudio:
        if not text.strip():
            raise VoiceSettingsError("there is no text to speak")
        if not _VOICE_ID.match(voice.voice_id):
            raise VoiceSettingsError(f"{voice.voice_id!r} is not an offline voice id (e.g. 'en-us' or 'en-us+f2')")
        settings = espeak_settings(voice)
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress("synthesize", 0, 1, "offline voice"))
        synthesis = self.library.synthesize(
            text, voice.voice_id, rate=settings["rate"], pitch=settings["pitch"], pitch_range=settings["range"],
            volume=settings["volume"], word_gap=settings["word_gap"],
            should_stop=(lambda: cancel.cancelled) if cancel is not None else (lambda: False),
        )
        if cancel is not None:
            cancel.raise_if_cancelled()
        if synthesis.samples.size == 0:
            raise VoiceError(f"the offline voice produced no audio for {text[:40]!r}")
        write_wav(out, synthesis.samples, synthesis.sample_rate)
        progress(Progress("synthesize", 1, 1, "offline voice"))
        return RenderedAudio(Path(out), synthesis.sample_rate, int(synthesis.samples.size), word_timings(text, synthesis))

    def convert(self, recording: Path, voice: Voice, out: Path, *, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None) -> RenderedAudio:
        raise VoiceSettingsError(
            "the offline voice (espeak) can only read text; changing a recording into a character's voice needs "
            "an ElevenLabs voice (storyreel voice PATH --set-voice CHARACTER elevenlabs:VOICE_ID)"
        )

    def list_voices(self, *, search: str | None = None, page_size: int = 50,
                    page_token: str | None = None) -> VoicePage:
        voices = [VoiceInfo(self.name, v.languages[0] if v.languages else v.identifier, v.name,
                            language=v.languages[0] if v.languages else "", gender=v.gender, category="language",
                            description=f"espeak-ng {v.identifier}")
                  for v in self.library.voices()]
        voices += [VoiceInfo(self.name, "+" + v.identifier.removeprefix("!v/"), v.name, gender=v.gender,
                             category="variant",
                             description=f"a variant: add it to a language, e.g. en-us+{v.identifier.removeprefix('!v/')}")
                   for v in self.library.voices(variants=True)]
        if search:
            needle = search.casefold()
            voices = [v for v in voices if needle in f"{v.voice_id} {v.name} {v.language}".casefold()]
        return page_of(voices, page_size, page_token)


def word_timings(text: str, synthesis: Synthesis) -> tuple[Timing, ...]:
    """Word events -> (word, start, end). A word ends where the sound stops before the next word (or the end),
    so the pause after a comma is not counted as part of the word."""
    duration = synthesis.samples.size / synthesis.sample_rate
    events = []
    for word in synthesis.words:
        # Scripts espeak spells out (e.g. kanji) repeat one span for every spoken piece: keep it once.
        if word.length > 0 and not (events and (events[-1].text_position, events[-1].length) ==
                                    (word.text_position, word.length)):
            events.append(word)
    frame = max(1, synthesis.sample_rate // 100)  # 10 ms
    count = synthesis.samples.size // frame
    levels = np.abs(synthesis.samples[: count * frame].astype(np.int32)).reshape(count, frame).max(axis=1)
    quiet = levels < max(1, int(levels.max(initial=0) * 0.02))
    timings: list[Timing] = []
    for index, word in enumerate(events):
        start = min(word.start_seconds, duration)
        following = events[index + 1].start_seconds if index + 1 < len(events) else duration
        end = max(start, min(following, duration))
        last = min(int(end * 100), count)  # walk back over silence, never before the word's start
        while last > int(start * 100) + 1 and quiet[last - 1]:
            last -= 1
        timings.append(Timing(text[word.text_position:word.text_position + word.length], start,
                              max(start, min(end, last / 100))))
    return tuple(timings)


def page_of(voices: list[VoiceInfo], page_size: int, page_token: str | None) -> VoicePage:
    """One page of a provider's voice list; the token is the index of the first voice of the page."""
    try:
        start = int(page_token) if page_token else 0
    except ValueError:
        raise VoiceError(f"{page_token!r} is not a page token this list gave out") from None
    size = max(1, page_size)
    chunk = voices[start:start + size]
    more = start + size < len(voices)
    return VoicePage(tuple(chunk), more, str(start + size) if more else None, len(voices))
