"""Hostile and clumsy input through the real CLI: pipes, devices, bombs, damaged documents, odd arguments.

Every case must end at once with one line on stderr and exit 2, and leave the project as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import hostile_files as hostile  # tests/support
import numpy as np
import pytest

from studio.project import Project, Shot, store

from .conftest import one_line_error

pytestmark = pytest.mark.timeout(60)  # a FIFO or /dev/zero that is read would hang or fill memory instead


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return store.create_bundle(tmp_path / "film", Project(shots=[Shot(id="s1", prompt="a lamp")]))


def test_a_project_json_that_is_a_pipe_or_a_device(bundle: Path, cli) -> None:
    document = bundle / "project.json"
    for make, word in ((hostile.fifo, "named pipe"), (lambda p: hostile.link_to(p, "/dev/zero"), "a device"),
                       (lambda p: hostile.link_to(p, "/dev/urandom"), "a device")):
        document.unlink()
        make(document)
        one_line_error(cli("info", str(bundle)), word)


def test_a_damaged_project_json(bundle: Path, cli) -> None:
    good = json.loads((bundle / "project.json").read_text())
    cases = [
        (hostile.deep_json(200_000), "nests"),
        (json.dumps({**good, "shots": [{**good["shots"][0], "seed": 2**64}]}).encode(), "shots[0].seed"),
        (json.dumps(good).replace('"seed": ', '"seed": 1' + "0" * 5000 + ", \"x\": ").encode(), "not a usable JSON"),
        (json.dumps({"schema_version": 1, "shots": [{"id": "a", "duration": "4s"}]}).encode(), "shots[0].duration"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[]", "must be a JSON object"),
    ]
    for data, word in cases:
        (bundle / "project.json").write_bytes(data)
        one_line_error(cli("shot", "list", str(bundle)), word)


def test_a_screenplay_that_is_a_pipe_a_device_or_a_link_to_one(bundle: Path, tmp_path: Path, cli) -> None:
    before = (bundle / "project.json").read_bytes()
    pipe = hostile.fifo(tmp_path / "pipe.fountain")
    for script in ("/dev/zero", "/dev/urandom", str(pipe), str(hostile.link_to(tmp_path / "l.fountain", pipe)),
                   str(hostile.link_to(tmp_path / "z.fountain", "/dev/zero"))):
        one_line_error(cli("import", str(bundle), script))
    assert (bundle / "project.json").read_bytes() == before


def test_a_decompression_bomb_as_a_reference_still(bundle: Path, tmp_path: Path, cli) -> None:
    bomb = hostile.png_claiming(tmp_path / "bomb.png", 100_000, 100_000)
    one_line_error(cli("shot", "add", str(bundle), "--prompt", "boom", "--ref", str(bomb)), "pixels")
    one_line_error(cli("shot", "edit", str(bundle), "s1", "--ref", str(hostile.fifo(tmp_path / "f.png"))), "pipe")
    assert not (bundle / "media" / "stills").exists() or list((bundle / "media" / "stills").iterdir()) == []


def test_a_recording_that_is_a_pipe(bundle: Path, tmp_path: Path, cli) -> None:
    line_id = cli("line", "add", str(bundle), "s1", "--text", "Hello.").stdout.strip()
    one_line_error(cli("voice", str(bundle), "--convert", line_id, str(hostile.fifo(tmp_path / "take.wav"))), "pipe")


def test_an_argument_that_is_not_utf8(bundle: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "studio.cli.main", "shot", "add", os.fsencode(str(bundle)),
                             "--prompt", b"caf\xe9 at night"], capture_output=True, text=True, timeout=120)
    one_line_error(result, "not valid UTF-8", "caf\\xe9")
    assert len(store.load(bundle)[0].shots) == 1


def test_new_in_odd_places(tmp_path: Path, cli) -> None:
    plain = tmp_path / "notes.txt"
    plain.write_text("not a folder")
    one_line_error(cli("new", str(plain / "film")), "not a folder")
    for name in ("", " ", ".", ".."):
        one_line_error(cli("new", name, cwd=tmp_path), "not a project name")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # the current folder did not become one
    one_line_error(cli("new", "x" * 300, cwd=tmp_path), "too long")


def test_outputs_that_are_folders_pipes_or_devices(bundle: Path, tmp_path: Path, cli) -> None:
    still = tmp_path / "ok.png"
    cv2.imwrite(str(still), np.zeros((16, 16, 3), np.uint8))
    for out, word in ((tmp_path, "is a folder"), (Path("/dev/null"), "not a regular file"),
                      (hostile.fifo(tmp_path / "p.srt"), "not a regular file")):
        one_line_error(cli("export", str(bundle), "--format", "srt", "-o", str(out)), word)
