"""The time ruler along the top of the timeline: ticks and timecodes chosen to stay readable at any zoom."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFont, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from . import style
from .timecode import format_timecode

MIN_LABEL_SPACING_PX = 90
# Candidate spacings between labelled ticks, in seconds (frame steps are used when zoomed far in).
_SECOND_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600)


def tick_steps(fps: int, px_per_frame: float) -> tuple[int, int]:
    """(major, minor) tick spacing in frames for a zoom: majors carry a timecode, minors subdivide."""
    for frames in (1, 2, 5, 10):  # very far in: label every few frames
        if frames < fps and frames * px_per_frame >= MIN_LABEL_SPACING_PX:
            return frames, 1
    for seconds in _SECOND_STEPS:
        major = seconds * fps
        if major * px_per_frame >= MIN_LABEL_SPACING_PX:
            break
    for parts in (10, 5, 4, 2):
        minor = major // parts
        if minor >= 1 and major % parts == 0 and minor * px_per_frame >= 8:
            return major, minor
    return major, major


class RulerItem(QGraphicsItem):
    def __init__(self) -> None:
        super().__init__()
        self._w = 100.0
        self.fps = 24
        self.px_per_frame = 4.0
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)  # paint only the exposed part
        self.setZValue(5)
        self._font = QFont()
        self._font.setPixelSize(10)

    def configure(self, width: float, fps: int, px_per_frame: float) -> None:
        if width != self._w:
            self.prepareGeometryChange()
            self._w = width
        if (fps, px_per_frame) != (self.fps, self.px_per_frame):
            self.fps, self.px_per_frame = fps, px_per_frame
            self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._w, style.RULER_H)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        exposed = option.exposedRect if option.exposedRect.isValid() else self.boundingRect()
        painter.fillRect(exposed, style.RULER_BG)
        major, minor = tick_steps(self.fps, self.px_per_frame)
        ppf = self.px_per_frame
        first = max(0, math.floor((exposed.left() - MIN_LABEL_SPACING_PX) / ppf / minor) * minor)
        last = math.ceil(exposed.right() / ppf)
        painter.setFont(self._font)
        tick_pen, text_pen = QPen(style.RULER_TICK, 1), QPen(style.RULER_TEXT, 1)
        bottom = style.RULER_H - 1
        for frame in range(first, last + 1, minor):
            x = round(frame * ppf) + 0.5
            if frame % major == 0:
                painter.setPen(tick_pen)
                painter.drawLine(QPointF(x, bottom - 12), QPointF(x, bottom))
                painter.setPen(text_pen)
                painter.drawText(QPointF(x + 3, 11), format_timecode(frame, self.fps))
            else:
                painter.setPen(tick_pen)
                painter.drawLine(QPointF(x, bottom - 5), QPointF(x, bottom))
        painter.setPen(QPen(style.RULER_TICK, 1))
        painter.drawLine(QPointF(exposed.left(), bottom + 0.5), QPointF(exposed.right(), bottom + 0.5))
