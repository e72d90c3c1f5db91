"""Storyreel's shipped resources: icons, fonts, styles and the example film, installed as ``storyreel_resources``.

The folder stays at the top of the repository; pyproject.toml/setup.py map it to this package, so an editable
install and an installed wheel find it the same way, through ``importlib.resources``. Both ``engine`` and
``studio`` import this tiny package (it imports neither).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

EXAMPLE_FILM = "examples/the-lighthouse-keeper.storyreel"
EXAMPLE_SCRIPT = "examples/scripts/the-lighthouse-keeper.fountain"


def resource_path(*parts: str) -> Path:
    """A file or folder among the resources, as a filesystem path (Pillow and Qt open fonts and icons by path)."""
    root = files(__name__)
    if not isinstance(root, Path):  # e.g. imported from a zip: Storyreel is installed unpacked, as pip does
        raise RuntimeError(f"Storyreel's resources are not on the filesystem ({root}); reinstall it with pip")
    return root.joinpath(*parts)


def example_film() -> Path:
    """The bundled example project (read-only: copy it before rendering into it)."""
    return resource_path(EXAMPLE_FILM)
