"""`storyreel generate --takes N` makes N new, distinct takes — also for a shot whose seed is locked."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from engine.video_io import probe_video, read_frames
from studio.generation import derived_seed
from studio.project import ProjectDocument
from studio.project.model import Project, Shot


def test_two_takes_of_a_locked_seed_are_two_new_distinct_takes(cli, tmp_path: Path) -> None:
    project = Project(width=160, height=90, fps=24, shots=[
        Shot(prompt="The lamp turns", duration_frames=12, camera="handheld", seed=42, seed_locked=True)])
    film = ProjectDocument.create(tmp_path / "film", project).bundle

    first = cli("generate", str(film))
    assert first.returncode == 0, first.stderr
    assert "locked seed 42" in first.stdout
    same = cli("generate", str(film))  # Generate again: the locked seed's take is already there
    assert same.returncode == 0 and "each shot already has its take" in same.stdout

    two = cli("generate", str(film), "--shot", "1", "--takes", "2")
    assert two.returncode == 0, two.stderr
    reported = [line for line in two.stdout.splitlines() if line.startswith("shot 1")]
    assert len(reported) == 2 and all("derived from locked seed 42" in line for line in reported)
    assert "from the take cache" not in two.stdout

    [shot] = json.loads((film / "project.json").read_text())["shots"]
    seeds = [take["seed"] for take in shot["takes"]]
    assert seeds == [42, derived_seed(42, 1), derived_seed(42, 2)]
    assert len({take["metadata"]["request_key"] for take in shot["takes"]}) == 3
    assert shot["active_take"] == shot["takes"][-1]["id"]
    frames = [read_frames(film / take["media"], [6])[0].astype(int) for take in shot["takes"]]
    for take in shot["takes"]:
        assert probe_video(film / take["media"]).frame_count == 12
    # Handheld shake is seeded: three seeds, three different pictures.
    assert np.abs(frames[0] - frames[1]).mean() > 0.5 and np.abs(frames[1] - frames[2]).mean() > 0.5
