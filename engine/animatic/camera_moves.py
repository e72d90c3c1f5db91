"""Camera moves as per-frame camera states, and the matrices that sample a source image for each frame.

A state says where the view is relative to the designed frame: ``pan`` offsets (fractions of the frame), ``zoom``
(>1 is tighter), ``roll`` and ``yaw`` (radians; yaw gives the keystone of an orbit), and ``parallax`` (how much
further the bottom of the frame, the near ground, travels than the top: fractions of the frame width). Matrices map
output pixels to source pixels (OpenCV's inverse-map convention); ``fit_scale`` then zooms in just enough that
every frame stays inside the source, so a move never shows a border.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from engine.animatic.easing import ease_in_out, frame_fraction

FOCAL = 1.2  # focal length in frame widths (about a 45 degree lens) for the yaw homography


@dataclass(frozen=True)
class CameraState:
    pan_x: float = 0.0
    pan_y: float = 0.0
    zoom: float = 1.0
    roll: float = 0.0
    yaw: float = 0.0
    parallax: float = 0.0

    def for_flat_layer(self, depth_gain: float) -> CameraState:
        """The camera as seen by a flat layer at one depth in front of the scene (a card's type).

        A flat layer has no ground-plane shear: it slides as a whole, as far as the near ground does
        (``parallax``), plus ``depth_gain`` times the camera's own travel; zoom is stronger when nearer.
        """
        return replace(
            self,
            pan_x=self.pan_x * depth_gain + self.parallax * 0.6,
            pan_y=self.pan_y * depth_gain,
            zoom=self.zoom ** depth_gain,
            parallax=0.0,
        )


def _handheld(count: int, fps: float, seed: int, strength: float) -> list[CameraState]:
    """Smooth, seeded shake: a few incommensurate sines per axis (breathing, sway, small corrections)."""
    rng = np.random.default_rng([seed, 0x4A4D])
    times = np.arange(count, dtype=np.float64) / fps

    def wobble(amplitude: float) -> np.ndarray:
        freqs = rng.uniform(0.18, 1.3, 3)
        phases = rng.uniform(0, 2 * np.pi, 3)
        weights = np.array([1.0, 0.55, 0.3]) * rng.uniform(0.8, 1.2, 3)
        signal = sum(w * np.sin(2 * np.pi * f * times + p) for f, p, w in zip(freqs, phases, weights, strict=True))
        return amplitude * strength * signal / weights.sum()

    xs, ys, rolls, zooms = wobble(0.014), wobble(0.011), wobble(0.006), wobble(0.006)
    return [
        CameraState(pan_x=float(x), pan_y=float(y), roll=float(r), zoom=1.0 + float(z))
        for x, y, r, z in zip(xs, ys, rolls, zooms, strict=True)
    ]


def camera_path(move: str, count: int, fps: float, seed: int = 0, strength: float = 1.0) -> list[CameraState]:
    """One camera state per frame, eased in and out; ``strength`` scales the move (1 = the default amount)."""
    if move == "handheld":
        return _handheld(count, fps, seed, strength)
    states = []
    for index in range(count):
        e = ease_in_out(frame_fraction(index, count))
        s = (e - 0.5) * strength  # -0.5 .. 0.5 across the move
        if move == "static":
            state = CameraState()
        elif move in ("push_in", "pull_out"):
            amount = e if move == "push_in" else 1 - e
            state = CameraState(zoom=1.0 + 0.22 * strength * amount)
        elif move in ("pan_left", "pan_right"):
            # A pan turns the camera: the view slides over the scene, the content moves the other way.
            state = CameraState(pan_x=-0.14 * s if move == "pan_left" else 0.14 * s)
        elif move in ("tilt_up", "tilt_down"):
            state = CameraState(pan_y=-0.12 * s if move == "tilt_up" else 0.12 * s)
        elif move in ("truck_left", "truck_right"):
            # A truck moves the camera: near things (bottom of frame) pass faster than far ones (top).
            pan = -0.12 * s if move == "truck_left" else 0.12 * s
            state = CameraState(pan_x=pan, parallax=pan * 1.3)
        elif move == "orbit":
            # Circling the subject: background and foreground slide opposite ways around it, with keystone.
            state = CameraState(pan_x=0.02 * s, parallax=-0.16 * s, yaw=math.radians(6.0) * s, zoom=1.02)
        else:
            raise ValueError(f"unknown camera move {move!r}")
        states.append(state)
    return states


def view_matrix(state: CameraState, out_w: int, out_h: int) -> np.ndarray:
    """3x3 map from output pixels to 'design frame' units centred on the source (one unit = one output px)."""
    to_centre = np.array([[1, 0, -(out_w - 1) / 2], [0, 1, -(out_h - 1) / 2], [0, 0, 1]], np.float64)
    focal = FOCAL * out_w
    c, s = math.cos(state.yaw), math.sin(state.yaw)
    # Homography of a plane turned by yaw about the vertical axis, seen through a pinhole of focal length ``focal``.
    # Re-centred so the point at the middle of the frame stays put: an orbit keeps its subject framed.
    yaw = np.array([[c, 0, s * focal], [0, 1, 0], [-s / focal, 0, c]], np.float64)
    yaw = np.array([[1, 0, -s * focal / c], [0, 1, 0], [0, 0, 1]], np.float64) @ yaw
    cr, sr = math.cos(state.roll), math.sin(state.roll)
    roll = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]], np.float64)
    zoom = np.diag([1 / state.zoom, 1 / state.zoom, 1.0])
    shear = np.array([[1, state.parallax * out_w / out_h, 0], [0, 1, 0], [0, 0, 1]], np.float64)
    shift = np.array([[1, 0, state.pan_x * out_w], [0, 1, state.pan_y * out_h], [0, 0, 1]], np.float64)
    return shift @ shear @ zoom @ roll @ yaw @ to_centre


def frame_corners(out_w: int, out_h: int) -> np.ndarray:
    """The frame's outer pixel edges (pixel centres are at integers, so edges are half a pixel out)."""
    left, top, right, bottom = -0.5, -0.5, out_w - 0.5, out_h - 0.5
    return np.array([[left, top, 1], [right, top, 1], [left, bottom, 1], [right, bottom, 1]], np.float64).T


def fit_scale(
    views: Sequence[np.ndarray], out_w: int, out_h: int, half_w: float, half_h: float, cap: float = 1.0
) -> float:
    """Largest scale <= ``cap`` at which every frame's corners land inside a source of half-size (half_w, half_h).

    Edges are compared with edges (a source of width w spans -w/2..w/2 about its centre), so a static frame of
    the same aspect samples the source exactly, with no stray zoom.

    Views are in design units centred on the source; scaling them by f about the centre is exact for homographies
    too, and the corners bound the whole (convex) footprint.
    """
    scale = cap
    corners = frame_corners(out_w, out_h)
    for view in views:
        mapped = view @ corners
        xs, ys = mapped[0] / mapped[2], mapped[1] / mapped[2]
        reach_x, reach_y = float(np.abs(xs).max()), float(np.abs(ys).max())
        if reach_x > 0:
            scale = min(scale, half_w / reach_x)
        if reach_y > 0:
            scale = min(scale, half_h / reach_y)
    return scale


def source_matrix(view: np.ndarray, scale: float, source_w: int, source_h: int) -> np.ndarray:
    """Map output pixels to pixels of a source image: design units scaled by ``scale`` px, centred on the source."""
    place = np.array([[scale, 0, (source_w - 1) / 2], [0, scale, (source_h - 1) / 2], [0, 0, 1]], np.float64)
    return place @ view


def is_affine(matrix: np.ndarray) -> bool:
    return bool(abs(matrix[2, 0]) < 1e-12 and abs(matrix[2, 1]) < 1e-12 and abs(matrix[2, 2] - 1) < 1e-12)
