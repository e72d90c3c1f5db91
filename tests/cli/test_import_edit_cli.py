"""`storyreel import-edit` in a subprocess: a dry run changes nothing, a real run saves once, unmatched clips are
printed, bad input is one line with exit 2 and the project unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from recut_edits import make_recut_film, recut


def _saved(bundle: Path) -> dict:
    return json.loads((bundle / "project.json").read_text(encoding="utf-8"))


def test_dry_run_then_import_from_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    film = make_recut_film(tmp_path)
    bundle = film.bundle
    exported = tmp_path / "cut.otio"
    r = cli("export", str(bundle), "--format", "otio", "-o", str(exported))
    assert r.returncode == 0, r.stderr
    edit = recut(exported, tmp_path / "recut.otio", stranger=tmp_path / "elsewhere" / "harbour.mp4")
    before = (bundle / "project.json").read_bytes()

    r = cli("import-edit", str(bundle), str(edit), "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "recut.otio: 3 of 4 clips matched shots (3 by shot metadata)" in r.stdout
    assert "shot 1 (shot_3) 'a yellow frame': moved from place 4" in r.stdout
    assert "unmatched clips (1; not applied):" in r.stdout and "clip 4 'harbour b-roll'" in r.stdout
    assert "dry run: nothing was changed" in r.stdout
    assert (bundle / "project.json").read_bytes() == before

    r = cli("import-edit", str(bundle), str(edit))
    assert r.returncode == 0, r.stderr
    assert "dry run" not in r.stdout and "clip 4 'harbour b-roll'" in r.stdout
    saved = _saved(bundle)
    assert [s["id"] for s in saved["shots"]] == ["shot_3", "shot_0", "shot_1", "shot_2"]
    yellow, red, _, blue = saved["shots"]
    assert yellow["duration_frames"] == 19 and (yellow["takes"][0]["trim_in"], yellow["takes"][0]["trim_out"]) == (5, 24)
    assert red["transition"] == {"kind": "crossfade", "duration_frames": 4}
    assert blue["flags"] == ["not_in_edit"] and len(blue["takes"]) == 1
    assert [line["shot_id"] for line in saved["lines"]] == ["shot_2"]

    after = (bundle / "project.json").read_bytes()
    r = cli("import-edit", str(bundle), str(edit))  # once more: nothing left to do, nothing written
    assert r.returncode == 0 and "nothing to change" in r.stdout
    assert (bundle / "project.json").read_bytes() == after


def test_bad_edits_exit_2_with_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    film = make_recut_film(tmp_path)
    bundle = film.bundle
    before = (bundle / "project.json").read_bytes()
    corrupt = tmp_path / "cut.fcpxml"
    corrupt.write_text("<fcpxml version='1.8'><resources>", encoding="utf-8")
    notes = tmp_path / "cut.txt"
    notes.write_text("001 a red frame\n", encoding="utf-8")
    stranger = tmp_path / "other.edl"
    stranger.write_text("TITLE: x\n\n001  AX       V     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n"
                        "* FROM CLIP NAME: A001_C003.mov\n", encoding="utf-8")
    for edit, words in [(corrupt, "cut.fcpxml: cannot read this edit"), (notes, "cut.txt: not an edit file"),
                        (stranger, "none of its 1 clips matches a shot"), (tmp_path / "gone.edl", "edit not found")]:
        r = cli("import-edit", str(bundle), str(edit))
        assert r.returncode == 2, (edit, r.stdout, r.stderr)
        assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr and words in r.stderr, r.stderr
    assert (bundle / "project.json").read_bytes() == before


def test_rate_reads_an_edl_at_another_frame_rate(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    film = make_recut_film(tmp_path)
    edl = tmp_path / "recut.edl"
    edl.write_text("TITLE: x\nFCM: NON-DROP FRAME\n\n"
                   "001  AX       V     C        00:00:00:00 00:00:00:12 01:00:00:00 01:00:00:12\n"
                   "* FROM CLIP NAME: 001 a red frame\n", encoding="utf-8")
    r = cli("import-edit", str(film.bundle), str(edl), "--dry-run")  # at the project's 24 fps: half a second
    assert r.returncode == 0, r.stderr
    assert "shot 1 (shot_0) 'a red frame': take" in r.stdout and "length 24 -> 12 frames" in r.stdout
    r = cli("import-edit", str(film.bundle), str(edl), "--dry-run", "--rate", "48")  # a quarter of a second
    assert r.returncode == 0, r.stderr
    assert "length 24 -> 6 frames" in r.stdout
    r = cli("import-edit", str(film.bundle), str(edl), "--rate", "12")
    assert r.returncode == 2 and "timecode cannot run at 12 frames a second" in r.stderr
    r = cli("import-edit", str(film.bundle), str(edl), "--rate", "fast")
    assert r.returncode == 2 and "expected frames a second" in r.stderr
