"""The example film's reference stills, painted in code (see example_paint.py) or graded from scikit-image's
public-domain sample photos. Each function returns a uint8 RGB frame of (H, W) = (1080, 1920).
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import skimage.data
from example_paint import (
    Image,
    add_light,
    beam,
    blur,
    ellipse_mask,
    fbm,
    finish,
    paint,
    polygon_mask,
    radial_glow,
    rain_streaks,
    rgb,
    rough_edge,
    smoothstep,
    value_noise,
    vertical_gradient,
)

H, W = 1080, 1920


def _lighthouse(img: Image, base: tuple[float, float], height: float, body: str, band: str, shade: float,
                lamp: float) -> tuple[Image, tuple[float, float]]:
    """A tapered tower with two bands, a gallery, a glazed lantern and a dome; returns the lamp's position."""
    bx, by = base
    bottom_half, top_half = height * 0.14, height * 0.095
    top = by - height
    tower = np.array([[bx - bottom_half, by], [bx + bottom_half, by], [bx + top_half, top], [bx - top_half, top]])
    img = paint(img, rgb(body), polygon_mask(H, W, tower))
    for lo, hi in ((0.30, 0.42), (0.62, 0.74)):  # painted bands, following the taper
        y0, y1 = by - height * lo, by - height * hi
        half0 = bottom_half + (top_half - bottom_half) * lo
        half1 = bottom_half + (top_half - bottom_half) * hi
        band_poly = np.array([[bx - half0, y0], [bx + half0, y0], [bx + half1, y1], [bx - half1, y1]])
        img = paint(img, rgb(band), polygon_mask(H, W, band_poly))
    # Side shading: the tower is a cylinder lit from the left.
    xs = np.arange(W, dtype=np.float32)
    across = np.clip((xs - (bx - bottom_half)) / (2 * bottom_half), 0, 1)
    shadow = polygon_mask(H, W, tower) * (shade * smoothstep(0.35, 1.0, across))[None, :]
    img = img * (1 - shadow[..., None])
    gallery_y = top - height * 0.02
    img = paint(img, rgb("#15161c"), polygon_mask(H, W, np.array(
        [[bx - top_half * 1.5, gallery_y], [bx + top_half * 1.5, gallery_y],
         [bx + top_half * 1.5, gallery_y - height * 0.025], [bx - top_half * 1.5, gallery_y - height * 0.025]])))
    lantern_bottom, lantern_top = gallery_y - height * 0.025, gallery_y - height * 0.11
    lantern = np.array([[bx - top_half * 0.8, lantern_bottom], [bx + top_half * 0.8, lantern_bottom],
                        [bx + top_half * 0.8, lantern_top], [bx - top_half * 0.8, lantern_top]])
    glass = rgb("#fff1c4") * lamp + rgb("#2a3040") * (1 - lamp)
    img = paint(img, glass, polygon_mask(H, W, lantern))
    for k in (-0.4, 0.0, 0.4):  # glazing bars
        x = bx + top_half * 0.8 * k
        img = paint(img, rgb("#1b1b22"), polygon_mask(H, W, np.array(
            [[x - 1.2, lantern_bottom], [x + 1.2, lantern_bottom], [x + 1.2, lantern_top], [x - 1.2, lantern_top]])))
    dome = ellipse_mask(H, W, (bx, lantern_top), (top_half * 0.95, height * 0.05))
    dome *= (np.arange(H)[:, None] <= lantern_top).astype(np.float32)
    img = paint(img, rgb("#121318"), dome)
    img = paint(img, rgb("#121318"), polygon_mask(H, W, np.array(
        [[bx - 2, lantern_top - height * 0.05], [bx + 2, lantern_top - height * 0.05],
         [bx, lantern_top - height * 0.085]])))
    return img, (bx, (lantern_bottom + lantern_top) / 2)


