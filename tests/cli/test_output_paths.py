"""Outputs never replace the bundle's own files, and a bad output place is one line, exit 2, no file written."""

from __future__ import annotations

from pathlib import Path

import cut_film_factory as factory  # tests/support
import pytest

from studio.cli.main import main
from studio.project import Project, ProjectDocument, store
from studio.project.output_paths import OutputPathError, check_output_path

FORMATS = ("otio", "otioz", "fcpxml", "edl", "srt", "vtt")


@pytest.fixture
def film(tmp_path: Path) -> ProjectDocument:
    document = factory.make_film(tmp_path, [factory.ShotSpec("red", frames=12)])
    factory.add_line(document, "shot_0", "Spoken first.", seconds=0.3)
    return document


def _snapshot(bundle: Path) -> dict[str, bytes]:
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}


def _one_line_error(capsys: pytest.CaptureFixture[str], rc: int, *words: str) -> str:
    err = capsys.readouterr().err
    assert rc == 2, err
    assert err.count("\n") == 1 and err.startswith("storyreel: error:"), err
    for word in words:
        assert word in err, err
    return err


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_over_project_json_is_refused_and_the_project_still_loads(film, capsys, fmt) -> None:
    before = _snapshot(film.bundle)
    rc = main(["export", str(film.bundle), "--format", fmt, "-o", str(film.bundle / "project.json")])
    _one_line_error(capsys, rc, "project.json", "part of a project")
    assert _snapshot(film.bundle) == before
    store.load(film.bundle)


@pytest.mark.parametrize("inside", ["autosave.json", "backups/project-x.json", "media/stills/cut.edl",
                                    "cache/cut.otio", "project.lock"])
def test_export_into_any_part_of_the_bundle_is_refused(film, capsys, inside) -> None:
    before = _snapshot(film.bundle)
    rc = main(["export", str(film.bundle), "--format", "edl", "-o", str(film.bundle / inside)])
    _one_line_error(capsys, rc, inside.split("/")[0])
    assert _snapshot(film.bundle) == before


def test_render_over_a_take_or_with_otio_over_the_project_is_refused_before_any_work(film, tmp_path, capsys) -> None:
    take_file = film.bundle / film.project.shots[0].active().media
    before = _snapshot(film.bundle)
    rc = main(["render", str(film.bundle), "-o", str(take_file)])
    _one_line_error(capsys, rc, "media")
    rc = main(["render", str(film.bundle), "-o", str(tmp_path / "ok.mp4"), "--otio", str(film.bundle / "project.json")])
    _one_line_error(capsys, rc, "project.json")
    # The subtitle sidecar lands beside the video: a video named into backups/ is refused through it too.
    rc = main(["render", str(film.bundle), "-o", str(film.bundle / "backups" / "x.mp4"), "--subtitles", "srt"])
    _one_line_error(capsys, rc, "backups")
    assert _snapshot(film.bundle) == before
    assert not (tmp_path / "ok.mp4").exists()


def test_a_symlink_into_the_bundle_is_refused_like_its_target(film, tmp_path, capsys) -> None:
    link = tmp_path / "cut.otio"
    link.symlink_to(film.bundle / "project.json")
    before = _snapshot(film.bundle)
    rc = main(["export", str(film.bundle), "--format", "otio", "-o", str(link)])
    _one_line_error(capsys, rc, "project.json")
    assert _snapshot(film.bundle) == before and link.is_symlink()


def test_another_projects_files_are_protected_too(film, tmp_path, capsys) -> None:
    other = store.create_bundle(tmp_path / "other", Project(title="Other"))
    before = (other / "project.json").read_bytes()
    rc = main(["export", str(film.bundle), "--format", "srt", "-o", str(other / "project.json")])
    _one_line_error(capsys, rc, "other.storyreel/project.json")
    assert (other / "project.json").read_bytes() == before


def test_a_file_beside_project_json_under_a_new_name_is_allowed(film, capsys) -> None:
    rc = main(["export", str(film.bundle), "--format", "srt", "-o", str(film.bundle / "film.srt")])
    assert rc == 0, capsys.readouterr().err
    assert "Spoken first." in (film.bundle / "film.srt").read_text()


def test_a_folder_a_missing_folder_and_an_empty_name_are_one_line_errors(film, tmp_path, capsys) -> None:
    folder = tmp_path / "already-a-folder.otio"
    folder.mkdir()
    rc = main(["export", str(film.bundle), "--format", "otio", "-o", str(folder)])
    _one_line_error(capsys, rc, "is a folder")
    assert list(folder.iterdir()) == []
    rc = main(["export", str(film.bundle), "--format", "otio", "-o", str(tmp_path / "no" / "such" / "cut.otio")])
    _one_line_error(capsys, rc, "does not exist")
    assert not (tmp_path / "no").exists()
    rc = main(["render", str(film.bundle), "-o", str(tmp_path / "film.mp4"), "--otio", str(tmp_path / "film.mp4")])
    _one_line_error(capsys, rc, "same file")
    rc = main(["render", str(film.bundle), "-o", str(tmp_path / "film.mp4"), "--subtitles", "srt",
               "--otio", str(tmp_path / "film.srt")])
    _one_line_error(capsys, rc, "same file")
    with pytest.raises(OutputPathError, match="empty"):
        check_output_path("", film.bundle)


def test_an_existing_output_file_is_replaced_whole(film, tmp_path, capsys) -> None:
    out = tmp_path / "cut.srt"
    out.write_text("old contents " * 1000)
    assert main(["export", str(film.bundle), "--format", "srt", "-o", str(out)]) == 0
    assert out.read_text().startswith("1\n") and "old contents" not in out.read_text()
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []
