"""Line breaking and drawing of multi-font text on story cards.

Latin-style scripts break at spaces; Chinese and Japanese break between characters, except before closing and
after opening punctuation (kinsoku). Right-to-left paragraphs are right-aligned; within a run, raqm shapes and
orders the glyphs.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from PIL import ImageDraw

from engine.animatic.card_fonts import FontChain, FontFace, is_joining

NO_LINE_START = set("，。、．,.!！?？:：;；)）]］}｝」』】〉》〕〗〙〛”’…‥ー々ゝゞぁぃぅぇぉっゃゅょァィゥェォッャュョ%％")
NO_LINE_END = set("(（[［{｛「『【〈《〔〖〘〚“‘")
ELLIPSIS = "…"

Run = tuple[FontFace, str]


def breaks_anywhere(char: str) -> bool:
    """Scripts written without spaces between words: CJK ideographs, kana, fullwidth forms, Thai."""
    code = ord(char)
    return (
        0x2E80 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
        or 0x0E00 <= code <= 0x0E7F
    )


def is_rtl(text: str) -> bool:
    """True when the first strongly directional character is right-to-left (Arabic, Hebrew...)."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def pieces(text: str) -> list[str]:
    """Unbreakable pieces; a break is allowed after each (a piece keeps its trailing spaces, or is a newline)."""
    out: list[str] = []
    current = ""
    for char in text:
        if char == "\n":
            if current:
                out.append(current)
            out.append("\n")
            current = ""
        elif char.isspace():
            current += " "
        elif current and current[-1] == " ":
            out.append(current)
            current = char
        elif is_joining(char) or char in NO_LINE_START or (current and current[-1] in NO_LINE_END):
            current += char
        elif breaks_anywhere(char) or (current and breaks_anywhere(current[-1])):
            if current:
                out.append(current)
            current = char
        else:
            current += char
    if current:
        out.append(current)
    return out


@dataclass
class Line:
    text: str
    runs: list[Run]
    width: float
    rtl: bool


class Typesetter:
    """Measures and wraps text in one size of one font chain."""

    def __init__(self, chain: FontChain, size: int, *, tracking: float = 0.0) -> None:
        self.chain, self.size, self.tracking = chain, max(1, int(size)), tracking
        self._widths: dict[str, float] = {}

    def width(self, text: str) -> float:
        if text not in self._widths:
            total = 0.0
            for face, run in self.chain.runs(text):
                total += face.at(self.size).getlength(run)
            if self.tracking:
                total += self.tracking * max(0, len(text) - 1)
            self._widths[text] = total
        return self._widths[text]

    def line(self, text: str) -> Line:
        text = text.rstrip(" ")
        return Line(text, self.chain.runs(text), self.width(text), is_rtl(text))

    def wrap(self, text: str, max_width: float) -> list[Line]:
        lines: list[Line] = []
        current = ""
        for piece in pieces(text):
            if piece == "\n":
                lines.append(self.line(current))
                current = ""
                continue
            candidate = current + piece
            if self.width(candidate.rstrip(" ")) <= max_width or not current:
                current = candidate
            else:
                lines.append(self.line(current))
                current = piece.lstrip(" ")
            while self.width(current.rstrip(" ")) > max_width and len(current.rstrip(" ")) > 1:
                head, current = self._split_long(current, max_width)
                lines.append(self.line(head))
        if current.strip() or not lines:
            lines.append(self.line(current))
        return lines

    def _split_long(self, text: str, max_width: float) -> tuple[str, str]:
        """Break a piece wider than the line between characters (never before a combining mark)."""
        cut = 1
        for end in range(1, len(text) + 1):
            if end < len(text) and is_joining(text[end]):
                continue
            if self.width(text[:end]) > max_width:
                break
            cut = end
        return text[:cut], text[cut:]

    def truncate(self, line: Line, max_width: float) -> Line:
        """Shorten a line to fit with an ellipsis (for text longer than the card holds)."""
        text = line.text
        while text and self.width(text + ELLIPSIS) > max_width:
            text = text[:-1]
        return self.line(text.rstrip(" ") + ELLIPSIS)

    def draw(
        self, draw: ImageDraw.ImageDraw, line: Line, x: float, baseline: float, fill: tuple[int, ...],
        *, box_width: float | None = None,
    ) -> None:
        """Draw ``line`` with its baseline at ``baseline``; right-aligned in ``box_width`` when right-to-left."""
        if line.rtl and box_width is not None:
            x += box_width - line.width
        runs = line.runs
        if line.rtl:
            # Visual order for a right-to-left line: runs right to left; a run of neutrals only (spaces,
            # punctuation from a fallback font) reads right to left too. raqm orders glyphs inside a run.
            runs = [(face, text if _has_strong(text) else text[::-1]) for face, text in reversed(runs)]
        for face, text in runs:
            font = face.at(self.size)
            if self.tracking:
                for cluster in _clusters(text):
                    draw.text((x, baseline), cluster, font=font, fill=fill, anchor="ls")
                    x += font.getlength(cluster) + self.tracking
            else:
                draw.text((x, baseline), text, font=font, fill=fill, anchor="ls")
                x += font.getlength(text)


def _has_strong(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("L", "R", "AL") for char in text)


def _clusters(text: str) -> list[str]:
    out: list[str] = []
    for char in text:
        if out and is_joining(char):
            out[-1] += char
        else:
            out.append(char)
    return out