def lighthouse_at_dusk(rng: np.random.Generator) -> np.ndarray:
    """Wide: the lighthouse on its headland at dusk, the beam reaching out over a darkening sea."""
    horizon = int(H * 0.63)
    img = vertical_gradient(H, W, [(0.0, "#0b1030"), (0.28, "#2a2350"), (0.48, "#6a3c62"),
                                   (0.57, "#c8664a"), (0.63, "#f2a35c")])
    sun = radial_glow(H, W, (W * 0.30, horizon), 520, squash=0.35)
    img = add_light(img, rgb("#ffb36b"), 0.55 * sun)
    # Long, low clouds: stretched noise, dark bodies with warm undersides near the horizon.
    clouds = fbm(rng, H, W, (6, 2), octaves=6, persistence=0.55)
    sky_rows = np.linspace(0, 1, H, dtype=np.float32)[:, None]
    density = smoothstep(0.52, 0.78, clouds) * smoothstep(0.05, 0.35, sky_rows) * (1 - smoothstep(0.55, 0.62, sky_rows))
    underside = np.clip(np.roll(density, -10, axis=0) - density, 0, 1) * 3.0
    img = paint(img, rgb("#2a1f3a"), density * 0.75)
    img = add_light(img, rgb("#ff9a5a"), np.clip(underside, 0, 1) * smoothstep(0.25, 0.6, sky_rows) * 0.6)
    stars = (rng.random((H, W)) > 0.9993).astype(np.float32) * (1 - smoothstep(0.05, 0.35, sky_rows))
    img = add_light(img, rgb("#dfe6ff"), blur(stars, 0.7) * 2.5 * (1 - density))
    # Sea: darker than the sky, with horizontal ripples catching the afterglow.
    sea_rows = np.clip((np.arange(H, dtype=np.float32) - horizon) / (H - horizon), 0, 1)[:, None]
    sea = vertical_gradient(H, W, [(0.0, "#0b1030"), (0.63, "#4a3350"), (0.7, "#1e2340"), (1.0, "#070a18")])
    ripples = fbm(rng, H, W, (60, 3), octaves=4, persistence=0.6)
    glint_x = radial_glow(H, W, (W * 0.30, horizon), 380, squash=3.0)
    sea = add_light(sea, rgb("#ff9f62"), smoothstep(0.6, 0.95, ripples) * glint_x * (1 - sea_rows) * 0.9)
    sea = add_light(sea, rgb("#8a6aa0"), smoothstep(0.7, 1.0, ripples) * 0.12 * (1 - sea_rows))
    below = (np.arange(H)[:, None] >= horizon).astype(np.float32)
    img = paint(img, sea, np.repeat(below, W, axis=1))
    img = paint(img, rgb("#ffc98a"), blur(np.repeat((np.abs(np.arange(H) - horizon) < 2).astype(np.float32)[:, None], W, 1), 1.5)
                * glint_x * 0.6)
    # The headland: a cliff falls to the sea at the left of the frame's right half; sea stays open to the left.
    xs = np.arange(W, dtype=np.float32)
    top = H * 0.47 + smoothstep(W * 0.82, W, xs) * H * 0.04 + rough_edge(rng, W, 10)
    face = W * 0.47 + rough_edge(rng, H, 26, cells=6)  # x of the cliff face, per row
    land = polygon_mask(H, W, np.array([[W * 0.60, top[int(W * 0.6)]], *[(x, top[int(x)]) for x in xs[int(W * 0.6)::4]],
                                        [W + 20, top[-1]], [W + 20, H], [W * 0.40, H]], np.float32), feather=0.8)
    rows = np.arange(H, dtype=np.float32)[:, None]
    shoulder = (xs[None, :] > face[:, None] + (W * 0.13) * (1 - smoothstep(H * 0.47, H * 0.75, rows))) | (rows > H * 0.99)
    land = land * shoulder.astype(np.float32)
    land = blur(land, 1.0)
    rock = vertical_gradient(H, W, [(0.0, "#1a1828"), (0.6, "#141322"), (1.0, "#07070d")])
    rock = rock * (0.7 + 0.45 * fbm(rng, H, W, (14, 10), octaves=5))[..., None]
    img = paint(img, rock, land)
    rim = np.clip(land - np.roll(land, 4, axis=1), 0, 1) + np.clip(land - np.roll(land, 4, axis=0), 0, 1)
    img = add_light(img, rgb("#c27b63"), blur(np.clip(rim, 0, 1), 1.2) * 0.45)
    foam = (1 - land) * np.roll(land, -14, axis=1) * (rows > horizon)
    img = add_light(img, rgb("#9d8fb4"), blur(foam * fbm(rng, H, W, (40, 60), octaves=3), 5) * 0.3)
    ridge = top
    tower_x = W * 0.72
    tower_base = float(ridge[int(tower_x)]) + 6
    # Keeper's cottage with one lit window, left of the tower.
    cx, cy = tower_x - 150, tower_base + 4
    img = paint(img, rgb("#131220"), polygon_mask(H, W, np.array(
        [[cx - 80, cy], [cx + 70, cy], [cx + 70, cy - 60], [cx - 5, cy - 105], [cx - 80, cy - 60]])))
    window = polygon_mask(H, W, np.array([[cx - 40, cy - 22], [cx - 18, cy - 22], [cx - 18, cy - 46], [cx - 40, cy - 46]]))
    img = paint(img, rgb("#ffcf7a"), window)
    img = add_light(img, rgb("#ff9c40"), radial_glow(H, W, (cx - 29, cy - 34), 40) * 0.45)
    img, lamp = _lighthouse(img, (tower_x, tower_base), 330, "#a7a2b4", "#6e2430", shade=0.65, lamp=1.0)
    haze = 0.7 + 0.6 * fbm(rng, H, W, (5, 9), octaves=3)
    img = add_light(img, rgb("#fff0c8"), beam(H, W, lamp, 188, 5.5, 1300) * haze * 0.8)
    img = add_light(img, rgb("#fff0c8"), beam(H, W, lamp, 8, 3.0, 500) * haze * 0.25)
    img = add_light(img, rgb("#fff4d6"), radial_glow(H, W, lamp, 26) * 1.5 + radial_glow(H, W, lamp, 120) * 0.35)
    return finish(img, rng, bloom=0.5, vignette=0.45, grain=0.022)



