"""ctypes binding to the espeak-ng library that ``espeakng-loader`` ships (library and voice data, no apt).

espeak-ng keeps global state and is not thread-safe: it is initialised once per process, every call runs
under one lock, and synthesis uses synchronous mode with a callback that collects samples and events.
"""

from __future__ import annotations

import ctypes
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .errors import VoiceError, VoiceSettingsError

# speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # report errors instead of calling exit()
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_EE_OK, _EE_NOT_FOUND = 0, 2
EVENT_LIST_TERMINATED, EVENT_WORD, EVENT_SENTENCE, EVENT_END, EVENT_MSG_TERMINATED = 0, 1, 2, 5, 6
PARAM_RATE, PARAM_VOLUME, PARAM_PITCH, PARAM_RANGE, PARAM_WORDGAP = 1, 2, 3, 4, 7


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based character position of the word
        ("length", ctypes.c_int),  # characters in the word
        ("audio_position", ctypes.c_int),  # milliseconds from the start of the synthesized audio
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),  # a union of int / const char* / char[8]; unused here
    ]


class _Voice(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),  # (priority byte, language string\0) pairs, ending with a zero byte
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event))


@dataclass(frozen=True)
class WordEvent:
    """A word espeak started speaking: character span in the text and its time in the audio."""

    text_position: int  # 0-based character index
    length: int
    start_seconds: float


@dataclass(frozen=True)
class Synthesis:
    samples: np.ndarray  # int16 mono
    sample_rate: int
    words: tuple[WordEvent, ...]
    clause_ends: tuple[float, ...]  # seconds where a clause or sentence ended


@dataclass(frozen=True)
class EspeakVoice:
    name: str
    identifier: str
    languages: tuple[str, ...]
    gender: str


class _Collector:
    """Receives audio chunks and events from the synth callback of one synthesis."""

    def __init__(self, sample_rate: int, should_stop: Callable[[], bool]) -> None:
        self.sample_rate = sample_rate
        self.chunks: list[np.ndarray] = []
        self.words: list[WordEvent] = []
        self.clause_ends: list[float] = []
        self.should_stop = should_stop
        self.stopped = False
        self.error: BaseException | None = None

    def __call__(self, wav: ctypes.POINTER(ctypes.c_short), count: int, events: ctypes.POINTER(_Event)) -> int:
        # An exception must never cross back into C: record it and ask espeak to stop.
        try:
            if wav and count > 0:
                self.chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
            index = 0
            while events and events[index].type != EVENT_LIST_TERMINATED:
                event = events[index]
                seconds = event.audio_position / 1000.0
                if event.type == EVENT_WORD:
                    self.words.append(WordEvent(max(0, event.text_position - 1), event.length, seconds))
                elif event.type in (EVENT_END, EVENT_SENTENCE):
                    self.clause_ends.append(seconds)
                index += 1
            if self.should_stop():
                self.stopped = True
                return 1
            return 0
        except BaseException as exc:  # re-raised on the Python side after synthesis
            self.error = exc
            return 1


