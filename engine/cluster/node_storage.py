"""A cluster node's own folder: the input files jobs brought (stills, LoRAs) and the takes it made, kept in a budget.

Nothing on a node is the user's only copy: every take has gone back to the client's machine, and every input file
comes again from the object store when a job needs it. So the folder is a cache with a size budget
(``STORYREEL_NODE_CACHE_GB``, default 20 GB): after each job the least recently used entries go until it fits,
never the ones the running jobs use.

    storage = NodeStorage.from_env()
    storage.takes            # a TakeCache in storage.root / "takes"
    storage.inputs           # storage.root / "inputs" / <sha256><suffix>
    storage.prune(keep={path_in_use, ...})
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from engine.take_cache import METADATA, TakeCache

DEFAULT_BUDGET_GB = 20.0
# One prune at a time in an actor process; actors in other processes of the node may prune at once, which is
# harmless (an entry already gone is skipped).
_prune_lock = threading.Lock()


def node_folder() -> Path:
    """Where this node keeps its files (a private folder; override with STORYREEL_NODE_DIR)."""
    root = os.environ.get("STORYREEL_NODE_DIR") or os.path.join(tempfile.gettempdir(), f"storyreel-node-{os.getuid()}")
    return Path(root)


def budget_from_env() -> int:
    """The node cache budget in bytes, from STORYREEL_NODE_CACHE_GB (a bad value falls back to the default)."""
    try:
        gigabytes = float(os.environ.get("STORYREEL_NODE_CACHE_GB", DEFAULT_BUDGET_GB))
    except ValueError:
        gigabytes = DEFAULT_BUDGET_GB
    return max(0, int(gigabytes * 1e9))


@dataclass(frozen=True)
class _Entry:
    path: Path
    size: int
    used: float  # last use (mtime: touched on every use)


def _folder_size(folder: Path) -> int:
    total = 0
    for item in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if item.is_file():
                total += item.stat().st_size
    return total


class NodeStorage:
    def __init__(self, root: Path, budget_bytes: int) -> None:
        self.root = Path(root)
        self.budget_bytes = budget_bytes
        self.takes = TakeCache(self.root / "takes")
        self.inputs = self.root / "inputs"
        self.inputs.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_env(cls) -> NodeStorage:
        return cls(node_folder(), budget_from_env())

    def used_bytes(self) -> int:
        return sum(entry.size for entry in self._entries())

    def touch(self, path: Path) -> None:
        """Mark an input file or a take folder as just used (it is pruned last)."""
        with contextlib.suppress(OSError):
            os.utime(path)

    def prune(self, keep: Iterable[Path] = ()) -> list[Path]:
        """Remove least recently used entries until the folder fits its budget; returns what went."""
        with _prune_lock:
            entries = sorted(self._entries(), key=lambda entry: entry.used)
            total = sum(entry.size for entry in entries)
            kept = {Path(path) for path in keep}
            removed = []
            for entry in entries:
                if total <= self.budget_bytes:
                    break
                if entry.path in kept:
                    continue
                if entry.path.is_dir():
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        entry.path.unlink()
                total -= entry.size
                removed.append(entry.path)
            return removed

    def _entries(self) -> list[_Entry]:
        """Input files, and take folders that are complete (a folder still being written has no metadata yet,
        and is left alone: another actor on this node may be writing it)."""
        entries = []
        for item in self.inputs.iterdir():
            with contextlib.suppress(OSError):
                if item.is_file() and not item.name.startswith("."):
                    stat = item.stat()
                    entries.append(_Entry(item, stat.st_size, stat.st_mtime))
        takes_root = self.takes.root
        if takes_root.is_dir():
            for folder in takes_root.glob("*/*"):
                metadata = folder / METADATA
                with contextlib.suppress(OSError):
                    if metadata.is_file():
                        entries.append(_Entry(folder, _folder_size(folder), folder.stat().st_mtime))
        return entries
