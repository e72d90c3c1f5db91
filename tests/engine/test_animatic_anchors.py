"""Anchored stills: a first/last-frame take starts on its first image and ends on its last; a take that continues
another starts on the frame it continues from. Every camera move still moves in between.

Tolerance: the mean absolute difference per channel between a decoded frame and the still, cover-resized to the
frame with INTER_AREA, is under 6 (of 255) — what H.264 at CRF 18 and 4:2:0 chroma leave on a detailed photo —
while an unanchored move's first frame is 20-55 away.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from skimage import data as skdata
from still_images import FRAME_TOLERANCE, frame_distance, framed, save_still

from engine.backends.animatic import AnimaticBackend
from engine.request import CAMERA_MOVES, GenerationRequest, RequestError
from engine.video_io import read_frames

TOLERANCE = FRAME_TOLERANCE
BACKEND = AnimaticBackend(preset="ultrafast")


@pytest.fixture(scope="module")
def stills(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, np.ndarray, np.ndarray]:
    folder = tmp_path_factory.mktemp("stills")
    start, end = skdata.astronaut(), skdata.chelsea()
    return save_still(start, folder / "start.png"), save_still(end, folder / "end.png"), start, end


def _request(camera: str, **changes) -> GenerationRequest:
    values = dict(prompt="the keeper", width=160, height=96, num_frames=24, fps=24, seed=3, camera=camera)
    values.update(changes)
    return GenerationRequest(**values)


@pytest.mark.parametrize("camera", CAMERA_MOVES)
def test_first_last_frame_takes_start_and_end_on_their_stills(camera: str, stills, tmp_path: Path) -> None:
    start_path, end_path, start, end = stills
    request = replace(_request(camera).with_reference(start_path), task="first_last_frame", last_image=str(end_path))
    first, middle, last = read_frames(BACKEND.generate(request, tmp_path / "take").video, [0, 12, -1])
    assert frame_distance(first, framed(start, 160, 96)) < TOLERANCE
    assert frame_distance(last, framed(end, 160, 96)) < TOLERANCE
    assert frame_distance(middle, framed(start, 160, 96)) > TOLERANCE and frame_distance(middle, framed(end, 160, 96)) > TOLERANCE


@pytest.mark.parametrize("camera", ["pan_left", "tilt_up", "truck_right", "orbit"])  # moves that start off-frame
def test_a_continuing_take_starts_on_its_start_frame_and_then_moves(camera: str, stills, tmp_path: Path) -> None:
    start_path, _, start, _ = stills
    plain = _request(camera).with_reference(start_path)
    anchored = replace(plain, options=(("anchor", "start"),))
    expected = framed(start, 160, 96)
    free_first = read_frames(BACKEND.generate(plain, tmp_path / "free").video, [0])[0]
    first, last = read_frames(BACKEND.generate(anchored, tmp_path / "anchored").video, [0, -1])
    assert frame_distance(first, expected) < TOLERANCE
    assert frame_distance(free_first, expected) > 3 * TOLERANCE  # unanchored, the move starts elsewhere
    assert frame_distance(last, expected) > TOLERANCE  # and the anchored one still moves


def test_an_end_anchor_lands_on_the_still(stills, tmp_path: Path) -> None:
    start_path, _, start, _ = stills
    request = _request("pull_out", options=(("anchor", "end"),)).with_reference(start_path)
    last = read_frames(BACKEND.generate(request, tmp_path / "take").video, [-1])[0]
    assert frame_distance(last, framed(start, 160, 96)) < TOLERANCE


def test_an_unknown_anchor_is_a_clear_error(stills, tmp_path: Path) -> None:
    request = _request("static", options=(("anchor", "middle"),)).with_reference(stills[0])
    with pytest.raises(RequestError, match="anchor must be one of"):
        BACKEND.generate(request, tmp_path / "take")


def test_a_still_of_another_shape_is_cropped_and_the_take_says_so(stills, tmp_path: Path) -> None:
    start_path, end_path, _, _ = stills  # 512x512 and 451x300: both taller than the 160x96 frame
    wide = save_still(np.tile(np.linspace(0, 255, 400, dtype=np.uint8)[None, :, None], (100, 1, 3)),
                      tmp_path / "wide.png")
    request = replace(_request("static").with_reference(start_path), task="first_last_frame", last_image=str(wide))
    notes = BACKEND.generate(request, tmp_path / "take").notes
    assert any("reference still (512x512)" in n and "cropped at the top and bottom" in n for n in notes), notes
    assert any("last frame still (400x100)" in n and "cropped at the left and right" in n for n in notes), notes
    same_shape = save_still(np.zeros((96, 160, 3), np.uint8), tmp_path / "fits.png")
    assert not BACKEND.generate(_request("static").with_reference(same_shape), tmp_path / "fits").notes
