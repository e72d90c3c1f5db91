"""The image task: stills (keyframes) from tiny random SD / FLUX.1 / FLUX.1 Kontext checkpoints, loaded through
``from_pretrained`` and run through the real in-process client and worker, to PNG takes in the take cache."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from engine_events import events_until_final

from engine.backends.diffusers_backend import DiffusersBackend
from engine.backends.diffusers_plan import UnsupportedRequest, plan_generation
from engine.backends.diffusers_stills import plan_still
from engine.inprocess_client import InProcessClient
from engine.messages import Cancelled, Done, Failed, StepProgress
from engine.model_catalog import list_models
from engine.model_registry import families_for, spec_for_folder
from engine.progress import Cancelled as CancelledError
from engine.progress import CancelToken, Progress
from engine.request import RENDERER_VERSIONS, GenerationRequest, RequestError, StillResult
from engine.still_files import read_still_metadata

PROMPT = "a lighthouse keeper walks in the storm"


@pytest.fixture(scope="module")
def tiny_images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import tiny_image_models  # tests/support, on the test path

    return tiny_image_models.ensure_tiny_image_models(tmp_path_factory.getbasetemp() / "tiny-image-models")


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("image-engine")
    client = InProcessClient(root / "state", root / "cache", backend_options={"diffusers": {"device": "cpu"}})
    yield client
    client.close(keep_pending=False)


def solid(path: Path, rgb: tuple[int, int, int], size: tuple[int, int] = (48, 64)) -> Path:
    image = np.zeros((size[1], size[0], 3), np.uint8)
    image[:] = rgb
    image[: size[1] // 3] = (rgb[0] // 2, 255 - rgb[1], rgb[2] // 3)  # not flat: the model sees some structure
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return path


def still(model: Path | str, **values) -> GenerationRequest:
    references = values.pop("references", ())
    values = {"seed": 5, "steps": 2, "backend": "diffusers", "model_id": str(model), **values}
    return GenerationRequest.still(values.pop("prompt", PROMPT), values.pop("width", 96), values.pop("height", 64),
                                   references=references, **values)


def decoded(path: Path) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(path), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


# --- requests and descriptors, without weights ---------------------------------------------------------------

def test_a_still_request_and_its_key(tmp_path: Path) -> None:
    request = GenerationRequest.still(PROMPT, 1024, 576, seed=3)
    assert (request.task, request.kind, request.num_frames) == ("text_to_image", "image", 1)
    a, b, c = solid(tmp_path / "a.png", (200, 30, 30)), tmp_path / "b.png", solid(tmp_path / "c.png", (30, 200, 30))
    b.write_bytes(a.read_bytes())
    with_a, with_b, with_c = (request.with_references([p]) for p in (a, b, c))
    assert with_a.task == "references_to_image" and with_a.reference_images == (str(a),)
    assert with_a.key() == with_b.key() != with_c.key() != request.key()  # keyed by content, not path
    assert with_a.with_references([]) == request
    assert GenerationRequest.from_dict(json.loads(json.dumps(with_a.to_dict()))) == with_a
    # A clip's key is what it was before stills existed: the new fields stay out of it while empty.
    clip = GenerationRequest(prompt=PROMPT, width=160, height=90, num_frames=24, fps=24, seed=7)
    old = clip.to_dict()
    for name in ("reference_image", "last_image", "reference_images", "reference_images_sha256", "loras"):
        old.pop(name)
    old["renderer_version"] = RENDERER_VERSIONS["animatic"]
    blob = json.dumps(old, sort_keys=True, separators=(",", ":"), default=str)
    assert clip.key() == hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]
    assert clip.kind == "video"


def test_bad_still_requests_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(RequestError, match="a still is one frame"):
        GenerationRequest(prompt=PROMPT, width=64, height=64, num_frames=9, fps=24, task="text_to_image")
    with pytest.raises(RequestError, match="needs their reference_images_sha256"):  # a model's clip is keyed by them
        GenerationRequest(prompt=PROMPT, width=64, height=64, num_frames=9, fps=24, reference_images=("/x.png",),
                          backend="diffusers", model_id="m")
    with pytest.raises(RequestError, match="cannot be found"):
        GenerationRequest.still(PROMPT, 64, 64, references=[tmp_path / "missing.png"])
    with pytest.raises(RequestError, match="needs at least one reference"):
        GenerationRequest(prompt=PROMPT, width=64, height=64, num_frames=1, fps=24, task="references_to_image")
    with pytest.raises(RequestError, match="the prompt is empty"):
        GenerationRequest.still("  ", 64, 64, backend="diffusers")
    clip = GenerationRequest(prompt=PROMPT, width=64, height=64, num_frames=9, fps=24)
    with pytest.raises(RequestError, match="cannot be found"):  # a clip takes references too (Wan VACE)
        clip.with_references([tmp_path / "missing.png"])


def test_image_families_and_models_are_described(tiny_images: dict[str, Path]) -> None:
    sd, flux, kontext = (spec_for_folder(tiny_images[n]) for n in ("sd", "flux", "flux_kontext"))
    assert (sd.family.name, sd.family.kind, sd.tasks, sd.constraints.size_multiple) == (
        "sd", "image", ("text_to_image",), 8)
    assert (sd.family.default_steps, sd.family.default_guidance) == (1, 0.0)
    assert (flux.family.name, flux.tasks, flux.family.references) == ("flux", ("text_to_image",), "")
    assert (kontext.family.name, kontext.tasks, kontext.family.references) == (
        "flux_kontext", ("text_to_image", "references_to_image"), "image")
    able = {f.name for f in families_for("references_to_image")}
    assert {"flux_kontext", "flux2", "flux2_klein", "qwen_image_edit", "qwen_image_edit_plus"} <= able
    assert "flux" not in able and "wan" not in able
    rows = {row["id"]: row for row in list_models([tiny_images["flux_kontext"]])}
    assert rows["black-forest-labs/FLUX.1-schnell"]["kind"] == "image"
    assert rows["Wan-AI/Wan2.1-T2V-1.3B-Diffusers"]["kind"] == "video"
    assert rows[str(tiny_images["flux_kontext"].resolve())]["references"] == "image"


def test_a_model_of_the_other_kind_is_refused_by_name(tiny_images: dict[str, Path]) -> None:
    with pytest.raises(UnsupportedRequest) as err:
        plan_still(still("Wan-AI/Wan2.1-T2V-1.3B-Diffusers"))
    assert "Wan 2.1 text-to-video 1.3B makes video clips, not stills" in str(err.value)
    assert "FLUX.1 Kontext" in str(err.value) and "Stable Diffusion / SD-Turbo" in str(err.value)
    clip = GenerationRequest(prompt=PROMPT, width=64, height=64, num_frames=9, fps=16, backend="diffusers",
                             model_id=str(tiny_images["sd"]))
    with pytest.raises(UnsupportedRequest, match="sd makes stills, not video clips.*Wan 2.1 / 2.2, LTX-Video"):
        plan_generation(clip)
    with pytest.raises(UnsupportedRequest, match="Qwen-Image-Edit.*only from reference images"):
        plan_still(still("Qwen/Qwen-Image-Edit"))


def test_the_plan_snaps_the_size_and_says_so(tiny_images: dict[str, Path]) -> None:
    plan = plan_still(still(tiny_images["flux"], width=100, height=60)).plan
    assert (plan.width, plan.height) == (96, 64) and plan.num_frames == 1
    assert any("sides divisible by 16" in note and "scaled to 100x60" in note for note in plan.notes)
    big = plan_still(still("black-forest-labs/FLUX.1-schnell", width=1920, height=1080)).plan
    assert big.width * big.height <= 1024 * 1024 and big.width % 16 == 0 and big.height % 16 == 0
    turbo = plan_still(still("stabilityai/sd-turbo", steps=8)).plan
    assert any("made for 1-4 steps" in note for note in turbo.notes)


# --- through the engine --------------------------------------------------------------------------------------

def test_sd_still_through_the_engine_is_a_png_take_with_its_metadata(tiny_images: dict[str, Path], engine) -> None:
    request = still(tiny_images["sd"], width=80, height=48, steps=3, label="Shot 4")
    job = engine.submit(request)
    events = events_until_final(engine, job)
    final = events[-1]
    assert isinstance(final, Done) and isinstance(final.result, StillResult), final
    result = final.result
    assert [(e.step, e.total) for e in events if isinstance(e, StepProgress) and e.stage == "denoise"] == [
        (1, 3), (2, 3), (3, 3)]
    image = decoded(result.image)
    assert image.shape == (48, 80, 3) and image.std() > 1  # a real picture at the asked size
    assert result.image.name == "image.png" and result.image.parent.parent.parent == engine.cache_dir
    assert (result.width, result.height, result.seed, result.backend) == (80, 48, 5, "diffusers")
    assert result.model_id == str(tiny_images["sd"].resolve())
    metadata = read_still_metadata(result.image)
    assert metadata["seed"] == 5 and metadata["model_id"] == result.model_id
    assert GenerationRequest.from_dict(metadata["request"]) == request
    assert decoded(result.thumbnail).shape[1] == 80
    # Asked again: the cached still, the same file.
    again = engine.wait(engine.submit(request), timeout=120)
    assert isinstance(again, Done) and again.result.from_cache and again.result.image == result.image
    # Another seed is another picture.
    other = engine.wait(engine.submit(still(tiny_images["sd"], width=80, height=48, steps=3, seed=6)), timeout=120)
    assert isinstance(other, Done) and not np.array_equal(decoded(other.result.image), image)


def test_flux_still_at_a_size_it_cannot_make_is_conformed(tiny_images: dict[str, Path], engine) -> None:
    final = engine.wait(engine.submit(still(tiny_images["flux"], width=100, height=60)), timeout=180)
    assert isinstance(final, Done), final
    assert decoded(final.result.image).shape == (60, 100, 3)
    assert any("scaled to 100x60" in note for note in final.result.notes)


def test_kontext_takes_the_references(tiny_images: dict[str, Path], engine, tmp_path: Path) -> None:
    red, green = solid(tmp_path / "red.png", (220, 30, 30)), solid(tmp_path / "green.png", (30, 220, 30), (64, 48))
    model = tiny_images["flux_kontext"]
    takes = {}
    for name, refs in {"text": (), "red": (red,), "green": (green,), "both": (red, green)}.items():
        final = engine.wait(engine.submit(still(model, references=refs)), timeout=180)
        assert isinstance(final, Done), final
        assert final.result.request.task == ("references_to_image" if refs else "text_to_image")
        takes[name] = final.result
    pictures = {name: decoded(take.image) for name, take in takes.items()}
    assert all(p.shape == (64, 96, 3) for p in pictures.values())
    # The same seed and prompt: only the references differ, and each changes the picture.
    for a, b in (("text", "red"), ("red", "green"), ("red", "both")):
        assert not np.array_equal(pictures[a], pictures[b]), (a, b)
    assert any("set side by side on one" in note for note in takes["both"].notes)
    assert read_still_metadata(takes["red"].image)["request"]["reference_images_sha256"] == [
        hashlib.sha256(red.read_bytes()).hexdigest()]


def test_references_a_model_cannot_take_are_ignored_with_a_note(tiny_images: dict[str, Path], engine,
                                                                tmp_path: Path) -> None:
    refs = (solid(tmp_path / "a.png", (200, 20, 20)),)
    final = engine.wait(engine.submit(still(tiny_images["flux"], references=refs)), timeout=180)
    assert isinstance(final, Done), final
    note = next(n for n in final.result.notes if "takes no reference images" in n)
    assert "the 1 given were ignored" in note and "FLUX.1 Kontext" in note
    plain = engine.wait(engine.submit(still(tiny_images["flux"])), timeout=180)
    np.testing.assert_array_equal(decoded(final.result.image), decoded(plain.result.image))


def test_a_model_of_the_other_kind_fails_the_job_by_name(tiny_images: dict[str, Path], engine) -> None:
    final = engine.wait(engine.submit(still("Wan-AI/Wan2.1-T2V-1.3B-Diffusers")), timeout=60)
    assert isinstance(final, Failed) and "makes video clips, not stills" in final.reason
    clip = GenerationRequest(prompt=PROMPT, width=64, height=64, num_frames=9, fps=16, backend="diffusers",
                             model_id=str(tiny_images["sd"]))
    final = engine.wait(engine.submit(clip), timeout=60)
    assert isinstance(final, Failed) and "makes stills, not video clips" in final.reason and "LTX-Video" in final.reason


def test_cancel_stops_a_still_within_one_step(tiny_images: dict[str, Path], tmp_path: Path) -> None:
    backend = DiffusersBackend(device="cpu")
    token = CancelToken()
    seen: list[int] = []

    def progress(update: Progress) -> None:
        if update.stage == "denoise":
            seen.append(update.done)
            if update.done == 2:
                token.cancel()

    try:
        with pytest.raises(CancelledError):
            backend.generate(still(tiny_images["sd"], steps=20), tmp_path, progress, token)
        assert seen == [1, 2] and not (tmp_path / "image.png").exists()
        # The pipeline is still usable after an interrupted run.
        result = backend.generate(still(tiny_images["sd"]), tmp_path, lambda _: None, CancelToken())
        assert decoded(result.image).shape == (64, 96, 3)
    finally:
        backend.release()


def test_cancel_through_the_client_mid_run(tiny_images: dict[str, Path], engine) -> None:
    job = engine.submit(still(tiny_images["sd"], steps=400, seed=11), force_new=True)

    def cancel_on_first_step(event) -> None:
        if isinstance(event, StepProgress) and event.stage == "denoise" and event.step == 1:
            engine.cancel(job)

    events = events_until_final(engine, job, cancel_on_first_step)
    assert isinstance(events[-1], Cancelled)
    steps = [e.step for e in events if isinstance(e, StepProgress) and e.stage == "denoise"]
    assert 1 <= len(steps) < 400


def test_storyreel_models_lists_the_image_families(capsys: pytest.CaptureFixture[str],
                                                   tiny_images: dict[str, Path]) -> None:
    from studio.cli.main import main

    assert main(["models", "--folder", str(tiny_images["flux_kontext"])]) == 0
    lines = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert lines["black-forest-labs/FLUX.1-schnell"][1:5] == ["image", "flux", "t2i", "still"]
    assert lines["black-forest-labs/FLUX.1-Kontext-dev"][3] == "t2i,refs<=4"
    assert lines[str(tiny_images["flux_kontext"].resolve())][1:4] == ["image", "flux_kontext", "t2i,refs<=4"]
    assert lines["Wan-AI/Wan2.1-T2V-1.3B-Diffusers"][1:5] == ["video", "wan", "t2v", "4k+1"]
