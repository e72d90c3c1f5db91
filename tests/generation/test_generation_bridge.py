"""studio.generation: shots become requests, results become takes inside the bundle (the caller saves)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.progress import Cancelled, CancelToken, Progress
from engine.request import GenerationRequest, TakeResult
from engine.video_io import probe_video, read_frames, write_stills, write_video
from engine.worker_client import WorkerClient
from studio.generation import (
    GenerationError,
    GenerationFailed,
    frame_size_for_aspect,
    generate_missing,
    generate_shots,
    request_for_shot,
    take_from_result,
)
from studio.project import ProjectDocument
from studio.project.model import EngineSettings, Project, Shot
from studio.project.store import import_media

WAIT = 240


@pytest.fixture
def document(tmp_path: Path) -> ProjectDocument:
    project = Project(title="Lighthouse", width=192, height=108, fps=24,
                      engine=EngineSettings(steps=12, guidance=4.0, options={"vae_tiling": True}))
    project.shots = [
        Shot(prompt="The keeper climbs the stairs", duration_frames=18, camera="push_in", seed=7),
        Shot(prompt="Waves on the rocks", duration_frames=12, aspect="2.39:1", seed=8),
    ]
    return ProjectDocument.create(tmp_path / "film", project)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> WorkerClient:
    root = tmp_path_factory.mktemp("engine")
    engine = WorkerClient(root / "state", root / "cache")
    yield engine
    engine.close()


def test_frame_size_fits_the_aspect_inside_the_project_frame() -> None:
    assert frame_size_for_aspect(1280, 720, "16:9") == (1280, 720)
    assert frame_size_for_aspect(1280, 720, "1:1") == (720, 720)
    w, h = frame_size_for_aspect(1280, 720, "2.39:1")
    assert w == 1280 and h % 2 == 0 and abs(w / h - 2.39) < 0.02
    w, h = frame_size_for_aspect(1280, 720, "9:16")
    assert h == 720 and w % 2 == 0 and abs(w / h - 9 / 16) < 0.01


def test_request_for_shot_carries_the_shot_and_the_project_engine(document: ProjectDocument,
                                                                  tmp_path: Path) -> None:
    project, bundle = document.project, document.bundle
    first, second = project.shots
    request = request_for_shot(project, first, bundle)
    assert (request.width, request.height, request.num_frames, request.fps) == (192, 108, 18, 24.0)
    assert (request.seed, request.camera, request.steps, request.guidance) == (7, "push_in", 12, 4.0)
    assert request.label == "SHOT 1 · PUSH IN" and request.backend == "animatic" and request.model_id is None
    assert request.option("vae_tiling") is True
    wide = request_for_shot(project, second, bundle, seed=99)
    assert wide.seed == 99 and wide.width == 192 and wide.height < 108 and wide.label == "SHOT 2 · STATIC"
    assert request_for_shot(project, first, bundle, backend="diffusers").model_id == "Wan-AI/Wan2.1-T2V-1.3B-Diffusers"

    still = tmp_path / "ref.png"
    cv2.imwrite(str(still), np.full((40, 60, 3), 128, np.uint8))
    first.reference = import_media(bundle, still)
    with_ref = request_for_shot(project, first, bundle)
    assert with_ref.task == "image_to_video" and with_ref.reference_sha256
    assert Path(with_ref.reference_image) == bundle / first.reference
    first.reference = "media/stills/gone.png"
    with pytest.raises(GenerationError, match="shot 1: its reference still media/stills/gone.png is missing"):
        request_for_shot(project, first, bundle)
    first.reference = None
    with pytest.raises(GenerationError, match="unknown model"):
        request_for_shot(project, first, bundle, backend="diffusers", model_id="nobody/nothing")
    with pytest.raises(GenerationError, match="unknown engine"):
        request_for_shot(project, first, bundle, backend="comfy")


def test_take_from_result_copies_the_files_into_the_bundle(document: ProjectDocument, tmp_path: Path) -> None:
    shot = document.project.shots[0]
    request = request_for_shot(document.project, shot, document.bundle)
    frames = [np.full((108, 192, 3), i * 10, np.uint8) for i in range(18)]
    write_video(tmp_path / "video.mp4", frames, 24)
    first, last, thumb = write_stills(frames[0], frames[-1], tmp_path)
    result = TakeResult(video=tmp_path / "video.mp4", first_frame=first, last_frame=last, thumbnail=thumb,
                        request=request, width=192, height=108, fps=24, num_frames=18, notes=["snapped"])
    take = take_from_result(document.bundle, shot.id, result)
    assert take.media == f"media/takes/{shot.id}/{take.id}/video.mp4"
    for rel in (take.media, take.thumbnail, take.first_frame, take.last_frame):
        assert (document.bundle / rel).is_file()
    assert GenerationRequest.from_dict(take.request) == request
    assert (take.seed, take.frame_count, take.fps, take.metadata["notes"]) == (7, 18, 24, ["snapped"])
    result.video = tmp_path / "nope.mp4"
    with pytest.raises(GenerationError, match="missing"):
        take_from_result(document.bundle, shot.id, result)


def test_generate_shots_adds_active_takes_and_leaves_saving_to_the_caller(document: ProjectDocument) -> None:
    saved = (document.bundle / "project.json").read_bytes()
    updates: list[Progress] = []
    takes = generate_shots(document, progress=updates.append)  # its own local client in the bundle
    assert len(takes) == 2
    assert (document.bundle / "project.json").read_bytes() == saved and document.dirty  # library code never saves
    document.save()
    reopened, _ = ProjectDocument.open(document.bundle)
    for shot, take in zip(reopened.project.shots, takes, strict=True):
        assert shot.active_take == take.id and shot.takes[-1].id == take.id
        info = probe_video(reopened.bundle / take.media)
        assert info.frame_count == shot.duration_frames and info.fps == 24
        assert take.seed == shot.seed  # a shot's first take uses its own seed
    assert updates[-1].done == updates[-1].total and "take ready" in updates[-1].message
    assert read_frames(document.bundle / takes[0].media, [0])[0].std() > 1  # a drawn card, not a blank

    assert generate_missing(document) == []  # nothing missing now


def test_generate_again_uses_a_new_seed_unless_locked(document: ProjectDocument, client: WorkerClient) -> None:
    first_shot = document.project.shots[0].id
    [original] = generate_shots(document, [first_shot], client=client)
    [again] = generate_shots(document, [first_shot], client=client)
    assert again.seed != original.seed and not again.metadata["from_cache"]
    assert again.metadata["seed_rule"] == f"new seed {again.seed}"
    shot = document.project.shot(first_shot)
    shot.seed_locked = True
    # Generate with a locked seed: its take is already in the shot, so nothing new is made; it becomes active.
    assert generate_shots(document, [first_shot], client=client) == []
    assert shot.active_take == original.id and [t.id for t in shot.takes] == [original.id, again.id]


def test_failures_are_reported_after_the_other_takes(document: ProjectDocument, client: WorkerClient) -> None:
    document.project.shots[1].backend = "diffusers"
    document.project.shots[1].model_id = "Lightricks/LTX-Video"  # not downloaded; the hub is offline in tests
    with pytest.raises(GenerationFailed) as err:
        generate_shots(document, client=client)
    assert "1 of 2 takes failed" in str(err.value) and "hf download Lightricks/LTX-Video" in str(err.value)
    assert len(err.value.takes) == 1
    assert document.project.shots[0].active() is not None and document.project.shots[1].active() is None


def test_cancel_keeps_what_finished(document: ProjectDocument, client: WorkerClient) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        generate_shots(document, client=client, cancel=token)
    assert all(not shot.takes for shot in document.project.shots)
    assert not document.dirty
