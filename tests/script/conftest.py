from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from studio.project import Project, ProjectDocument


@pytest.fixture
def document(tmp_path: Path) -> ProjectDocument:
    """A saved, empty project at 24 fps with the default animatic engine."""
    return ProjectDocument.create(tmp_path / "film", Project(title="Untitled"))


@pytest.fixture
def script_file(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str | bytes, name: str = "script.fountain") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write
