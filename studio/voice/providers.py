"""Voice providers by name."""

from __future__ import annotations

from typing import Any

from .errors import VoiceError
from .provider import VoiceProvider

PROVIDER_NAMES = ("espeak", "kokoro", "elevenlabs")
DEFAULT_PROVIDER = "espeak"


def get_provider(name: str, **options: Any) -> VoiceProvider:
    """A provider by name: 'espeak' (offline, default), 'kokoro' (offline neural voice, once downloaded; options:
    store, model_path, voices_path) or 'elevenlabs' (options: api_key, base_url, retry...)."""
    if name == "espeak":
        from .espeak_provider import EspeakProvider

        return EspeakProvider(**options)
    if name == "kokoro":
        from .kokoro_provider import KokoroProvider

        return KokoroProvider(**options)
    if name == "elevenlabs":
        from .elevenlabs_provider import ElevenLabsProvider

        return ElevenLabsProvider(**options)
    raise VoiceError(f"no voice provider {name!r}; choose one of {', '.join(PROVIDER_NAMES)}")
