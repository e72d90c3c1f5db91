"""`storyreel voice` with ElevenLabs voices against the fake server: once in a subprocess, then in-process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from studio.cli.main import main
from studio.project import store

from .conftest import API_KEY, FakeElevenLabs, make_project


def test_billed_characters_are_shown_before_sending(fake_elevenlabs: FakeElevenLabs, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    document = make_project(tmp_path, eleven_voice="voice00")
    bundle = document.bundle
    assert bundle is not None
    characters = sum(len(line.text) for line in document.project.lines)
    env = {"ELEVENLABS_API_KEY": API_KEY, "STORYREEL_ELEVENLABS_BASE_URL": fake_elevenlabs.url}
    r = subprocess.run([sys.executable, "-m", "studio.cli.main", "voice", str(bundle)], capture_output=True,
                       text=True, input="", timeout=300, env={**os.environ, **env})
    assert r.returncode == 0, r.stderr
    assert f"ElevenLabs will bill {characters} character(s) for 3 line(s)" in r.stderr
    assert f"{characters} character(s) billed by ElevenLabs" in r.stdout
    assert len(fake_elevenlabs.posts()) == 3
    assert all(line.active() is not None for line in store.load(bundle)[0].lines)

    # The rest in this process: the server's address given with --base-url instead of the environment.
    monkeypatch.setenv("ELEVENLABS_API_KEY", API_KEY)
    assert main(["voice", str(bundle), "--list-voices", "--provider", "elevenlabs", "--search", "rach",
                 "--base-url", fake_elevenlabs.url]) == 0
    out = capsys.readouterr().out
    assert "elevenlabs:voice00" in out and "Rachel" in out
    line = document.project.lines[0]
    wrong = "sk_this_key_is_wrong_0000000000000000"
    monkeypatch.setenv("ELEVENLABS_API_KEY", wrong)
    assert main(["voice", str(bundle), "--line", line.id, "--force", "--yes", "--base-url", fake_elevenlabs.url]) == 1
    out, err = capsys.readouterr()
    assert f"failed {line.id}: " in err and "the ElevenLabs key was refused" in err
    assert fake_elevenlabs.requests[-1].headers["xi-api-key"] == wrong
    assert wrong not in err + out and API_KEY not in err + out
    saved = store.load(bundle)[0].line(line.id)
    assert saved.status == "failed" and saved.active() is not None and saved.text == line.text
    project_text = (bundle / "project.json").read_text()
    assert API_KEY not in project_text and wrong not in project_text
