"""Narration and dialogue: offline espeak-ng by default, ElevenLabs text-to-speech and voice changer, the cast's
voices, an audio take cache, and fitting lines to shots.

Entry points (see /work/helpers/APIS.md): ``narrate_lines``, ``narrate_missing``, ``convert_recording``,
``billable_characters``, ``get_provider``, ``fit_report``, ``propose_extensions``.
"""

from .cast_voices import assign_default_voices, default_voice_for, voice_for_line
from .elevenlabs_key import clear_api_key, resolve_api_key, set_api_key
from .errors import (
    KeyMissing,
    KeyRefused,
    KeyringUnavailable,
    RateLimited,
    RequestRejected,
    ServiceUnavailable,
    UnreadableAudio,
    VoiceError,
    VoiceSettingsError,
)
from .narration import (
    LinePlan,
    NarrationReport,
    billable_characters,
    convert_recording,
    lines_needing_audio,
    narrate_lines,
    narrate_missing,
    plan_narration,
)
from .provider import RenderedAudio, Timing, VoiceInfo, VoicePage, VoiceProvider
from .providers import DEFAULT_PROVIDER, PROVIDER_NAMES, get_provider
from .shot_fit import ExtensionProposal, LineFit, ShotFit, estimate_seconds, fit_report, propose_extensions

__all__ = [
    "DEFAULT_PROVIDER", "PROVIDER_NAMES", "ExtensionProposal", "KeyMissing", "KeyRefused", "KeyringUnavailable",
    "LineFit", "LinePlan", "NarrationReport", "RateLimited", "RenderedAudio", "RequestRejected",
    "ServiceUnavailable", "ShotFit", "Timing", "UnreadableAudio", "VoiceError", "VoiceInfo", "VoicePage",
    "VoiceProvider", "VoiceSettingsError", "assign_default_voices", "billable_characters", "clear_api_key",
    "convert_recording", "default_voice_for", "estimate_seconds", "fit_report", "get_provider",
    "lines_needing_audio", "narrate_lines", "narrate_missing", "plan_narration", "propose_extensions",
    "resolve_api_key", "set_api_key", "voice_for_line",
]
