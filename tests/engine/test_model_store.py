"""The model store: which folder, Hub ids resolved from it, downloads into it from a loopback fake of the Hub
(tests/fake_hub.py), the diffusers backend's ``model_dir`` option, and the machine-fit tiers."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import fake_hub  # tests/support, on the test path
import huggingface_hub.constants as hub_constants
import pytest

from engine.backends.diffusers_backend import DiffusersBackend, ModelUnavailable
from engine.machine_fit import GB, Machine, fit_for, measured_memory_gb
from engine.model_download import NotEnoughDisk, download_model, plan_download
from engine.model_registry import ModelNotFound, local_weights, resolve_model
from engine.model_store import ModelStore, configured_model_dir, looks_like_repo_id, save_model_dir
from engine.progress import Cancelled, CancelToken, Progress
from engine.request import GenerationRequest
from engine.video_io import probe_video, read_frames

REPO = "tiny-org/tiny-wan"


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)


def test_the_store_folder_comes_from_the_env_then_the_config_then_the_hf_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("STORYREEL_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("STORYREEL_MODEL_DIR", raising=False)
    assert configured_model_dir() is None and ModelStore.configured().is_default
    assert ModelStore.configured().location == Path(hub_constants.HF_HUB_CACHE)
    config = save_model_dir(tmp_path / "chosen")
    assert json.loads(config.read_text()) == {"model_dir": str(tmp_path / "chosen")}
    assert ModelStore.configured().location == tmp_path / "chosen"
    monkeypatch.setenv("STORYREEL_MODEL_DIR", str(tmp_path / "from-env"))
    assert ModelStore.configured().location == tmp_path / "from-env"
    monkeypatch.delenv("STORYREEL_MODEL_DIR")
    save_model_dir(None)
    assert ModelStore.configured().is_default
    config.write_text("{not json")
    with pytest.raises(Exception, match="cannot be read"):
        ModelStore.configured()


def test_repo_ids_and_an_absent_hub_model(tmp_path) -> None:
    assert looks_like_repo_id("tiny-org/tiny-wan") and looks_like_repo_id("Wan-AI/Wan2.1-T2V-1.3B-Diffusers")
    assert not any(looks_like_repo_id(text) for text in ("./a/b", "/abs/path", "a/b/c", "noslash", "a--b/c", "a/"))
    with pytest.raises(ModelNotFound, match="storyreel models download tiny-org/absent"):
        resolve_model("tiny-org/absent", ModelStore(tmp_path / "store"))


def test_download_into_a_chosen_folder_then_the_backend_generates_from_it(tmp_path, online, tiny) -> None:
    folder = tmp_path / "store"
    with fake_hub.running_hub() as hub:
        hub.add_folder(REPO, tiny["wan"])
        store = ModelStore(folder, hub.url)
        plan = plan_download(store, REPO)
        sizes = {name: len(data) for name, data in hub.repos[REPO].files.items()}
        assert (plan.file_sizes, plan.missing) == (sizes, sizes) and plan.commit == hub.repos[REPO].commit
        seen: list[Progress] = []
        snapshot = download_model(store, REPO, progress=seen.append)
    assert snapshot.is_relative_to(folder) and seen[-1].done == seen[-1].total == sum(sizes.values())
    assert store.snapshot(REPO) == snapshot and store.bytes_on_disk(REPO) == sum(sizes.values())
    assert ModelStore(folder).repo_ids() == [REPO]

    spec = resolve_model(REPO, ModelStore(folder))
    assert (spec.id, spec.family.name, spec.local_folder) == (REPO, "wan", None)
    assert local_weights(spec, ModelStore(folder)) == snapshot
    assert local_weights(spec, ModelStore(tmp_path / "elsewhere")) is None

    backend = DiffusersBackend(model_dir=folder, preview_every=0)
    try:
        request = GenerationRequest(prompt="the lamp in the storm", width=64, height=64, num_frames=9, fps=16,
                                    steps=2, backend="diffusers", model_id=REPO, seed=3)
        result = backend.generate(request, tmp_path / "take", lambda _p: None, CancelToken())
    finally:
        backend.release()
    assert (result.model_id, result.model_revision) == (REPO, hub.repos[REPO].commit)
    assert probe_video(result.video).frame_count == 9 and read_frames(result.video)[0].std() > 1


def test_a_partial_snapshot_is_refused_with_how_to_finish_it(tmp_path, online, tiny, monkeypatch) -> None:
    folder = tmp_path / "store"
    big = "text_encoder/model.safetensors"
    with fake_hub.running_hub() as hub:
        hub.add_folder(REPO, tiny["wan"])
        store = ModelStore(folder, hub.url)
        cancel = CancelToken()
        hub.add_fault(REPO, big, "stall")
        monkeypatch.setattr(hub_constants, "HF_HUB_DOWNLOAD_TIMEOUT", 2)  # the stalled transfer gives up soon

        def stop_when_stalled(_update: Progress) -> None:
            if hub.stalled.is_set():
                cancel.cancel()

        with pytest.raises(Cancelled, match="files already fetched are kept"):
            download_model(store, REPO, progress=stop_when_stalled, cancel=cancel)
    assert big in store.missing_files(REPO) and store.snapshot(REPO) is None
    backend = DiffusersBackend(model_dir=folder)
    request = GenerationRequest(prompt="a", width=64, height=64, num_frames=9, fps=16, steps=2,
                                backend="diffusers", model_id=REPO, seed=1)
    with pytest.raises(ModelUnavailable, match="only partly downloaded.*storyreel models download tiny-org/tiny-wan"):
        backend.generate(request, tmp_path / "take", lambda _p: None, CancelToken())


def test_disk_check_uses_what_is_still_missing(tmp_path, online) -> None:
    with fake_hub.running_hub() as hub:
        hub.add_files("tiny-org/huge", {"model_index.json": b"{}", "big.bin": b"x"}, {"big.bin": 10**16})
        store = ModelStore(tmp_path / "store", hub.url)
        with pytest.raises(NotEnoughDisk, match="needs 10.0 PB more"):
            download_model(store, "tiny-org/huge")
        assert hub.file_gets("tiny-org/huge") == []


def test_fit_tiers() -> None:
    wan_1_3b = (14.5, 11.4)
    assert fit_for(wan_1_3b, Machine(64 * GB, "H200", 141 * GB)).tier == "gpu"
    assert fit_for(wan_1_3b, Machine(32 * GB, "RTX 4080", 16 * GB)).tier == "model"
    offload = fit_for(wan_1_3b, Machine(32 * GB, "RTX 3060", 8 * GB))
    assert offload.tier == "group" and "offload=group" in offload.note
    assert fit_for(wan_1_3b, Machine(64 * GB)).tier == "cpu"
    assert fit_for((68, 28), Machine(16 * GB)).tier == "none"
    assert fit_for(None, Machine(16 * GB)).tier == "unknown"


def test_measured_memory_reads_safetensors_headers(tmp_path) -> None:
    def safetensors(path: Path, tensors: dict[str, tuple[str, list[int]]]) -> None:
        header = {name: {"dtype": dtype, "shape": shape, "data_offsets": [0, 0]} for name, (dtype, shape) in
                  tensors.items()}
        data = json.dumps(header).encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(struct.pack("<Q", len(data)) + data)

    safetensors(tmp_path / "transformer" / "a.safetensors", {"w": ("F32", [1024, 1024])})  # 1 Mi params
    safetensors(tmp_path / "vae" / "b.safetensors", {"w": ("BF16", [512, 1024])})
    whole, largest = measured_memory_gb(tmp_path, ["transformer", "vae"])
    assert whole * GB == 2 * (1024 * 1024 + 512 * 1024) and largest * GB == 2 * 1024 * 1024
