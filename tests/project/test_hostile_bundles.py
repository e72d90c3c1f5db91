"""Bundles from strangers: paths that leave the bundle are refused; missing media marks takes offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.project import ProjectError, UnsafeMediaPath, store


def _rewrite(bundle: Path, edit) -> None:  # type: ignore[no-untyped-def]
    path = bundle / "project.json"
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize(
    "media",
    ["../../etc/passwd", "/etc/passwd", "media/../../outside.mp4", "C:/Windows/win.ini", "media\\..\\x.mp4", ""],
)
def test_paths_leaving_the_bundle_are_rejected(bundle: Path, media: str) -> None:
    _rewrite(bundle, lambda d: d["shots"][0]["takes"][0].__setitem__("media", media))
    with pytest.raises(ProjectError) as info:
        store.load(bundle)
    assert "shots[0].takes[0].media" in str(info.value)


def test_reference_still_outside_is_rejected(bundle: Path) -> None:
    _rewrite(bundle, lambda d: d["shots"][0].__setitem__("reference", "/home/user/secret.png"))
    with pytest.raises(ProjectError, match="absolute"):
        store.load(bundle)


def test_symlink_leading_out_of_the_bundle_is_rejected(bundle: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.mp4"
    outside.write_bytes(b"not yours")
    target = bundle / "media/takes/s1/t1"
    target.mkdir(parents=True)
    (target / "video.mp4").symlink_to(outside)
    with pytest.raises(UnsafeMediaPath, match="outside the bundle"):
        store.load(bundle)


def test_symlinked_media_folder_leading_out_is_rejected(bundle: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "stills").mkdir(parents=True)
    (elsewhere / "stills" / "lh.png").write_bytes(b"x")
    media = bundle / "media"
    media.rmdir()
    media.symlink_to(elsewhere)
    with pytest.raises(UnsafeMediaPath):
        store.load(bundle)


def test_missing_media_marks_takes_offline_and_the_project_still_opens(bundle: Path) -> None:
    project, report = store.load(bundle)
    take = project.shots[0].takes[0]
    assert take.status == "offline"
    assert "media/takes/s1/t1/video.mp4" in report.offline
    assert "media/stills/lh.png" in report.offline
    # The media comes back: the take is ready again.
    video = bundle / take.media
    video.parent.mkdir(parents=True)
    video.write_bytes(b"\x00" * 16)
    store.save(bundle, project)
    project, report = store.load(bundle)
    assert project.shots[0].takes[0].status == "ready"
    assert "media/takes/s1/t1/video.mp4" not in report.offline


def test_a_huge_document_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "huge.storyreel"
    bundle.mkdir()
    (bundle / "project.json").write_bytes(b" " * 2048 + b"{}")
    monkeypatch.setattr(store, "MAX_DOCUMENT_BYTES", 1024)
    with pytest.raises(ProjectError, match="never that big"):
        store.load(bundle)
