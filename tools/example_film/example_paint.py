"""A small procedural-painting kit for the example film's reference stills.

Images are float32 RGB arrays in [0, 1] (display space), drawn back to front: gradients, value-noise clouds,
soft-edged silhouettes, glows and light beams, then a shared finish (bloom, vignette, film grain).
Everything takes a seeded ``numpy.random.Generator`` so a rebuild gives the same pixels.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

Color = tuple[float, float, float]
Image = np.ndarray


def rgb(hex_color: str) -> np.ndarray:
    """'#ffaa33' -> float32 [1, 0.67, 0.2]."""
    value = hex_color.lstrip("#")
    return np.array([int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)], np.float32)


def vertical_gradient(h: int, w: int, stops: Sequence[tuple[float, str]]) -> Image:
    """Rows blend between colour stops given as (position 0..1 from the top, '#rrggbb')."""
    ys = np.linspace(0, 1, h, dtype=np.float32)
    positions = [p for p, _ in stops]
    colors = np.stack([rgb(c) for _, c in stops])
    column = np.stack([np.interp(ys, positions, colors[:, k]) for k in range(3)], axis=1)
    return np.repeat(column[:, None, :], w, axis=1).astype(np.float32)


def value_noise(rng: np.random.Generator, h: int, w: int, cells: tuple[int, int]) -> Image:
    """Smooth noise in [0, 1]: a coarse random grid (rows, cols) upsampled with a cubic filter."""
    grid = rng.random((cells[0] + 3, cells[1] + 3)).astype(np.float32)
    big = cv2.resize(grid, (w + 2 * (w // cells[1]), h + 2 * (h // cells[0])), interpolation=cv2.INTER_CUBIC)
    oy, ox = h // cells[0], w // cells[1]
    return big[oy:oy + h, ox:ox + w]


def fbm(rng: np.random.Generator, h: int, w: int, cells: tuple[int, int], octaves: int = 5,
        persistence: float = 0.5) -> Image:
    """Fractal noise in [0, 1]: octaves of value noise, each twice as fine and ``persistence`` as strong."""
    total = np.zeros((h, w), np.float32)
    amplitude, norm = 1.0, 0.0
    for octave in range(octaves):
        scale = 2 ** octave
        total += amplitude * value_noise(rng, h, w, (cells[0] * scale, cells[1] * scale))
        norm += amplitude
        amplitude *= persistence
    total /= norm
    low, high = np.percentile(total, (0.5, 99.5))
    return np.clip((total - low) / (high - low + 1e-6), 0, 1)


def smoothstep(edge0: float, edge1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0, 1)
    return t * t * (3 - 2 * t)


def polygon_mask(h: int, w: int, points: np.ndarray, feather: float = 0.0) -> Image:
    """An anti-aliased filled polygon (points in pixels), optionally feathered by a Gaussian of ``feather`` px."""
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round(points * 16).astype(np.int32)], 255, lineType=cv2.LINE_AA, shift=4)
    out = mask.astype(np.float32) / 255
    return blur(out, feather) if feather > 0 else out


def ellipse_mask(h: int, w: int, center: tuple[float, float], axes: tuple[float, float], feather: float = 0.0,
                 angle: float = 0.0) -> Image:
    mask = np.zeros((h, w), np.uint8)
    c = (round(center[0] * 16), round(center[1] * 16))
    a = (max(1, round(axes[0] * 16)), max(1, round(axes[1] * 16)))
    cv2.ellipse(mask, c, a, angle, 0, 360, 255, -1, lineType=cv2.LINE_AA, shift=4)
    out = mask.astype(np.float32) / 255
    return blur(out, feather) if feather > 0 else out


def blur(image: Image, sigma: float) -> Image:
    return cv2.GaussianBlur(image, (0, 0), sigmaX=sigma, sigmaY=sigma, borderType=cv2.BORDER_REFLECT)


def radial_glow(h: int, w: int, center: tuple[float, float], radius: float, squash: float = 1.0) -> Image:
    """exp falloff around a point: 1 at the centre, ~0.37 at ``radius`` (``squash`` < 1 flattens it vertically)."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d2 = ((xs - center[0]) ** 2 + ((ys - center[1]) / squash) ** 2) / radius**2
    return np.exp(-d2)


