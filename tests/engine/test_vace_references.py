"""Wan VACE clips made with the cast's reference stills (a tiny VACE checkpoint through ``from_pretrained``), and
video models without reference support, which leave the stills out with a note on the take."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from tiny_models import diffusers_request  # tests/support, on the test path

from engine.backends.diffusers_backend import DiffusersBackend, StepPreview
from engine.backends.diffusers_conditions import frame_arguments
from engine.backends.diffusers_plan import plan_generation
from engine.model_registry import resolve_model, spec_for_folder
from engine.progress import CancelToken, Progress
from engine.request import GenerationRequest, file_sha256
from engine.video_io import probe_video, read_frames


def req(model: Path | str, **changes) -> GenerationRequest:
    return diffusers_request(model, 'the old keeper stands on the rock at night', 5, **changes)


def still(path: Path, colour: tuple[int, int, int], size: tuple[int, int] = (48, 64)) -> Path:
    image = np.full((size[1], size[0], 3), colour, np.uint8)
    cv2.circle(image, (size[0] // 2, size[1] // 3), size[0] // 4, (250, 250, 250), -1)
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return path


@pytest.fixture
def cast_stills(tmp_path: Path) -> list[Path]:
    return [still(tmp_path / "keeper.png", (180, 40, 30)), still(tmp_path / "gull rock.png", (30, 90, 170), (80, 40))]


# --- descriptors and plans, without weights --------------------------------------------------------------------

def test_vace_is_a_video_family_that_takes_reference_stills(tiny: dict[str, Path]) -> None:
    spec = spec_for_folder(tiny["wan_vace"])
    assert (spec.family.name, spec.family.kind, spec.family.references) == ("wan_vace", "video", "reference_images")
    assert spec.tasks == ("text_to_video", "image_to_video", "first_last_frame")
    assert {spec.pipeline_class_name(t) for t in spec.tasks} == {"WanVACEPipeline"}
    assert (spec.constraints.frame_multiple, spec.constraints.size_multiple) == (4, 16)
    for model_id, params in (("Wan-AI/Wan2.1-VACE-1.3B-diffusers", "1.3B"), ("Wan-AI/Wan2.1-VACE-14B-diffusers", "14B")):
        known = resolve_model(model_id)
        assert (known.family.name, known.params, known.to_dict()["references"]) == ("wan_vace", params,
                                                                                    "reference_images")
    assert resolve_model("Wan-AI/Wan2.1-T2V-1.3B-Diffusers").family.references == ""


def test_a_clip_request_keys_its_references_by_content(cast_stills: list[Path], tmp_path: Path) -> None:
    plain = req("Wan-AI/Wan2.1-VACE-1.3B-diffusers")
    with_refs = plain.with_references(cast_stills)
    assert with_refs.task == "text_to_video"  # a clip keeps its task
    assert with_refs.reference_images_sha256 == tuple(file_sha256(p) for p in cast_stills)
    assert with_refs.key() != plain.key() and plain.with_references([]).key() == plain.key()
    moved = [Path(shutil.copy(p, tmp_path / f"copy-{p.name}")) for p in cast_stills]
    assert plain.with_references(moved).key() == with_refs.key()  # the content, not the path
    assert plain.with_references(cast_stills[::-1]).key() != with_refs.key()
    assert GenerationRequest.from_dict(json.loads(json.dumps(with_refs.to_dict()))).key() == with_refs.key()


def test_more_references_than_vace_takes_are_cut_with_a_note(tmp_path: Path) -> None:
    stills = [still(tmp_path / f"{n}.png", (40 * n, 20, 200 - 30 * n)) for n in range(6)]
    plan = plan_generation(req("Wan-AI/Wan2.1-VACE-1.3B-diffusers").with_references(stills))
    assert plan.references == tuple(str(p) for p in stills[:4])
    assert any("takes at most 4 reference images: used the first 4 of 6" in note for note in plan.notes)


def test_vace_start_and_end_frames_are_kept_frames_of_its_video() -> None:
    from PIL import Image

    start, end = Image.new("RGB", (64, 48), (200, 0, 0)), Image.new("RGB", (64, 48), (0, 0, 200))
    first = frame_arguments("wan_vace", "image_to_video", start, None, 9)
    both = frame_arguments("wan_vace", "first_last_frame", start, end, 9)
    assert frame_arguments("wan_vace", "text_to_video", None, None, 9) == {}
    for arguments, kept in ((first, [0]), (both, [0, 8])):
        video, mask = arguments["video"], arguments["mask"]
        assert len(video) == len(mask) == 9
        assert [i for i, m in enumerate(mask) if m.getextrema() == (0, 0)] == kept
        assert all(m.getextrema() == (255, 255) for i, m in enumerate(mask) if i not in kept)
        assert video[0] is start and (video[8] is end) == (kept == [0, 8])
        assert video[4].getpixel((10, 10)) == (128, 128, 128)  # to be made


# --- takes -------------------------------------------------------------------------------------------------------

def test_a_vace_take_is_made_with_two_reference_stills(tiny: dict[str, Path], backend: DiffusersBackend,
                                                        cast_stills: list[Path], tmp_path: Path) -> None:
    plain = req(tiny["wan_vace"])
    request = plain.with_references(cast_stills)
    events: list[Progress] = []
    result = backend.generate(request, tmp_path / "with", events.append, CancelToken())
    info = probe_video(result.video)
    assert (info.width, info.height, info.frame_count) == (64, 64, 9)
    frames = read_frames(result.video)
    assert len(frames) == 9 and frames[0].std() > 1
    assert result.request.reference_images_sha256 == tuple(file_sha256(p) for p in cast_stills)
    assert result.request.key() == request.key() != plain.key()
    assert not any("reference" in note for note in result.notes)
    previews = [e.preview_png for e in events if isinstance(e, StepPreview) and e.preview_png]
    assert len(previews) == 2  # the preview skips the references' latent frames and still decodes
    # The stills reached the pipeline (each is a latent frame of VACE's): the same seed without them, or with one,
    # makes another clip; the same stills from other paths make this one again.
    for name, other in (("without", plain), ("one", plain.with_references(cast_stills[:1]))):
        clip = backend.generate(other, tmp_path / name, lambda _: None, CancelToken())
        assert not np.array_equal(read_frames(clip.video, [4])[0], frames[4]), name
    moved = [Path(shutil.copy(p, tmp_path / f"moved-{p.name}")) for p in cast_stills]
    again = backend.generate(plain.with_references(moved), tmp_path / "moved", lambda _: None, CancelToken())
    np.testing.assert_array_equal(read_frames(again.video, [4])[0], frames[4])


def test_a_vace_take_starts_from_a_frame_beside_its_references(tiny: dict[str, Path], backend: DiffusersBackend,
                                                                cast_stills: list[Path], tmp_path: Path) -> None:
    start = still(tmp_path / "start.png", (20, 160, 60), (64, 64))
    words = req(tiny["wan_vace"]).with_references(cast_stills)
    request = words.with_reference(start)
    assert (request.task, request.reference_images) == ("image_to_video", words.reference_images)
    result = backend.generate(request, tmp_path / "i2v", lambda _: None, CancelToken())
    # (A random tiny VACE barely follows its conditioning: what reaches it is checked in the frame test above.)
    assert probe_video(result.video).frame_count == 9 and result.request.task == "image_to_video"
    assert read_frames(result.video, [0])[0].std() > 1


def test_a_plain_wan_take_notes_the_references_it_ignored(tiny: dict[str, Path], backend: DiffusersBackend,
                                                          cast_stills: list[Path], tmp_path: Path) -> None:
    plain = req(tiny["wan"])
    result = backend.generate(plain.with_references(cast_stills), tmp_path / "refs", lambda _: None, CancelToken())
    (note,) = [n for n in result.notes if "reference" in n]
    assert "takes no reference images: the 2 given were ignored" in note and "Wan 2.1 VACE" in note
    assert probe_video(result.video).frame_count == 9
    same = backend.generate(plain, tmp_path / "plain", lambda _: None, CancelToken())
    np.testing.assert_array_equal(read_frames(result.video, [4])[0], read_frames(same.video, [4])[0])
