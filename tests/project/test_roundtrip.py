"""Every field round-trips; unknown fields and objects survive; old schemas upgrade."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.project import ProjectError, store
from studio.project.errors import SchemaVersionError
from studio.project.model import SCHEMA_VERSION, Project


def test_every_field_round_trips(bundle: Path, project: Project) -> None:
    loaded, report = store.load(bundle)
    original = project.model_dump(mode="json")
    again = loaded.model_dump(mode="json")
    # Media files of the fixture do not exist, so ready takes come back offline; everything else is equal.
    assert again["shots"][0]["takes"][0].pop("status") == "offline"
    original["shots"][0]["takes"][0].pop("status")
    assert again == original
    assert "media/takes/s1/t1/video.mp4" in report.offline


def test_unknown_fields_and_objects_survive_load_and_save(bundle: Path) -> None:
    path = bundle / "project.json"
    doc = json.loads(path.read_text())
    doc["future_markers"] = [{"frame": 12, "label": "beat"}]
    doc["shots"][0]["lens"] = {"mm": 35, "anamorphic": True}
    doc["shots"][0]["takes"][0]["hdr"] = "pq"
    doc["cast"][0]["voice"]["emotion"] = "warm"
    doc["export"]["codec_hint"] = "prores"
    path.write_text(json.dumps(doc))
    loaded, _ = store.load(bundle)
    store.save(bundle, loaded)
    again = json.loads(path.read_text())
    assert again["future_markers"] == [{"frame": 12, "label": "beat"}]
    assert again["shots"][0]["lens"] == {"mm": 35, "anamorphic": True}
    assert again["shots"][0]["takes"][0]["hdr"] == "pq"
    assert again["cast"][0]["voice"]["emotion"] == "warm"
    assert again["export"]["codec_hint"] == "prores"


def test_upgrade_from_schema_1_converts_seconds_to_frames(tmp_path: Path) -> None:
    bundle = tmp_path / "old.storyreel"
    bundle.mkdir()
    (bundle / "project.json").write_text(json.dumps({
        "schema_version": 1, "title": "Old", "fps": 25,
        "shots": [{"id": "a", "prompt": "x", "duration": 2.0}, {"id": "b", "prompt": "y", "duration": 0.5}],
        "lines": [{"id": "l", "text": "hi", "shot_id": "a", "offset": 1.2}],
    }))
    project, report = store.load(bundle)
    assert report.upgraded_from == 1
    assert project.schema_version == SCHEMA_VERSION
    assert [s.duration_frames for s in project.shots] == [50, 12]
    assert project.lines[0].offset_frames == 30


def test_upgrade_from_schema_2_makes_the_reference_still_an_active_keyframe(tmp_path: Path) -> None:
    bundle = tmp_path / "v2.storyreel"
    (bundle / "media").mkdir(parents=True)
    (bundle / "media" / "still.png").write_bytes(b"")
    (bundle / "project.json").write_text(json.dumps({
        "schema_version": 2, "title": "Stills", "fps": 24,
        "shots": [{"id": "a", "prompt": "x", "reference": "media/still.png"}, {"id": "b", "prompt": "y"}],
    }))
    project, report = store.load(bundle)
    assert report.upgraded_from == 2
    first, second = project.shots
    assert [(k.media, k.source) for k in first.keyframes] == [("media/still.png", "imported")]
    assert first.active_keyframe == first.keyframes[0].id and first.reference == "media/still.png"
    assert second.keyframes == [] and second.active_keyframe is None and second.reference is None
    store.save(bundle, project)
    again, report = store.load(bundle)
    assert report.upgraded_from is None and again.shots[0].keyframes == first.keyframes


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    bundle = tmp_path / "new.storyreel"
    bundle.mkdir()
    (bundle / "project.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION + 1}))
    with pytest.raises(SchemaVersionError, match="newer Storyreel"):
        store.load(bundle)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not valid JSON"),
        (b"{\"schema_version\": 2, \"shots\": [", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[]", "JSON object"),
        (b"{\"title\": \"no version\"}", "schema_version"),
        (b"{\"schema_version\": 2, \"fps\": 0}", "fps"),
        (b"{\"schema_version\": 2, \"fps\": 100000}", "fps"),
        (b"{\"schema_version\": 2, \"width\": -4}", "width"),
        (b"{\"schema_version\": 2, \"shots\": [{\"duration_frames\": -1}]}", "shots[0].duration_frames"),
        (b"{\"schema_version\": 2, \"shots\": [{\"duration_frames\": 99999999}]}", "shots[0].duration_frames"),
        (b"{\"schema_version\": 2, \"shots\": [{\"camera\": \"barrel_roll\"}]}", "shots[0].camera"),
        (b"{\"schema_version\": 2, \"shots\": [{\"id\": \"a\"}, {\"id\": \"a\"}]}", "appears twice"),
    ],
)
def test_corrupt_documents_fail_with_the_projects_own_error(tmp_path: Path, content: bytes, message: str) -> None:
    bundle = tmp_path / "bad.storyreel"
    bundle.mkdir()
    (bundle / "project.json").write_bytes(content)
    with pytest.raises(ProjectError) as info:
        store.load(bundle)
    assert message in str(info.value)
    assert str(bundle) in str(info.value)  # the message names the file


def test_missing_bundle_and_missing_document(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project folder"):
        store.load(tmp_path / "nothing.storyreel")
    (tmp_path / "empty.storyreel").mkdir()
    with pytest.raises(ProjectError, match="Storyreel project"):
        store.load(tmp_path / "empty.storyreel")
