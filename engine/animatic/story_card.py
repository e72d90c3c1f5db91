"""Story cards: the shot's prompt set on a seed-coloured card, for shots that have no reference still.

A card has two layers so camera moves can show parallax: a background (graded gradient, a soft light, out-of-focus
discs, fine grain) and a transparent foreground with the type (slug line with the shot label, the prompt, a footer
naming the move). The canvas is larger than the frame it is designed for, so a move never runs off its edge.
"""

from __future__ import annotations

import colorsys
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image, ImageDraw

from engine.animatic.card_fonts import card_font_chain
from engine.animatic.typesetting import Line, Typesetter

TEXT_COLOUR = (244, 239, 228)
MAX_PROMPT_CHARS = 900  # more than any card shows; keeps fitting fast for very long prompts


@dataclass(frozen=True)
class Palette:
    deep: tuple[float, float, float]
    mid: tuple[float, float, float]
    glow: tuple[float, float, float]
    accent: tuple[int, int, int]


def _hsv(h: float, s: float, v: float) -> tuple[float, float, float]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, min(1.0, max(0.0, s)), min(1.0, max(0.0, v)))
    return (r * 255, g * 255, b * 255)


def palette_for_seed(seed: int) -> Palette:
    """A dark, filmic palette derived from the seed: deep and mid tones of one hue, a contrasting glow."""
    rng = np.random.default_rng([seed, 0x5C0])
    hue = rng.uniform(0.0, 1.0)
    glow_hue = hue + rng.choice([-1, 1]) * rng.uniform(0.08, 0.5)
    accent = _hsv(glow_hue, 0.38, 0.95)
    return Palette(
        deep=_hsv(hue, rng.uniform(0.55, 0.75), rng.uniform(0.07, 0.11)),
        mid=_hsv(hue + rng.uniform(-0.05, 0.05), rng.uniform(0.45, 0.65), rng.uniform(0.26, 0.36)),
        glow=_hsv(glow_hue, rng.uniform(0.35, 0.6), rng.uniform(0.6, 0.85)),
        accent=(round(accent[0]), round(accent[1]), round(accent[2])),
    )


@dataclass
class StoryCard:
    background: np.ndarray  # RGB uint8, the whole canvas
    foreground: np.ndarray  # RGBA uint8, premultiplied alpha, same size
    palette: Palette
    missing_glyphs: set[str] = field(default_factory=set)

    def flatten(self) -> np.ndarray:
        return composite(self.background, self.foreground)


def composite(background: np.ndarray, foreground: np.ndarray) -> np.ndarray:
    """``background`` under a premultiplied RGBA ``foreground`` (uint8 arithmetic, no float copies)."""
    alpha = foreground[:, :, 3]
    inverse = cv2.merge([255 - alpha] * 3)
    under = cv2.multiply(background, inverse, scale=1 / 255.0)
    return cv2.add(under, foreground[:, :, :3])


