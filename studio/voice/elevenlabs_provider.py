"""ElevenLabs text-to-speech (with character timings), voice changer and voice listing, via the official SDK.

The SDK's audio calls return lazy generators: no request is sent until they are read, so every read happens
inside the retry loop. Storyreel asks for WAV (or headerless PCM); MP3 or Ogg that arrives anyway is decoded
with the bundled ffmpeg. The key is resolved per request (environment, then keyring) and never stored.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from engine.progress import CancelToken, Progress, ProgressCallback, no_progress
from studio.project.model import Voice

from .elevenlabs_faults import RetryPolicy, wait_cancellable, with_retries
from .elevenlabs_key import mask_secret, resolve_api_key
from .errors import RequestRejected, UnreadableAudio, VoiceError, VoiceSettingsError
from .provider import RenderedAudio, Timing, VoiceInfo, VoicePage
from .timings import characters_from_alignment, words_from_characters
from .wav_audio import check_recording, decode_audio, write_wav

log = logging.getLogger("storyreel.voice.elevenlabs")

BASE_URL_ENV = "STORYREEL_ELEVENLABS_BASE_URL"
DEFAULT_BASE_URL = "https://api.elevenlabs.io"
DEFAULT_TTS_MODEL = "eleven_multilingual_v2"
DEFAULT_STS_MODEL = "eleven_multilingual_sts_v2"
DEFAULT_OUTPUT_FORMAT = "wav_24000"
# Formats whose audio Storyreel can mix without a lossy decode; 44.1 kHz and up need a paid tier.
PLAIN_FORMATS = tuple(f"{kind}_{rate}" for kind in ("wav", "pcm")
                      for rate in (8000, 16000, 22050, 24000, 32000, 44100, 48000))
VOICE_SETTINGS = ("stability", "similarity_boost", "style", "use_speaker_boost", "speed")
REQUEST_SETTINGS = ("output_format", "seed", "language_code", "timestamps", "sts_model_id", "remove_background_noise")
RECORDING_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".aac": "audio/aac",
                   ".flac": "audio/flac", ".ogg": "audio/ogg", ".opus": "audio/ogg", ".webm": "audio/webm"}


def _rate_of(output_format: str) -> int | None:
    try:
        return int(output_format.split("_")[1])
    except (IndexError, ValueError):
        return None


class ElevenLabsProvider:
    """ElevenLabs behind the VoiceProvider interface.

    ``base_url`` (or ``STORYREEL_ELEVENLABS_BASE_URL``) points at a proxy or a test server; ``retry`` bounds
    the retries of 429 / 5xx / timeouts; ``sleep(seconds, cancel)`` waits between them.
    """

    name = "elevenlabs"
    bills_characters = True
    converts_recordings = True

    def __init__(self, *, api_key: str | None = None, base_url: str | None = None, timeout_seconds: float = 120.0,
                 retry: RetryPolicy | None = None,
                 sleep: Callable[[float, CancelToken | None], None] = wait_cancellable) -> None:
        self._explicit_key = api_key
        self.base_url = (base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")
        self.timeout_seconds = timeout_seconds
        self.retry = retry or RetryPolicy()
        self._sleep = sleep

    def __repr__(self) -> str:  # never show the key
        return f"ElevenLabsProvider(base_url={self.base_url!r})"

    # --- plumbing --------------------------------------------------------------------------------------------
    def _client(self) -> tuple[Any, str]:
        from elevenlabs import ElevenLabs

        key = resolve_api_key(self._explicit_key)
        return ElevenLabs(api_key=key, base_url=self.base_url, timeout=self.timeout_seconds), key

    def _run(self, what: str, request: Callable[[Any], Any], cancel: CancelToken | None) -> Any:
        client, key = self._client()

        def on_retry(fault: VoiceError, attempt: int, wait: float) -> None:
            log.warning("%s; try %d failed, trying again in %.1f s", fault, attempt, wait)

        return with_retries(lambda: request(client), what=what, key=key, base_url=self.base_url,
                            policy=self.retry, cancel=cancel, sleep=self._sleep, on_retry=on_retry)

    @staticmethod
    def _options(voice: Voice) -> dict[str, Any]:
        known = set(VOICE_SETTINGS) | set(REQUEST_SETTINGS)
        unknown = sorted(set(voice.settings) - known)
        if unknown:
            raise VoiceSettingsError(f"unknown ElevenLabs voice setting(s) {', '.join(unknown)}; "
                                     f"known: {', '.join(sorted(known))}")
        if not voice.voice_id.strip():
            raise VoiceSettingsError("the ElevenLabs voice id is empty")
        output_format = str(voice.settings.get("output_format", DEFAULT_OUTPUT_FORMAT))
        if _rate_of(output_format) is None:
            raise VoiceSettingsError(f"{output_format!r} is not an ElevenLabs output format (e.g. wav_24000)")
        return {
            "voice_settings": {k: voice.settings[k] for k in VOICE_SETTINGS if k in voice.settings},
            "output_format": output_format,
            "model_id": voice.model_id or DEFAULT_TTS_MODEL,
            "seed": voice.settings.get("seed"),
            "language_code": voice.settings.get("language_code"),
            "timestamps": bool(voice.settings.get("timestamps", True)),
        }

    def cache_identity(self, voice: Voice) -> dict[str, Any]:
        options = self._options(voice)
        return {"provider": self.name, "voice_id": voice.voice_id, "model_id": options["model_id"],
                "voice_settings": options["voice_settings"], "output_format": options["output_format"],
                "seed": options["seed"], "language_code": options["language_code"]}

    @staticmethod
    def _decode(data: bytes, output_format: str, out: Path) -> tuple[int, int]:
        rate = _rate_of(output_format)
        samples, sample_rate = decode_audio(data, raw_pcm_rate=rate if output_format.startswith("pcm_") else None,
                                            target_rate=rate)
        if samples.size == 0:
            raise UnreadableAudio("ElevenLabs sent audio with no samples")
        write_wav(out, samples, sample_rate)
        return sample_rate, int(samples.size)

    # --- the interface ---------------------------------------------------------------------------------------
    def synthesize(self, text: str, voice: Voice, out: Path, *, progress: ProgressCallback = no_progress,
                   cancel: CancelToken | None = None) -> RenderedAudio:
        if not text.strip():
            raise VoiceSettingsError("there is no text to speak")
        options = self._options(voice)
        kwargs: dict[str, Any] = {"text": text, "model_id": options["model_id"],
                                  "output_format": options["output_format"],
                                  "request_options": {"max_retries": 0}}
        if options["voice_settings"]:
            from elevenlabs import VoiceSettings

            kwargs["voice_settings"] = VoiceSettings(**options["voice_settings"])
        for name in ("seed", "language_code"):
            if options[name] is not None:
                kwargs[name] = options[name]

        def request(client: Any) -> tuple[bytes, Any]:
            if options["timestamps"]:
                answer = client.text_to_speech.convert_with_timestamps(voice.voice_id, **kwargs)
                return base64.b64decode(answer.audio_base_64), answer.alignment
            return b"".join(client.text_to_speech.convert(voice.voice_id, **kwargs)), None

        progress(Progress("synthesize", 0, 1, f"ElevenLabs, {len(text)} characters"))
        log.info("ElevenLabs text-to-speech: voice %s, model %s, %d characters", voice.voice_id,
                 options["model_id"], len(text))
        data, alignment = self._run(f"text-to-speech with voice {voice.voice_id}", request, cancel)
        sample_rate, count = self._decode(data, options["output_format"], out)
        characters: tuple[Timing, ...] = ()
        if alignment is not None:
            characters = characters_from_alignment(alignment.characters, alignment.character_start_times_seconds,
                                                   alignment.character_end_times_seconds)
        progress(Progress("synthesize", 1, 1, "ElevenLabs"))
        return RenderedAudio(Path(out), sample_rate, count, words_from_characters(characters), characters)

    def convert(self, recording: Path, voice: Voice, out: Path, *, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None) -> RenderedAudio:
        recording = Path(recording)
        data = check_recording(recording)
        options = self._options(voice)
        model = voice.settings.get("sts_model_id") or (
            voice.model_id if voice.model_id and "_sts" in voice.model_id else DEFAULT_STS_MODEL)
        kwargs: dict[str, Any] = {
            "audio": (recording.name, data, RECORDING_TYPES.get(recording.suffix.lower(), "application/octet-stream")),
            "model_id": model, "output_format": options["output_format"],
            "remove_background_noise": bool(voice.settings.get("remove_background_noise", False)),
            "request_options": {"max_retries": 0},
        }
        if options["voice_settings"]:
            kwargs["voice_settings"] = json.dumps(options["voice_settings"])  # a JSON string in this endpoint
        if options["seed"] is not None:
            kwargs["seed"] = options["seed"]
        progress(Progress("convert", 0, 1, f"ElevenLabs voice changer, {len(data) // 1024} KiB"))
        log.info("ElevenLabs voice changer: voice %s, model %s, %d bytes", voice.voice_id, model, len(data))
        audio = self._run(f"voice changer with voice {voice.voice_id}",
                          lambda client: b"".join(client.speech_to_speech.convert(voice.voice_id, **kwargs)), cancel)
        sample_rate, count = self._decode(audio, options["output_format"], out)
        progress(Progress("convert", 1, 1, "ElevenLabs voice changer"))
        return RenderedAudio(Path(out), sample_rate, count)

    def list_voices(self, *, search: str | None = None, page_size: int = 50,
                    page_token: str | None = None) -> VoicePage:
        size = max(1, min(page_size, 100))

        def request(client: Any) -> Any:
            return client.voices.search(page_size=size, search=search or None, next_page_token=page_token,
                                        include_total_count=True, request_options={"max_retries": 0})

        try:
            answer = self._run("listing voices", request, None)
        except RequestRejected as exc:
            if "HTTP 404" not in str(exc):
                raise
            return self._list_all_voices(search, size, page_token)  # a proxy without the v2 search endpoint
        return VoicePage(tuple(_voice_info(v) for v in answer.voices or []), bool(answer.has_more),
                         answer.next_page_token or None, answer.total_count)

    def _list_all_voices(self, search: str | None, size: int, page_token: str | None) -> VoicePage:
        answer = self._run("listing voices",
                           lambda client: client.voices.get_all(request_options={"max_retries": 0}), None)
        voices = [_voice_info(v) for v in answer.voices or []]
        if search:
            needle = search.casefold()
            voices = [v for v in voices if needle in f"{v.name} {v.voice_id} {v.description} "
                      f"{' '.join(v.labels.values())}".casefold()]
        start = int(page_token) if page_token and page_token.isdigit() else 0
        more = start + size < len(voices)
        return VoicePage(tuple(voices[start:start + size]), more, str(start + size) if more else None, len(voices))

    def masked(self, text: str) -> str:
        """``text`` with the current key hidden (for callers that show provider output)."""
        try:
            key = resolve_api_key(self._explicit_key)
        except VoiceError:
            return text
        return mask_secret(text, key)


def _voice_info(voice: Any) -> VoiceInfo:
    labels = {str(k): str(v) for k, v in (getattr(voice, "labels", None) or {}).items()}
    return VoiceInfo(
        provider="elevenlabs", voice_id=str(voice.voice_id), name=str(getattr(voice, "name", "") or voice.voice_id),
        language=labels.get("language", ""), gender=labels.get("gender", ""),
        category=str(getattr(voice, "category", "") or ""), description=str(getattr(voice, "description", "") or ""),
        preview_url=str(getattr(voice, "preview_url", "") or ""), labels=labels,
    )
