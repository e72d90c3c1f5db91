"""Fonts for story cards, with per-character fallback so any language renders real glyphs, never boxes.

The chain is Noto Sans (Latin, Greek, Cyrillic), then Arabic, Hebrew, Devanagari and Thai faces, then Noto Sans CJK
(the face picked for the text: Japanese when it has kana, Korean when it has hangul, else Simplified Chinese), then
whatever the system has. The fonts ship in ``resources/fonts`` (package data of ``storyreel_resources``, or through
``STORYREEL_FONTS_DIR``); if they are gone we fall back to system fonts and log what is missing.
"""

from __future__ import annotations

import logging
import os
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from engine.animatic.font_cmap import FontFileError, codepoints
from storyreel_resources import resource_path

log = logging.getLogger(__name__)

FONT_DIR = resource_path("fonts")
CJK_FILE = "NotoSansCJK-Regular.ttc"
CJK_FACES = {"ja": 0, "ko": 1, "zh-Hans": 2, "zh-Hant": 3}
SCRIPT_FILES = (
    "NotoSansArabic-Regular.ttf",
    "NotoSansHebrew-Regular.ttf",
    "NotoSansDevanagari-Regular.ttf",
    "NotoSansThai-Regular.ttf",
)
# Tried, in order, when the bundled fonts lack a character (or are missing): common system locations.
SYSTEM_FALLBACKS = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/Supplemental/Arial Unicode.ttf", 0),
    ("C:/Windows/Fonts/msyh.ttc", 0),
    ("C:/Windows/Fonts/segoeui.ttf", 0),
    ("C:/Windows/Fonts/arial.ttf", 0),
)


def font_dir() -> Path:
    override = os.environ.get("STORYREEL_FONTS_DIR")
    return Path(override) if override else FONT_DIR


@dataclass(frozen=True)
class FontFace:
    """One face of one font file, and the characters it has glyphs for."""

    path: Path
    index: int = 0

    @property
    def name(self) -> str:
        return f"{self.path.name}#{self.index}" if self.index else self.path.name

    @property
    def covered(self) -> frozenset[int]:
        return codepoints(self.path, self.index)

    def has_glyph(self, char: str) -> bool:
        return ord(char) in self.covered

    def at(self, size: int) -> ImageFont.FreeTypeFont:
        return _load(self.path, self.index, size)


@lru_cache(maxsize=64)
def _load(path: Path, index: int, size: int) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if _has_raqm() else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size=size, index=index, layout_engine=layout)


@lru_cache(maxsize=1)
def _has_raqm() -> bool:
    from PIL import features

    return bool(features.check("raqm"))


def _usable(path: Path, index: int) -> FontFace | None:
    if not path.is_file():
        return None
    face = FontFace(path, index)
    try:
        face.covered  # noqa: B018 - parse now so a damaged file is skipped, not failed on later
    except (OSError, FontFileError) as error:
        log.warning("skipping font %s: %s", path, error)
        return None
    return face


def cjk_language(text: str) -> str:
    """Which CJK face suits the text: Japanese glyph forms with kana, Korean with hangul, else Chinese."""
    for char in text:
        code = ord(char)
        if 0x3040 <= code <= 0x30FF or 0x31F0 <= code <= 0x31FF:
            return "ja"
        if 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
            return "ko"
    return "zh-Hans"


def is_joining(char: str) -> bool:
    """Marks, joiners and variation selectors stay with the character before them (same run, same font)."""
    return unicodedata.category(char) in ("Mn", "Mc", "Me", "Cf") or 0xFE00 <= ord(char) <= 0xFE0F


@dataclass
class FontChain:
    """Faces in priority order; each character is drawn with the first face that has it."""

    faces: list[FontFace]
    missing: set[str] = field(default_factory=set)  # characters no face has (they are left out, not boxed)

    def face_for(self, char: str) -> FontFace | None:
        for face in self.faces:
            if face.has_glyph(char):
                return face
        return None

    def runs(self, text: str) -> list[tuple[FontFace, str]]:
        """Split ``text`` into (face, text) runs; characters no face covers are dropped and recorded."""
        runs: list[tuple[FontFace, str]] = []
        for char in text:
            if runs and is_joining(char):
                runs[-1] = (runs[-1][0], runs[-1][1] + char)
                continue
            face = self.face_for(char)
            if face is None:
                if not char.isspace() and unicodedata.category(char) != "Cc":
                    self.missing.add(char)
                    log.warning("no font has a glyph for %r (U+%04X); it is left off the card", char, ord(char))
                continue
            if runs and runs[-1][0] == face:
                runs[-1] = (face, runs[-1][1] + char)
            else:
                runs.append((face, char))
        return runs


def card_font_chain(text: str = "", *, bold: bool = False) -> FontChain:
    """The fallback chain for drawing ``text`` (the text only picks the CJK face)."""
    return FontChain(list(_chain_faces(bold, cjk_language(text))))


@lru_cache(maxsize=8)
def _chain_faces(bold: bool, language: str) -> tuple[FontFace, ...]:
    folder = font_dir()
    names = ["NotoSans-Bold.ttf", "NotoSans-Regular.ttf"] if bold else ["NotoSans-Regular.ttf"]
    faces = [_usable(folder / name, 0) for name in names]
    faces += [_usable(folder / name, 0) for name in SCRIPT_FILES]
    cjk = _usable(folder / CJK_FILE, CJK_FACES[language])
    faces.append(cjk)
    if cjk is None:
        log.warning(
            "the bundled CJK font %s was not found in %s: Chinese, Japanese and Korean text on story cards "
            "needs a system CJK font, and characters no font has are left out",
            CJK_FILE, folder,
        )
    faces += [_usable(Path(path), index) for path, index in SYSTEM_FALLBACKS]
    chain = tuple(dict.fromkeys(face for face in faces if face is not None))
    if not chain:
        raise FileNotFoundError(f"no usable font for story cards (looked in {folder} and the system font folders)")
    return chain
