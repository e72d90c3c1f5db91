"""Atomic saves, backups, autosave that never overwrites the last explicit save, and the kill test."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

from studio.project import Project, Shot, store


def test_save_keeps_backups_of_previous_saves(bundle: Path) -> None:
    project, _ = store.load(bundle)
    for n in range(store.BACKUPS_KEPT + 4):
        project.title = f"v{n}"
        store.save(bundle, project)
    backups = store.backups(bundle)
    assert len(backups) == store.BACKUPS_KEPT
    titles = [json.loads(b.read_text())["title"] for b in backups]
    assert titles[0] == f"v{store.BACKUPS_KEPT + 2}"  # the save before the last one
    assert not list(bundle.glob(".*part*")), "temp files left behind"


def test_autosave_never_touches_the_explicit_save_and_is_offered_for_recovery(bundle: Path) -> None:
    saved = (bundle / "project.json").read_bytes()
    project, _ = store.load(bundle)
    assert store.newer_autosave(bundle) is None
    project.title = "Unsaved work"
    time.sleep(0.01)
    store.autosave(bundle, project)
    assert (bundle / "project.json").read_bytes() == saved
    assert store.newer_autosave(bundle) == bundle / "autosave.json"
    recovered, _ = store.recover_autosave(bundle)
    assert recovered.title == "Unsaved work"
    store.save(bundle, recovered)  # making it permanent removes the autosave
    assert store.newer_autosave(bundle) is None
    assert store.load(bundle)[0].title == "Unsaved work"


def test_autosave_older_than_the_save_is_not_offered(bundle: Path) -> None:
    project, _ = store.load(bundle)
    project.title = "autosaved"
    store.autosave(bundle, project)
    auto = bundle / "autosave.json"
    old = time.time() - 60
    os.utime(auto, (old, old))
    assert store.newer_autosave(bundle) is None


def _save_forever(bundle: str, ready: multiprocessing.synchronize.Event) -> None:  # type: ignore[name-defined]
    project, _ = store.load(bundle)
    # Big enough that a write takes a while, so kills land mid-write.
    project.shots = [Shot(prompt="wave " * 200) for _ in range(300)]
    n = int(project.title[1:])
    ready.set()
    while True:
        n += 1
        project.title = f"v{n}"
        store.save(bundle, project)


def test_kill_during_save_always_leaves_a_loadable_old_or_new_state(tmp_path: Path) -> None:
    bundle = store.create_bundle(tmp_path / "kill", Project(title="v0"))
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(1234)
    seen_titles = set()
    torn_writes = 0
    last = 0
    # Saves check that the document loads again before writing, so fewer kills land mid-write; keep going
    # (up to 240 kills) until both kinds of landing were seen at least 60 kills in.
    for kills in range(240):
        if kills >= 60 and len(seen_titles) > 20 and torn_writes > 0:
            break
        ready = ctx.Event()
        child = ctx.Process(target=_save_forever, args=(str(bundle), ready))
        child.start()
        assert ready.wait(30)
        time.sleep(rng.uniform(0, 0.08))
        os.kill(child.pid, signal.SIGKILL)
        child.join()
        project, _ = store.load(bundle)  # must never raise
        number = int(project.title[1:])
        assert number >= last, "a save went backwards"
        assert len(project.shots) == (300 if number else 0)
        last = number
        seen_titles.add(project.title)
        for leftover in bundle.rglob(".*.part*"):  # a killed writer may leave its temp file; never the document
            torn_writes += 1
            leftover.unlink()
    assert len(seen_titles) > 20, "kills never landed between saves; the test did not exercise anything"
    assert torn_writes > 0, "no kill landed during a write; the test did not exercise anything"
