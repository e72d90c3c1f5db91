"""Errors a filmmaker can cause by importing a script."""

from __future__ import annotations

from pathlib import Path

from studio.project.errors import StoryreelError


class ScriptError(StoryreelError):
    """A script cannot be read or is not a screenplay; the project is left untouched."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path is not None else message)
