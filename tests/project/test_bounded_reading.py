"""Reading is bounded: only regular files, a size cap per kind, image sizes from the header, JSON depth capped."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import hostile_files as hostile  # tests/support
import numpy as np
import pytest

from studio.project import Project, ProjectError, Shot, store
from studio.project.bounded_files import InputFileError, read_bounded
from studio.project.json_depth import MAX_JSON_DEPTH, json_depth
from studio.project.reference_image import MAX_IMAGE_PIXELS, check_reference_image
from studio.script import ScriptError, read_script
from studio.script.script_file import MAX_SCRIPT_PARAGRAPHS


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return store.create_bundle(tmp_path / "film", Project(shots=[Shot(id="s1")]))


@pytest.mark.timeout(20)
@pytest.mark.parametrize("make", [
    lambda p: hostile.fifo(p), lambda p: hostile.link_to(p, "/dev/zero"), lambda p: hostile.link_to(p, "/dev/urandom"),
    lambda p: hostile.link_to(p, "/dev/null"),
])
def test_a_project_json_that_is_not_a_regular_file_is_refused_at_once(bundle: Path, make) -> None:
    (bundle / "project.json").unlink()
    make(bundle / "project.json")
    with pytest.raises(ProjectError, match="named pipe|a device"):
        store.load(bundle)


def test_deep_json_and_giant_integers_are_refused_in_one_sentence(bundle: Path) -> None:
    (bundle / "project.json").write_bytes(hostile.deep_json(100_000))
    with pytest.raises(ProjectError, match=f"nests 100002 levels deep.*at most {MAX_JSON_DEPTH}"):
        store.load(bundle)
    raw = json.loads(store.serialize(Project(shots=[Shot(id="s1")])))
    raw["shots"][0]["seed"] = 2**64
    (bundle / "project.json").write_text(json.dumps(raw))
    with pytest.raises(ProjectError, match=r"field 'shots\[0\]\.seed'"):
        store.load(bundle)
    (bundle / "project.json").write_text(json.dumps(raw).replace(str(2**64), "9" * 5000))
    with pytest.raises(ProjectError, match="not a usable JSON document"):
        store.load(bundle)


def test_json_depth_ignores_brackets_inside_strings() -> None:
    assert json_depth(b'{"a": "[[[[{{{{", "b": [1, [2]]}') == 3
    assert json_depth(b'"\\"[["') == 0 and json_depth(b"7") == 0


def test_a_schema_1_document_with_a_bad_duration_names_the_field(bundle: Path) -> None:
    doc = {"schema_version": 1, "fps": 24, "shots": [{"id": "a", "duration": 2}, {"id": "b", "duration": "long"}]}
    (bundle / "project.json").write_text(json.dumps(doc))
    with pytest.raises(ProjectError, match=r"field 'shots\[1\]\.duration': cannot upgrade.*'long'"):
        store.load(bundle)
    doc["shots"][1]["duration"] = 1e308
    (bundle / "project.json").write_text(json.dumps(doc))
    with pytest.raises(ProjectError, match=r"shots\[1\]\.duration.*out of range"):
        store.load(bundle)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "fifo", "folder"])
def test_a_screenplay_that_is_not_a_regular_file_is_refused(tmp_path: Path, target: str) -> None:
    if target == "fifo":
        path = hostile.fifo(tmp_path / "script.fountain")
    elif target == "folder":
        path = tmp_path / "script.fountain"
        path.mkdir()
    else:
        path = hostile.link_to(tmp_path / "script.fountain", target)
    with pytest.raises(ScriptError, match="named pipe|a device|a folder"):
        read_script(path)


def test_a_screenplay_with_too_many_paragraphs_is_refused_before_parsing(tmp_path: Path) -> None:
    script = tmp_path / "many.fountain"
    script.write_text("INT. A - NIGHT\n\n" + "x.\n\n" * MAX_SCRIPT_PARAGRAPHS)
    with pytest.raises(ScriptError, match=r"has \d+ paragraphs.*at most 20000"):
        read_script(script)  # refused from a count of blank lines, before screenplain parses anything


def test_read_bounded_reads_at_most_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 5000)
    assert read_bounded(path, kind="file", max_bytes=5000) == b"x" * 5000
    with pytest.raises(InputFileError, match="never that big"):
        read_bounded(path, kind="file", max_bytes=4999)


@pytest.mark.timeout(20)
@pytest.mark.parametrize("size", [(100_000, 100_000), (20_000, 20_000), (9_000, 9_000), (20_000, 10)])
def test_a_still_whose_header_claims_too_many_pixels_is_refused_without_decoding(tmp_path: Path, size) -> None:
    bomb = hostile.png_claiming(tmp_path / "bomb.png", *size)
    assert bomb.stat().st_size < 2000
    with pytest.raises(InputFileError, match="claims more than|a reference still is at most"):
        check_reference_image(bomb)


def test_a_still_within_the_caps_is_accepted_and_a_fake_one_is_not(tmp_path: Path) -> None:
    still = tmp_path / "ok.png"
    cv2.imwrite(str(still), np.zeros((64, 96, 3), np.uint8))
    assert check_reference_image(still) == still.resolve()
    assert MAX_IMAGE_PIXELS == 8192 * 8192
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"not an image at all")
    with pytest.raises(InputFileError, match="not an image"):
        check_reference_image(fake)
    with pytest.raises(InputFileError, match="a device"):
        check_reference_image(hostile.link_to(tmp_path / "zero.png", "/dev/zero"))
