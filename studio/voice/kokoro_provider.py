"""The neural offline voice: Kokoro-82M through kokoro-onnx and onnxruntime, on the CPU, no network.

kokoro-onnx phonemizes with the espeak-ng that ``espeakng-loader`` ships (the offline voice's library).
A voice id is a name from the voices file: the first letter is the language (a: American English, b: British
English, e: Spanish, f: French, h: Hindi, i: Italian, j: Japanese, p: Brazilian Portuguese, z: Mandarin), the
second the gender (f, m): ``af_heart``, ``am_adam``, ``bf_emma``, ``bm_george``. Setting: ``speed`` (0.5-2.0).

Word timings: from the phoneme durations when the model reports them (a ``duration`` output), else each word's
share of the phonemes laid evenly over the take (``phoneme_timings``). Takes are cached and fitted to shots by
the same rules as every provider (``audio_cache``, ``shot_fit``: a service voice's pace at ``speed``).
"""

from __future__ import annotations

import logging
import threading
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from engine.model_store import ModelStore
from engine.progress import CancelToken, Progress, ProgressCallback, no_progress
from studio.project.model import Voice

from .errors import VoiceError, VoiceSettingsError
from .espeak_provider import page_of
from .kokoro_model import KOKORO, VoiceModelFiles, file_fingerprint, load_kokoro, required_files, voice_names
from .phoneme_timings import even_phonemes, sounded, spoken_phonemes, word_timings
from .provider import RenderedAudio, VoiceInfo, VoicePage
from .wav_audio import write_wav

LANGUAGES = {"a": ("en-us", "American English"), "b": ("en-gb", "British English"), "e": ("es", "Spanish"),
             "f": ("fr-fr", "French"), "h": ("hi", "Hindi"), "i": ("it", "Italian"), "j": ("ja", "Japanese"),
             "p": ("pt-br", "Brazilian Portuguese"), "z": ("cmn", "Mandarin Chinese")}
GENDERS = {"f": "female", "m": "male"}
SPEED = (1.0, 0.5, 2.0)  # default, lowest, highest (kokoro-onnx's range)
PREVIEW_TEXT = "The lamp has never once lied to a sailor."
# phonemizer warns on every line whose phoneme words do not match its words one to one ("of the" -> "ʌvðə"),
# which is ordinary here (phoneme_timings does not rely on it).
logging.getLogger("phonemizer").setLevel(logging.ERROR)


def voice_language(voice_id: str) -> str:
    """The espeak language the voice's name says it speaks ('af_heart' -> 'en-us'); American English if unknown."""
    return LANGUAGES.get(voice_id[:1], LANGUAGES["a"])[0]


def voice_info(voice_id: str) -> VoiceInfo:
    language, language_name = LANGUAGES.get(voice_id[:1], ("", "unknown language"))
    gender = GENDERS.get(voice_id[1:2], "") if "_" in voice_id else ""
    name = voice_id.partition("_")[2].replace("_", " ").title() or voice_id
    return VoiceInfo("kokoro", voice_id, name, language=language, gender=gender, category="neural",
                     description=f"Kokoro {language_name}{', ' + gender if gender else ''}")


def kokoro_speed(voice: Voice) -> float:
    unknown = sorted(set(voice.settings) - {"speed"})
    if unknown:
        raise VoiceSettingsError(f"unknown neural voice setting(s) {', '.join(unknown)}; the neural voice knows speed")
    default, low, high = SPEED
    raw = voice.settings.get("speed", default)
    if isinstance(raw, bool) or not isinstance(raw, int | float) or raw != raw:
        raise VoiceSettingsError(f"neural voice setting speed must be a number, got {raw!r}")
    if not low <= raw <= high:
        raise VoiceSettingsError(f"neural voice setting speed must be between {low} and {high}, got {raw}")
    return float(raw)


