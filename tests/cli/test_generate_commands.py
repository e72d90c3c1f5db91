"""`storyreel generate` and `storyreel models` as a user runs them (separate processes)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.video_io import probe_video
from studio.cli.main import main
from studio.project import ProjectDocument
from studio.project.model import Project, Shot


def _film(_cli, tmp_path: Path) -> Path:
    project = Project(width=160, height=90, fps=24, shots=[
        Shot(prompt="The keeper lights the lamp", duration_frames=12),
        Shot(prompt="A ship in the storm", duration_frames=18),
    ])
    return ProjectDocument.create(tmp_path / "film", project).bundle


def test_generate_adds_takes_and_reports_them(cli, tmp_path: Path) -> None:
    film = _film(cli, tmp_path)
    done = cli("generate", str(film))
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("shot ")]
    assert len(lines) == 2 and "12 frames at 24 fps" in lines[0] and "18 frames" in lines[1]
    assert "100%" in done.stderr  # the progress bar reached the end
    project = json.loads((film / "project.json").read_text())
    for shot in project["shots"]:
        [take] = shot["takes"]
        assert shot["active_take"] == take["id"]
        info = probe_video(film / take["media"])
        assert (info.width, info.frame_count) == (160, shot["duration_frames"])

    again = cli("generate", str(film), "--missing-only")
    assert again.returncode == 0 and "nothing to generate" in again.stdout
    more = cli("generate", str(film), "--shot", "2", "--takes", "2")
    assert more.returncode == 0, more.stderr
    project = json.loads((film / "project.json").read_text())
    assert [len(s["takes"]) for s in project["shots"]] == [1, 3]


def test_generate_user_errors_are_one_line(cli, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    film = _film(cli, tmp_path)
    missing = cli("generate", str(film), "--shot", "shot_nope")
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no shot 'shot_nope'" in missing.stderr
    for args, words in ((["--shot", "1", "--model", "nobody/nothing"], "unknown model 'nobody/nothing'"),
                        (["--backend", "animatic", "--model", "x/y"], "--model applies to the diffusers engine")):
        assert main(["generate", str(film), *args]) == 2
        err = capsys.readouterr().err
        assert words in err and err.count("\n") == 1


def test_models_lists_known_models_and_local_folders(cli, tmp_path: Path) -> None:
    folder = tmp_path / "my-ltx"
    for component in ("transformer", "vae", "text_encoder", "tokenizer", "scheduler"):
        (folder / component).mkdir(parents=True)
        (folder / component / "config.json").write_text("{}")
    (folder / "model_index.json").write_text(json.dumps({
        "_class_name": "LTXPipeline", "transformer": ["diffusers", "LTXVideoTransformer3DModel"],
        "vae": ["diffusers", "AutoencoderKLLTXVideo"], "text_encoder": ["transformers", "T5EncoderModel"],
        "tokenizer": ["transformers", "T5TokenizerFast"], "scheduler": ["diffusers", "FlowMatchEulerDiscreteScheduler"],
    }))
    env = {"HF_HUB_CACHE": str(tmp_path / "empty-hub")}
    done = cli("models", "--json", "--folder", str(folder), env=env)
    assert done.returncode == 0, done.stderr
    rows = {row["id"]: row for row in json.loads(done.stdout)}
    wan = rows["Wan-AI/Wan2.1-T2V-1.3B-Diffusers"]
    assert (wan["family"], wan["frames"], wan["size_multiple"], wan["native_fps"], wan["present"]) == (
        "wan", "4k+1", 16, 16, False)
    assert rows["Lightricks/LTX-Video"]["frames"] == "8k+1"
    assert "Wan-AI/Wan2.1-I2V-14B-480P-Diffusers" in rows and "Wan-AI/Wan2.2-TI2V-5B-Diffusers" in rows
    local = rows[str(folder.resolve())]
    assert (local["family"], local["present"], local["local_path"]) == ("ltx", True, str(folder.resolve()))


def test_models_table_and_bad_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models"]) == 0
    out = capsys.readouterr()
    assert "Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in out.out and "4k+1" in out.out and "8k+1" in out.out
    assert main(["models", "--folder", str(tmp_path)]) == 2
    assert "not a diffusers model folder" in capsys.readouterr().err
