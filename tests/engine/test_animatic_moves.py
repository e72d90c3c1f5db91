"""Each camera move really moves the picture the way its name says, eased, with no borders, at any aspect."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.animatic.camera_moves import camera_path
from engine.backends.animatic import AnimaticBackend
from engine.request import GenerationRequest
from engine.video_io import probe_video, read_frames


def render(folder: Path, still: Path | None, camera: str, *, width: int = 160, height: int = 90,
           frames: int = 16, seed: int = 3, prompt: str = "A lighthouse in a storm") -> list[np.ndarray]:
    request = GenerationRequest(prompt=prompt, width=width, height=height, num_frames=frames, fps=24,
                                seed=seed, camera=camera, label="Shot 1 · Wide")
    if still is not None:
        request = request.with_reference(still)
    result = AnimaticBackend(preset="ultrafast").generate(request, folder)
    info = probe_video(result.video)
    assert (info.width, info.height, info.frame_count) == (width, height, frames)
    return read_frames(result.video)


def grey(frame: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY).astype(np.float32)


def shift(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """How far content moved from ``a`` to ``b`` (pixels, +x right, +y down)."""
    window = cv2.createHanningWindow(a.shape[1::-1], cv2.CV_32F)
    (dx, dy), _ = cv2.phaseCorrelate(grey(a), grey(b), window)
    return dx, dy


def best_zoom(a: np.ndarray, b: np.ndarray) -> float:
    """The magnification about the centre that best turns ``a`` into ``b``."""
    h, w = a.shape[:2]
    inner = (slice(h // 5, h - h // 5), slice(w // 5, w - w // 5))
    errors = {}
    for z in np.arange(0.7, 1.45, 0.02):
        matrix = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), 0, float(z))
        zoomed = cv2.warpAffine(grey(a), matrix, (w, h), flags=cv2.INTER_LINEAR)
        errors[float(z)] = float(np.mean((zoomed[inner] - grey(b)[inner]) ** 2))
    return min(errors, key=errors.get)


@pytest.mark.parametrize(
    ("camera", "direction"),
    [("pan_left", (1, 0)), ("pan_right", (-1, 0)), ("tilt_up", (0, 1)), ("tilt_down", (0, -1)),
     ("truck_left", (1, 0)), ("truck_right", (-1, 0))],
)
def test_lateral_moves_shift_content_the_right_way(tmp_path: Path, still_file: Path, camera: str,
                                                   direction: tuple[int, int]) -> None:
    frames = render(tmp_path, still_file, camera)
    dx, dy = shift(frames[0], frames[-1])
    moved = dx if direction[0] else dy
    other = dy if direction[0] else dx
    sign = direction[0] or direction[1]
    assert moved * sign > 6, (dx, dy)  # content travels several pixels, the way the camera name implies
    assert abs(other) < abs(moved) / 2


def test_truck_has_parallax_near_moves_more_than_far(tmp_path: Path, still_file: Path) -> None:
    frames = render(tmp_path, still_file, "truck_left")
    top = shift(frames[0][:30], frames[-1][:30])[0]
    bottom = shift(frames[0][-30:], frames[-1][-30:])[0]
    assert bottom > top > 0


def test_orbit_slides_top_and_bottom_opposite_ways(tmp_path: Path, still_file: Path) -> None:
    frames = render(tmp_path, still_file, "orbit")
    top = shift(frames[0][:30], frames[-1][:30])[0]
    bottom = shift(frames[0][-30:], frames[-1][-30:])[0]
    assert top * bottom < 0 and abs(top) > 2 and abs(bottom) > 2, (top, bottom)


def test_push_in_magnifies_and_pull_out_reverses(tmp_path: Path, still_file: Path) -> None:
    pushed = render(tmp_path / "in", still_file, "push_in")
    pulled = render(tmp_path / "out", still_file, "pull_out")
    assert best_zoom(pushed[0], pushed[-1]) == pytest.approx(1.22, abs=0.05)
    assert best_zoom(pulled[-1], pulled[0]) == pytest.approx(1.22, abs=0.05)
    assert best_zoom(pulled[0], pulled[-1]) < 0.9


def test_story_card_moves_too(tmp_path: Path) -> None:
    frames = render(tmp_path, None, "pan_right")
    assert shift(frames[0], frames[-1])[0] < -6


def test_motion_is_eased_slow_at_the_ends(tmp_path: Path, still_file: Path) -> None:
    frames = render(tmp_path, still_file, "pan_left", frames=24)
    start = abs(shift(frames[0], frames[2])[0])
    middle = abs(shift(frames[11], frames[13])[0])
    assert middle > 2 * start
    states = camera_path("pan_left", 24, 24)
    steps = np.diff([s.pan_x for s in states])
    assert abs(steps[0]) < abs(steps[11]) / 5 and abs(steps[-1]) < abs(steps[11]) / 5


def test_static_holds_still_and_handheld_shakes_gently(tmp_path: Path, still_file: Path) -> None:
    static = render(tmp_path / "s", still_file, "static")
    assert max(np.abs(f.astype(int) - static[0]).mean() for f in static) < 3.0  # only coding noise
    assert max(abs(v) for v in shift(static[0], static[-1])) < 0.3
    shaky = render(tmp_path / "h", still_file, "handheld", frames=24)
    offsets = [shift(shaky[0], f) for f in shaky[1:]]
    travel = max(abs(dx) + abs(dy) for dx, dy in offsets)
    assert 0.5 < travel < 160 * 0.08  # visible, but a shake, not a move
    again = render(tmp_path / "h2", still_file, "handheld", frames=24)
    assert all(np.array_equal(a, b) for a, b in zip(shaky, again, strict=True))
    other = render(tmp_path / "h3", still_file, "handheld", frames=24, seed=99)
    assert not np.array_equal(shaky[12], other[12])


@pytest.mark.parametrize(("width", "height"), [(96, 160), (128, 128), (240, 100)])
@pytest.mark.parametrize("camera", ["push_in", "pan_left", "orbit", "handheld"])
def test_any_aspect_fills_the_frame_without_borders(tmp_path: Path, still_file: Path, width: int, height: int,
                                                    camera: str) -> None:
    frames = render(tmp_path, still_file, camera, width=width, height=height, frames=12)
    for frame in (frames[0], frames[6], frames[-1]):
        brightness = frame.astype(int).sum(axis=2)
        for edge in (brightness[0], brightness[-1], brightness[:, 0], brightness[:, -1]):
            assert np.median(edge) > 60  # the test still is bright everywhere; a border would be black


@pytest.mark.parametrize("camera", ["static", "push_in", "pull_out", "pan_left", "tilt_down", "truck_right",
                                    "orbit", "handheld"])
@pytest.mark.parametrize(("source", "frame"), [((400, 300), (160, 90)), ((300, 500), (240, 100)),
                                               ((1000, 200), (96, 160))])
@pytest.mark.parametrize("kind", ["still", "card"])
def test_every_frame_samples_inside_the_source(camera: str, source: tuple[int, int], frame: tuple[int, int],
                                               kind: str) -> None:
    """The geometric guarantee behind 'no borders': each frame's footprint lies inside the prepared source."""
    from engine.animatic.camera_moves import frame_corners, source_matrix
    from engine.animatic.shot_renderer import ShotRenderer, ShotSpec

    still = np.zeros((source[1], source[0], 3), np.uint8) if kind == "still" else None
    renderer = ShotRenderer(ShotSpec(frame[0], frame[1], 30, 24, camera, seed=8), still=still)
    layer = renderer.layers[0]
    height, width = layer.image.shape[:2]
    corners = frame_corners(*frame)
    for view in renderer.views:
        mapped = source_matrix(view, layer.scale, width, height) @ corners
        xs, ys = mapped[0] / mapped[2], mapped[1] / mapped[2]
        assert xs.min() >= -0.5 - 1e-6 and xs.max() <= width - 0.5 + 1e-6
        assert ys.min() >= -0.5 - 1e-6 and ys.max() <= height - 0.5 + 1e-6


@pytest.mark.parametrize("camera", ["push_in", "orbit", "handheld"])
def test_plane_renderer_matches_the_rgb_renderer(camera: str, test_still: np.ndarray) -> None:
    """Frames are encoded from warped Y/Cb/Cr planes; they must show what the RGB renderer shows."""
    from engine.animatic.shot_renderer import ShotRenderer, ShotSpec
    from engine.video_io import rgb_to_i420

    renderer = ShotRenderer(ShotSpec(160, 90, 12, 24, camera, seed=2), still=test_still)
    for index in (0, 6, 11):
        planes = renderer.render_i420(index).astype(int)
        reference = rgb_to_i420(renderer.render(index)).astype(int)
        luma = 160 * 90
        assert np.abs(planes[:luma] - reference[:luma]).mean() < 1.0
        assert np.abs(planes[luma:] - reference[luma:]).mean() < 2.0
