"""ElevenLabs sound effects (``text_to_sound_effects.convert``), fitted to the shot with a seamless loop.

It is the voice provider's client with one more request: the same key resolution, retry loop (429 waits for
Retry-After, 5xx backs off), fault messages and audio decoding. A 422 (a prompt ElevenLabs refuses) fails at
once with its message; nothing is retried, so nothing is billed twice.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from engine.progress import CancelToken
from studio.voice.elevenlabs_provider import ElevenLabsProvider
from studio.voice.errors import VoiceSettingsError
from studio.voice.wav_audio import read_wav, write_wav

from .loop_fit import fit_to_length
from .sound_sources import RenderedSound, to_int16

log = logging.getLogger("storyreel.sound.elevenlabs")

SOUND_MODEL = "eleven_text_to_sound_v2"
SOUND_FORMAT = "mp3_44100_128"  # every plan has it; 44.1 kHz WAV/PCM needs a paid tier
SOUND_RATE = 44_100
MIN_SECONDS, MAX_SECONDS = 0.5, 30.0  # what the endpoint accepts; longer shots loop the 30 s
PROMPT_INFLUENCE = 0.3


class ElevenLabsSoundEffects(ElevenLabsProvider):
    name = "elevenlabs"
    bills = True

    def sample_rate(self) -> int:
        return SOUND_RATE

    @staticmethod
    def request_seconds(n_samples: int) -> float:
        return round(min(MAX_SECONDS, max(MIN_SECONDS, n_samples / SOUND_RATE)), 2)

    def identity(self, prompt: str, n_samples: int, variant: int) -> dict[str, Any]:
        # Everything the request carries, and the take's number: a further take is a new request on purpose.
        return {"provider": self.name, "text": prompt, "duration_seconds": self.request_seconds(n_samples),
                "loop": True, "model_id": SOUND_MODEL, "output_format": SOUND_FORMAT,
                "prompt_influence": PROMPT_INFLUENCE, "variant": variant, "samples": n_samples}

    def render(self, prompt: str, n_samples: int, variant: int, out: Path, *,
               cancel: CancelToken | None = None) -> RenderedSound:
        if not prompt.strip():
            raise VoiceSettingsError("the sound prompt is empty")
        seconds = self.request_seconds(n_samples)
        kwargs = {"text": prompt, "duration_seconds": seconds, "loop": True, "model_id": SOUND_MODEL,
                  "prompt_influence": PROMPT_INFLUENCE, "output_format": SOUND_FORMAT,
                  "request_options": {"max_retries": 0}}
        log.info("ElevenLabs sound effect: %.2f s, %d characters", seconds, len(prompt))
        data = self._run(f"sound effect {prompt[:40]!r}",
                         lambda client: b"".join(client.text_to_sound_effects.convert(**kwargs)), cancel)
        rate, _ = self._decode(data, SOUND_FORMAT, out)
        samples, rate = read_wav(out)
        fitted = fit_to_length(samples.astype("float32") / 32768.0, n_samples, rate)
        write_wav(out, to_int16(fitted), rate)
        return RenderedSound(Path(out), rate, n_samples)
