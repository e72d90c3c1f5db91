"""The CLI contract of the foundation, end to end in subprocesses."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

from studio.project import store


def test_new_shot_line_info_round_trip(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("new", str(tmp_path / "film"), "--title", "Night Watch", "--fps", "25", "--size", "960x540")
    assert r.returncode == 0, r.stderr
    bundle = tmp_path / "film.storyreel"
    assert (bundle / "project.json").is_file() and (bundle / "media").is_dir() and (bundle / "backups").is_dir()

    still = tmp_path / "ref.png"
    cv2.imwrite(str(still), np.full((90, 160, 3), 128, np.uint8))
    ids = []
    for prompt, extra in [("Waves on rocks", ["--camera", "pan_left", "--duration", "2.4"]),
                          ("A lamp turns", ["--seed", "42", "--ref", str(still), "--aspect", "2.39:1"]),
                          ("Boat at dawn", [])]:
        r = cli("shot", "add", str(bundle), "--prompt", prompt, *extra)
        assert r.returncode == 0, r.stderr
        ids.append(r.stdout.strip())

    listing = json.loads(cli("shot", "list", str(bundle), "--json").stdout)
    assert [s["prompt"] for s in listing] == ["Waves on rocks", "A lamp turns", "Boat at dawn"]
    assert listing[0]["duration_frames"] == 60 and listing[0]["camera"] == "pan_left"
    assert listing[1]["seed"] == 42 and listing[1]["aspect"] == "2.39:1"
    assert listing[1]["reference"] == "media/stills/ref.png" and (bundle / "media/stills/ref.png").is_file()
    assert listing[2]["duration_frames"] == 100  # 4 s default at 25 fps

    assert cli("shot", "edit", str(bundle), ids[2], "--prompt", "Boat at first light", "--duration", "3").returncode == 0
    assert cli("shot", "move", str(bundle), ids[2], "0").returncode == 0
    r = cli("line", "add", str(bundle), ids[0], "--text", "The sea never sleeps.", "--offset", "0.5")
    assert r.returncode == 0, r.stderr
    r = cli("line", "add", str(bundle), ids[1], "--text", "Dad?", "--speaker", "Daughter")
    assert r.returncode == 0, r.stderr

    info = json.loads(cli("info", str(bundle), "--json").stdout)
    assert info["shots"] == 3 and info["lines"] == 2
    assert sorted(info["cast"]) == ["Daughter", "Narrator"]
    assert info["total_frames"] == 75 + 60 + 100
    project, _ = store.load(bundle)
    assert [s.id for s in project.shots] == [ids[2], ids[0], ids[1]]
    assert project.shots[0].prompt == "Boat at first light"
    assert project.lines[0].offset_frames == 12 and project.lines[0].speaker is None

    assert cli("shot", "rm", str(bundle), ids[0]).returncode == 0
    project, _ = store.load(bundle)
    assert len(project.shots) == 2 and len(project.lines) == 1  # the removed shot's line went with it
    assert store.backups(bundle), "each save keeps the previous one in backups/"


def test_user_errors_exit_2_with_one_line_and_no_traceback(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("new", str(tmp_path / "f")).returncode == 0
    bundle = str(tmp_path / "f.storyreel")
    before = (tmp_path / "f.storyreel/project.json").read_bytes()
    bad = [
        ("new", str(tmp_path / "f")),  # exists
        ("new", str(tmp_path / "g"), "--size", "1281x720"),
        ("shot", "add", bundle, "--prompt", "x", "--duration", "0"),
        ("shot", "add", bundle, "--prompt", "x", "--duration", "abc"),
        ("shot", "add", bundle, "--prompt", "   "),
        ("shot", "add", bundle, "--prompt", "x", "--camera", "barrel_roll"),
        ("shot", "add", bundle, "--prompt", "x", "--ref", str(tmp_path / "missing.png")),
        ("shot", "add", bundle, "--prompt", "x", "--aspect", "wide"),
        ("shot", "edit", bundle, "shot_nope", "--prompt", "y"),
        ("shot", "rm", bundle, "shot_nope"),
        ("shot", "move", bundle, "shot_nope", "0"),
        ("line", "add", bundle, "shot_nope", "--text", "hi"),
        ("info", str(tmp_path / "nowhere.storyreel")),
        ("shot", "list"),
    ]
    for args in bad:
        r = cli(*args)
        assert r.returncode == 2, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr, args
        assert len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
    assert (tmp_path / "f.storyreel/project.json").read_bytes() == before


def test_corrupt_project_is_reported_not_crashed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "c.storyreel"
    bundle.mkdir()
    (bundle / "project.json").write_text('{"schema_version": 2, "shots": [{"duration_frames": -3}]}')
    r = cli("info", str(bundle))
    assert r.returncode == 2
    assert "shots[0].duration_frames" in r.stderr and "project.json" in r.stderr


def test_info_reports_offline_media(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from studio.project import Project, Shot, Take

    bundle = store.create_bundle(tmp_path / "o", Project(shots=[Shot(takes=[Take(media="media/takes/gone.mp4")])]))
    info = json.loads(cli("info", str(bundle), "--json").stdout)
    assert info["offline_media"] == ["media/takes/gone.mp4"]


def test_info_running_time_is_the_films_cards_included(cli, tmp_path: Path) -> None:
    from studio.project import ProjectDocument
    from studio.project.model import Card, Project, Shot

    project = Project(fps=24, shots=[Shot(prompt="The lamp", duration_frames=24)],
                      cards=[Card(position="title", text="Night Watch", duration_frames=48),
                             Card(position="credits", text="The end", duration_frames=12)])
    bundle = ProjectDocument.create(tmp_path / "film", project).bundle
    info = json.loads(cli("info", str(bundle), "--json").stdout)
    assert (info["total_frames"], info["total_seconds"]) == (84, 3.5)  # what `render` makes, not just the shots
