"""What generation needs of an open project: ``ProjectDocument``, or the editor's undoable session."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from studio.project import commands
from studio.project.model import Project


class Editable(Protocol):
    project: Project
    bundle: Path | None

    def execute(self, command: commands.Command) -> object: ...
