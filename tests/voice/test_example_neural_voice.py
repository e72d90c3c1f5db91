"""The example film re-voiced with the offline neural voice once it is on disk (the tiny model of the tests,
downloaded from the fake Hub as a user would): every line gets a neural take, the render keeps them, and the
credits name the voices the film plays. Without it (every other test) the film is voiced with espeak-ng."""

from __future__ import annotations

import shutil
from pathlib import Path

import fake_hub  # tests/support
import pytest
import tiny_kokoro  # tests/support
from cli_process import run_cli

from studio.project import store
from studio.timeline.layout import compute_layout
from studio.voice.kokoro_model import KOKORO

EXAMPLE = Path(__file__).resolve().parents[2] / "resources" / "examples" / "the-lighthouse-keeper.storyreel"


@pytest.fixture
def neural_env(tmp_path: Path):
    folder = tmp_path / "tiny-kokoro"
    files = {KOKORO.model_file: tiny_kokoro.build_tiny_kokoro(folder / KOKORO.model_file).read_bytes(),
             KOKORO.voices_file: tiny_kokoro.build_tiny_voices(folder / KOKORO.voices_file).read_bytes()}
    with fake_hub.running_hub() as hub:
        hub.add_files(KOKORO.repo_id, files)
        env = fake_hub.hub_env(hub.url, tmp_path)
        done = run_cli("models", "download", KOKORO.repo_id, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        yield {**env, "HF_HUB_OFFLINE": "1"}


def test_the_example_is_voiced_with_the_neural_voice_when_it_is_on_disk(neural_env, tmp_path: Path) -> None:
    film = tmp_path / "film.storyreel"
    shutil.copytree(EXAMPLE, film)
    done = run_cli("voice", str(film), "--provider", "kokoro", env=neural_env, timeout=600)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "film.mp4"
    rendered = run_cli("render", str(film), "-o", str(out), "--size", "320x180", env=neural_env, timeout=900)
    assert rendered.returncode == 0, rendered.stderr
    project = store.load(film)[0]
    assert project.lines and all(line.active().voice.provider == "kokoro" for line in project.lines)
    credits = next(c for c in compute_layout(project).cards if c.kind == "credits").text
    assert "Narrator: Kokoro-82M" in credits and "Keeper: Kokoro-82M" in credits and "espeak" not in credits
