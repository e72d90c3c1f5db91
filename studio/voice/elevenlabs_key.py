"""Where the ElevenLabs API key comes from, and how it is kept out of projects, logs and error messages.

Order: an explicit key, then ``ELEVENLABS_API_KEY``, then the OS keyring (``studio.secret_store``). A headless
machine has no keyring backend; that is said plainly and the environment variable remains the way in.
"""

from __future__ import annotations

import os

from studio.secret_store import SecretStoreUnavailable, delete_secret, read_secret, write_secret

from .errors import KeyMissing, KeyringUnavailable, VoiceError

ENV_KEY = "ELEVENLABS_API_KEY"
KEYRING_USER = "elevenlabs"  # the name under the keyring's "storyreel" service
MASK = "[key hidden]"


def key_from_keyring() -> tuple[str | None, str | None]:
    """(key, None) from the keyring, or (None, why not) when it holds none or cannot be used."""
    return read_secret(KEYRING_USER, ENV_KEY)


def resolve_api_key(explicit: str | None = None) -> str:
    """The key to send, or ``KeyMissing`` saying where Storyreel looked."""
    for candidate in (explicit, os.environ.get(ENV_KEY)):
        if candidate and candidate.strip():
            return candidate.strip()
    key, note = key_from_keyring()
    if key:
        return key
    where = f"no ElevenLabs API key: set {ENV_KEY} or store one with `storyreel voice --store-key`"
    raise KeyMissing(f"{where} ({note})" if note else where)


def set_api_key(key: str) -> None:
    """Store the key in the OS keyring (``KeyringUnavailable`` on machines without one)."""
    key = key.strip()
    if not key:
        raise VoiceError("the API key is empty")
    if any(c.isspace() for c in key):
        raise VoiceError("an ElevenLabs API key has no spaces; check what was pasted")
    try:
        write_secret(KEYRING_USER, key, ENV_KEY)
    except SecretStoreUnavailable as exc:
        raise KeyringUnavailable(f"the key was not stored: {exc}") from None


def clear_api_key() -> bool:
    """Remove the stored key; False when the keyring held none."""
    try:
        return delete_secret(KEYRING_USER, ENV_KEY)
    except SecretStoreUnavailable as exc:
        raise KeyringUnavailable(f"the key was not removed: {exc}") from None


def mask_secret(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of the secret (and of any long tail of it) replaced."""
    if not secret:
        return text
    masked = text.replace(secret, MASK)
    if len(secret) >= 16:  # also a truncated echo such as 'sk_1234...'; short keys would mask ordinary words
        masked = masked.replace(secret[: len(secret) // 2], MASK)
    return masked
