"""What the timeline draws over the cut besides clips: named markers and the I/O range on the ruler, and the
rubber band of a drag-select. They only paint; the gestures and the model decide where they are."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QFont, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QStyleOptionGraphicsItem, QWidget

from . import style

_FONT = QFont()
_FONT.setPixelSize(10)
_LABEL_W = 90


class MarkerItem(QGraphicsItem):
    """A named marker: a flag in the ruler with its name beside it, and a thin line down the tracks."""

    kind = "marker"

    def __init__(self, marker_id: str) -> None:
        super().__init__()
        self.marker_id = marker_id
        self.name = ""
        self._h = 100.0
        self.setZValue(6)

    def set_content(self, name: str, height: float) -> None:
        if height != self._h:
            self.prepareGeometryChange()
            self._h = height
        if name != self.name:
            self.name = name
            self.setToolTip(f"Marker: {name}")
            self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(-5, 0, _LABEL_W + 5, self._h)

    def flag_rect(self) -> QRectF:
        """Where a click picks this marker (its flag and name in the ruler)."""
        return QRectF(-5, 0, _LABEL_W + 5, style.RULER_H)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setPen(QPen(style.MARKER, 1, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(0.5, style.RULER_H - 12), QPointF(0.5, self._h))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.MARKER)
        painter.drawPolygon(QPolygonF([QPointF(-4.5, 13), QPointF(5.5, 13), QPointF(0.5, 18)]))
        painter.setFont(_FONT)
        painter.setPen(style.MARKER)
        text = painter.fontMetrics().elidedText(self.name, Qt.TextElideMode.ElideRight, _LABEL_W - 8)
        painter.drawText(QPointF(7, 22), text)


class RangeItem(QGraphicsItem):
    """The cut's I/O marks: the range a partial export renders, shaded across the ruler with brackets at its ends."""

    def __init__(self) -> None:
        super().__init__()
        self._w = 1.0
        self.setZValue(5.5)

    def set_span(self, x: float, width: float) -> None:
        if width != self._w:
            self.prepareGeometryChange()
            self._w = max(1.0, width)
        self.setPos(x, 0)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._w, style.RULER_H)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.fillRect(QRectF(0, 0, self._w, style.RULER_H), style.RANGE)
        painter.setPen(QPen(style.MARKER, 2))
        h = style.RULER_H - 1
        painter.drawPolyline(QPolygonF([QPointF(6, 1), QPointF(1, 1), QPointF(1, h), QPointF(6, h)]))
        right = self._w - 1
        painter.drawPolyline(QPolygonF([QPointF(right - 5, 1), QPointF(right, 1), QPointF(right, h),
                                        QPointF(right - 5, h)]))


class RubberBandItem(QGraphicsRectItem):
    """The rectangle of a drag-select; shots whose clips it touches get selected."""

    def __init__(self) -> None:
        super().__init__()
        self.setPen(QPen(style.SELECTION, 1, Qt.PenStyle.DashLine))
        self.setBrush(QBrush(style.RUBBER_BAND))
        self.setZValue(10)
        self.hide()
