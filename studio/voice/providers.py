"""Voice providers by name."""

from __future__ import annotations

from typing import Any

from .errors import VoiceError
from .provider import VoiceProvider

PROVIDER_NAMES = ("espeak", "elevenlabs")
DEFAULT_PROVIDER = "espeak"


def get_provider(name: str, **options: Any) -> VoiceProvider:
    """A provider by name: 'espeak' (offline, default) or 'elevenlabs' (options: api_key, base_url, retry...)."""
    if name == "espeak":
        from .espeak_provider import EspeakProvider

        return EspeakProvider(**options)
    if name == "elevenlabs":
        from .elevenlabs_provider import ElevenLabsProvider

        return ElevenLabsProvider(**options)
    raise VoiceError(f"no voice provider {name!r}; choose one of {', '.join(PROVIDER_NAMES)}")
