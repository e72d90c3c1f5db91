"""ElevenLabs failures -> clear VoiceErrors, and the bounded retry loop around each request.

The SDK is told not to retry (``max_retries: 0``); this loop decides: 429 waits for ``Retry-After``, 5xx,
timeouts and dropped connections back off exponentially, anything else fails at once. Every message passes
through ``mask_secret`` so the key never reaches a log, a dialog or a crash report.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pydantic

from engine.progress import CancelToken

from .elevenlabs_key import mask_secret
from .errors import KeyRefused, RateLimited, RequestRejected, ServiceUnavailable, VoiceError

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, the first included
    backoff_seconds: float = 1.0  # doubled after each failed try
    max_wait_seconds: float = 30.0  # cap on any single wait, Retry-After included


def _detail(body: Any) -> tuple[str, str]:
    """(status code word, human message) from an ElevenLabs error body."""
    if isinstance(body, dict):
        detail = body.get("detail", body)
        if isinstance(detail, dict):
            return str(detail.get("status", "")), str(detail.get("message", "") or detail)
        if isinstance(detail, list):  # FastAPI validation errors
            parts = []
            for item in detail:
                if isinstance(item, dict):
                    loc = ".".join(str(p) for p in item.get("loc", []) if p != "body")
                    parts.append(f"{loc}: {item.get('msg', item)}" if loc else str(item.get("msg", item)))
                else:
                    parts.append(str(item))
            return "validation", "; ".join(parts)
        return "", str(detail)
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return "", str(body or "").strip()[:300]


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not headers:
        return None
    value = next((v for k, v in dict(headers).items() if str(k).lower() == "retry-after"), None)
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def classify(exc: BaseException, *, what: str, key: str | None, base_url: str) -> VoiceError | None:
    """The VoiceError for an exception raised by the SDK or httpx, or None when it is not one of theirs."""
    from elevenlabs.core.api_error import ApiError

    if isinstance(exc, ApiError):
        status = exc.status_code or 0
        word, message = _detail(exc.body)
        message = mask_secret(message, key)
        http = f"HTTP {status}: {message}" if message else f"HTTP {status}"
        if word == "quota_exceeded":
            return KeyRefused(f"{what}: your ElevenLabs quota is used up ({http}); nothing was retried")
        if status == 401:
            return KeyRefused(f"{what}: the ElevenLabs key was refused ({http}); check ELEVENLABS_API_KEY or the "
                              "stored key; nothing was retried")
        if status == 403:
            return KeyRefused(f"{what}: ElevenLabs does not allow this with your key ({http})")
        if status == 429:
            return RateLimited(f"{what}: ElevenLabs is busy or your plan's limit was reached ({http})",
                               retry_after=retry_after_seconds(exc.headers))
        if status == 404:
            return RequestRejected(f"{what}: ElevenLabs does not know this voice or model ({http})")
        if status in (400, 422):
            return RequestRejected(f"{what}: ElevenLabs rejected the request ({http})")
        if status in (408, 409) or status >= 500:
            return ServiceUnavailable(f"{what}: ElevenLabs had a server error ({http})",
                                      retry_after=retry_after_seconds(exc.headers))
        return RequestRejected(f"{what}: ElevenLabs answered {http}")
    if isinstance(exc, json.JSONDecodeError | pydantic.ValidationError):
        return VoiceError(f"{what}: ElevenLabs sent an answer Storyreel could not read ({type(exc).__name__})")
    if isinstance(exc, httpx.TimeoutException):
        return ServiceUnavailable(f"{what}: ElevenLabs did not answer in time ({type(exc).__name__})")
    if isinstance(exc, httpx.TransportError):
        reason = mask_secret(str(exc) or type(exc).__name__, key)
        return ServiceUnavailable(f"{what}: could not reach ElevenLabs at {base_url} ({reason})")
    return None


def wait_cancellable(seconds: float, cancel: CancelToken | None) -> None:
    """Sleep in small steps so a cancel takes effect during a long Retry-After."""
    deadline = time.monotonic() + seconds
    while True:
        if cancel is not None:
            cancel.raise_if_cancelled()
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, 0.1))


def with_retries(action: Callable[[], T], *, what: str, key: str | None, base_url: str, policy: RetryPolicy,
                 cancel: CancelToken | None = None,
                 sleep: Callable[[float, CancelToken | None], None] = wait_cancellable,
                 on_retry: Callable[[VoiceError, int, float], None] | None = None) -> T:
    """Run ``action`` (which must read the whole response) with bounded retries of transient faults."""
    attempt = 0
    while True:
        attempt += 1
        if cancel is not None:
            cancel.raise_if_cancelled()
        fault: VoiceError | None = None
        try:
            return action()
        except Exception as exc:  # classified below; unknown errors re-raise unchanged
            fault = classify(exc, what=what, key=key, base_url=base_url)
            if fault is None:
                raise
        # Raised outside the except block: the SDK exception (headers, body) never rides along as context.
        if not fault.retryable or attempt >= policy.attempts:
            if fault.retryable:
                fault.args = (f"{fault.args[0]}; gave up after {attempt} tries",)
            raise fault
        wait = fault.retry_after if fault.retry_after is not None else policy.backoff_seconds * 2 ** (attempt - 1)
        wait = min(wait, policy.max_wait_seconds)
        if on_retry is not None:
            on_retry(fault, attempt, wait)
        sleep(wait, cancel)