class KokoroProvider:
    """Offline neural text-to-speech. ``store``: the model store to find the weights in (default: the configured
    one); ``model_path``/``voices_path``: use these files instead (tests, a model copied by hand)."""

    name = "kokoro"
    bills_characters = False
    converts_recordings = False

    def __init__(self, store: ModelStore | None = None, model_path: Path | None = None,
                 voices_path: Path | None = None) -> None:
        self._store = store
        self._given = VoiceModelFiles(Path(model_path), Path(voices_path)) if model_path and voices_path else None
        self._files: VoiceModelFiles | None = None
        self._kokoro: Any = None
        self._identity: dict[str, Any] | None = None
        self._lock = threading.Lock()

    @property
    def files(self) -> VoiceModelFiles:
        if self._files is None:
            self._files = self._given or required_files(self._store)
        return self._files

    def _engine(self) -> Any:
        with self._lock:
            if self._kokoro is None:
                self._kokoro = load_kokoro(self.files)
            return self._kokoro

    def voice_ids(self) -> tuple[str, ...]:
        return voice_names(self.files.voices)

    def _checked_speed(self, voice: Voice) -> float:
        """The voice's speed, once its settings and its name are known good."""
        speed = kokoro_speed(voice)
        if voice.voice_id not in self.voice_ids():
            raise VoiceSettingsError(f"the neural voice has no voice {voice.voice_id!r}; its voices are "
                                     f"{', '.join(self.voice_ids())}")
        return speed

    def cache_identity(self, voice: Voice) -> dict[str, Any]:
        speed = self._checked_speed(voice)
        if self._identity is None:
            self._identity = {"provider": self.name, "engine": f"kokoro-onnx {metadata.version('kokoro-onnx')}",
                              "model": file_fingerprint(self.files.model),
                              "voices": file_fingerprint(self.files.voices), "sample_rate": KOKORO.sample_rate}
        return {**self._identity, "voice_id": voice.voice_id, "settings": {"speed": speed}}

    def synthesize(self, text: str, voice: Voice, out: Path, *, progress: ProgressCallback = no_progress,
                   cancel: CancelToken | None = None) -> RenderedAudio:
        if not text.strip():
            raise VoiceSettingsError("there is no text to speak")
        speed = self._checked_speed(voice)
        if cancel is not None:
            cancel.raise_if_cancelled()
        progress(Progress("synthesize", 0, 1, "neural voice"))
        kokoro = self._engine()
        language = voice_language(voice.voice_id)
        try:
            audio, rate, phonemes = kokoro.create_timed(text, voice.voice_id, speed=speed, lang=language)
        except ValueError as exc:  # kokoro-onnx: no phonemes, text too long for one window...
            raise VoiceError(f"the neural voice could not speak {text[:40]!r}: {exc}") from exc
        if cancel is not None:
            cancel.raise_if_cancelled()
        samples = (np.clip(np.asarray(audio, dtype=np.float32), -1.0, 1.0) * 32767).astype(np.int16)
        if samples.size == 0:
            raise VoiceError(f"the neural voice produced no audio for {text[:40]!r}")
        write_wav(out, samples, rate)
        duration = samples.size / rate
        spoken = spoken_phonemes([(p.phoneme, p.start, p.end) for p in phonemes])
        if not spoken:  # the model reports no durations: spread the phonemes evenly
            spoken = even_phonemes(sounded(kokoro.tokenizer.phonemize(text, language)), duration)

        def phonemize(word: str) -> str:
            return kokoro.tokenizer.phonemize(word, language)

        progress(Progress("synthesize", 1, 1, "neural voice"))
        return RenderedAudio(Path(out), rate, int(samples.size), word_timings(text, phonemize, spoken))

    def preview(self, voice_id: str, out: Path) -> RenderedAudio:
        """A short sample sentence in ``voice_id`` (what the cast editor plays)."""
        return self.synthesize(PREVIEW_TEXT, Voice(provider=self.name, voice_id=voice_id), out)

    def convert(self, recording: Path, voice: Voice, out: Path, *, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None) -> RenderedAudio:
        raise VoiceSettingsError(
            "the neural offline voice can only read text; changing a recording into a character's voice needs "
            "an ElevenLabs voice (storyreel voice PATH --set-voice CHARACTER elevenlabs:VOICE_ID)"
        )

    def list_voices(self, *, search: str | None = None, page_size: int = 50,
                    page_token: str | None = None) -> VoicePage:
        voices = [voice_info(name) for name in self.voice_ids()]
        if search:
            needle = search.casefold()
            voices = [v for v in voices if needle in f"{v.voice_id} {v.name} {v.language} {v.gender}".casefold()]
        return page_of(voices, page_size, page_token)