def lamp_room(rng: np.random.Generator) -> np.ndarray:
    """Interior: the great Fresnel lens in the lantern room, lit from within, dusk blue in the glazing behind."""
    img = vertical_gradient(H, W, [(0.0, "#0d1a33"), (0.35, "#1f3858"), (0.6, "#3f5470"), (0.64, "#1a1410"),
                                   (1.0, "#0b0806")])
    # Helical glazing bars: two families of diagonals make the diamond panes of a lantern.
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    glazing = (ys < H * 0.62).astype(np.float32)
    for slope in (0.55, -0.55):
        phase = np.mod(xs + slope * ys, 300.0)
        bars = 1 - smoothstep(5, 9, np.minimum(phase, 300 - phase))
        img = paint(img, rgb("#0a0a0e"), bars * glazing)
    img = paint(img, rgb("#0c0a09"), 1 - smoothstep(H * 0.60, H * 0.625, ys) * 0 - (ys < H * 0.6))
    clouds = fbm(rng, H, W, (5, 3), octaves=5)
    img = add_light(img, rgb("#55708f"), smoothstep(0.55, 0.9, clouds) * glazing * 0.25)
    # The lens: a tall barrel of glass (superellipse), centre bullseye and stacked prism rings.
    cx, cy, a, b = W * 0.5, H * 0.47, 300.0, 430.0
    u, v = (xs - cx) / a, (ys - cy) / b
    lens = np.clip((1 - (np.abs(u) ** 4 + np.abs(v) ** 4)) * 40, 0, 1)
    r = np.hypot(xs - cx, ys - cy)
    bull = 1 - smoothstep(165, 175, r)
    rings = 0.5 + 0.5 * np.cos(r / 165 * np.pi * 2 * 6)
    prisms = np.mod(np.abs(ys - cy) / 30.0, 1.0)
    prism_light = smoothstep(0.55, 0.95, prisms) * 0.9 + 0.1
    curvature = np.clip(1 - np.abs(u) ** 2, 0, 1)  # a cylinder is brightest where it faces us
    glass = np.zeros_like(img) + rgb("#12302c")
    glass = add_light(glass, rgb("#8fd3c0"), prism_light * curvature * (1 - bull) * 0.55)
    glass = add_light(glass, rgb("#ffd892"), (1 - np.clip(np.abs(ys - cy) / b, 0, 1)) ** 2 * (1 - bull) * 0.8 * curvature)
    glass = add_light(glass, rgb("#ffe2a6"), bull * (0.45 + 0.55 * rings) * (1 - r / 260))
    glass = add_light(glass, rgb("#fff6df"), radial_glow(H, W, (cx, cy), 60) * 2.2)
    glass = add_light(glass, rgb("#cfe9ff"), smoothstep(0.7, 1.0, value_noise(rng, H, W, (2, 30))) * lens * 0.18)
    img = paint(img, glass, lens)
    # Brass frame: panel joints and a top and bottom ring.
    for k in (-0.72, 0.0, 0.72):
        x = cx + a * k
        strut = lens * (1 - smoothstep(3, 6, np.abs(xs - x)))
        img = paint(img, rgb("#6b4a22") * 0.6, strut)
        img = add_light(img, rgb("#d9a35a"), strut * (1 - smoothstep(0, 2.5, np.abs(xs - x + 2))) * 0.5)
    for y in (cy - b * 0.93, cy + b * 0.93):
        ring = ellipse_mask(H, W, (cx, y), (a * 0.62, 22))
        img = paint(img, rgb("#5b3d1c"), ring)
        img = add_light(img, rgb("#f0b86a"), ring * smoothstep(4, 0, np.abs(ys - (y - 14))) * 0.6)
    # Cast-iron pedestal below the lens, and a brass handrail catching the lamp.
    pedestal = polygon_mask(H, W, np.array([[cx - 120, cy + b * 0.95], [cx + 120, cy + b * 0.95],
                                            [cx + 170, H], [cx - 170, H]]))
    img = paint(img, rgb("#16110d"), pedestal)
    img = add_light(img, rgb("#ffb35a"), pedestal * radial_glow(H, W, (cx, cy + b), 150) * 0.4)
    rail = polygon_mask(H, W, np.array([[0, H * 0.80], [W, H * 0.76], [W, H * 0.775], [0, H * 0.815]]))
    img = paint(img, rgb("#3a2612"), rail)
    img = add_light(img, rgb("#ffbe6a"), rail * radial_glow(H, W, (cx, H * 0.78), 500, squash=0.3) * 0.9)
    # The keeper, a silhouette at the left with his cloth raised to the glass.
    kx, ky = W * 0.2, H * 0.36
    body = polygon_mask(H, W, np.array([[kx - 165, H], [kx - 150, ky + 230], [kx + 150, ky + 230], [kx + 165, H]]),
                        feather=2)
    body += ellipse_mask(H, W, (kx, ky + 215), (150, 95), feather=2)  # rounded shoulders of a heavy coat
    body += polygon_mask(H, W, np.array([[kx - 28, ky + 90], [kx + 28, ky + 90], [kx + 34, ky + 140],
                                         [kx - 34, ky + 140]]), feather=2)  # neck and collar
    head = ellipse_mask(H, W, (kx + 6, ky + 48), (50, 62), feather=2)
    cap = polygon_mask(H, W, np.array([[kx - 50, ky + 34], [kx - 48, ky - 12], [kx + 54, ky - 20], [kx + 60, ky + 20],
                                       [kx + 104, ky + 36], [kx + 56, ky + 38]]), feather=1.5)
    arm = polygon_mask(H, W, np.array([[kx + 95, ky + 170], [kx + 290, ky + 60], [kx + 318, ky + 92],
                                       [kx + 130, ky + 235]]), feather=2)
    hand = ellipse_mask(H, W, (kx + 312, ky + 66), (26, 22), feather=2)
    figure = np.clip(body + head + cap + arm + hand, 0, 1)
    img = paint(img, rgb("#07060a"), figure)
    edge = np.clip(figure - np.roll(figure, -4, axis=1), 0, 1) * (ys < H * 0.62)
    img = add_light(img, rgb("#ffb866"), blur(edge, 2.0) * 0.45)
    img = add_light(img, rgb("#ffcf8a"), radial_glow(H, W, (cx, cy), 420) * 0.28)
    wall = (ys >= H * 0.6).astype(np.float32) * (1 - lens) * (1 - figure)
    img = add_light(img, rgb("#b8743a"), wall * radial_glow(H, W, (cx, H * 0.62), 700, squash=0.5) * 0.12 * (0.8 + 0.4 * fbm(rng, H, W, (4, 30), octaves=3)))
    return finish(img, rng, bloom=0.6, bloom_sigma=30, vignette=0.55, grain=0.025)