def beam(h: int, w: int, origin: tuple[float, float], angle_deg: float, spread_deg: float, reach: float) -> Image:
    """A lighthouse beam: a cone from ``origin`` along ``angle_deg`` (0 = right, 90 = down), fading with distance."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = xs - origin[0], ys - origin[1]
    theta = np.deg2rad(angle_deg)
    along = dx * np.cos(theta) + dy * np.sin(theta)
    across = -dx * np.sin(theta) + dy * np.cos(theta)
    angular = np.abs(np.arctan2(across, np.maximum(along, 1e-3)))
    cone = np.exp(-(angular / np.deg2rad(spread_deg)) ** 2) * (along > 0)
    fade = np.exp(-np.maximum(along, 0) / reach)
    return (cone * fade).astype(np.float32)


def paint(image: Image, color: np.ndarray | Sequence[float], mask: np.ndarray) -> Image:
    """Lay ``color`` (a colour or a per-pixel image) over ``image`` with opacity ``mask``."""
    m = mask[..., None]
    return image * (1 - m) + np.asarray(color, np.float32) * m


def add_light(image: Image, color: np.ndarray | Sequence[float], mask: np.ndarray) -> Image:
    """Additive light (screen-like but allowed to bloom past 1 before the finish)."""
    return image + np.asarray(color, np.float32) * mask[..., None]


def rough_edge(rng: np.random.Generator, n: int, amplitude: float, cells: int = 12) -> np.ndarray:
    """1-D fractal jitter of length n, for cliff lines and wave crests."""
    out = np.zeros(n, np.float32)
    amp = 1.0
    for octave in range(5):
        k = cells * 2**octave
        knots = rng.standard_normal(k + 2).astype(np.float32)
        out += amp * np.interp(np.linspace(0, k + 1, n), np.arange(k + 2), knots)
        amp *= 0.5
    return out / np.abs(out).max() * amplitude


def rain_streaks(rng: np.random.Generator, h: int, w: int, count: int, length: float, angle_deg: float,
                 thickness: int = 1) -> Image:
    """Thin slanted streaks (rain caught in light), motion-blurred along their direction."""
    layer = np.zeros((h, w), np.uint8)
    theta = np.deg2rad(angle_deg)
    for _ in range(count):
        x, y = rng.uniform(-50, w + 50), rng.uniform(-50, h + 50)
        span = length * rng.uniform(0.5, 1.2)
        end = (x + span * np.cos(theta), y + span * np.sin(theta))
        cv2.line(layer, (int(x), int(y)), (int(end[0]), int(end[1])), int(rng.uniform(60, 255)), thickness,
                 lineType=cv2.LINE_AA)
    return blur(layer.astype(np.float32) / 255, 0.8)


def finish(image: Image, rng: np.random.Generator, *, bloom: float = 0.35, bloom_sigma: float = 28.0,
           vignette: float = 0.35, grain: float = 0.025, warmth: float = 0.0) -> np.ndarray:
    """Bloom from highlights, a vignette, a gentle tone curve and film grain -> uint8 RGB."""
    h, w = image.shape[:2]
    highlights = np.clip(image - 0.75, 0, None)
    image = image + bloom * (blur(highlights, bloom_sigma) + 0.5 * blur(highlights, bloom_sigma * 3))
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xs - w / 2) / (w / 2)) ** 2 + ((ys - h / 2) / (h / 2)) ** 2
    image = image * (1 - vignette * np.clip(r2 / 2, 0, 1) ** 1.2)[..., None]
    if warmth:
        image = image * np.array([1 + warmth, 1 + warmth * 0.3, 1 - warmth], np.float32)
    image = 1 - np.exp(-image * 1.15)  # soft shoulder: highlights roll off instead of clipping
    image = image / (1 - np.exp(-1.15))
    noise = blur(rng.standard_normal((h, w)).astype(np.float32), 0.7) * grain * 2.2
    image = image + noise[..., None] * (0.6 + 0.4 * (1 - image))
    return (np.clip(image, 0, 1) * 255 + 0.5).astype(np.uint8)
