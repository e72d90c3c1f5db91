"""One writer at a time: an advisory OS lock on ``project.lock`` in the bundle, held while a save reads the file
on disk, merges this process's edits into it and writes the result (see ``ProjectDocument.save``).

The lock is ``flock`` (``msvcrt.locking`` on Windows): the kernel drops it when its process dies, however it
dies, so a lock left by a crashed or killed process is stale by construction and the next writer takes it at
once. The holder writes its pid, host and command into the file, only to say who is saving when a writer
waits too long.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from types import TracebackType

from .errors import ProjectError

LOCK_FILE = "project.lock"
WAIT_SECONDS = 60.0  # a save of the largest project takes a few seconds; a minute means something is stuck

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt


class ProjectLocked(ProjectError):
    """Another process kept the project's lock longer than a save takes."""


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except (BlockingIOError, PermissionError):
        return False
    except OSError as exc:
        if exc.errno in (11, 13, 35, 36):  # EAGAIN / EACCES / EDEADLK variants: held by someone else
            return False
        raise
    return True


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


class ProjectLock:
    """``with ProjectLock(bundle):`` — waits (up to ``timeout`` s) for other writers of this bundle."""

    def __init__(self, bundle: Path, *, timeout: float = WAIT_SECONDS) -> None:
        self.path = Path(bundle) / LOCK_FILE
        self.timeout = timeout
        self._fd: int | None = None

    def __enter__(self) -> ProjectLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise ProjectError(f"cannot save: {_why(exc)}", path=self.path.parent) from None
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = self.holder()
                os.close(fd)
                raise ProjectLocked(f"another program ({holder}) has been saving this project for over "
                                    f"{self.timeout:.0f} s; try again when it has finished", path=self.path.parent)
            time.sleep(delay)
            delay = min(0.1, delay * 2)
        self._fd = fd
        info = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "command": " ".join(sys.argv)[:300]})
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, info.encode("utf-8"))
        except OSError:
            pass  # the note is only for messages; a full disk must not stop a save that may free space
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def holder(self) -> str:
        """Who holds the lock, as its note says ("pid 123 on host, storyreel generate ...")."""
        try:
            note = json.loads(self.path.read_text(encoding="utf-8")[:2000])
            return f"pid {note['pid']} on {note['host']}: {note['command']}"
        except (OSError, ValueError, KeyError, TypeError):
            return "unknown"


def _why(exc: OSError) -> str:
    import errno

    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "the project folder is read-only (or not yours)"
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.ELOOP:
        return f"{LOCK_FILE} is a symbolic link; remove it"
    return exc.strerror or str(exc)
