"""Where an export may be written: never over a bundle's own files, only into a folder that exists and is writable.

Every output the CLI writes (the film, its subtitle sidecar, OTIO/FCPXML/EDL, subtitle exports) is checked here
first. The writers themselves write a temp file beside the target and rename it (engine.atomic_files), so a
failure (a full disk, a cancel) never leaves a partial file; this check makes the common mistakes fail before any
work starts, in one sentence.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import ProjectError
from .store import AUTOSAVE, BACKUPS, CACHE, DOCUMENT, MEDIA

# The parts of a bundle an output must never replace; the lock file is the project lock's (project_lock.py).
PROTECTED_NAMES = (DOCUMENT, AUTOSAVE, BACKUPS, MEDIA, CACHE, "project.lock")


class OutputPathError(ProjectError):
    """An output path that would overwrite a project, or cannot be written."""


def _bundle_owning(path: Path) -> Path | None:
    """The nearest folder above ``path`` that holds a project.json (a bundle), if any."""
    for folder in path.parents:
        if (folder / DOCUMENT).is_file():
            return folder
    return None


def check_output_path(target: Path | str, bundle: Path | None = None, *, what: str = "output") -> Path:
    """``target`` if a new file may be written there; raises OutputPathError saying why not.

    ``bundle`` is the project being exported; any other bundle above the target is protected the same way.
    Symlinks are resolved first, so a link into a bundle is refused like the path it leads to.
    """
    raw = str(target)
    if not raw.strip():
        raise OutputPathError(f"the {what} file name is empty")
    target = Path(target)
    try:
        real = target.resolve()
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise OutputPathError(f"cannot follow this path: {exc}", path=target) from None
    owners = [b.resolve() for b in (bundle,) if b is not None]
    nearest = _bundle_owning(real)
    if nearest is not None:
        owners.append(nearest)
    for owner in owners:
        if real == owner:
            raise OutputPathError(f"this is the project folder itself; write the {what} outside it", path=target)
        for name in PROTECTED_NAMES:
            protected = owner / name
            if real == protected or protected in real.parents:
                raise OutputPathError(
                    f"the {what} would overwrite {owner.name}/{name}, part of a project; write it somewhere else",
                    path=target)
    if real.is_dir():
        raise OutputPathError(f"this is a folder; give the {what} a file name inside it", path=target)
    if real.exists() and not real.is_file():
        raise OutputPathError(f"this is not a regular file (a device, pipe or socket); choose another {what} name",
                              path=target)
    folder = real.parent
    if not folder.exists():
        raise OutputPathError(f"the folder {folder} does not exist; create it first", path=target)
    if not folder.is_dir():
        raise OutputPathError(f"{folder} is not a folder", path=target)
    # access() reports EROFS even to root, who ignores permission bits; a root user on a writable disk passes.
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputPathError(f"the folder {folder} is read-only (or not yours); choose another place", path=target)
    return target
