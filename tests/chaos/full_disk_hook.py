"""An injected full disk, for machines where a small tmpfs cannot be mounted.

``install(folder, budget)`` makes every file Python opens for writing under ``folder`` fail with ENOSPC once
``budget`` bytes in all have been written there, as a full filesystem would (the write that does not fit fails;
the bytes before it stay, like a partial write). Only Python's own writes are affected, not ffmpeg's.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
from pathlib import Path
from typing import Any

_state = {"folder": "", "left": 0}
_real_open = io.open


class _FullDiskFile:
    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def write(self, data: Any) -> int:
        size = len(data)
        if size > _state["left"]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        _state["left"] -= size
        return self._handle.write(data)

    def __enter__(self) -> _FullDiskFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def _open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
    handle = _real_open(file, mode, *args, **kwargs)
    writing = any(flag in mode for flag in "wax+")
    if writing and isinstance(file, str | os.PathLike):
        path = os.path.abspath(os.fspath(file))
        if path.startswith(_state["folder"] + os.sep):
            return _FullDiskFile(handle)
    return handle


def install(folder: str, budget: int) -> None:
    _state["folder"] = str(Path(folder).resolve())
    _state["left"] = budget
    builtins.open = _open
    io.open = _open
