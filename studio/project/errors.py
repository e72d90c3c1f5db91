"""Errors a user can cause while opening, editing or saving a project."""

from __future__ import annotations

from pathlib import Path


class StoryreelError(Exception):
    """Base of every error Storyreel reports to a filmmaker (the CLI prints it in one line, exit code 2)."""


class ProjectError(StoryreelError):
    """A project bundle cannot be read, validated or written."""

    def __init__(self, message: str, *, path: Path | str | None = None, field: str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.field = field
        parts = []
        if self.path is not None:
            parts.append(str(self.path))
        if field:
            parts.append(f"field '{field}'")
        prefix = ": ".join(parts)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class UnsafeMediaPath(ProjectError):
    """A media path in a bundle points outside the bundle (absolute, '..', or a symlink leading out)."""


class SchemaVersionError(ProjectError):
    """The file was written by a newer Storyreel, or carries no usable schema version."""


class NotFound(StoryreelError):
    """A shot, line, take or character id that the project does not hold."""