def storm_at_sea(rng: np.random.Generator) -> np.ndarray:
    """The storm: heavy sky, rain, big swells, and the light far off on its rock still cutting through."""
    horizon = int(H * 0.5)
    img = vertical_gradient(H, W, [(0.0, "#0c1117"), (0.3, "#1d2833"), (0.5, "#3b4853")])
    clouds = fbm(rng, H, W, (5, 7), octaves=7, persistence=0.6)
    img = paint(img, rgb("#0b1016"), smoothstep(0.35, 0.85, clouds) * 0.8)
    glow = radial_glow(H, W, (W * 0.72, H * 0.18), 420, squash=0.6)
    img = add_light(img, rgb("#8aa2b8"), glow * smoothstep(0.2, 0.7, clouds) * 0.45)
    img = add_light(img, rgb("#c9d8e8"), glow * smoothstep(0.55, 0.8, clouds) * 0.25)
    # The distant light on its rock, beam sweeping right into the rain.
    rock = polygon_mask(H, W, np.array([[W * 0.13, horizon + 4], [W * 0.17, horizon - 28], [W * 0.24, horizon - 36],
                                        [W * 0.29, horizon + 4]]), feather=1.5)
    img = paint(img, rgb("#0b0e12"), rock)
    img, lamp = _lighthouse(img, (W * 0.215, horizon - 30), 150, "#5a6068", "#3a2226", shade=0.5, lamp=1.0)
    haze = 0.55 + 0.9 * fbm(rng, H, W, (6, 10), octaves=4)
    light = beam(H, W, lamp, -4, 4.0, 1800) * haze
    img = add_light(img, rgb("#fff1cc"), light * 0.55)
    img = add_light(img, rgb("#fff4d6"), radial_glow(H, W, lamp, 12) * 1.6 + radial_glow(H, W, lamp, 80) * 0.3)
    # Swells, far to near: each a ragged crest line, darker water below it, foam along its lip.
    xs = np.arange(W, dtype=np.float32)
    rows = np.arange(H, dtype=np.float32)[:, None]
    bands = [(horizon + 6, 4, 80), (horizon + 40, 10, 40), (horizon + 110, 26, 18), (horizon + 230, 55, 9),
             (horizon + 400, 90, 5)]
    for depth, (y0, amp, waves) in enumerate(bands):
        crest = y0 + amp * (np.sin(xs / W * np.pi * waves + rng.uniform(0, 6)) * 0.6 + rough_edge(rng, W, 1.0, cells=waves))
        below = smoothstep(-1.5, 1.5, rows - crest[None, :])
        shade = 0.55 + 0.45 * smoothstep(0, 260 - depth * 30, rows - crest[None, :])
        water = np.ones((H, W, 3), np.float32) * rgb("#1f2d33")
        water = water * (1.15 - 0.55 * shade)[..., None]
        water = add_light(water, rgb("#6f8a8e"), smoothstep(0.6, 1.0, fbm(rng, H, W, (30, 20), octaves=3))
                          * (1 - shade) * 0.4)
        img = paint(img, water, below)
        lip = np.exp(-np.abs(rows - crest[None, :] - amp * 0.15) / (2 + depth * 2.5))
        foam = lip * smoothstep(0.5, 0.85, fbm(rng, H, W, (30 + depth * 10, 10 + depth * 3), octaves=5))
        streak = smoothstep(0.62, 0.9, fbm(rng, H, W, (60, 8), octaves=4)) * below * (1 - shade) * 0.25
        img = add_light(img, rgb("#b4c4c8"), foam * (0.25 + depth * 0.07) + streak)
    spray = blur((rng.random((H, W)) > 0.9975).astype(np.float32), 1.2) * (rows > horizon)
    img = add_light(img, rgb("#dfe8ec"), spray * 1.5)
    rain = rain_streaks(rng, H, W, 2600, 60, 104)
    img = add_light(img, rgb("#a9b8c4"), rain * 0.22)
    img = add_light(img, rgb("#fff1cc"), rain * light * 1.4)
    return finish(img, rng, bloom=0.45, vignette=0.5, grain=0.03)


