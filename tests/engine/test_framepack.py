"""FramePack (``HunyuanVideoFramepackPipeline``) through the real backend, on a tiny random checkpoint saved in
diffusers layout and loaded with ``from_pretrained``.

Random weights cannot show a clip being pulled towards its end image, so the tests check the wiring: the end image
reaches the pipeline (another end image, another clip; the same inputs, the same clip), the clip comes back in the
family's section frame rule, progress counts every step of every section, cancel stops it, and text-to-video is
refused with the model and the families that can do it named; a preview still comes with every step.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from engine.backends.diffusers_backend import DiffusersBackend, UnsupportedRequest
from engine.backends.diffusers_framepack import pipeline_frames, sections_for
from engine.backends.diffusers_plan import plan_generation
from engine.model_families import FRAMEPACK
from engine.model_registry import ModelNotFound, resolve_model, spec_for_folder
from engine.progress import Cancelled, CancelToken, Progress
from engine.request import GenerationRequest, file_sha256
from engine.video_io import probe_video, read_frames


@pytest.fixture(scope="module")
def framepack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_framepack import build_tiny_framepack  # tests/support, on the test path

    return build_tiny_framepack(tmp_path_factory.mktemp("tiny-framepack") / "framepack")


def _request(model: Path, start: Path | None, end: Path | None = None, **changes) -> GenerationRequest:
    values = dict(prompt="a lighthouse keeper walks in the storm", width=64, height=64, num_frames=9, fps=16,
                  steps=2, guidance=10.0, backend="diffusers", model_id=str(model), seed=3)
    values.update(changes)
    request = GenerationRequest(**values)
    if start is not None:
        request = request.with_reference(start)
    if end is not None:
        request = replace(request, task="first_last_frame", last_image=str(end), last_image_sha256=file_sha256(end))
    return request


def _step(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def test_the_frame_rule_follows_the_pipeline_sections() -> None:
    # n sections decode to 36n + 1 frames; the pipeline makes ceil(num_frames / 33) sections.
    assert [FRAMEPACK.constraints.snap_frames(n) for n in (1, 37, 60, 90)] == [37, 37, 73, 73]
    assert [(sections_for(n), pipeline_frames(n)) for n in (37, 73, 109)] == [(1, 33), (2, 66), (3, 99)]


def test_a_framepack_folder_is_recognised_and_the_split_hub_id_says_how_to_assemble_it(framepack: Path) -> None:
    spec = spec_for_folder(framepack)
    assert spec.family is FRAMEPACK and spec.tasks == ("image_to_video", "first_last_frame")
    with pytest.raises(ModelNotFound, match="transformer alone.*HunyuanVideoFramepackPipeline"):
        resolve_model("lllyasviel/FramePackI2V_HY")


def test_text_to_video_is_refused_naming_the_model_and_the_families_that_can(framepack: Path) -> None:
    with pytest.raises(UnsupportedRequest) as refused:
        plan_generation(_request(framepack, None))
    message = str(refused.value)
    assert "framepack cannot do text-to-video" in message
    assert "Wan 2.1 / 2.2" in message and "LTX-Video" in message and "FramePack" not in message.split("can:")[1]


def test_a_long_shot_is_one_framepack_run_never_our_windows(framepack: Path, stills: tuple[Path, Path]) -> None:
    start, _ = stills
    plan = plan_generation(_request(framepack, start, num_frames=240, fps=24, options=(("window_frames", 17),)))
    assert plan.windows == () and plan.num_frames == 289  # 10 s at 30 fps in eight sections of 36 frames


def test_first_last_frame_takes_both_images_and_reports_every_section_step(
        framepack: Path, backend: DiffusersBackend, stills: tuple[Path, Path], tmp_path: Path) -> None:
    start, end = stills
    events: list[Progress] = []
    # 30 frames at 16 fps are 56 at 30 fps: two sections, 73 frames, retimed to the 30 asked.
    to_cat = backend.generate(_request(framepack, start, end, num_frames=30), tmp_path / "a", events.append,
                              CancelToken())
    frames = read_frames(to_cat.video)
    assert len(frames) == 30 and probe_video(to_cat.video).frame_count == 30
    assert frames[0].shape == (64, 64, 3) and to_cat.request.task == "first_last_frame"
    assert to_cat.request.reference_sha256 == file_sha256(start)
    assert to_cat.request.last_image_sha256 == file_sha256(end)
    denoise = [e for e in events if e.stage == "denoise"]
    assert [(e.done, e.total) for e in denoise] == [(n, 4) for n in range(1, 5)]
    assert all(e.preview_png and e.preview_png.startswith(b"\x89PNG") for e in denoise)  # the section's first frame
    assert any("73 frames at 30 fps" in note for note in to_cat.notes)

    to_self = backend.generate(_request(framepack, start, start, num_frames=30), tmp_path / "b", lambda _: None,
                               CancelToken())
    again = backend.generate(_request(framepack, start, end, num_frames=30), tmp_path / "c", lambda _: None,
                             CancelToken())
    other, same = read_frames(to_self.video), read_frames(again.video)
    assert max(_step(x, y) for x, y in zip(frames, other, strict=True)) > 0.5  # the end image reached the model
    assert all(_step(x, y) < 0.5 for x, y in zip(frames, same, strict=True))  # same inputs, same clip


def test_image_to_video_makes_a_clip_from_the_start_image(
        framepack: Path, backend: DiffusersBackend, stills: tuple[Path, Path], tmp_path: Path) -> None:
    start, _ = stills
    result = backend.generate(_request(framepack, start, negative_prompt="blur"), tmp_path / "i2v",
                              lambda _: None, CancelToken())
    assert probe_video(result.video).frame_count == 9 and result.request.task == "image_to_video"
    assert result.request.last_image is None
    assert any("takes no negative prompt" in note for note in result.notes)


def test_cancel_stops_a_framepack_take_during_denoising(
        framepack: Path, backend: DiffusersBackend, stills: tuple[Path, Path], tmp_path: Path) -> None:
    start, end = stills
    token = CancelToken()
    steps: list[int] = []

    def on_progress(event: Progress) -> None:
        if event.stage == "denoise":
            steps.append(event.done)
            token.cancel()

    with pytest.raises(Cancelled):
        backend.generate(_request(framepack, start, end, num_frames=30, steps=3), tmp_path / "x", on_progress,
                         token)
    assert steps == [1]  # of 6: it left at the end of the first step
    assert not (tmp_path / "x" / "video.mp4").exists()
