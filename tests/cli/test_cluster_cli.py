"""`storyreel generate --cluster`, `render --cluster` and `engine status` as a user runs them (separate processes),
against a real Ray head on loopback with token auth (tests/support/ray_cluster.py, shared per session)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import ray_cluster as loopback

from engine.video_io import read_frames
from studio.project import ProjectDocument
from studio.project.model import Project, Shot

ray_cluster = loopback.ray_cluster  # the session's loopback cluster, a fixture by this name


def _film(folder: Path) -> Path:
    """Two animatic shots with fixed seeds: the same takes wherever they are generated."""
    project = Project(width=160, height=90, fps=12, shots=[
        Shot(prompt="The keeper lights the lamp", duration_frames=10, seed=11, camera="push_in"),
        Shot(prompt="A ship in the storm", duration_frames=8, seed=12, camera="pan_left"),
    ])
    return ProjectDocument.create(folder, project).bundle


def _takes(bundle: Path) -> list[list[np.ndarray]]:
    shots = json.loads((bundle / "project.json").read_text())["shots"]
    frames = []
    for shot in shots:
        [take] = shot["takes"]
        assert shot["active_take"] == take["id"]
        frames.append(read_frames(bundle / take["media"]))
    return frames


def test_generate_on_the_cluster_makes_the_takes_local_generation_makes(cli, tmp_path: Path, ray_cluster) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(ray_cluster.token + "\n")
    env = {k: v for k, v in ray_cluster.env.items() if k != "RAY_AUTH_TOKEN"}  # the file is the only token
    remote = _film(tmp_path / "remote")
    done = cli("generate", str(remote), "--cluster", ray_cluster.address, "--token-file", str(token_file),
               env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len([line for line in done.stdout.splitlines() if line.startswith("shot ")]) == 2
    assert ray_cluster.token not in done.stdout + done.stderr

    local = _film(tmp_path / "local")
    assert cli("generate", str(local)).returncode == 0
    for cluster_frames, local_frames in zip(_takes(remote), _takes(local), strict=True):
        assert len(cluster_frames) == len(local_frames) > 0
        for a, b in zip(cluster_frames, local_frames, strict=True):
            assert np.array_equal(a, b)  # the animatic is bit-for-bit the same on the cluster


def test_engine_status_lists_the_cluster_node(cli, ray_cluster) -> None:
    shown = cli("engine", "status", "--cluster", ray_cluster.address, env=ray_cluster.env)
    assert shown.returncode == 0, shown.stderr
    assert f"Ray cluster at {ray_cluster.address}" in shown.stdout and "1 node(s)" in shown.stdout
    assert "127.0.0.1" in shown.stdout and "2 CPUs" in shown.stdout
    as_json = cli("engine", "status", "--cluster", ray_cluster.address, "--json", env=ray_cluster.env)
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    [node] = report["nodes"]
    assert node["alive"] and node["cpus"] == 2


def test_engine_status_of_this_computer(cli) -> None:
    shown = cli("engine", "status", "--json")
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["engine"] == "local" and report["cpus"] >= 1 and report["machine"]["ram_gb"] > 0


def test_refused_addresses_are_one_line_exit_2(cli, tmp_path: Path) -> None:
    film = _film(tmp_path / "film")
    no_token = {"RAY_AUTH_TOKEN": ""}
    for args in (["generate", str(film), "--cluster", "10.20.30.40:6379"],
                 ["render", str(film), "-o", str(tmp_path / "film.mp4"), "--cluster", "10.20.30.40:6379"],
                 ["engine", "status", "--cluster", "10.20.30.40:6379"]):
        refused = cli(*args, env=no_token)
        assert refused.returncode == 2, refused.stderr
        assert refused.stderr.count("\n") == 1 and "10.20.30.40" in refused.stderr and "token" in refused.stderr
    empty = tmp_path / "empty-token"
    empty.write_text("")
    bad_file = cli("generate", str(film), "--cluster", "127.0.0.1:1", "--token-file", str(empty))
    assert bad_file.returncode == 2 and "is empty" in bad_file.stderr and bad_file.stderr.count("\n") == 1
    assert not (tmp_path / "film.mp4").exists()
    assert all(not s["takes"] for s in json.loads((film / "project.json").read_text())["shots"])