def rain_on_window(rng: np.random.Generator) -> np.ndarray:
    """Close on the glass: rain beads and runs; outside, out of focus, the beam passes through the storm."""
    outside = vertical_gradient(H, W, [(0.0, "#070b14"), (0.55, "#16212e"), (1.0, "#0a0f16")])
    outside = add_light(outside, rgb("#fff0c8"), beam(H, W, (W * 0.95, H * 0.18), 172, 6, 1500) * 0.7)
    outside = add_light(outside, rgb("#ffd89a"), radial_glow(H, W, (W * 0.95, H * 0.18), 140) * 0.6)
    for _ in range(14):  # far lights become soft discs
        x, y = rng.uniform(0, W), rng.uniform(H * 0.45, H * 0.7)
        outside = add_light(outside, rgb("#ffc27a") * rng.uniform(0.2, 0.6),
                            ellipse_mask(H, W, (x, y), (rng.uniform(14, 40),) * 2, feather=3))
    outside = blur(outside, 18)
    glass = outside.copy()
    # Each bead acts as a tiny lens: it shows the scene flipped and brighter, with a dark lower rim.
    ys, xs = np.mgrid[0:H, 0:W].astype(np.float32)
    def bead(x: float, y: float, radius: float) -> None:
        x0, x1 = int(max(0, x - radius - 2)), int(min(W, x + radius + 3))
        y0, y1 = int(max(0, y - radius * 1.2 - 2)), int(min(H, y + radius * 1.2 + 3))
        if x1 <= x0 or y1 <= y0:
            return
        px, py = xs[y0:y1, x0:x1], ys[y0:y1, x0:x1]
        d = np.hypot((px - x) / radius, (py - y) / (radius * 1.15))
        inside = np.clip((1 - d) * radius * 0.8, 0, 1)
        sx = np.clip(x - (px - x) * 6, 0, W - 1).astype(np.int32)
        sy = np.clip(y - (py - y) * 6, 0, H - 1).astype(np.int32)
        seen = outside[sy, sx] * 1.5 + 0.02
        rim = smoothstep(0.6, 1.0, d) * smoothstep(-0.2, 0.8, (py - y) / radius)
        seen = seen * (1 - 0.6 * rim[..., None])
        spec = np.exp(-(((px - x + radius * 0.35) ** 2 + (py - y + radius * 0.4) ** 2) / (radius * 0.18 + 0.5) ** 2))
        seen = seen + spec[..., None] * 0.9
        patch = glass[y0:y1, x0:x1]
        glass[y0:y1, x0:x1] = patch * (1 - inside[..., None]) + seen * inside[..., None]
    for _ in range(38):  # runs: a bead trailing a thin wet path
        x, y = rng.uniform(0, W), rng.uniform(H * 0.1, H * 0.95)
        length = rng.uniform(60, 380)
        path_x = x + np.cumsum(rng.normal(0, 0.6, int(length)))
        for k in range(0, int(length), 2):
            bead(path_x[k], y - k, 1.6 + 0.6 * np.sin(k * 0.15) ** 2)
        bead(path_x[-1], y - length, rng.uniform(7, 12))
    for _ in range(1400):
        bead(rng.uniform(0, W), rng.uniform(0, H), float(rng.choice([1.5, 2.5, 3.5, 5, 7, 10], p=[.3, .25, .2, .13, .08, .04])))
    # The window frame: a dark cross of painted wood, its inner edges warmed by the lamp behind us.
    frame = np.zeros((H, W), np.float32)
    frame += 1 - smoothstep(26, 30, np.abs(xs - W * 0.64))
    frame += 1 - smoothstep(20, 24, np.abs(ys - H * 0.58))
    frame += (xs < 40) + (ys > H - 40)
    frame = np.clip(frame, 0, 1)
    wood = np.ones((H, W, 3), np.float32) * rgb("#1a120c")
    wood = add_light(wood, rgb("#ff9f4a"), radial_glow(H, W, (W * 0.05, H * 1.0), 900) * 0.35)
    img = paint(glass, wood, frame)
    edge = np.clip(frame - np.roll(frame, 3, axis=1), 0, 1) + np.clip(frame - np.roll(frame, 3, axis=0), 0, 1)
    img = add_light(img, rgb("#ffb066"), blur(np.clip(edge, 0, 1), 1) * radial_glow(H, W, (0, H), 1200) * 0.6)
    img = add_light(img, rgb("#ff9a40"), radial_glow(H, W, (W * 0.18, H * 0.9), 160) * 0.22)  # lamp reflected
    return finish(img, rng, bloom=0.5, vignette=0.5, grain=0.03)


