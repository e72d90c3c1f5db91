"""Title cards and burned-in captions drawn with Pillow, in a font that covers CJK when the bundle ships one.

What the film's cards look like, for the export (drawn once per card/cue and composited by ffmpeg, so no film
frame passes through Python) and for the editor's preview alike.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from storyreel_resources import resource_path

FONTS = resource_path("fonts")
_PREFERRED = ("NotoSansCJK-Regular.ttc", "NotoSans-Regular.ttf")
_SYSTEM = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "C:/Windows/Fonts/arial.ttf",
           "/System/Library/Fonts/Supplemental/Arial.ttf")


@functools.cache
def font_file() -> Path | None:
    """The bundled CJK-capable font if present, else a common system font, else None (Pillow's default)."""
    for name in _PREFERRED:
        if (FONTS / name).is_file():
            return FONTS / name
    return next((Path(p) for p in _SYSTEM if Path(p).is_file()), None)


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_file()
    return ImageFont.truetype(str(path), size) if path else ImageFont.load_default(size)


def wrap(text: str, font, max_width: int) -> list[str]:
    """Greedy wrap on spaces; text without spaces (CJK) wraps per character."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words = paragraph.split(" ") if " " in paragraph.strip() else list(paragraph)
        joiner = " " if " " in paragraph.strip() else ""
        current = ""
        for word in words:
            trial = f"{current}{joiner}{word}" if current else word
            if current and font.getlength(trial) > max_width:
                lines.append(current)
                current = word
            else:
                current = trial
        lines.append(current)
    return lines


def render_card(text: str, width: int, height: int) -> Image.Image:
    """White centred text on black: a title or credit card."""
    image = Image.new("RGB", (width, height), "black")
    size = max(10, height // 14)
    while True:  # a long card (credits naming the voices) gets smaller type until it fits in the frame
        font = _font(size)
        lines = wrap(text, font, int(width * 0.8))
        if size <= 10 or int(size * 1.3) * len(lines) <= height * 0.86:
            break
        size = max(10, int(size * 0.92))
    _draw_block(ImageDraw.Draw(image), lines, font, width, height // 2, anchor_middle=True)
    return image


def render_caption(text: str, width: int, height: int) -> tuple[Image.Image, int, int]:
    """A subtitle cue as an RGBA image and its (x, y) on a frame of ``width`` x ``height`` (bottom centre)."""
    font = _font(max(10, height // 18))
    lines = wrap(text, font, int(width * 0.86))
    size = font.size if hasattr(font, "size") else 12
    line_h = int(size * 1.25)
    pad = max(2, size // 4)
    text_w = int(max(font.getlength(line) for line in lines)) if lines else 0
    box_w, box_h = min(width, text_w + 2 * pad), min(height, line_h * len(lines) + 2 * pad)
    image = Image.new("RGBA", (box_w, box_h), (0, 0, 0, 150))
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        x = (box_w - font.getlength(line)) / 2
        draw.text((x, pad + i * line_h), line, font=font, fill=(255, 255, 255, 255),
                  stroke_width=max(1, size // 16), stroke_fill=(0, 0, 0, 255))
    x = (width - box_w) // 2
    y = max(0, height - box_h - height // 14)
    return image, x, y


def _draw_block(draw: ImageDraw.ImageDraw, lines: list[str], font, width: int, center_y: int, *,
                anchor_middle: bool) -> None:
    size = font.size if hasattr(font, "size") else 12
    line_h = int(size * 1.3)
    top = center_y - line_h * len(lines) // 2 if anchor_middle else center_y
    for i, line in enumerate(lines):
        draw.text(((width - font.getlength(line)) / 2, top + i * line_h), line, font=font, fill="white")
