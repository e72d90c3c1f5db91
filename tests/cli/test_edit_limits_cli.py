"""The CLI refuses an edit the loader would refuse, in one line, before anything is written."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from studio.project import Project, Shot, store
from studio.project.model import MAX_SHOTS

SCRIPT = "INT. LIGHTHOUSE - NIGHT\n\nThe lamp turns.\n\nWaves break below.\n"


def _full_bundle(tmp_path: Path, count: int) -> Path:
    return store.create_bundle(tmp_path / "full", Project(shots=[Shot(id=f"s{i}") for i in range(count)]))


def test_shot_add_at_the_limit_is_refused_and_copies_no_reference(cli, tmp_path: Path) -> None:
    bundle = _full_bundle(tmp_path, MAX_SHOTS)
    still = tmp_path / "ref.png"
    cv2.imwrite(str(still), np.zeros((16, 16, 3), np.uint8))
    before = (bundle / "project.json").read_bytes()
    r = cli("shot", "add", str(bundle), "--prompt", "one more", "--ref", str(still))
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert f"at most {MAX_SHOTS} shots" in r.stderr
    assert (bundle / "project.json").read_bytes() == before
    assert not (bundle / "media" / "stills" / "ref.png").exists() and store.backups(bundle) == []
    assert len(store.load(bundle)[0].shots) == MAX_SHOTS


def test_an_import_past_the_shot_limit_is_refused_before_anything_changes(cli, tmp_path: Path) -> None:
    bundle = _full_bundle(tmp_path, MAX_SHOTS - 1)
    script = tmp_path / "two.fountain"
    script.write_text(SCRIPT)
    before = (bundle / "project.json").read_bytes()
    r = cli("import", str(bundle), str(script))
    assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
    assert f"would make {MAX_SHOTS + 1} shots" in r.stderr and "--shots-per scene" in r.stderr
    assert (bundle / "project.json").read_bytes() == before
    assert cli("import", str(bundle), str(script), "--shots-per", "scene").returncode == 0  # one shot fits
    assert len(store.load(bundle)[0].shots) == MAX_SHOTS


def test_over_long_text_and_empty_names_are_one_line_errors(cli, tmp_path: Path) -> None:
    assert cli("new", str(tmp_path / "film")).returncode == 0
    bundle = tmp_path / "film.storyreel"
    shot_id = cli("shot", "add", str(bundle), "--prompt", "a lamp").stdout.strip()
    before = (bundle / "project.json").read_bytes()
    cases = [
        (("shot", "add", str(bundle), "--prompt", "p" * 10_001), "prompt"),
        (("shot", "edit", str(bundle), shot_id, "--notes", "n", "--negative", "x" * 10_001), "negative_prompt"),
        (("line", "add", str(bundle), shot_id, "--text", "w" * 5_001), "text"),
        (("line", "add", str(bundle), shot_id, "--text", "hello", "--speaker", "  "), "speaker's name is empty"),
        (("line", "add", str(bundle), shot_id, "--text", "hello", "--speaker", "m" * 201), "name"),
        (("new", str(tmp_path / "long"), "--title", "t" * 501), "title"),
        (("new", ""), "not a project name"),
        (("new", "."), "not a project name"),
        (("new", ".storyreel"), "not a project name"),
    ]
    for args, word in cases:
        r = cli(*args, cwd=tmp_path)
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, (args, r.stderr)
        assert word in r.stderr, (args, r.stderr)
    assert (bundle / "project.json").read_bytes() == before
    assert not (tmp_path / "project.json").exists() and not (tmp_path / "long.storyreel").exists()