def boat_at_dawn(rng: np.random.Generator) -> np.ndarray:
    """Dawn after the storm: a flat, shining sea, the sun just up, a small boat making for the headland."""
    horizon = int(H * 0.58)
    img = vertical_gradient(H, W, [(0.0, "#52648c"), (0.3, "#9a90b0"), (0.48, "#e2a8a0"), (0.58, "#fbd39a")])
    sun = (W * 0.63, horizon - 38)
    img = add_light(img, rgb("#ffd9a0"), radial_glow(H, W, sun, 700, squash=0.45) * 0.5)
    streaks = fbm(rng, H, W, (28, 2), octaves=5)
    rows = np.arange(H, dtype=np.float32)[:, None]
    band = smoothstep(0.15, 0.35, rows / H) * (1 - smoothstep(0.5, 0.56, rows / H))
    img = paint(img, rgb("#b07e8e"), smoothstep(0.6, 0.85, streaks) * band * 0.6)
    img = add_light(img, rgb("#ffcf94"), smoothstep(0.6, 0.85, np.roll(streaks, 6, axis=0)) * band
                    * radial_glow(H, W, sun, 800, squash=0.5) * 0.5)
    img = add_light(img, rgb("#fff8e6"), ellipse_mask(H, W, sun, (30, 30), feather=1.5) * 1.2)
    img = add_light(img, rgb("#fff0d0"), radial_glow(H, W, sun, 90) * 0.8)
    # The headland far off at the left, blue with distance, its lighthouse a pale mark.
    xs = np.arange(W, dtype=np.float32)
    far = horizon - (1 - smoothstep(W * 0.05, W * 0.34, xs)) * 60 + rough_edge(rng, W, 4)
    land = polygon_mask(H, W, np.array([[0, horizon + 2], *[(x, far[int(x)]) for x in xs[:int(W * 0.36):4]],
                                        [W * 0.36, horizon + 2]], np.float32), feather=1.5)
    img = paint(img, rgb("#8a7f9c"), land * 0.9)
    img = paint(img, rgb("#a095ae"), polygon_mask(H, W, np.array([[W * 0.118, far[int(W * 0.12)] + 2],
                [W * 0.122, far[int(W * 0.12)] - 44], [W * 0.128, far[int(W * 0.12)] - 44], [W * 0.132, far[int(W * 0.12)] + 2]])))
    mist = smoothstep(-60, 0, rows - horizon) * (1 - smoothstep(0, 40, rows - horizon))
    img = add_light(img, rgb("#ffe2c0"), np.repeat(mist, W, axis=1) * 0.25)
    # Sea: pale gold near the horizon to slate at our feet; sun glitter widens as it comes toward us.
    sea = vertical_gradient(H, W, [(0.0, "#f0c698"), (0.58, "#e6b893"), (0.64, "#a89aa8"), (1.0, "#3c4860")])
    ripples = fbm(rng, H, W, (80, 4), octaves=4, persistence=0.6)
    sea = sea * (0.9 + 0.2 * ripples)[..., None]
    depth = np.clip((rows - horizon) / (H - horizon), 0, 1)
    column = np.exp(-((xs[None, :] - sun[0]) / (40 + depth * 420)) ** 2)
    sparkle = (rng.random((H, W)) > 0.985 - 0.02 * column).astype(np.float32)
    sparkle = cv2.filter2D(sparkle, -1, np.ones((1, 9), np.float32) / 4)
    sea = add_light(sea, rgb("#fff3d8"), np.clip(sparkle * column * (1.1 - depth * 0.5), 0, 1.5))
    sea = add_light(sea, rgb("#ffd9a8"), column * (1 - depth) ** 2 * 0.35)
    img = paint(img, sea, np.repeat((rows >= horizon).astype(np.float32), W, axis=1))
    # The boat: a small boat with a wheelhouse heading left for the headland, one figure standing at the bow.
    bx, by = W * 0.46, horizon + 118
    def boat_part(points: list[tuple[float, float]], feather: float = 0.8) -> np.ndarray:
        return polygon_mask(H, W, np.array([(bx - dx, by + dy) for dx, dy in points], np.float32), feather=feather)
    boat = boat_part([(-95, -12), (110, -16), (92, 8), (-80, 10)])
    boat += boat_part([(-40, -12), (5, -12), (5, -48), (-36, -46)])
    boat += boat_part([(-20, -46), (-17, -46), (-17, -98), (-20, -98)], feather=0)
    boat += boat_part([(52, -14), (68, -14), (66, -48), (54, -48)]) + ellipse_mask(H, W, (bx - 60, by - 55), (6.5, 7.5), feather=0.8)
    boat = np.clip(boat, 0, 1)
    img = paint(img, rgb("#1f2030"), boat)
    img = add_light(img, rgb("#ffcf94"), np.clip(boat - np.roll(boat, 3, axis=1), 0, 1) * 0.6)
    wake = np.zeros((H, W), np.float32)
    for spread in (-1.0, 1.0):  # two arms of foam opening behind the stern
        arm = np.array([[bx + 80, by + 6], [bx + 520, by + 6 + spread * 16 - 8], [bx + 520, by + 6 + spread * 16 - 4]],
                       np.float32)
        wake += polygon_mask(H, W, arm, feather=1.5)
    wake += polygon_mask(H, W, np.array([[bx + 80, by + 3], [bx + 300, by - 1], [bx + 300, by + 13], [bx + 80, by + 10]],
                                        np.float32), feather=3) * 0.6
    wake *= 0.4 + 0.6 * smoothstep(0.3, 0.8, fbm(rng, H, W, (40, 120), octaves=3))
    img = add_light(img, rgb("#fff0dc"), np.clip(wake, 0, 1) * 0.5)
    reflection = np.roll(boat, 22, axis=0) * (rows > by + 8) * 0.4
    img = paint(img, rgb("#3a3a4c"), blur(reflection * (0.6 + 0.4 * ripples), 2.5))
    for gx, gy, span in ((W * 0.72, H * 0.30, 16), (W * 0.76, H * 0.27, 12), (W * 0.30, H * 0.22, 10)):
        wing = np.array([[gx - span, gy - span * 0.3], [gx, gy + 2], [gx + span, gy - span * 0.35], [gx, gy + 4.5]])
        img = paint(img, rgb("#3b3446"), polygon_mask(H, W, wing, feather=0.6))
    return finish(img, rng, bloom=0.55, vignette=0.35, grain=0.022)


