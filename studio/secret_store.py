"""The OS keyring, as Storyreel keeps its secrets there (service ``storyreel``; the ElevenLabs key, a cluster token).

A headless machine has no keyring backend (``NoKeyringError``), and third-party backends fail in their own ways
(D-Bus errors, locked keychains): every failure becomes ``SecretStoreUnavailable`` with one sentence saying
which environment variable to use instead. Callers turn that into their own errors.
"""

from __future__ import annotations

SERVICE = "storyreel"


class SecretStoreUnavailable(Exception):
    """This machine's keyring cannot be used; the message names the environment variable to set instead."""


def _unavailable(exc: BaseException, env_name: str) -> SecretStoreUnavailable:
    return SecretStoreUnavailable(f"this machine has no usable keyring ({type(exc).__name__}); set the {env_name} "
                                  "environment variable instead")


def read_secret(name: str, env_name: str) -> tuple[str | None, str | None]:
    """(value, None) from the keyring (value None when it holds none), or (None, why it cannot be used)."""
    try:
        import keyring

        value = keyring.get_password(SERVICE, name)
    except Exception as exc:  # ImportError, NoKeyringError, broken backends: see the module's note
        return None, str(_unavailable(exc, env_name))
    return (value.strip() or None) if value else None, None


def write_secret(name: str, value: str, env_name: str) -> None:
    try:
        import keyring

        keyring.set_password(SERVICE, name, value)
    except Exception as exc:
        raise _unavailable(exc, env_name) from None


def delete_secret(name: str, env_name: str) -> bool:
    """Remove a stored secret; False when the keyring held none."""
    try:
        import keyring
        import keyring.errors
    except ImportError as exc:
        raise _unavailable(exc, env_name) from None
    try:
        keyring.delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        return False
    except Exception as exc:
        raise _unavailable(exc, env_name) from None
    return True
