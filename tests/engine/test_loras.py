"""LoRA adapters: tiny LoRAs built in code for the tiny SD checkpoint (and the tiny FLUX one, for a LoRA of another
architecture), loaded through diffusers' real ``load_lora_weights`` inside the backend; the request's key follows
their content and strength, the still's metadata records them, and a job without them gets the bare model."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from engine.backends.diffusers_backend import DiffusersBackend
from engine.backends.diffusers_plan import UnsupportedRequest
from engine.inprocess_client import InProcessClient
from engine.messages import Done, Failed
from engine.progress import CancelToken
from engine.request import RENDERER_VERSIONS, GenerationRequest, RequestError, file_sha256
from engine.still_files import read_still_metadata
from engine.video_io import read_frames

PROMPT = "a lighthouse keeper walks in the storm"


@pytest.fixture(scope="module")
def tiny_images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import tiny_image_models  # tests/support, on the test path

    return tiny_image_models.ensure_tiny_image_models(tmp_path_factory.getbasetemp() / "tiny-image-models")


@pytest.fixture(scope="module")
def loras(tiny_images: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    import tiny_loras  # tests/support

    folder = tmp_path_factory.mktemp("loras")
    style = tiny_loras.build_tiny_lora(tiny_images["sd"], folder / "style.safetensors", seed=0)
    return {
        "style": style,
        "keeper": tiny_loras.build_tiny_lora(tiny_images["sd"], folder / "keeper.safetensors", seed=1),
        "flux": tiny_loras.build_tiny_lora(tiny_images["flux"], folder / "flux.safetensors"),
        "renamed": tiny_loras.rename_modules(style, folder / "renamed.safetensors", "to_q", "to_query"),
        "nowhere": tiny_loras.rename_modules(style, folder / "nowhere.safetensors", "unet.", "unet.nowhere_"),
    }


@pytest.fixture(scope="module")
def backend():
    backend = DiffusersBackend(device="cpu")
    yield backend
    backend.release()


def still(model: Path, *loras: tuple[Path, float], **values) -> GenerationRequest:
    values = {"seed": 5, "steps": 2, "backend": "diffusers", "model_id": str(model), **values}
    return GenerationRequest.still(PROMPT, 64, 64, **values).with_loras(list(loras))


def make(backend: DiffusersBackend, request: GenerationRequest, out: Path) -> np.ndarray:
    result = backend.generate(request, out, lambda _update: None, CancelToken())
    return cv2.cvtColor(cv2.imread(str(result.image), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB).astype(np.int16)


def adapters_on(backend: DiffusersBackend) -> dict:
    assert backend._loaded is not None
    return backend._loaded.pipe.get_list_adapters()


# --- the request ------------------------------------------------------------------------------------------------

def test_the_key_follows_the_loras_content_and_strength_not_their_path(loras: dict[str, Path],
                                                                      tmp_path: Path) -> None:
    bare = GenerationRequest.still(PROMPT, 96, 64, seed=3, backend="diffusers", model_id="m")
    # No LoRAs: the key is the one every request had before LoRAs existed.
    old = bare.to_dict()
    for name in ("reference_image", "last_image", "reference_images", "reference_images_sha256", "loras"):
        old.pop(name)
    old["renderer_version"] = RENDERER_VERSIONS["diffusers"]
    blob = json.dumps(old, sort_keys=True, separators=(",", ":"), default=str)
    assert bare.key() == hashlib.sha256(blob.encode()).hexdigest()[:32]

    moved = tmp_path / "elsewhere.safetensors"
    shutil.copyfile(loras["style"], moved)
    at_1, at_half = bare.with_loras([(loras["style"], 1.0)]), bare.with_loras([(loras["style"], 0.5)])
    assert at_1.loras == ((str(loras["style"]), file_sha256(loras["style"]), 1.0),)
    assert at_1.key() == bare.with_loras([(moved, 1.0)]).key()  # by content, not path
    assert len({bare.key(), at_1.key(), at_half.key(), bare.with_loras([(loras["keeper"], 1.0)]).key()}) == 4
    both = bare.with_loras([(loras["style"], 1.0), (loras["keeper"], 0.7)])
    assert GenerationRequest.from_dict(json.loads(json.dumps(both.to_dict()))) == both
    assert both.with_loras([]) == bare


def test_bad_loras_in_a_request_say_what_is_wrong(loras: dict[str, Path], tmp_path: Path) -> None:
    bare = GenerationRequest.still(PROMPT, 96, 64, backend="diffusers", model_id="m")
    with pytest.raises(RequestError, match="the LoRA file .*gone.safetensors cannot be found"):
        bare.with_loras([(tmp_path / "gone.safetensors", 1.0)])
    sha = file_sha256(loras["style"])
    with pytest.raises(RequestError, match="strength must be a number between -8 and 8"):
        replace(bare, loras=((str(loras["style"]), sha, float("nan")),))
    with pytest.raises(RequestError, match="needs the sha256 of its file"):
        replace(bare, loras=((str(loras["style"]), "", 1.0),))
    with pytest.raises(RequestError, match=r"a LoRA is \(path, sha256, strength\)"):
        replace(bare, loras=(str(loras["style"]),))


# --- through the backend: the real load_lora_weights -------------------------------------------------------------

def test_a_lora_changes_the_still_at_its_strength_and_comes_off_for_the_next_job(
        tiny_images: dict[str, Path], loras: dict[str, Path], backend: DiffusersBackend, tmp_path: Path) -> None:
    sd = tiny_images["sd"]
    bare = make(backend, still(sd), tmp_path / "bare")
    styled = make(backend, still(sd, (loras["style"], 1.0)), tmp_path / "style-1")
    assert np.abs(styled - bare).mean() > 1  # the adapter really changed the denoiser
    assert list(adapters_on(backend).values()) == [[next(iter(backend._loaded.loras))]]
    assert np.abs(make(backend, still(sd, (loras["style"], 0.0)), tmp_path / "style-0") - bare).max() <= 1
    half = make(backend, still(sd, (loras["style"], 0.5)), tmp_path / "style-half")
    assert 0 < np.abs(half - bare).mean() < np.abs(styled - bare).mean()

    keeper = make(backend, still(sd, (loras["keeper"], 1.0)), tmp_path / "keeper")
    both = make(backend, still(sd, (loras["style"], 1.0), (loras["keeper"], 1.0)), tmp_path / "both")
    assert len(backend._loaded.loras) == 2 and len(adapters_on(backend)["unet"]) == 2
    assert np.abs(both - styled).mean() > 1 and np.abs(both - keeper).mean() > 1
    # The warm pipeline keeps the one the next job uses, and drops the other.
    assert np.abs(make(backend, still(sd, (loras["style"], 1.0)), tmp_path / "style-again") - styled).max() <= 1
    assert list(backend._loaded.loras.values()) == [str(loras["style"])]

    # A job without LoRAs gets the bare model back: the adapters are unloaded, the pixels are the bare ones.
    assert np.array_equal(make(backend, still(sd), tmp_path / "bare-again"), bare)
    assert adapters_on(backend) == {} and backend._loaded.loras == {}


def test_the_still_records_its_loras(tiny_images: dict[str, Path], loras: dict[str, Path],
                                     backend: DiffusersBackend, tmp_path: Path) -> None:
    request = still(tiny_images["sd"], (loras["keeper"], 0.8))
    result = backend.generate(request, tmp_path / "out", lambda _update: None, CancelToken())
    recorded = read_still_metadata(result.image)["request"]["loras"]
    assert recorded == [[str(loras["keeper"]), file_sha256(loras["keeper"]), 0.8]]
    assert GenerationRequest.from_dict(read_still_metadata(result.image)["request"]).key() == request.key()


@pytest.mark.parametrize(("name", "why"), [
    ("flux", "none of its weights match a layer of the model"),  # a FLUX LoRA: diffusers would load nothing
    ("renamed", r"16 of its weights name layers the model does not have \(such as .*to_query"),  # part of it fits
    ("nowhere", "none of the layers it names are in the model"),  # peft finds none of its modules
])
def test_a_lora_for_another_model_is_a_clear_error_and_nothing_of_it_stays(
        name: str, why: str, tiny_images: dict[str, Path], loras: dict[str, Path], backend: DiffusersBackend,
        tmp_path: Path) -> None:
    sd = tiny_images["sd"]
    bare = make(backend, still(sd), tmp_path / "bare")
    styled = make(backend, still(sd, (loras["style"], 1.0)), tmp_path / "styled")
    with pytest.raises(UnsupportedRequest, match=f"the LoRA {name}.safetensors does not fit .*: {why}"):
        make(backend, still(sd, (loras["style"], 1.0), (loras[name], 1.0)), tmp_path / "bad")
    assert list(backend._loaded.loras.values()) == [str(loras["style"])]
    assert all(names == [next(iter(backend._loaded.loras))] for names in adapters_on(backend).values())
    # The next jobs work, and see nothing of the bad LoRA.
    assert np.abs(make(backend, still(sd, (loras["style"], 1.0)), tmp_path / "styled-again") - styled).max() <= 1
    assert np.array_equal(make(backend, still(sd), tmp_path / "bare-again"), bare)


def test_a_missing_or_changed_lora_file_is_named(tiny_images: dict[str, Path], loras: dict[str, Path],
                                                 backend: DiffusersBackend, tmp_path: Path) -> None:
    copy = tmp_path / "copy.safetensors"
    shutil.copyfile(loras["keeper"], copy)
    request = still(tiny_images["sd"], (copy, 1.0))
    copy.write_bytes(loras["style"].read_bytes())
    with pytest.raises(UnsupportedRequest, match="copy.safetensors changed since it was chosen"):
        make(backend, request, tmp_path / "changed")
    copy.unlink()
    with pytest.raises(UnsupportedRequest, match="the LoRA file .*copy.safetensors cannot be found"):
        make(backend, request, tmp_path / "missing")
    assert backend._loaded.loras == {}


def test_a_wan_clip_takes_a_lora_through_the_same_path(tiny: dict[str, Path], backend: DiffusersBackend,
                                                       tmp_path: Path) -> None:
    import tiny_loras  # tests/support

    lora = tiny_loras.build_tiny_lora(tiny["wan"], tmp_path / "wan-style.safetensors")
    clip = GenerationRequest(prompt=PROMPT, width=64, height=64, num_frames=9, fps=16, steps=2, seed=3,
                             backend="diffusers", model_id=str(tiny["wan"]))

    def frames(request: GenerationRequest, name: str) -> np.ndarray:
        result = backend.generate(request, tmp_path / name, lambda _update: None, CancelToken())
        return np.stack(read_frames(result.video)).astype(np.int16)

    bare = frames(clip, "bare")
    styled = frames(clip.with_loras([(lora, 1.0)]), "styled")
    assert styled.shape == bare.shape and np.abs(styled - bare).mean() > 0.5  # (the bare clip repeats exactly)
    assert list(adapters_on(backend)) == ["transformer"]
    assert np.array_equal(frames(clip, "bare-again"), bare) and adapters_on(backend) == {}


def test_the_engine_client_reports_the_misfit_by_name_and_keeps_working(
        tiny_images: dict[str, Path], loras: dict[str, Path], tmp_path: Path) -> None:
    client = InProcessClient(tmp_path / "state", tmp_path / "cache", backend_options={"diffusers": {"device": "cpu"}})
    try:
        failed = client.wait(client.submit(still(tiny_images["sd"], (loras["flux"], 1.0))), timeout=120)
        assert isinstance(failed, Failed)
        assert failed.reason.startswith("the LoRA flux.safetensors does not fit"), failed.reason
        done = client.wait(client.submit(still(tiny_images["sd"], (loras["keeper"], 1.0))), timeout=120)
        assert isinstance(done, Done) and done.result.request.loras[0][2] == 1.0
    finally:
        client.close(keep_pending=False)
