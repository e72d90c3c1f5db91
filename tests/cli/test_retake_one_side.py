"""Retaking picture or sound alone: a new take of a shot keeps its lines, their audio and their timing; a line
narrated again keeps the picture; extending the take leaves the lines where they were in the shot."""

from __future__ import annotations

import hashlib
from pathlib import Path

from studio.project import store


def _ok(done) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_picture_and_sound_are_retaken_independently(cli, tmp_path: Path) -> None:
    bundle = tmp_path / "film.storyreel"
    _ok(cli("new", str(bundle), "--size", "160x90", "--fps", "12"))
    shot = _ok(cli("shot", "add", str(bundle), "--prompt", "The keeper lights the lamp", "--duration", "3")).strip()
    _ok(cli("line", "add", str(bundle), shot, "--text", "Forty years of this light.", "--offset", "1"))
    _ok(cli("generate", str(bundle)))
    _ok(cli("voice", str(bundle)))
    project = store.load(bundle)[0]
    line = project.lines[0]
    picture, audio = project.shot(shot).active(), line.active()
    audio_bytes = _digest(bundle / audio.media)

    # A new picture: the line, its audio and its place in the shot are untouched.
    _ok(cli("generate", str(bundle), "--shot", shot, "--takes", "1"))
    project = store.load(bundle)[0]
    assert project.shot(shot).active_take != picture.id and len(project.shot(shot).takes) == 2
    again = project.line(line.id)
    assert (again.active_take, again.offset_frames, again.status) == (audio.id, 12, "ready")
    assert _digest(bundle / again.active().media) == audio_bytes

    # The line again: a new audio take, the picture untouched.
    new_picture = project.shot(shot).active_take
    _ok(cli("voice", str(bundle), "--line", line.id, "--force"))
    project = store.load(bundle)[0]
    assert project.shot(shot).active_take == new_picture
    assert len(project.line(line.id).takes) == 2 and project.line(line.id).offset_frames == 12

    # A longer take: the shot grows, the line stays one second into it.
    _ok(cli("extend", str(bundle), shot, "--seconds", "1"))
    project = store.load(bundle)[0]
    assert project.shot(shot).duration_frames == 48 and project.line(line.id).offset_frames == 12
