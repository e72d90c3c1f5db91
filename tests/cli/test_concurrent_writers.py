"""Several `storyreel` processes writing one project: every edit and every take survives (no lost update).

Each save holds the project lock, and a process that finds project.json changed since it read it replays its own
edits onto the new file. Without that, the last writer's save silently drops everything the others saved.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

from studio.project import store

# A process editing in a loop: `storyreel` commands called in-process (no interpreter start per edit).
EDIT_LOOP = r"""
import sys, time
from studio.cli.main import main
bundle, tag, count, shot_id, until = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
done = 0
while done < count or (until != "-" and not __import__("os").path.exists(until)):
    if main(["line", "add", bundle, shot_id, "--text", f"{tag} line {done}"]) != 0:
        sys.exit(3)
    if done % 3 == 0 and main(["shot", "add", bundle, "--prompt", f"{tag} shot {done}", "--duration", "0.5"]) != 0:
        sys.exit(3)
    done += 1
print(done, file=sys.stderr)
"""


def _edit_loop(bundle: Path, tag: str, count: int, shot_id: str, until: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", EDIT_LOOP, str(bundle), tag, str(count), shot_id,
                             str(until) if until else "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _finish(process: subprocess.Popen[str]) -> int:
    """Waits for an edit loop; the number of rounds it made."""
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return int(err.strip().splitlines()[-1])


def _film(cli, tmp_path: Path, shots: int) -> tuple[Path, list[str]]:  # type: ignore[no-untyped-def]
    assert cli("new", str(tmp_path / "film"), "--size", "160x90", "--fps", "8").returncode == 0
    bundle = tmp_path / "film.storyreel"
    ids = [cli("shot", "add", str(bundle), "--prompt", f"Shot {i}", "--duration", "2").stdout.strip()
           for i in range(shots)]
    return bundle, ids


def _texts(bundle: Path) -> tuple[list[str], list[str]]:
    project, _ = store.load(bundle)
    return [line.text for line in project.lines], [shot.prompt for shot in project.shots]


def test_two_processes_editing_in_loops_keep_every_edit(cli, tmp_path: Path) -> None:
    bundle, ids = _film(cli, tmp_path, 1)
    first, second = _edit_loop(bundle, "A", 25, ids[0]), _edit_loop(bundle, "B", 25, ids[0])
    _finish(first), _finish(second)
    lines, prompts = _texts(bundle)
    for tag in "AB":
        assert [t for t in lines if t.startswith(tag)] == [f"{tag} line {i}" for i in range(25)]
        assert [p for p in prompts if p.startswith(tag)] == [f"{tag} shot {i}" for i in range(0, 25, 3)]
    assert not list(bundle.glob(".*.part*"))


def _generate(bundle: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "studio.cli.main", "generate", str(bundle), "--backend",
                             "animatic", *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _takes_reported(output: str) -> set[str]:
    return set(re.findall(r"take (take_[0-9a-f]+)", output))


def test_generate_against_edits_keeps_every_edit_and_every_take(cli, tmp_path: Path) -> None:
    bundle, ids = _film(cli, tmp_path, 4)
    # Named shots: the edit loop adds shots while generate's interpreter starts, and a plain `generate` would
    # (rightly) make takes for those too when it reads the project after them.
    generating = _generate(bundle, *[arg for shot_id in ids for arg in ("--shot", shot_id)])
    stop = tmp_path / "generate-finished"
    editing = _edit_loop(bundle, "E", 3, ids[0], until=stop)  # edits until generate has finished
    out, err = generating.communicate(timeout=300)
    stop.touch()
    assert generating.returncode == 0, err
    edits = _finish(editing)
    takes = _takes_reported(out)
    assert len(takes) == 4

    project, _ = store.load(bundle)
    assert {t.id for s in project.shots for t in s.takes} == takes  # every take generate reported
    assert all(project.shot(i).active_take in takes for i in ids)
    lines, prompts = _texts(bundle)
    assert lines == [f"E line {i}" for i in range(edits)]  # and every edit made while it ran
    assert [p for p in prompts if p.startswith("E")] == [f"E shot {i}" for i in range(0, edits, 3)]
    assert edits > 3, "the edits did not overlap the generation; the test exercised nothing"


def test_two_generates_at_once_keep_both_takes_of_every_shot(cli, tmp_path: Path) -> None:
    bundle, ids = _film(cli, tmp_path, 2)
    first, second = _generate(bundle, "--takes", "1"), _generate(bundle, "--takes", "1")
    outputs = []
    for process in (first, second):
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        outputs.append(out)
    reported = _takes_reported(outputs[0]) | _takes_reported(outputs[1])
    assert len(reported) == 4
    project, _ = store.load(bundle)
    assert {t.id for s in project.shots for t in s.takes} == reported
    assert [len(project.shot(i).takes) for i in ids] == [2, 2]


def test_a_save_waits_for_the_lock_and_a_dead_holder_never_blocks(tmp_path: Path) -> None:
    from studio.project import Project, ProjectDocument
    from studio.project.project_lock import LOCK_FILE, ProjectLock, ProjectLocked

    document = ProjectDocument.create(tmp_path / "locked", Project(title="Locked"))
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from studio.project.project_lock import ProjectLock\n"
        "with ProjectLock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)"),
        str(document.bundle)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    try:
        note = json.loads((document.bundle / LOCK_FILE).read_text())
        assert note["pid"] == holder.pid
        started = time.monotonic()
        try:
            with ProjectLock(document.bundle, timeout=0.3):
                raise AssertionError("the lock was taken while another process held it")
        except ProjectLocked as exc:
            assert f"pid {holder.pid}" in str(exc)
        assert time.monotonic() - started >= 0.3
    finally:
        holder.kill()  # SIGKILL: no cleanup runs; the kernel drops the lock with the process
        holder.wait()
    assert (document.bundle / LOCK_FILE).exists()  # the stale lock file is still there...
    document.project.title = "Saved after the holder died"
    document.save()  # ...and does not block the next writer
    assert store.load(document.bundle)[0].title == "Saved after the holder died"