class EspeakLibrary:
    """The process-wide espeak-ng instance. Use ``EspeakLibrary.instance()``."""

    _lock = threading.RLock()
    _instance: EspeakLibrary | None = None

    def __init__(self) -> None:
        import espeakng_loader

        library_path, data_path = espeakng_loader.get_library_path(), espeakng_loader.get_data_path()
        try:
            lib = ctypes.CDLL(library_path)
        except OSError as exc:
            raise VoiceError(f"the offline voice library could not be loaded from {library_path}: {exc}") from exc
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
                                     ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        lib.espeak_Synth.restype = ctypes.c_int
        lib.espeak_Synchronize.restype = ctypes.c_int
        lib.espeak_ListVoices.argtypes = [ctypes.POINTER(_Voice)]
        lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
        lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        lib.espeak_Info.restype = ctypes.c_char_p
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, os.fsencode(data_path), _INITIALIZE_DONT_EXIT)
        if rate <= 0:
            raise VoiceError(f"the offline voice could not start (espeak-ng data at {data_path} is unusable)")
        self._lib = lib
        self.sample_rate = int(rate)
        self.version = (lib.espeak_Info(None) or b"").decode("ascii", "replace")
        self._collector: _Collector | None = None
        self._by_language: dict[str, str] | None = None
        # One C callback for the process; it forwards to the collector of the synthesis in progress.
        self._callback = _SynthCallback(self._dispatch)
        lib.espeak_SetSynthCallback(self._callback)

    @classmethod
    def instance(cls) -> EspeakLibrary:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def _dispatch(self, wav, count, events) -> int:  # type: ignore[no-untyped-def]
        collector = self._collector
        return collector(wav, count, events) if collector is not None else 0

    def synthesize(self, text: str, voice_name: str, *, rate: int, pitch: int, pitch_range: int, volume: int,
                   word_gap: int, should_stop: Callable[[], bool] = lambda: False) -> Synthesis:
        """Speak ``text`` with ``voice_name`` ('en-us', 'en-us+f2'); returns samples and word events."""
        encoded = text.encode("utf-8") + b"\0"
        with self._lock:
            status = self._lib.espeak_SetVoiceByName(self._resolve(voice_name).encode("utf-8"))
            if status != _EE_OK:
                raise VoiceSettingsError(
                    f"the offline voice has no voice {voice_name!r}; use a language such as 'en-us' or 'fr', "
                    "optionally with a variant such as 'en-us+f2' (see `storyreel voice PATH --list-voices`)"
                )
            for parameter, value in ((PARAM_RATE, rate), (PARAM_PITCH, pitch), (PARAM_RANGE, pitch_range),
                                     (PARAM_VOLUME, volume), (PARAM_WORDGAP, word_gap)):
                self._lib.espeak_SetParameter(parameter, int(value), 0)
            collector = _Collector(self.sample_rate, should_stop)
            self._collector = collector
            try:
                status = self._lib.espeak_Synth(encoded, len(encoded), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
                self._lib.espeak_Synchronize()
            finally:
                self._collector = None
        if collector.error is not None:
            raise collector.error
        if status != _EE_OK and not collector.stopped:
            raise VoiceError(f"the offline voice failed to speak this line (espeak-ng error {status})")
        samples = np.concatenate(collector.chunks) if collector.chunks else np.zeros(0, dtype=np.int16)
        return Synthesis(samples.astype(np.int16, copy=False), self.sample_rate, tuple(collector.words),
                         tuple(collector.clause_ends))

    def _resolve(self, voice_name: str) -> str:
        """A language code -> the voice file espeak selects by name ('en-gb' -> 'gmw/en', 'fr-fr' -> 'roa/fr').

        espeak matches names against voice files; a few languages live in a file named otherwise.
        """
        base, plus, variant = voice_name.partition("+")
        if self._by_language is None:
            self._by_language = {v.languages[0].casefold(): v.identifier for v in self.voices() if v.languages}
        identifier = self._by_language.get(base.casefold())
        if identifier is not None and identifier.rsplit("/", 1)[-1].casefold() != base.casefold():
            base = identifier
        return f"{base}{plus}{variant}"

    def voices(self, variants: bool = False) -> list[EspeakVoice]:
        """Languages espeak speaks, or (``variants=True``) the voice variants that can be added with '+'."""
        with self._lock:
            spec = _Voice()
            if variants:
                spec.languages = b"variant"
            listed = self._lib.espeak_ListVoices(ctypes.byref(spec) if variants else None)
            found: list[EspeakVoice] = []
            index = 0
            while listed and listed[index]:
                raw = listed[index].contents
                found.append(EspeakVoice(
                    name=(raw.name or b"").decode("utf-8", "replace"),
                    identifier=(raw.identifier or b"").decode("utf-8", "replace"),
                    languages=_languages(raw.languages),
                    gender={1: "male", 2: "female"}.get(raw.gender, ""),
                ))
                index += 1
        return found


def _languages(raw: bytes | None) -> tuple[str, ...]:
    """Decode the (priority byte, name, NUL) list espeak uses for a voice's languages."""
    if not raw:
        return ()
    # ctypes stops a c_char_p at the first NUL, so only the first language is visible; that is the main one.
    return (raw[1:].decode("utf-8", "replace"),) if len(raw) > 1 else ()