def headland_in_the_morning(rng: np.random.Generator) -> np.ndarray:
    """From the boat: our wake runs back across a bright sea to the headland; the light still turns."""
    horizon = int(H * 0.47)
    img = vertical_gradient(H, W, [(0.0, "#6f90b8"), (0.3, "#a9bdd2"), (0.47, "#f1dcc0")])
    clouds = fbm(rng, H, W, (6, 3), octaves=6, persistence=0.55)
    rows = np.arange(H, dtype=np.float32)[:, None]
    img = add_light(img, rgb("#fff7ec"), smoothstep(0.55, 0.85, clouds) * (1 - smoothstep(0.25, 0.45, rows / H)) * 0.4)
    xs = np.arange(W, dtype=np.float32)
    top = horizon - 150 + smoothstep(W * 0.88, W, xs) * 30 + rough_edge(rng, W, 8)
    x0 = W * 0.52
    land = polygon_mask(H, W, np.array([[x0 - 40, horizon + 3], [x0 + 60, top[int(x0 + 60)]],
                                        *[(x, top[int(x)]) for x in xs[int(x0 + 64)::4]],
                                        [W + 20, top[-1]], [W + 20, horizon + 3]], np.float32), feather=1.2)
    rock = vertical_gradient(H, W, [(0.0, "#4f5a6e"), (0.47, "#3a4152")])
    rock = rock * (0.8 + 0.35 * fbm(rng, H, W, (12, 16), octaves=5))[..., None]
    img = paint(img, rock, land)
    grass = land * (1 - smoothstep(0, 26, rows - top[None, :]))
    img = paint(img, rgb("#6c7a5e"), grass * 0.7)
    img, lamp = _lighthouse(img, (W * 0.70, float(top[int(W * 0.70)]) + 4), 200, "#e7e2da", "#9b3a3f", shade=0.45,
                            lamp=0.8)
    img = add_light(img, rgb("#fff6dc"), beam(H, W, lamp, 200, 3.5, 700) * 0.22)
    img = add_light(img, rgb("#fff6dc"), radial_glow(H, W, lamp, 14) * 0.9)
    sea = vertical_gradient(H, W, [(0.0, "#c9d4dc"), (0.47, "#b9c6d0"), (0.55, "#7d94a8"), (1.0, "#2b4257")])
    ripples = fbm(rng, H, W, (90, 5), octaves=4, persistence=0.6)
    depth = np.clip((rows - horizon) / (H - horizon), 0, 1)
    sea = sea * (0.88 + 0.24 * ripples)[..., None]
    sea = add_light(sea, rgb("#fff8ea"), smoothstep(0.75, 1.0, ripples) * (1 - depth) * 0.35)
    img = paint(img, sea, np.repeat((rows >= horizon).astype(np.float32), W, axis=1))
    reflection = np.flip(land, axis=0)
    reflection = np.roll(reflection, 2 * horizon - H + 6, axis=0) * (rows >= horizon)
    img = paint(img, rgb("#40506a"), blur(reflection, 3) * 0.3 * (0.6 + 0.4 * ripples))
    # Our wake: foam spreading toward us from the foot of the headland, churned white near the stern.
    vanish = (W * 0.60, horizon + 6)
    half = 6 + depth * W * 0.26
    centre = vanish[0] + (W * 0.46 - vanish[0]) * depth
    trail = 1 - smoothstep(0.55, 1.0, np.abs(xs[None, :] - centre) / half)
    churn = smoothstep(0.45, 0.85, fbm(rng, H, W, (120, 70), octaves=5)) * (rows > horizon + 2)
    churn = blur(churn, 1.5)
    edges = np.exp(-((np.abs(xs[None, :] - centre) - half * 0.8) / (2 + depth * 30)) ** 2)
    img = add_light(img, rgb("#f4f8fa"), (trail * churn * 0.45 + edges * churn * 0.5) * (0.2 + 0.8 * depth ** 1.5))
    img = add_light(img, rgb("#ffffff"), trail * smoothstep(0.85, 1.0, depth) * churn * 0.35)
    return finish(img, rng, bloom=0.35, vignette=0.3, grain=0.02)


