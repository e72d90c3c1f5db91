"""The SVG icons in the shipped resources, as QIcons."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6.QtGui import QIcon

from storyreel_resources import resource_path


def icon_dir() -> Path:
    return resource_path("icons")


@cache
def icon(name: str) -> QIcon:
    """An SVG icon from resources/icons (Qt renders SVG at any device pixel ratio, so HiDPI stays crisp)."""
    path = icon_dir() / f"{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"no icon {name!r} in {icon_dir()}")
    return QIcon(str(path))
