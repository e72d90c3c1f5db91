"""Continuity on diffusers models: first-last-frame runs (Wan FLF2V, the LTX condition pipeline) and long
shots made in overlapping windows, on tiny random checkpoints loaded through ``from_pretrained``.

Random weights cannot show a clip being pulled *towards* its end image (the model has learned nothing), so the
first-last-frame tests check what the wiring guarantees: the end image reaches the model and changes the end of
the clip far more than its start, and the same inputs give the same clip. The seam rule for long shots: no
frame-to-frame step across a seam's overlap is larger than the largest step inside the windows (the model's
own motion), and a hard cut between the same windows would be; checked on synthetic windows whose content
drifts as real continuations do, and on the tiny model.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from engine.backends.diffusers_backend import DiffusersBackend
from engine.backends.diffusers_plan import plan_generation
from engine.backends.diffusers_windows import Window, plan_windows, seam_steps, stitch
from engine.model_families import FrameConstraints
from engine.model_registry import spec_for_folder
from engine.progress import CancelToken, Progress
from engine.request import GenerationRequest, file_sha256
from engine.video_io import probe_video, read_frames

WAN = FrameConstraints(frame_multiple=4, size_multiple=16, native_fps=16, max_frames=81)


@pytest.fixture(scope="module")
def backend() -> DiffusersBackend:
    b = DiffusersBackend(preview_every=0)
    yield b
    b.release()


def _request(model: Path, start: Path, end: Path | None = None, **changes) -> GenerationRequest:
    values = dict(prompt="a lighthouse keeper walks in the storm", width=64, height=64, num_frames=17, fps=16,
                  steps=2, backend="diffusers", model_id=str(model), seed=3)
    values.update(changes)
    request = GenerationRequest(**values).with_reference(start)
    if end is not None:
        request = replace(request, task="first_last_frame", last_image=str(end), last_image_sha256=file_sha256(end))
    return request


def _step(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


# --- windows, without weights -----------------------------------------------------------------------------------

def test_windows_cover_the_shot_in_allowed_counts_and_end_on_the_end_image() -> None:
    windows = plan_windows(200, 81, 8, WAN, first_task="image_to_video", end_on_image=True)
    assert [w.start for w in windows] == [0, 73, 146]
    assert all((w.frames - 1) % 4 == 0 and w.frames <= 81 for w in windows)
    assert windows[-1].start + windows[-1].frames >= 200 and windows[-1].frames == 57
    assert [w.task for w in windows] == ["image_to_video", "image_to_video", "first_last_frame"]
    assert [w.task for w in plan_windows(60, 81, 8, WAN, first_task="text_to_video", end_on_image=False)] \
        == ["text_to_video"]
    with pytest.raises(ValueError, match="cannot overlap"):
        plan_windows(100, 8, 8, WAN, first_task="text_to_video", end_on_image=False)


def test_stitching_crossfades_the_overlap_and_keeps_seams_below_the_motion_inside() -> None:
    # Two windows of a slow pan over a gradient; the second continues from the first's frame 12, but (as a
    # model does) drifts: its picture is 30 levels brighter. A hard cut would jump by the drift at once.
    x = np.arange(64, dtype=np.float32)

    def pan(offset: float, count: int, brightness: float = 0) -> np.ndarray:
        rows = [np.clip((x + offset + 3 * i) * 3 + brightness, 0, 255) for i in range(count)]
        return np.stack([np.broadcast_to(r[None, :, None], (16, 64, 3)) for r in rows]).astype(np.uint8)

    windows = [Window(0, 17, "text_to_video"), Window(12, 17, "image_to_video")]
    first, second = pan(0, 17), pan(36, 17, brightness=30)
    frames = stitch(windows, [first, second], 29)
    assert len(frames) == 29
    np.testing.assert_array_equal(frames[:12], first[:12])  # before the overlap: the first window as made
    np.testing.assert_array_equal(frames[17:], second[5:])  # after it: the second window as made
    seams, inside = seam_steps(frames, windows)
    cut = np.concatenate([first[:12], second])
    cut_seams, _ = seam_steps(cut, windows)
    assert max(seams) <= max(inside) + 30 / (5 + 1) + 1  # each step carries 1/(overlap+1) of the drift
    assert max(cut_seams) > max(inside) + 15 > max(seams) + 10  # a cut: the whole drift in one frame


# --- first-last-frame on tiny models --------------------------------------------------------------------------

def test_wan_flf_checkpoint_is_recognised_and_its_end_image_shapes_the_end(
        tiny: dict[str, Path], backend: DiffusersBackend, stills: tuple[Path, Path], tmp_path: Path) -> None:
    assert spec_for_folder(tiny["wan_flf"]).tasks == ("image_to_video", "first_last_frame")
    start, end = stills
    to_cat = backend.generate(_request(tiny["wan_flf"], start, end), tmp_path / "a", lambda _: None, CancelToken())
    to_self = backend.generate(_request(tiny["wan_flf"], start, start), tmp_path / "b", lambda _: None,
                               CancelToken())
    again = backend.generate(_request(tiny["wan_flf"], start, end), tmp_path / "c", lambda _: None, CancelToken())
    a, b, c = (read_frames(r.video) for r in (to_cat, to_self, again))
    assert probe_video(to_cat.video).frame_count == 17 and to_cat.request.task == "first_last_frame"
    assert _step(a[0], b[0]) < 0.5 < _step(a[-1], b[-1])  # only the end sees the end image
    assert all(_step(x, y) < 0.5 for x, y in zip(a, c, strict=True))  # same inputs, same clip


def test_ltx_condition_pipeline_takes_start_and_end_images(
        tiny: dict[str, Path], backend: DiffusersBackend, stills: tuple[Path, Path], tmp_path: Path) -> None:
    start, end = stills
    assert "first_last_frame" in spec_for_folder(tiny["ltx"]).tasks
    events: list[Progress] = []
    to_cat = backend.generate(_request(tiny["ltx"], start, end, fps=24), tmp_path / "a", events.append,
                              CancelToken())
    to_self = backend.generate(_request(tiny["ltx"], start, start, fps=24), tmp_path / "b", lambda _: None,
                               CancelToken())
    a, b = read_frames(to_cat.video), read_frames(to_self.video)
    assert len(a) == 17 and [e.done for e in events if e.stage == "denoise"] == [1, 2]
    assert _step(a[-1], b[-1]) > 1.5 * _step(a[0], b[0])  # the end condition acts mostly at the end


# --- long shots on a tiny model ----------------------------------------------------------------------------------

def test_a_long_shot_is_made_in_windows_that_continue_each_other_without_a_seam(
        tiny: dict[str, Path], backend: DiffusersBackend, stills: tuple[Path, Path], tmp_path: Path) -> None:
    start, _ = stills
    # Windows of 17 frames (the option a small GPU would use; the real limit is the model's 121): 33 frames
    # need three windows overlapping by 8.
    request = _request(tiny["wan_ti2v"], start, fps=24, num_frames=33, options=(("window_frames", 17),))
    plan = plan_generation(request)
    assert [(w.start, w.frames) for w in plan.windows] == [(0, 17), (9, 17), (18, 17)]
    events: list[Progress] = []
    result = backend.generate(request, tmp_path / "long", events.append, CancelToken())
    frames = read_frames(result.video)
    assert len(frames) == 33 and probe_video(result.video).frame_count == 33
    denoise = [e for e in events if e.stage == "denoise"]
    assert [(e.done, e.total) for e in denoise] == [(n, 6) for n in range(1, 7)]
    assert denoise[-1].message == "window 3 of 3"
    assert any("3 windows of up to 17 frames" in note for note in result.notes)
    seams, inside = seam_steps(frames, plan.windows)
    assert max(seams) <= max(inside)