def _graded_photo(photo: np.ndarray, crop_top: float, lamp: tuple[float, float], rng: np.random.Generator,
                  *, exposure: float, warmth: float) -> np.ndarray:
    """A sample photo cropped to 16:9, enlarged, and relit as if by one oil lamp at ``lamp`` (fractions of W, H)."""
    h, w = photo.shape[:2]
    crop_h = round(w * 9 / 16)
    y0 = round((h - crop_h) * crop_top)
    frame = cv2.resize(photo[y0:y0 + crop_h], (W, H), interpolation=cv2.INTER_LANCZOS4).astype(np.float32) / 255
    soft = blur(frame, 2.0)
    frame = np.clip(frame + 0.6 * (frame - soft), 0, 1)  # recover some edge contrast lost to the enlargement
    frame = frame ** 1.15
    light = 0.35 + 0.9 * radial_glow(H, W, (W * lamp[0], H * lamp[1]), W * 0.55)
    frame = frame * light[..., None] * exposure
    shadows = (1 - frame.mean(axis=2, keepdims=True)) ** 3
    frame = frame + shadows * rgb("#0c1422") * 0.6  # cool the deepest shadows, like night through a window
    return finish(frame, rng, bloom=0.25, vignette=0.55, grain=0.03, warmth=warmth)


def cat_by_the_stove(rng: np.random.Generator) -> np.ndarray:
    """Close on the cat, lamplight in its eyes (scikit-image sample photo 'chelsea', CC0)."""
    return _graded_photo(skimage.data.chelsea(), 0.35, (0.35, 0.25), rng, exposure=1.0, warmth=0.08)


def last_cup(rng: np.random.Generator) -> np.ndarray:
    """The last cup of coffee on the scrubbed table (scikit-image sample photo 'coffee', CC0)."""
    return _graded_photo(skimage.data.coffee(), 0.2, (0.45, 0.2), rng, exposure=1.05, warmth=0.06)


STILLS: dict[str, Callable[[np.random.Generator], np.ndarray]] = {
    "lighthouse-at-dusk": lighthouse_at_dusk,
    "lamp-room": lamp_room,
    "last-cup": last_cup,
    "cat-by-the-stove": cat_by_the_stove,
    "storm-at-sea": storm_at_sea,
    "rain-on-the-window": rain_on_window,
    "boat-at-dawn": boat_at_dawn,
    "headland-in-the-morning": headland_in_the_morning,
}
