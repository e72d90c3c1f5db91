"""OSErrors a user can cause (permissions, a full or read-only disk, odd paths) as one sentence each."""

from __future__ import annotations

import errno

# errno -> what it means for the person at the keyboard. Anything else is a bug and keeps its traceback.
_USER_ERRNOS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the disk is read-only",
    errno.ENOSPC: "the disk is full; free some space and try again (nothing partial was kept)",
    errno.EDQUOT: "the disk quota is used up; free some space and try again",
    errno.EFBIG: "the file would be larger than this system allows",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "this is a folder, not a file",
    errno.EEXIST: "something with this name already exists",
    errno.ELOOP: "too many levels of symbolic links",
    errno.ENOTEMPTY: "the folder is not empty",
    errno.EXDEV: "cannot move a file across disks here",
    errno.EBUSY: "the file or folder is in use",
    errno.ETXTBSY: "the file is in use",
    errno.EMFILE: "too many open files",
    errno.EIO: "the disk reported an input/output error",
}


def is_user_os_error(exc: OSError) -> bool:
    return exc.errno in _USER_ERRNOS


def os_error_message(exc: OSError) -> str:
    """``PATH: what went wrong`` (both file names for a rename)."""
    reason = _USER_ERRNOS.get(exc.errno or 0) or exc.strerror or str(exc)
    names = [str(n) for n in (exc.filename, exc.filename2) if n not in (None, "")]
    return f"{' -> '.join(names)}: {reason}" if names else reason
