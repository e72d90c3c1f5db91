"""Where the ElevenLabs API key comes from, and how it is kept out of projects, logs and error messages.

Order: an explicit key, then ``ELEVENLABS_API_KEY``, then the OS keyring (service ``storyreel``). A headless
machine has no keyring backend; that is said plainly and the environment variable remains the way in.
"""

from __future__ import annotations

import os

from .errors import KeyMissing, KeyringUnavailable, VoiceError

ENV_KEY = "ELEVENLABS_API_KEY"
KEYRING_SERVICE = "storyreel"
KEYRING_USER = "elevenlabs"
MASK = "[key hidden]"


def _keyring_note(exc: Exception) -> str:
    return (f"this machine has no usable keyring ({type(exc).__name__}); set the {ENV_KEY} environment variable "
            "instead")


def key_from_keyring() -> tuple[str | None, str | None]:
    """(key, None) from the keyring, or (None, why not) when it holds none or cannot be used."""
    try:
        import keyring
        import keyring.errors
    except ImportError as exc:
        return None, _keyring_note(exc)
    try:
        return keyring.get_password(KEYRING_SERVICE, KEYRING_USER), None
    except keyring.errors.KeyringError as exc:  # NoKeyringError, InitError, locked keychains...
        return None, _keyring_note(exc)
    except Exception as exc:  # broken third-party backends raise anything (D-Bus errors...)
        return None, _keyring_note(exc)


def resolve_api_key(explicit: str | None = None) -> str:
    """The key to send, or ``KeyMissing`` saying where Storyreel looked."""
    for candidate in (explicit, os.environ.get(ENV_KEY)):
        if candidate and candidate.strip():
            return candidate.strip()
    key, note = key_from_keyring()
    if key and key.strip():
        return key.strip()
    where = f"no ElevenLabs API key: set {ENV_KEY} or store one with `storyreel voice --store-key`"
    raise KeyMissing(f"{where} ({note})" if note else where)


def set_api_key(key: str) -> None:
    """Store the key in the OS keyring (``KeyringUnavailable`` on machines without one)."""
    key = key.strip()
    if not key:
        raise VoiceError("the API key is empty")
    if any(c.isspace() for c in key):
        raise VoiceError("an ElevenLabs API key has no spaces; check what was pasted")
    import keyring
    import keyring.errors

    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, key)
    except Exception as exc:  # see key_from_keyring
        raise KeyringUnavailable(f"the key was not stored: {_keyring_note(exc)}") from None


def clear_api_key() -> bool:
    """Remove the stored key; False when the keyring held none."""
    import keyring
    import keyring.errors

    try:
        keyring.delete_password(KEYRING_SERVICE, KEYRING_USER)
    except keyring.errors.PasswordDeleteError:
        return False
    except Exception as exc:  # see key_from_keyring
        raise KeyringUnavailable(f"the key was not removed: {_keyring_note(exc)}") from None
    return True


def mask_secret(text: str, secret: str | None) -> str:
    """``text`` with every occurrence of the secret (and of any long tail of it) replaced."""
    if not secret:
        return text
    masked = text.replace(secret, MASK)
    if len(secret) >= 16:  # also a truncated echo such as 'sk_1234...'; short keys would mask ordinary words
        masked = masked.replace(secret[: len(secret) // 2], MASK)
    return masked
