"""Errors a filmmaker can meet while narrating: each says what happened and what to do, never the API key."""

from __future__ import annotations

from studio.project.errors import StoryreelError


class VoiceError(StoryreelError):
    """A line could not be voiced.

    ``retryable``: sending the same request again may succeed (busy service, dropped connection).
    ``fatal``: every further request would fail the same way (refused key, no key), so a batch stops.
    """

    retryable = False
    fatal = False

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class VoiceSettingsError(VoiceError):
    """A voice id or a voice setting the provider cannot use (bad variant, rate out of range...)."""


class KeyMissing(VoiceError):
    """No ElevenLabs API key in the environment or the keyring."""

    fatal = True


class KeyringUnavailable(VoiceError):
    """This machine has no usable keyring backend (headless Linux, CI)."""

    fatal = True


class KeyRefused(VoiceError):
    """ElevenLabs answered 401/403: the key is wrong, revoked, lacks a permission or the quota is used up."""

    fatal = True


class RateLimited(VoiceError):
    """429 after the bounded retries."""

    retryable = True


class ServiceUnavailable(VoiceError):
    """5xx, timeouts and dropped connections after the bounded retries."""

    retryable = True


class RequestRejected(VoiceError):
    """400/404/422: the service understood the request and refused it (bad voice id, invalid setting)."""


class UnreadableAudio(VoiceError):
    """Audio that neither the standard library nor ffmpeg can decode."""
