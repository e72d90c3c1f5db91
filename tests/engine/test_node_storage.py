"""A cluster node's folder stays in its budget: least recently used first, never what is in use or half-written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.cluster.node_storage import DEFAULT_BUDGET_GB, NodeStorage, budget_from_env


def _input(storage: NodeStorage, name: str, size: int, used: float) -> Path:
    path = storage.inputs / name
    path.write_bytes(b"x" * size)
    os.utime(path, (used, used))
    return path


def _take(storage: NodeStorage, key: str, size: int, used: float, complete: bool = True) -> Path:
    folder = storage.takes.root / key[:2] / key
    folder.mkdir(parents=True)
    (folder / "video.mp4").write_bytes(b"v" * size)
    if complete:
        (folder / "metadata.json").write_text("{}")
    os.utime(folder, (used, used))
    return folder


def test_prune_removes_least_recently_used_until_the_budget_fits(tmp_path: Path) -> None:
    storage = NodeStorage(tmp_path / "node", budget_bytes=2500)
    oldest = _input(storage, "a" * 64 + ".png", 1000, used=100)
    old_take = _take(storage, "bb" + "1" * 62, 1000, used=200)
    in_use = _input(storage, "c" * 64 + ".png", 1000, used=150)
    newest = _take(storage, "dd" + "2" * 62, 1000, used=400)
    writing = _take(storage, "ee" + "3" * 62, 5000, used=50, complete=False)

    removed = storage.prune(keep={in_use})

    assert removed == [oldest, old_take]  # oldest first; the kept one skipped although older
    assert not oldest.exists() and not old_take.exists()
    assert in_use.exists() and newest.exists()
    assert writing.exists()  # no metadata yet: another actor may be writing it
    assert storage.used_bytes() <= 2500


def test_touching_an_entry_keeps_it(tmp_path: Path) -> None:
    storage = NodeStorage(tmp_path / "node", budget_bytes=1500)
    first = _input(storage, "a" * 64 + ".png", 1000, used=100)
    second = _input(storage, "b" * 64 + ".png", 1000, used=200)
    storage.touch(first)  # used just now
    assert storage.prune() == [second]
    assert first.exists()


def test_a_folder_within_budget_is_left_alone(tmp_path: Path) -> None:
    storage = NodeStorage(tmp_path / "node", budget_bytes=10_000)
    entry = _input(storage, "a" * 64 + ".png", 1000, used=100)
    assert storage.prune() == []
    assert entry.exists()


@pytest.mark.parametrize(("value", "expected"), [("0.5", 500_000_000), ("not a number", int(DEFAULT_BUDGET_GB * 1e9)),
                                                 ("-3", 0)])
def test_budget_from_the_environment(monkeypatch: pytest.MonkeyPatch, value: str, expected: int) -> None:
    monkeypatch.setenv("STORYREEL_NODE_CACHE_GB", value)
    assert budget_from_env() == expected
