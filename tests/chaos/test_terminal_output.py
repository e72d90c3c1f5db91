"""User text reaches the terminal with its control characters escaped; JSON output keeps the exact text."""

from __future__ import annotations

import json
from pathlib import Path

from studio.cli.terminal_text import shown

HOSTILE = "Waves\x1b[2J\x1b]0;owned\x07 on\rrocks\u202egnp.exe\x9b31m"


def test_a_prompt_cannot_repaint_the_terminal(cli, tmp_path: Path) -> None:
    assert cli("new", str(tmp_path / "film"), "--title", "Title\x1b[31m red").returncode == 0
    bundle = tmp_path / "film.storyreel"
    shot_id = cli("shot", "add", str(bundle), "--prompt", HOSTILE).stdout.strip()
    for args in (("shot", "list", str(bundle)), ("info", str(bundle))):
        out = cli(*args).stdout
        assert not any(ch in out for ch in "\x1b\x07\r\u202e\x9b"), repr(out)
    assert "Waves\\e[2J\\e]0;owned\\x07 on\\rrocks\\u202egnp.exe\\x9b31m" in cli("shot", "list", str(bundle)).stdout
    assert "Title\\e[31m red" in cli("info", str(bundle)).stdout
    listing = json.loads(cli("shot", "list", str(bundle), "--json").stdout)
    assert listing[0]["prompt"] == HOSTILE.strip()  # JSON escapes on its own; the text is exact
    err = cli("shot", "edit", str(bundle), "shot\x1b[2Jx", "--camera", "orbit").stderr
    assert err.count("\n") == 1 and "\x1b" not in err, repr(err)
    assert "\\x1b[2J" in err or "\\e[2J" in err, repr(err)
    assert shot_id.startswith("shot_")


def test_shown_escapes_every_control_but_keeps_ordinary_text() -> None:
    assert shown("Über café — 雨の窓") == "Über café — 雨の窓"
    assert shown("a\nb\tc\x00\x7f") == "a\\nb\\tc\\x00\\x7f"
