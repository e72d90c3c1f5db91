"""The editor's log: a rotating file in the platform's user log folder, with secrets masked before they are written.

``setup_logging()`` adds one handler to the root logger (idempotent). Its ``SecretFilter`` rewrites every record
— message, arguments, traceback — with the ElevenLabs key (from the environment or the keyring), a render farm
token from the environment, and anything shaped like an ElevenLabs key replaced, so a crash report copied from the log can be shared as it is.
"""

from __future__ import annotations

import logging
import os
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from studio.voice.elevenlabs_key import ENV_KEY, MASK, key_from_keyring, mask_secret

APP_NAME = "Storyreel"
LOG_FILE = "storyreel.log"
RAY_TOKEN_ENV = "RAY_AUTH_TOKEN"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s] %(message)s"
# ElevenLabs keys are 'sk_' and 48 hex digits; the header that carries one is masked whatever its value.
_KEY_SHAPES = (re.compile(r"\bsk_[0-9A-Za-z]{20,}"), re.compile(r"(?i)(xi-api-key['\"]?\s*[:=]\s*['\"]?)[^'\"\s,}]+"))


def log_dir() -> Path:
    """The platform's user log folder for Storyreel (``~/.local/state/Storyreel/log`` on Linux)."""
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def known_secrets() -> list[str]:
    """The secrets this process could send: the ElevenLabs key (environment, else keyring) and a render farm token."""
    found = [os.environ.get(ENV_KEY, "").strip(), os.environ.get(RAY_TOKEN_ENV, "").strip()]
    if not found[0]:
        key, _why_not = key_from_keyring()
        found.append((key or "").strip())
    return [secret for secret in found if secret]


def mask_text(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        text = mask_secret(text, secret)
    text = _KEY_SHAPES[0].sub(MASK, text)
    return _KEY_SHAPES[1].sub(lambda m: m.group(1) + MASK, text)


class SecretFilter(logging.Filter):
    """Masks secrets in each record a handler writes (a handler's filter sees records from every logger)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info, self.secrets)
        return True


@dataclass
class AppLog:
    path: Path
    handler: logging.Handler
    secret_filter: SecretFilter

    def mask(self, text: str) -> str:
        return mask_text(text, self.secret_filter.secrets)

    def close(self) -> None:
        logging.getLogger().removeHandler(self.handler)
        self.handler.close()


_current: AppLog | None = None


def setup_logging(folder: Path | None = None, level: int = logging.INFO) -> AppLog:
    """Log to ``folder/storyreel.log`` (default: ``log_dir()``), rotating at 1 MB, five old files kept."""
    global _current
    folder = folder or log_dir()
    if _current is not None and _current.path.parent == folder:
        return _current
    if _current is not None:
        _current.close()
    folder.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(folder / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    secret_filter = SecretFilter(known_secrets())
    handler.addFilter(secret_filter)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    logging.captureWarnings(True)
    _current = AppLog(folder / LOG_FILE, handler, secret_filter)
    return _current


def close_logging() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None
