"""Render a shot's frames: prepare the source (a still, two stills to dissolve, or a story card), then warp it
along the camera path, frame by frame.

Sources are resampled once, up front, so that the frame at the middle of the move's zoom range samples them about
1:1; each frame is then a single bilinear warp, which is sharp (no magnification beyond the move's own) and fast.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import cv2
import numpy as np

from engine.animatic.camera_moves import (
    CameraState,
    camera_path,
    fit_scale,
    frame_corners,
    is_affine,
    source_matrix,
    view_matrix,
)
from engine.animatic.easing import ease_in_out, frame_fraction
from engine.animatic.reference_strip import paste_strip, prepare_strip
from engine.animatic.story_card import render_story_card
from engine.video_io import i420_planes, new_i420, rgb_to_i420, rgb_to_ycbcr709

MAX_SOURCE_SIDE = 8192
CARD_MARGIN = 1.22  # story cards are drawn this much larger than the frame, room for the move
# How far a story card's type layer (nearer the lens than the backdrop) moves relative to the backdrop.
TYPE_DEPTH_GAIN = {"push_in": 1.12, "pull_out": 1.12, "orbit": 0.0}


@dataclass
class Layer:
    image: np.ndarray  # RGB, or premultiplied RGBA for layers over others
    depth_gain: float = 1.0
    scale: float = 1.0  # source pixels per design unit
    planes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # Y'CbCr 4:2:0 of an RGB layer

    def ycbcr_planes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """BT.709 Y at full size, Cb and Cr at half: warping these is half the work of warping RGB, and the
        encoder then needs no colour conversion."""
        if self.planes is None:
            ycc = rgb_to_ycbcr709(self.image)
            height, width = self.image.shape[:2]
            half = ((width + 1) // 2, (height + 1) // 2)
            y, cb, cr = cv2.split(ycc)
            self.planes = (
                y,
                cv2.resize(cb, half, interpolation=cv2.INTER_AREA),
                cv2.resize(cr, half, interpolation=cv2.INTER_AREA),
            )
        return self.planes


@dataclass
class ShotSpec:
    width: int
    height: int
    num_frames: int
    fps: float
    camera: str = "static"
    seed: int = 0
    strength: float = 1.0
    prompt: str = ""
    label: str = ""
    footer: str = ""
    # Which ends show the still exactly as it is (cover-framed, no move): "start", "end", "both" or "".
    # First/last-frame takes are "both"; a take that continues another starts on its last frame ("start").
    anchor: str = ""


@dataclass
class ShotRenderer:
    """Iterate ``frames()`` for RGB frames of exactly (height, width, 3)."""

    spec: ShotSpec
    still: np.ndarray | None = None
    last_still: np.ndarray | None = None  # dissolved to over the shot (first/last-frame takes)
    # A story card's cast and location stills, in a strip at the foot of every frame (not for stills).
    references: list[np.ndarray] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missing_glyphs: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        spec = self.spec
        self.states: list[CameraState] = camera_path(spec.camera, spec.num_frames, spec.fps, spec.seed, spec.strength)
        self.views = [view_matrix(state, spec.width, spec.height) for state in self.states]
        zooms = [state.zoom for state in self.states]
        # Sample 1:1 at the geometric middle of the zoom range: never soft by more than half the move's zoom.
        self._density = math.sqrt(min(zooms) * max(zooms))
        self._vignette: np.ndarray | None = None
        self._type_box: tuple[int, int, int, int] | None = None
        self.layers = self._still_layers() if self.still is not None else self._card_layers()
        self._strip = prepare_strip(self.references, spec.width, spec.height) if self.still is None else []

    # --- sources ------------------------------------------------------------------------------------------
    def _resample(self, image: np.ndarray, factor: float) -> np.ndarray:
        height, width = image.shape[:2]
        factor = min(factor, MAX_SOURCE_SIDE / max(width, height))
        size = (max(2, round(width * factor)), max(2, round(height * factor)))
        if size == (width, height):
            return image
        interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_LANCZOS4
        return cv2.resize(image, size, interpolation=interpolation)

    def _still_layers(self) -> list[Layer]:
        assert self.still is not None
        layers = [self._still_layer(self.still, "reference still")]
        if self.last_still is not None:  # framed on its own: the last frame shows all of it that the frame can
            layers.append(self._still_layer(self.last_still, "last frame still"))
        return layers

    def _still_layer(self, still: np.ndarray, what: str) -> Layer:
        spec = self.spec
        height, width = still.shape[:2]
        scale = fit_scale(self.views, spec.width, spec.height, width / 2, height / 2, cap=math.inf)
        factor = self._density / scale
        image = self._resample(still, factor)
        # Rounding the resampled size changes each side a little: keep the tighter one so frames stay inside.
        layer_scale = scale * min(image.shape[1] / width, image.shape[0] / height)
        if factor > 1.5:
            self.notes.append(f"the {what} ({width}x{height}) is smaller than the frame needs; it was upscaled "
                              f"{factor:.1f}x and will look soft")
        frame_ratio, still_ratio = spec.width / spec.height, width / height
        if abs(still_ratio / frame_ratio - 1) > 0.01:
            cut = "left and right" if still_ratio > frame_ratio else "top and bottom"
            self.notes.append(f"the {what} ({width}x{height}) has another shape than the {spec.width}x{spec.height} "
                              f"frame; it fills the frame, cropped at the {cut} (centred)")
        return Layer(image, 1.0, layer_scale)

    def _card_layers(self) -> list[Layer]:
        spec = self.spec
        # Fit in design units first (the card is linear in its density), then draw it at the density needed.
        ratio = fit_scale(self.views, spec.width, spec.height, spec.width * CARD_MARGIN / 2,
                          spec.height * CARD_MARGIN / 2, cap=1.0)
        density = min(self._density / ratio, MAX_SOURCE_SIDE / (max(spec.width, spec.height) * CARD_MARGIN))
        gain = TYPE_DEPTH_GAIN.get(spec.camera, 1.0)
        type_views = [view_matrix(state.for_flat_layer(gain), spec.width, spec.height) for state in self.states]
        card = render_story_card(
            spec.prompt, spec.label, (spec.width, spec.height), seed=spec.seed, density=density,
            margin=CARD_MARGIN, footer=spec.footer,
            safe_box=visible_throughout(type_views, ratio, spec.width, spec.height),
        )
        self.missing_glyphs = set(card.missing_glyphs)
        canvas_h, canvas_w = card.background.shape[:2]
        scale = ratio * min(canvas_w / (spec.width * CARD_MARGIN), canvas_h / (spec.height * CARD_MARGIN))
        self._vignette = _vignette(spec.width, spec.height)
        ink = cv2.findNonZero(card.foreground[:, :, 3])
        self._type_box = cv2.boundingRect(ink) if ink is not None else None  # x, y, w, h on the canvas
        return [Layer(card.background, 1.0, scale), Layer(card.foreground, gain, scale)]

    # --- frames -------------------------------------------------------------------------------------------
    def _warp(self, layer: Layer, state: CameraState, index: int) -> np.ndarray:
        spec = self.spec
        if self.still is not None:
            matrix = self._still_matrix(next(i for i, one in enumerate(self.layers) if one is layer), index)
        else:
            height, width = layer.image.shape[:2]
            matrix = source_matrix(self.views_for(layer, state), layer.scale, width, height)
        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        transparent = layer.image.shape[2] == 4
        border = cv2.BORDER_CONSTANT if transparent else cv2.BORDER_REFLECT101
        size = (spec.width, spec.height)
        if is_affine(matrix):
            return cv2.warpAffine(layer.image, matrix[:2], size, flags=flags, borderMode=border)
        return cv2.warpPerspective(layer.image, matrix, size, flags=flags, borderMode=border)

    def _anchor_weight(self, layer_index: int, index: int) -> float:
        """How much frame ``index`` of a still layer is the still's exact framing (1) rather than the move (0)."""
        anchor, count = self.spec.anchor, len(self.states)
        t = ease_in_out(frame_fraction(index, count)) if count > 1 else 0.0
        last_layer = layer_index == len(self.layers) - 1
        if layer_index == 0 and anchor in ("start", "both"):
            return 1.0 - t
        if last_layer and anchor in ("end", "both") and (layer_index > 0 or anchor == "end"):
            return t
        return 0.0

    def _still_matrix(self, layer_index: int, index: int) -> np.ndarray:
        """Output -> source pixels of a still layer at frame ``index``: the move, eased into the still's exact
        framing at an anchored end (a convex blend of two maps that both stay inside the source stays inside)."""
        layer = self.layers[layer_index]
        height, width = layer.image.shape[:2]
        designed = source_matrix(self.views_for(layer, self.states[index]), layer.scale, width, height)
        weight = self._anchor_weight(layer_index, index)
        if weight <= 0.0:
            return designed
        identity = view_matrix(CameraState(), self.spec.width, self.spec.height)
        cover = fit_scale([identity], self.spec.width, self.spec.height, width / 2, height / 2, cap=math.inf)
        exact = source_matrix(identity, cover, width, height)
        return weight * exact + (1.0 - weight) * designed / designed[2, 2]

    def views_for(self, layer: Layer, state: CameraState) -> np.ndarray:
        if layer.image.shape[2] == 3:
            return view_matrix(state, self.spec.width, self.spec.height)
        return view_matrix(state.for_flat_layer(layer.depth_gain), self.spec.width, self.spec.height)

    def render(self, index: int) -> np.ndarray:
        state = self.states[index]
        base = self._warp(self.layers[0], state, index)
        if self.still is not None:
            if len(self.layers) > 1:  # dissolve to the last still, eased like the move
                weight = self._dissolve_weight(index)
                base = cv2.addWeighted(base, 1 - weight, self._warp(self.layers[1], state, index), weight, 0)
            return base
        self._composite_type(base, state)
        assert self._vignette is not None
        frame = cv2.multiply(base, self._vignette, scale=1 / 255.0)
        return paste_strip(frame, self._strip) if self._strip else frame

    def _composite_type(self, frame: np.ndarray, state: CameraState) -> None:
        """Warp the card's type layer over ``frame`` in place, only where the type lands (most of it is clear)."""
        if self._type_box is None:
            return
        spec, layer = self.spec, self.layers[1]
        canvas_h, canvas_w = layer.image.shape[:2]
        matrix = source_matrix(self.views_for(layer, state), layer.scale, canvas_w, canvas_h)
        x, y, w, h = self._type_box
        corners = np.array([[x - 1, x + w, x - 1, x + w], [y - 1, y - 1, y + h, y + h], [1, 1, 1, 1]], np.float64)
        landed = np.linalg.inv(matrix) @ corners
        xs, ys = landed[0] / landed[2], landed[1] / landed[2]
        left, top = max(0, int(np.floor(xs.min())) - 1), max(0, int(np.floor(ys.min())) - 1)
        right, bottom = min(spec.width, int(np.ceil(xs.max())) + 2), min(spec.height, int(np.ceil(ys.max())) + 2)
        if right <= left or bottom <= top:
            return
        shift = np.array([[1, 0, left], [0, 1, top], [0, 0, 1]], np.float64)
        roi_matrix = matrix @ shift
        size = (right - left, bottom - top)
        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        if is_affine(roi_matrix):
            over = cv2.warpAffine(layer.image, roi_matrix[:2], size, flags=flags, borderMode=cv2.BORDER_CONSTANT)
        else:
            over = cv2.warpPerspective(layer.image, roi_matrix, size, flags=flags, borderMode=cv2.BORDER_CONSTANT)
        region = frame[top:bottom, left:right]
        inverse = cv2.merge([255 - over[:, :, 3]] * 3)
        region[:] = cv2.add(cv2.multiply(region, inverse, scale=1 / 255.0), over[:, :, :3])

    def _warp_plane(self, plane: np.ndarray, matrix: np.ndarray, dst: np.ndarray) -> None:
        flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
        size = (dst.shape[1], dst.shape[0])
        if is_affine(matrix):
            cv2.warpAffine(plane, matrix[:2], size, dst=dst, flags=flags, borderMode=cv2.BORDER_REFLECT101)
        else:
            cv2.warpPerspective(plane, matrix, size, dst=dst, flags=flags, borderMode=cv2.BORDER_REFLECT101)

    def _still_i420(self, layer_index: int, index: int, out: np.ndarray) -> None:
        spec = self.spec
        y, cb, cr = self.layers[layer_index].ycbcr_planes()
        luma = self._still_matrix(layer_index, index)
        # Chroma samples sit at the centre of each 2x2 luma block, in the output and in the source planes:
        # map output chroma -> output luma -> source luma -> source chroma.
        out_to_luma = np.array([[2, 0, 0.5], [0, 2, 0.5], [0, 0, 1]], np.float64)
        sx, sy = y.shape[1] / cb.shape[1], y.shape[0] / cb.shape[0]
        luma_to_chroma = np.array([[1 / sx, 0, -(sx - 1) / (2 * sx)], [0, 1 / sy, -(sy - 1) / (2 * sy)], [0, 0, 1]])
        chroma = luma_to_chroma @ luma @ out_to_luma
        y_out, cb_out, cr_out = i420_planes(out, spec.width, spec.height)
        self._warp_plane(y, luma, y_out)
        self._warp_plane(cb, chroma, cb_out)
        self._warp_plane(cr, chroma, cr_out)

    def render_i420(self, index: int, out: np.ndarray | None = None) -> np.ndarray:
        """Frame ``index`` as a flat I420 (yuv420p, BT.709 tv range) buffer, for ``VideoWriter(pixel_format="yuv420p")``."""
        spec = self.spec
        if self.still is None:
            return rgb_to_i420(self.render(index))
        out = new_i420(spec.width, spec.height) if out is None else out
        self._still_i420(0, index, out)
        if len(self.layers) > 1:
            other = new_i420(spec.width, spec.height)
            self._still_i420(1, index, other)
            weight = self._dissolve_weight(index)
            cv2.addWeighted(out, 1 - weight, other, weight, 0, dst=out)
        return out

    def frames_i420(self) -> Iterator[np.ndarray]:
        """Every frame as I420; one buffer is reused, so consume (or copy) each before the next."""
        buffer = new_i420(self.spec.width, self.spec.height)
        previous: CameraState | None = None
        frame: np.ndarray | None = None
        changing = self.still is not None and (len(self.layers) > 1 or bool(self.spec.anchor))
        for index, state in enumerate(self.states):
            if frame is None or state != previous or changing:
                frame = self.render_i420(index, buffer)
            previous = state
            yield frame

    def _dissolve_weight(self, index: int) -> float:
        t = index / (len(self.states) - 1) if len(self.states) > 1 else 0.0
        return t * t * (3 - 2 * t)

    def frames(self) -> Iterator[np.ndarray]:
        previous: CameraState | None = None
        frame: np.ndarray | None = None
        changing = self.still is not None and (len(self.layers) > 1 or bool(self.spec.anchor))
        for index, state in enumerate(self.states):
            if frame is None or state != previous or changing:  # a held camera reuses the frame
                frame = self.render(index)
            previous = state
            yield frame


