"""The diffusers backend in-process with tiny random Wan / LTX checkpoints loaded through ``from_pretrained``."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from tiny_models import diffusers_request  # tests/support, on the test path

from engine.backends.diffusers_backend import DiffusersBackend, ModelUnavailable, OutOfMemory, StepPreview
from engine.backends.diffusers_plan import UnsupportedRequest, plan_generation, retime_indices
from engine.model_families import FrameConstraints
from engine.model_registry import ModelNotFound, constraints_for, resolve_model, spec_for_folder
from engine.progress import Cancelled, CancelToken, Progress
from engine.request import GenerationRequest
from engine.video_io import probe_video, read_frames


def req(model: Path | str, **changes) -> GenerationRequest:
    return diffusers_request(model, 'a lighthouse keeper walks in the storm', 3, **changes)


# --- constraints, without weights -------------------------------------------------------------------------------

def test_family_constraints_and_snapping() -> None:
    wan = constraints_for("diffusers", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers")
    ltx = constraints_for("diffusers", "Lightricks/LTX-Video")
    assert (wan.frame_multiple, wan.size_multiple, wan.native_fps) == (4, 16, 16)
    assert (ltx.frame_multiple, ltx.size_multiple, ltx.native_fps) == (8, 32, 24)
    assert [wan.snap_frames(n) for n in (1, 9, 10, 11, 12, 81, 200)] == [5, 9, 9, 13, 13, 81, 81]
    assert [ltx.snap_frames(n) for n in (9, 12, 13, 96)] == [9, 9, 17, 97]
    assert wan.snap_size(1280, 720) == (1280, 720) and ltx.snap_size(1280, 720) == (1280, 736)
    assert constraints_for("diffusers", "Wan-AI/Wan2.2-TI2V-5B-Diffusers").size_multiple == 32
    assert constraints_for("animatic", None) == FrameConstraints(1, 2, None)
    assert constraints_for("animatic", None).snap_frames(7) == 7
    with pytest.raises(ValueError, match="unknown backend"):
        constraints_for("comfy", None)
    with pytest.raises(ModelNotFound, match="unknown model"):
        constraints_for("diffusers", "someone/NotAModel")


def test_plan_reports_every_snap() -> None:
    # A 4 s shot at 24 fps and 1280x720 on Wan 1.3B: 65 frames at 16 fps, 832x480-ish working size.
    plan = plan_generation(req("Wan-AI/Wan2.1-T2V-1.3B-Diffusers", width=1280, height=720, num_frames=96, fps=24))
    assert (plan.num_frames, plan.fps) == (65, 16)
    assert plan.width % 16 == 0 and plan.height % 16 == 0 and plan.width * plan.height <= 832 * 480 * 1.05
    assert any("65 frames at 16 fps" in note and "96 frames at 24 fps" in note for note in plan.notes)
    assert any("scaled to 1280x720" in note for note in plan.notes)
    exact = plan_generation(req("Wan-AI/Wan2.1-T2V-1.3B-Diffusers", width=832, height=480, num_frames=81, fps=16))
    assert exact.notes == []
    # Longer than one run: LTX continues from a frame, so 20 s are made in two windows; Wan 1.3B cannot.
    long = plan_generation(req("Lightricks/LTX-Video", num_frames=24 * 20, fps=24))
    assert long.num_frames == 480 and [(w.start, w.frames) for w in long.windows] == [(0, 257), (241, 241)]
    assert any("2 windows of up to 257 frames" in note and "16 frames crossfaded" in note for note in long.notes)
    slowed = plan_generation(req("Wan-AI/Wan2.1-T2V-1.3B-Diffusers", num_frames=16 * 10))
    assert slowed.num_frames == 81 and not slowed.windows
    assert any("cannot continue from a frame" in note for note in slowed.notes)
    with pytest.raises(UnsupportedRequest, match="image-to-video"):
        plan_generation(req("Wan-AI/Wan2.1-T2V-1.3B-Diffusers", task="image_to_video", reference_image="/x.png"))


def test_retime_spreads_frames_over_the_duration() -> None:
    assert retime_indices(9, 9) == list(range(9))
    assert retime_indices(5, 10) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    up = retime_indices(65, 96)
    assert len(up) == 96 and up[0] == 0 and up[-1] == 64 and up == sorted(up)


def test_local_folders_are_recognised_by_their_pipeline_class(tiny: dict[str, Path], tmp_path: Path) -> None:
    wan, ti2v, ltx = (spec_for_folder(tiny[name]) for name in ("wan", "wan_ti2v", "ltx"))
    assert (wan.family.name, wan.tasks) == ("wan", ("text_to_video",))
    assert (ti2v.family.name, ti2v.tasks, ti2v.constraints.size_multiple) == (
        "wan", ("text_to_video", "image_to_video"), 32)
    assert (ltx.family.name, ltx.constraints.frame_multiple) == ("ltx", 8)
    assert resolve_model(str(tiny["ltx"])).family.name == "ltx"
    odd = tmp_path / "sd"
    odd.mkdir()
    (odd / "model_index.json").write_text('{"_class_name": "KandinskyPipeline"}')
    with pytest.raises(ModelNotFound, match="KandinskyPipeline is not a video or image family"):
        spec_for_folder(odd)


def test_missing_weights_name_the_model_and_the_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         backend: DiffusersBackend) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    import huggingface_hub.constants as hub_constants

    monkeypatch.setattr(hub_constants, "HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(ModelUnavailable) as err:
        backend.generate(req("Wan-AI/Wan2.1-T2V-1.3B-Diffusers"), tmp_path / "out", lambda _: None, CancelToken())
    assert "Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in str(err.value)
    assert "hf download Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in str(err.value)
    assert "HF_HUB_OFFLINE" in str(err.value)
    assert not (tmp_path / "out" / "video.mp4").exists()


# --- generation ----------------------------------------------------------------------------------------------

def test_wan_take_is_retimed_to_the_requested_frames_with_step_progress(
        tiny: dict[str, Path], backend: DiffusersBackend, tmp_path: Path) -> None:
    events: list[Progress] = []
    request = req(tiny["wan"], num_frames=12, fps=24, width=64, height=48, steps=3)
    result = backend.generate(request, tmp_path, events.append, CancelToken())
    info = probe_video(result.video)
    assert (info.width, info.height, info.frame_count, info.fps) == (64, 48, 12, 24)
    assert (result.num_frames, result.fps, result.backend) == (12, 24, "diffusers")
    assert any("retimed to 12 frames at 24 fps" in note for note in result.notes)
    steps = [e for e in events if e.stage == "denoise"]
    assert [(e.done, e.total) for e in steps] == [(1, 3), (2, 3), (3, 3)]
    previews = [e.preview_png for e in steps if isinstance(e, StepPreview) and e.preview_png]
    assert len(previews) == 3
    still = cv2.imdecode(np.frombuffer(previews[-1], np.uint8), cv2.IMREAD_COLOR)
    assert still.shape[2] == 3 and still.shape[0] > 8
    frames = read_frames(result.video)
    assert len(frames) == 12 and frames[0].std() > 1  # a real decoded picture, not a flat fill
    for path in (result.first_frame, result.last_frame, result.thumbnail):
        assert path.stat().st_size > 0
    # The same seed gives the same take; the model stayed loaded.
    again: list[Progress] = []
    second = backend.generate(request, tmp_path / "again", again.append, CancelToken())
    assert any(e.stage == "load" and e.message == "warm" for e in again)
    np.testing.assert_array_equal(read_frames(second.video, [5])[0], read_frames(result.video, [5])[0])


def test_ltx_image_to_video_starts_from_the_reference(tiny: dict[str, Path], backend: DiffusersBackend,
                                                       tmp_path: Path) -> None:
    still = np.zeros((64, 64, 3), np.uint8)
    still[:, :32] = (230, 40, 40)
    cv2.imwrite(str(tmp_path / "ref.png"), cv2.cvtColor(still, cv2.COLOR_RGB2BGR))
    request = req(tiny["ltx"], fps=24).with_reference(tmp_path / "ref.png")
    result = backend.generate(request, tmp_path / "take", lambda _: None, CancelToken())
    assert probe_video(result.video).frame_count == 9
    assert result.request.task == "image_to_video"


def test_cancel_stops_within_one_step_and_leaves_no_clip(tiny: dict[str, Path], backend: DiffusersBackend,
                                                        tmp_path: Path) -> None:
    token = CancelToken()
    seen: list[int] = []

    def progress(update: Progress) -> None:
        if update.stage == "denoise":
            seen.append(update.done)
            if update.done == 2:
                token.cancel()

    with pytest.raises(Cancelled):
        backend.generate(req(tiny["wan"], steps=20), tmp_path, progress, token)
    assert seen == [1, 2]
    assert not (tmp_path / "video.mp4").exists()
    # The pipeline is still usable after an interrupted run.
    result = backend.generate(req(tiny["wan"], steps=2), tmp_path, lambda _: None, CancelToken())
    assert probe_video(result.video).frame_count == 9


def test_out_of_memory_names_the_memory_options(tiny: dict[str, Path], backend: DiffusersBackend, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    def run_out_of_memory(*_args, **_kwargs):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")

    monkeypatch.setattr(backend, "_run", run_out_of_memory)
    with pytest.raises(OutOfMemory) as err:
        backend.generate(req(tiny["wan"]), tmp_path, lambda _: None, CancelToken())
    message = str(err.value)
    assert "ran out of memory" in message and "offload=model" in message and "vae_tiling=true" in message
    assert not (tmp_path / "video.mp4").exists()
    monkeypatch.undo()
    # The backend keeps working afterwards.
    assert probe_video(backend.generate(req(tiny["wan"]), tmp_path, lambda _: None, CancelToken()).video).frame_count == 9
