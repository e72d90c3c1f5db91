"""A full disk and a read-only folder: one line, exit 2, the project as it was, no partial file left behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import cut_film_factory as factory  # tests/support
import pytest

from studio.project import Project, Shot, store

from .conftest import FullDisk, one_line_error


def _parts(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".part" in p.name]


def test_an_edit_on_a_full_disk_is_refused_and_the_last_save_survives(full_disk: FullDisk, cli) -> None:
    bundle = store.create_bundle(full_disk.folder / "film", Project(shots=[Shot(id="s1", prompt="kept")]))
    before = (bundle / "project.json").read_bytes()
    full_disk.fill(leave=2048)  # less than a save needs (a backup and the new document)
    result = full_disk.run("shot", "add", str(bundle), "--prompt", "x" * 9000)
    one_line_error(result, "disk is full")
    assert (bundle / "project.json").read_bytes() == before
    assert store.load(bundle)[0].shot("s1").prompt == "kept"
    assert _parts(bundle) == []


def test_an_export_to_a_full_disk_leaves_no_partial_file(full_disk: FullDisk, tmp_path: Path) -> None:
    document = factory.make_film(tmp_path, [factory.ShotSpec("red", frames=6)] * 40)
    full_disk.fill(leave=4096)  # the OTIO of 40 shots is ~100 KiB
    out = full_disk.folder / "cut.otio"
    one_line_error(full_disk.run("export", str(document.bundle), "--format", "otio", "-o", str(out)), "disk is full")
    assert not out.exists() and _parts(full_disk.folder) == []


def test_a_render_to_a_full_disk_leaves_no_partial_file(full_disk: FullDisk, tmp_path: Path) -> None:
    if full_disk.kind == "injected":
        pytest.skip("ffmpeg writes the film itself, past Python's writes: only the tmpfs case can fill under it")
    document = factory.make_film(tmp_path, [factory.ShotSpec("red", frames=48, size=(320, 180))] * 4,
                                 size=(320, 180))
    full_disk.fill(leave=8192)
    out = full_disk.folder / "film.mp4"
    result = full_disk.run("render", str(document.bundle), "-o", str(out), "--no-generate")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr[-2000:]
    assert not out.exists() and _parts(full_disk.folder) == []


def test_a_read_only_bundle_can_be_read_but_not_changed(read_only_folder, cli) -> None:
    def populate(folder: Path) -> None:
        bundle = store.create_bundle(folder / "film", Project(shots=[Shot(id="s1", prompt="a lamp")]))
        (bundle / "project.lock").unlink()

    bundle = read_only_folder(populate) / "film.storyreel"
    assert cli("shot", "list", str(bundle)).returncode == 0
    assert cli("info", str(bundle), "--json").returncode == 0
    for args in (("shot", "add", str(bundle), "--prompt", "more"), ("shot", "edit", str(bundle), "s1", "--camera", "orbit"),
                 ("line", "add", str(bundle), "s1", "--text", "Hello.")):
        one_line_error(cli(*args), "read-only")


def test_a_read_only_output_folder_is_refused_before_any_work(read_only_folder, tmp_path: Path, cli) -> None:
    document = factory.make_film(tmp_path, [factory.ShotSpec("red", frames=6)])
    folder = read_only_folder(lambda folder: None)
    for args in (("export", str(document.bundle), "--format", "edl", "-o", str(folder / "cut.edl")),
                 ("render", str(document.bundle), "-o", str(folder / "film.mp4"))):
        one_line_error(cli(*args), "read-only")
    assert list(folder.iterdir()) == []


def test_the_injected_full_disk_really_fails_writes(tmp_path: Path) -> None:
    """The fallback proves something: with a budget of 10 bytes, an 11-byte write under the folder fails."""
    import subprocess
    import sys

    folder = tmp_path / "disk"
    folder.mkdir()
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import full_disk_hook; full_disk_hook.install(sys.argv[2], 10)\n"
            "from pathlib import Path\nPath(sys.argv[2], 'a').write_bytes(b'x' * 10)\n"
            "try:\n    Path(sys.argv[2], 'b').write_bytes(b'x' * 11)\nexcept OSError as exc:\n    print(exc.errno)")
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(folder)], capture_output=True,
                         text=True, check=True).stdout
    import errno

    assert out.strip() == str(errno.ENOSPC)
    shutil.rmtree(folder)
