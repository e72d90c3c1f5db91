"""`storyreel import` in a subprocess: summary, re-import counts, and clean failures."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLE = Path(__file__).parents[2] / "resources/examples/scripts/the-lighthouse-keeper.fountain"


def test_import_and_reimport_from_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "film.storyreel"
    assert cli("new", str(bundle)).returncode == 0
    r = cli("import", str(bundle), str(EXAMPLE))
    assert r.returncode == 0, r.stderr
    assert "3 scene(s), 9 shot(s), 9 line(s), 1 card(s)" in r.stdout
    assert "cast (3): Narrator, Tomas, Mara" in r.stdout
    saved = json.loads((bundle / "project.json").read_text(encoding="utf-8"))
    assert saved["title"] == "The Lighthouse Keeper" and len(saved["shots"]) == 9

    edited = tmp_path / "edited.fountain"
    edited.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Hello, Dad.", "Hello, Dad. Surprise."),
                      encoding="utf-8")
    r = cli("import", str(bundle), str(edited), "--shots-per", "paragraph")
    assert r.returncode == 0, r.stderr
    assert "shots: 0 new, 1 updated, 8 unchanged, 0 unmatched" in r.stdout
    assert "lines: 0 new, 1 updated, 0 removed, 0 kept" in r.stdout
    assert len(json.loads((bundle / "project.json").read_text(encoding="utf-8"))["shots"]) == 9


def test_bad_script_exits_2_with_one_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "film.storyreel"
    assert cli("new", str(bundle)).returncode == 0
    before = (bundle / "project.json").read_bytes()
    latin1 = tmp_path / "latin1.fountain"
    latin1.write_bytes("INT. CAFÉ - DAY\n\nA waiter.\n".encode("latin-1"))
    r = cli("import", str(bundle), str(latin1))
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "not valid UTF-8 text" in r.stderr and "latin1.fountain" in r.stderr
    r = cli("import", str(bundle), str(EXAMPLE), "--shots-per", "frame")
    assert r.returncode == 2 and "invalid choice" in r.stderr
    assert (bundle / "project.json").read_bytes() == before
