"""One process at a time owns a persisted job queue: an OS file lock held for the client's lifetime.

The editor and ``storyreel generate`` may run on one project at once. Only the lock holder reads and writes
``queue.json``; any other client keeps its jobs in memory, so neither resumes (runs twice) nor drops the other's
unfinished jobs. The OS releases the lock when a process dies, so a crashed editor never blocks the next one.
"""

from __future__ import annotations

from pathlib import Path

from filelock import FileLock, Timeout

LOCK_FILE = "queue.lock"


class QueueLock:
    def __init__(self, state_dir: Path) -> None:
        self.path = Path(state_dir) / LOCK_FILE
        self._lock = FileLock(str(self.path), timeout=0, is_singleton=False, thread_local=False)

    def acquire(self) -> bool:
        """Take the lock if no other client holds it; never waits."""
        try:
            self._lock.acquire()
        except Timeout:
            return False
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)
