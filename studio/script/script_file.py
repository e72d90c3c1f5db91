"""Reading a script file into text: size limit, binary detection, and the encodings editors really write."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from studio.project.bounded_files import InputFileError, read_bounded

from .errors import ScriptError

MAX_SCRIPT_BYTES = 5 * 1024 * 1024  # a feature screenplay is ~200 KB; 5 MB is not a script
# A feature has 1,500-3,000 paragraphs (action, cues, dialogue); 20,000 is several features, and keeps the parse,
# the breakdown and the merge into the project to a few seconds.
MAX_SCRIPT_PARAGRAPHS = 20_000
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")

# Byte-order marks, longest first (a UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Magic numbers of files people drop by mistake, so the error can say what the file is.
_KNOWN_BINARIES = (
    (b"%PDF", "a PDF; export the script as Fountain (.fountain) text instead"),
    (b"PK\x03\x04", "a zip archive (a .docx, .highland or similar); export the script as Fountain text"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"{\\rtf", "an RTF document; save the script as plain Fountain text"),
)


def read_script(path: Path | str) -> str:
    """The text of a Fountain script; raises ScriptError naming what is wrong with the file.

    Only a regular file is read (a FIFO or ``/dev/zero`` would never end), and at most MAX_SCRIPT_BYTES of it.
    """
    path = Path(path)
    try:
        data = read_bounded(path, kind="screenplay", max_bytes=MAX_SCRIPT_BYTES)
    except InputFileError as exc:
        message = str(exc).removeprefix(f"{path}: ")
        if "never that big" in message:
            message += "; a screenplay is plain text well under that, so this is not one"
        raise ScriptError(message, path=path) from None
    return decode_script(data, path=path)


def decode_script(data: bytes, *, path: Path | None = None) -> str:
    """Bytes -> text: a BOM picks UTF-8/16/32, otherwise the text must be UTF-8 (Fountain's encoding)."""
    if len(data) > MAX_SCRIPT_BYTES:
        raise ScriptError(f"the text is {len(data) / 2**20:.1f} MiB; a screenplay is never that big", path=path)
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom):], name
            break
    else:
        for magic, what in _KNOWN_BINARIES:
            if data.startswith(magic):
                raise ScriptError(f"this is {what}, not a Fountain screenplay", path=path)
        if b"\x00" in data:
            raise ScriptError(
                "this is a binary file (it contains NUL bytes), not a Fountain screenplay; "
                "if it is UTF-16 text without a byte-order mark, save it as UTF-8",
                path=path,
            )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.start + 1].hex().upper()
        hint = "save the script as UTF-8 (most editors: Save As > Encoding > UTF-8)"
        raise ScriptError(
            f"not valid {encoding.upper()} text (byte 0x{bad} at offset {exc.start}: {exc.reason}); {hint}",
            path=path,
        ) from None
    if not text.strip():
        raise ScriptError("the script is empty", path=path)
    paragraphs = len(_PARAGRAPH_BREAK.findall(text)) + 1
    if paragraphs > MAX_SCRIPT_PARAGRAPHS:
        raise ScriptError(f"the script has {paragraphs} paragraphs; Storyreel imports at most {MAX_SCRIPT_PARAGRAPHS} "
                          "(several feature films); split it into parts", path=path)
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text) // 100):
        raise ScriptError("this looks like a binary file (many control characters), not a screenplay", path=path)
    return text