def visible_throughout(views: list[np.ndarray], ratio: float, width: int, height: int) -> tuple[float, ...]:
    """The part of the designed frame (as fractions: left, top, right, bottom) that every frame shows."""
    corners = frame_corners(width, height)
    left, top, right, bottom = -math.inf, -math.inf, math.inf, math.inf
    for view in views:
        mapped = view @ corners
        xs, ys = ratio * mapped[0] / mapped[2], ratio * mapped[1] / mapped[2]
        left, right = max(left, xs[0], xs[2]), min(right, xs[1], xs[3])
        top, bottom = max(top, ys[0], ys[1]), min(bottom, ys[2], ys[3])
    box = (left / width + 0.5, top / height + 0.5, right / width + 0.5, bottom / height + 0.5)
    if box[2] - box[0] < 0.3 or box[3] - box[1] < 0.3:  # a move so wide nothing stays: use the middle frame
        return (0.0, 0.0, 1.0, 1.0)
    return tuple(min(1.0, max(0.0, v)) for v in box)


def _vignette(width: int, height: int, strength: float = 0.28) -> np.ndarray:
    """A soft screen-space vignette (uint8 gain, 255 = unchanged), the lens's, not the card's."""
    yy, xx = np.ogrid[0:height, 0:width]
    rx = (xx - (width - 1) / 2) / (width / 2)
    ry = (yy - (height - 1) / 2) / (height / 2)
    radius = np.sqrt(rx * rx * 0.55 + ry * ry * 0.75)
    gain = 1 - strength * np.clip((radius - 0.35) / 0.85, 0, 1) ** 1.6
    mask = np.round(gain * 255).astype(np.uint8)
    return cv2.merge([mask] * 3)
