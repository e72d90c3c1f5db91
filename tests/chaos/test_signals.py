"""Ctrl-C, SIGTERM and SIGKILL at awkward moments: "cancelled" and exit 130, no traceback, no partial files.

Ctrl-C in a terminal signals the whole process group, the engine's worker process included, so the render is
started in its own session and signalled as a group, as a terminal would.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.video_io import probe_video
from studio.project import store

pytestmark = pytest.mark.timeout(180)


def _film(cli, tmp_path: Path, shots: int, seconds: int, size: str) -> Path:  # type: ignore[no-untyped-def]
    assert cli("new", str(tmp_path / "film"), "--size", size, "--fps", "24").returncode == 0
    bundle = tmp_path / "film.storyreel"
    for i in range(shots):
        assert cli("shot", "add", str(bundle), "--prompt", f"Waves {i}", "--duration", str(seconds)).returncode == 0
    return bundle


def _parts(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if ".part" in p.name]


def _as_in_a_terminal() -> None:
    """Ctrl-C's default action in the child, as in a terminal: a shell that starts pytest in the background
    (``pytest &``) passes SIGINT ignored to every child, which would make these tests prove nothing."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for(condition, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the moment to signal never came"
        time.sleep(0.02)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_the_group_while_render_generates(cli, tmp_path: Path, signum: int) -> None:
    bundle = _film(cli, tmp_path, shots=8, seconds=8, size="640x360")
    out = tmp_path / "film.mp4"
    render = subprocess.Popen([sys.executable, "-m", "studio.cli.main", "render", str(bundle), "-o", str(out)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                              preexec_fn=_as_in_a_terminal)
    _wait_for(lambda: bool(_parts(bundle / "cache")))  # the worker is writing a take
    os.killpg(render.pid, signum)
    _, err = render.communicate(timeout=120)
    assert render.returncode == 130, err[-3000:]
    assert "cancelled" in err and "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
    assert not out.exists() and _parts(tmp_path) == []
    project, _ = store.load(bundle)
    for shot in project.shots:  # the takes that finished were kept, each whole
        for take in shot.takes:
            assert probe_video(bundle / take.media).frame_count == take.frame_count


def test_ctrl_c_during_generate(cli, tmp_path: Path) -> None:
    bundle = _film(cli, tmp_path, shots=6, seconds=8, size="640x360")
    generate = subprocess.Popen([sys.executable, "-m", "studio.cli.main", "generate", str(bundle)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                                preexec_fn=_as_in_a_terminal)
    _wait_for(lambda: bool(_parts(bundle / "cache")))
    os.killpg(generate.pid, signal.SIGINT)
    _, err = generate.communicate(timeout=120)
    assert generate.returncode == 130, err[-3000:]
    assert err.strip().splitlines()[-1] == "storyreel: cancelled" and "Traceback" not in err, err[-3000:]
    assert _parts(bundle) == []
    store.load(bundle)


EDIT_LOOP = r"""
import sys
from studio.cli.main import main
bundle, shot_id, run = sys.argv[1], sys.argv[2], sys.argv[3]
print("ready", flush=True)
n = 0
while True:
    main(["line", "add", bundle, shot_id, "--text", f"run {run} line {n}"])
    n += 1
"""


def test_sigkill_at_random_moments_of_an_edit_loop(cli, tmp_path: Path) -> None:
    bundle = _film(cli, tmp_path, shots=1, seconds=2, size="160x90")
    shot_id = store.load(bundle)[0].shots[0].id
    rng = random.Random(17)
    seen = 0
    for run in range(12):
        loop = subprocess.Popen([sys.executable, "-c", EDIT_LOOP, str(bundle), shot_id, str(run)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert loop.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        loop.kill()
        loop.wait()
        project, _ = store.load(bundle)  # always loads: the old save or the new one, never a torn one
        texts = [line.text for line in project.lines]
        mine = [t for t in texts if t.startswith(f"run {run} ")]
        assert mine == [f"run {run} line {i}" for i in range(len(mine))]  # each saved edit whole, none lost
        assert len(texts) == seen + len(mine)  # and every earlier run's edits are still there
        seen = len(texts)
        for leftover in _parts(bundle):  # a killed writer may leave its temp file (never the document)
            leftover.unlink()
    assert seen > 0, "no edit was ever saved; the kills landed too early to test anything"
    # The kernel dropped each killed writer's lock: the next edit saves at once.
    assert cli("line", "add", str(bundle), shot_id, "--text", "after the kills").returncode == 0
