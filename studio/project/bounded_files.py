"""Reading files a user hands us without hanging or filling memory: regular files only, a size cap per kind.

A path may be a FIFO (reading never ends), a device (``/dev/zero`` never ends, ``/dev/urandom`` neither), a
socket, or a symlink to any of these. Each is refused after the symlinks are resolved, and the file is opened
non-blocking and checked again through its descriptor, so swapping the file after the check gains nothing.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import ProjectError

MiB = 2**20
# A recorded line: ten minutes of 48 kHz 24-bit stereo WAV is ~165 MiB; ElevenLabs takes far shorter ones.
MAX_RECORDING_BYTES = 200 * MiB


class InputFileError(ProjectError):
    """A file given to Storyreel that is missing, not a regular file, or too big for its kind."""


def human_size(size: int) -> str:
    return f"{size / MiB:.1f} MiB" if size >= MiB else f"{size / 1024:.1f} KiB"


def _describe(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _check_stat(info: os.stat_result, path: Path, kind: str, max_bytes: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(f"this is a folder; give the {kind} file itself", path=path)
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(f"this is {_describe(info.st_mode)}, not a {kind} file", path=path)
    if info.st_size > max_bytes:
        raise InputFileError(f"the file is {human_size(info.st_size)}; a {kind} is never that big "
                             f"(at most {human_size(max_bytes)})", path=path)


def checked_regular_file(path: Path | str, *, kind: str, max_bytes: int) -> Path:
    """The real path behind ``path`` if it is a regular file of at most ``max_bytes``; else InputFileError."""
    path = Path(path)
    try:
        real = path.resolve(strict=True)
        info = os.stat(real)
    except FileNotFoundError:
        raise InputFileError(f"{kind} not found", path=path) from None
    except RuntimeError:  # a symlink loop
        raise InputFileError("too many levels of symbolic links", path=path) from None
    except OSError as exc:
        raise InputFileError(f"cannot read the {kind}: {exc.strerror}", path=path) from None
    _check_stat(info, path, kind, max_bytes)
    return real


def read_bounded(path: Path | str, *, kind: str, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes`` (checked before and while reading)."""
    path = Path(path)
    real = checked_regular_file(path, kind=kind, max_bytes=max_bytes)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(real, flags)
    except OSError as exc:
        raise InputFileError(f"cannot read the {kind}: {exc.strerror}", path=path) from None
    with os.fdopen(fd, "rb") as handle:
        _check_stat(os.fstat(handle.fileno()), path, kind, max_bytes)  # the file we opened, not the name
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew while we read
        raise InputFileError(f"the file grew past {human_size(max_bytes)} while it was read; a {kind} is never "
                             "that big", path=path)
    return data
