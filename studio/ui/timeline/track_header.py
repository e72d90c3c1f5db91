"""The timeline's left margin: track names level with their tracks, and the playhead's timecode above them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsView, QWidget

from . import style
from .timecode import format_timecode


class TrackHeader(QWidget):
    def __init__(self, view: QGraphicsView, rows: Callable[[], list[tuple[str, float, float]]], session) -> None:
        """``rows`` gives (name, scene top, height) per track; the header follows ``view``'s vertical scroll."""
        super().__init__(view)
        self.view = view
        self.rows = rows
        self.session = session
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), style.RULER_BG)
        offset = self.view.verticalScrollBar().value()
        font = painter.font()
        font.setPixelSize(10)
        font.setBold(True)
        painter.setFont(font)
        for name, top, height in self.rows():
            rect = QRectF(0, top - offset, self.width() - 1, height)
            painter.fillRect(rect, style.TRACK_BG)
            painter.setPen(style.RULER_TEXT)
            painter.drawText(rect.adjusted(8, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             name)
        font.setBold(False)
        font.setPixelSize(11)
        painter.setFont(font)
        painter.setPen(style.PLAYHEAD.lighter(130))
        painter.drawText(QRectF(0, 0, self.width(), style.RULER_H), Qt.AlignmentFlag.AlignCenter,
                         format_timecode(self.session.playhead(), self.session.project.fps))
        painter.setPen(style.RULER_TICK)
        painter.drawLine(self.width() - 1, 0, self.width() - 1, self.height())
