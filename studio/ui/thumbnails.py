"""Thumbnails of takes and reference stills, scaled once and kept while the file is unchanged."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap

from studio.project import Shot, Take

from .session import ProjectSession

_cache: dict[tuple[str, int, int, int], QPixmap] = {}
_CACHE_LIMIT = 512


def pixmap(path: Path, size: QSize) -> QPixmap | None:
    """``path`` scaled to fill ``size`` (cropped to its aspect), or None when it is missing or unreadable."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    key = (str(path), mtime, size.width(), size.height())
    cached = _cache.get(key)
    if cached is not None:
        return cached
    image = QPixmap(str(path))
    if image.isNull():
        return None
    scaled = image.scaled(size, Qt.AspectRatioMode.KeepAspectRatioByExpanding, Qt.TransformationMode.SmoothTransformation)
    x, y = (scaled.width() - size.width()) // 2, (scaled.height() - size.height()) // 2
    result = scaled.copy(x, y, size.width(), size.height())
    if len(_cache) > _CACHE_LIMIT:
        _cache.clear()
    _cache[key] = result
    return result


def take_image_path(session: ProjectSession, take: Take) -> Path | None:
    rel = take.thumbnail or take.first_frame
    if not rel or session.bundle is None:
        return None
    try:
        return session.media_path(rel)
    except Exception:  # an unsafe path in a hostile bundle: show no picture rather than fail to draw
        return None


def shot_image_path(session: ProjectSession, shot: Shot) -> Path | None:
    """The picture a shot card shows: its active take's thumbnail, else its reference still."""
    take = shot.active()
    if take is not None:
        path = take_image_path(session, take)
        if path is not None and path.is_file():
            return path
    if shot.reference and session.bundle is not None:
        try:
            return session.media_path(shot.reference)
        except Exception:
            return None
    return None
