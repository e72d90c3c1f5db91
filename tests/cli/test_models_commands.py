"""`storyreel models` and `storyreel models download` against a loopback fake of the Hub (tests/fake_hub.py),
in separate processes with HF_ENDPOINT / HF_HOME set, as a user runs them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import fake_hub  # tests/support, on the test path
import numpy as np
import pytest
from huggingface_hub.constants import DOWNLOAD_CHUNK_SIZE

from engine.video_io import probe_video, read_frames
from studio.project import ProjectDocument
from studio.project.model import EngineSettings, Project, Shot

REPO = "tiny-org/tiny-wan"
# Real checkpoints hold multi-GB files; huggingface_hub streams them in 10 MB chunks and resumes a dropped
# connection from the last whole chunk, so the repo carries one asset bigger than two chunks (Wan's repos have
# assets/ too).
BIG_FILE = "assets/reference.bin"


@pytest.fixture(scope="session")
def tiny_wan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fake_hub.tiny_wan_checkpoint(tmp_path_factory.getbasetemp() / "fake-hub-models")


@pytest.fixture
def hub():  # type: ignore[no-untyped-def]
    with fake_hub.running_hub() as running:
        yield running


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "studio.cli.main", *args]


def _blobs(home: Path, repo: str = REPO) -> list[Path]:
    folder = home / "hf" / "hub" / ("models--" + repo.replace("/", "--")) / "blobs"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_download_interrupted_then_resumed_then_generate_a_take(cli, hub, tiny_wan: Path, tmp_path: Path) -> None:
    files = {**fake_hub.folder_files(tiny_wan),
             BIG_FILE: np.random.default_rng(0).integers(0, 256, 2 * DOWNLOAD_CHUNK_SIZE + 4321, np.uint8).tobytes()}
    hub.add_files(REPO, files)
    env = {**os.environ, **fake_hub.hub_env(hub.url, tmp_path)}

    # 1. Ctrl-C while the big file is half sent: the files that finished stay in the cache.
    hub.add_fault(REPO, BIG_FILE, "stall")
    # SIGINT as in a terminal: a shell running pytest in the background passes it on ignored.
    first = subprocess.Popen(_command("models", "download", REPO), env=env,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert hub.stalled.wait(60), "the download never reached the transformer weights"
        deadline = time.monotonic() + 60
        while len([b for b in _blobs(tmp_path) if not b.name.endswith(".incomplete")]) < len(files) - 1:
            assert time.monotonic() < deadline, "the other files never finished"
            time.sleep(0.1)
        first.send_signal(signal.SIGINT)
        out, err = first.communicate(timeout=60)
    finally:
        first.kill()
    assert first.returncode == 130, err
    assert "the files already fetched are kept" in err
    kept = _blobs(tmp_path)
    assert len(kept) == len(files) - 1 and not any(b.name.endswith(".incomplete") for b in kept)
    listed = json.loads(cli("models", "--json", env=env).stdout)
    partial = next(row for row in listed if row["id"] == REPO)
    assert (partial["state"], partial["present"]) == ("partial", False)
    assert 0 < partial["bytes_on_disk"] < sum(len(data) for data in files.values())
    project = Project(width=64, height=64, fps=16, shots=[Shot(prompt="the lamp in the storm", duration_frames=9)],
                      engine=EngineSettings(steps=2))
    film = ProjectDocument.create(tmp_path / "film", project).bundle
    refused = cli("generate", str(film), "--backend", "diffusers", "--model", REPO, env=env)
    assert refused.returncode != 0 and "only partly downloaded" in refused.stderr, refused.stderr

    # 2. Run again: only the missing file is fetched; its connection drops half way and is resumed (Range).
    hub.requests.clear()
    hub.add_fault(REPO, BIG_FILE, "drop")
    second = cli("models", "download", REPO, env=env, timeout=120)
    assert second.returncode == 0, second.stderr
    assert hub.file_gets(REPO) == [(BIG_FILE, None), (BIG_FILE, f"bytes={DOWNLOAD_CHUNK_SIZE}-")]
    assert "100%" in second.stderr and "already here" in second.stderr
    snapshot = Path(second.stdout.split("downloaded tiny-org/tiny-wan to ")[1].splitlines()[0])
    for name, data in files.items():
        assert (snapshot / name).read_bytes() == data, name

    # 3. `storyreel models` lists the community id as on disk, with its size; `generate` makes a take with it.
    rows = {row["id"]: row for row in json.loads(cli("models", "--json", env=env).stdout)}
    row = rows[REPO]
    assert (row["family"], row["state"], row["present"], row["local_path"]) == ("wan", "on disk", True, str(snapshot))
    assert row["bytes_on_disk"] == sum(len(data) for data in files.values())
    assert row["fit"]["tier"] in ("gpu", "cpu")
    table = cli("models", env=env).stdout
    assert REPO in table and "yes" in table.split(REPO)[1].splitlines()[0]

    done = cli("generate", str(film), "--backend", "diffusers", "--model", REPO,
               env={**env, "HF_HUB_OFFLINE": "1"}, timeout=300)
    assert done.returncode == 0, done.stderr
    [shot] = json.loads((film / "project.json").read_text())["shots"]
    [take] = shot["takes"]
    video = film / take["media"]
    info = probe_video(video)
    assert (info.width, info.height, info.frame_count) == (64, 36, 9)  # the shot's 16:9 in the 64x64 frame
    frames = read_frames(video)
    assert len(frames) == 9 and float(np.std(np.stack(frames))) > 1.0  # decoded, and not a blank clip
    assert "diffusers" in done.stdout


def test_download_refused_when_the_repo_is_larger_than_the_free_disk(cli, hub, tmp_path: Path) -> None:
    hub.add_files("tiny-org/huge", {"model_index.json": b'{"_class_name": "WanPipeline"}', "weights.bin": b"x"},
                  {"weights.bin": 10**16})  # 10 PB
    env = fake_hub.hub_env(hub.url, tmp_path)
    done = cli("models", "download", "tiny-org/huge", env=env)
    assert done.returncode == 2
    assert "needs 10.0 PB more but only" in done.stderr and "is free on the disk of" in done.stderr
    assert done.stderr.count("\n") == 2  # the plan line, then one error line
    assert hub.file_gets("tiny-org/huge") == [] and _blobs(tmp_path, "tiny-org/huge") == []


def test_download_offline_and_unreachable_are_clear_errors(cli, tmp_path: Path) -> None:
    offline = cli("models", "download", REPO, env={**fake_hub.hub_env(fake_hub.closed_port_url(), tmp_path),
                                                    "HF_HUB_OFFLINE": "1"})
    assert offline.returncode == 2 and "HF_HUB_OFFLINE is set" in offline.stderr
    assert offline.stderr.count("\n") == 1
    refused = cli("models", "download", REPO, env=fake_hub.hub_env(fake_hub.closed_port_url(), tmp_path))
    assert refused.returncode == 2, refused.stderr
    assert "cannot reach the Hugging Face Hub at http://127.0.0.1:" in refused.stderr
    assert refused.stderr.count("\n") == 1


def test_download_of_an_unknown_repo_and_a_non_diffusers_repo(cli, hub, tmp_path: Path) -> None:
    hub.add_files("tiny-org/text-model", {"config.json": b"{}", "model.safetensors": b"0" * 16})
    env = fake_hub.hub_env(hub.url, tmp_path)
    missing = cli("models", "download", "tiny-org/nothing", env=env)
    assert missing.returncode == 2 and "no model 'tiny-org/nothing' on the Hub" in missing.stderr
    odd = cli("models", "download", "tiny-org/text-model", env=env)
    assert odd.returncode == 2 and "not a diffusers model" in odd.stderr
