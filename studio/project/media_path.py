"""Media paths inside a bundle: relative, '/'-separated, never leaving the bundle."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from .errors import UnsafeMediaPath


def check_relative_media_path(value: str) -> str:
    """Reject absolute paths, drive letters, backslashes and '..' (what a hostile bundle would use)."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("media path is empty")
    if "\\" in value or "\x00" in value:
        raise ValueError(f"media path {value!r} must use '/' separators and no control characters")
    if ":" not in value and not value.startswith("/"):
        # Neither absolute nor a drive (both need a leading '/' or a ':'): the common case, without the two
        # path objects (validating a 3,000-shot project checks 12,000 paths, and every save reads them back).
        if ".." in value.split("/"):
            raise ValueError(f"media path {value!r} climbs out of the bundle with '..'")
        return value
    posix = PurePosixPath(value)
    if posix.is_absolute() or PureWindowsPath(value).drive:
        raise ValueError(f"media path {value!r} is absolute; bundles hold only paths relative to the bundle")
    if ".." in posix.parts:
        raise ValueError(f"media path {value!r} climbs out of the bundle with '..'")
    return value


def resolve_media(bundle: Path, relative: str) -> Path:
    """The real file behind a bundle-relative path; refuses symlinks that lead out of the bundle."""
    check_relative_media_path(relative)
    root = bundle.resolve()
    candidate = bundle / relative
    real = candidate.resolve()
    if real != root and root not in real.parents:
        raise UnsafeMediaPath(
            f"media path {relative!r} leads outside the bundle (to {real}); the bundle may be hostile",
            path=bundle,
        )
    return candidate
