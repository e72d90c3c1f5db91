"""User text on a terminal: control characters (escape sequences, carriage returns, bidi overrides) are shown as
escapes, so a prompt or a file name can never repaint the terminal or hide what follows it.

JSON output is left alone: json.dumps escapes control characters itself.
"""

from __future__ import annotations

import re
from typing import TextIO

# C0 and C1 controls, DEL, and the Unicode marks that reorder or hide text (bidi overrides and isolates).
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_STREAM = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\x1b": "\\e"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: object) -> str:
    """``text`` on one line with every control character escaped (``\\e[2J`` instead of clearing the screen)."""
    return _UNSAFE.sub(_escape, str(text))


class EscapingStream:
    """A text stream that escapes control characters except newlines and tabs (what the CLI itself prints)."""

    def __init__(self, stream: TextIO) -> None:
        self.raw_stream = stream

    def write(self, text: str) -> int:
        self.raw_stream.write(_UNSAFE_IN_STREAM.sub(_escape, text))
        return len(text)

    def __getattr__(self, name: str) -> object:  # flush, isatty, encoding, fileno...
        return getattr(self.raw_stream, name)


def raw_stdout(stream: TextIO) -> TextIO:
    """The stream under an EscapingStream (for JSON output), or ``stream`` itself."""
    return getattr(stream, "raw_stream", stream)