def _background(width: int, height: int, palette: Palette, rng: np.random.Generator) -> np.ndarray:
    # Work at a quarter size for the smooth parts, then scale up: they have no detail to lose.
    small_w, small_h = max(8, width // 4), max(8, height // 4)
    y, x = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    x /= small_w
    y /= small_h
    angle = rng.uniform(0.35, 0.65) * np.pi  # mostly top-to-bottom, a little diagonal
    ramp = (x - 0.5) * np.cos(angle) + (y - 0.5) * np.sin(angle)
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    ramp = ramp * ramp * (3 - 2 * ramp)
    deep, mid = np.array(palette.deep, np.float32), np.array(palette.mid, np.float32)
    image = mid[None, None] * (1 - ramp[..., None]) + deep[None, None] * ramp[..., None]
    # A soft key light off-frame, as on a lit backdrop.
    gx, gy = rng.uniform(0.15, 0.85), rng.uniform(0.05, 0.4)
    aspect = small_w / small_h
    distance = np.sqrt(((x - gx) * aspect) ** 2 + (y - gy) ** 2) / max(1.0, aspect)
    light = np.clip(1 - distance / 0.9, 0, 1) ** 2.2 * rng.uniform(0.28, 0.4)
    image += np.array(palette.glow, np.float32)[None, None] * light[..., None]
    # Out-of-focus discs: depth cues that make a camera move read on an otherwise smooth card.
    bokeh = np.zeros((small_h, small_w, 3), np.float32)
    unit = min(small_w, small_h)
    for _ in range(int(rng.integers(9, 16))):
        centre = (int(rng.uniform(0, small_w)), int(rng.uniform(0, small_h)))
        radius = max(2, int(unit * rng.uniform(0.03, 0.11)))
        tint = np.array(palette.glow if rng.random() < 0.7 else palette.accent, np.float32)
        disc = np.zeros((small_h, small_w), np.float32)
        cv2.circle(disc, centre, radius, float(rng.uniform(0.05, 0.16)), -1, cv2.LINE_AA)
        cv2.circle(disc, centre, radius, float(rng.uniform(0.08, 0.2)), max(1, radius // 8), cv2.LINE_AA)
        bokeh += disc[..., None] * tint[None, None]
    image += cv2.GaussianBlur(bokeh, (0, 0), max(0.6, unit * 0.004))
    image = cv2.resize(image, (width, height), interpolation=cv2.INTER_CUBIC)
    # Vignette baked lightly into the backdrop; the renderer adds a screen-space one on top.
    yy, xx = np.ogrid[0:height, 0:width]
    rx, ry = (xx / width - 0.5) * 2, (yy / height - 0.5) * 2
    image *= (1 - 0.22 * np.clip(rx * rx * 0.6 + ry * ry * 0.8, 0, 1.4)).astype(np.float32)[..., None]
    # Fine monochrome grain: a film texture that also dithers away banding in the gradient.
    grain = rng.standard_normal((height, width), dtype=np.float32) * 2.2
    image += grain[..., None]
    return np.clip(image, 0, 255).astype(np.uint8)


def _fit_prompt(
    setter_for: Callable[[int], Typesetter], text: str, box_w: float, box_h: float, sizes: list[int]
) -> tuple[Typesetter, list[Line]]:
    """The largest size whose wrapped prompt fits the box; at the smallest size, cut with an ellipsis."""
    for size in sizes:
        setter = setter_for(size)
        lines = setter.wrap(text, box_w)
        if len(lines) * size * 1.42 <= box_h:
            return setter, lines
    setter = setter_for(sizes[-1])
    lines = setter.wrap(text, box_w)
    keep = max(1, int(box_h // (sizes[-1] * 1.42)))
    if len(lines) > keep:
        lines = lines[:keep]
        lines[-1] = setter.truncate(lines[-1], box_w)
    return setter, lines


def render_story_card(
    prompt: str,
    label: str,
    frame_size: tuple[int, int],
    *,
    seed: int,
    density: float = 1.0,
    margin: float = 1.2,
    footer: str = "",
    safe_box: tuple[float, ...] = (0.0, 0.0, 1.0, 1.0),
) -> StoryCard:
    """A card whose centre ``frame_size * density`` rectangle is the designed frame, on a ``margin`` times larger canvas."""
    frame_w, frame_h = frame_size
    design_w, design_h = frame_w * density, frame_h * density
    canvas_w, canvas_h = max(16, round(design_w * margin)), max(16, round(design_h * margin))
    palette = palette_for_seed(seed)
    rng = np.random.default_rng([seed, 0xCA4D])
    background = _background(canvas_w, canvas_h, palette, rng)

    # Type is laid out in the part of the design frame that stays in view for the whole move (``safe_box``,
    # fractions); sizes follow its height, but never outgrow a narrow (portrait) frame.
    left, top_f, right, bottom = safe_box
    ox = (canvas_w - design_w) / 2 + left * design_w
    oy = (canvas_h - design_h) / 2 + top_f * design_h
    design_w, design_h = design_w * (right - left), design_h * (bottom - top_f)
    unit = min(design_h, design_w * 0.75)
    pad_x, pad_y = design_w * 0.085, design_h * 0.1
    text_layer = Image.new("L", (canvas_w, canvas_h), 0)
    colour_layer = Image.new("RGB", (canvas_w, canvas_h), TEXT_COLOUR)
    colour_draw = ImageDraw.Draw(colour_layer)
    mask_draw = ImageDraw.Draw(text_layer)
    missing: set[str] = set()

    def ink(setter: Typesetter, line: Line, x: float, baseline: float, colour: tuple[int, int, int],
            opacity: int = 255, box_width: float | None = None) -> None:
        # Colour and coverage are drawn separately so overlapping runs and anti-aliasing composite cleanly.
        setter.draw(mask_draw, line, x, baseline, (opacity,), box_width=box_width)
        setter.draw(colour_draw, line, x, baseline, colour, box_width=box_width)

    # Slug line: the shot label, tracked out, in the accent colour, with a short rule under it.
    slug_text = (label or "").strip().upper()
    slug_size = max(8, round(unit * 0.042))
    top = oy + pad_y
    if slug_text:
        chain = card_font_chain(slug_text, bold=True)
        slug = Typesetter(chain, slug_size, tracking=slug_size * 0.14)
        line = slug.wrap(slug_text, design_w - 2 * pad_x)[0]
        ink(slug, line, ox + pad_x, top + slug_size, palette.accent, box_width=design_w - 2 * pad_x)
        rule_y = top + slug_size * 1.75
        rule_x = ox + pad_x if not line.rtl else ox + design_w - pad_x - design_w * 0.07
        thickness = max(1.0, slug_size * 0.09)
        mask_draw.rectangle([rule_x, rule_y, rule_x + design_w * 0.07, rule_y + thickness], fill=200)
        colour_draw.rectangle([rule_x, rule_y, rule_x + design_w * 0.07, rule_y + thickness], fill=palette.accent)
        missing |= chain.missing

    # Footer: the move and length, quiet.
    footer_size = max(7, round(unit * 0.03))
    if footer:
        chain = card_font_chain(footer)
        foot = Typesetter(chain, footer_size, tracking=footer_size * 0.12)
        line = foot.wrap(footer.upper(), design_w - 2 * pad_x)[0]
        ink(foot, line, ox + pad_x, oy + design_h - pad_y, TEXT_COLOUR, opacity=150)
        missing |= chain.missing

    # The prompt: as large as fits, left-aligned (right for RTL), a little above the optical centre.
    text = " ".join(prompt.split(" ")).strip()[:MAX_PROMPT_CHARS] or "Untitled shot"
    chain = card_font_chain(text)
    box_top = top + slug_size * 3.2
    box_bottom = oy + design_h - pad_y - footer_size * 2.6
    box_w = (design_w - 2 * pad_x) * (0.86 if design_w >= design_h else 1.0)
    sizes = sorted({max(8, round(unit * f)) for f in (0.095, 0.085, 0.075, 0.066, 0.058, 0.05, 0.043, 0.037)},
                   reverse=True)
    setter, lines = _fit_prompt(lambda size: Typesetter(chain, size), text, box_w, box_bottom - box_top, sizes)
    line_h = setter.size * 1.42
    block_h = len(lines) * line_h
    y = box_top + max(0.0, (box_bottom - box_top - block_h) * 0.42)
    for line in lines:
        ink(setter, line, ox + pad_x, y + setter.size * 1.08, TEXT_COLOUR, box_width=box_w)
        y += line_h
    missing |= chain.missing

    # Soft shadow under all type, for legibility over the lighter parts of the backdrop.
    coverage = np.asarray(text_layer, np.float32) / 255.0
    blur = max(1.0, unit * 0.006)
    shadow = cv2.GaussianBlur(coverage, (0, 0), blur)
    shift = np.float32([[1, 0, unit * 0.002], [0, 1, unit * 0.003]])
    shadow = cv2.warpAffine(shadow, shift, (canvas_w, canvas_h)) * 0.55
    alpha = coverage + shadow * (1 - coverage)
    colour = np.asarray(colour_layer, np.float32) * coverage[..., None]
    foreground = np.dstack([colour, alpha * 255]).round().clip(0, 255).astype(np.uint8)
    return StoryCard(background, foreground, palette, missing)
