"""The preview's picture area: a letterboxed black scene that keeps the frame fitted when resized."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QGraphicsScene, QGraphicsView, QSizePolicy, QWidget


class PreviewScreen(QGraphicsView):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QColor("black"))
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.frame_rect = QRectF(0, 0, 16, 9)

    def set_frame_size(self, width: float, height: float) -> None:
        rect = QRectF(0, 0, max(1.0, width), max(1.0, height))
        if rect != self.frame_rect:
            self.frame_rect = rect
            self.scene().setSceneRect(rect)
            self.fit()

    def fit(self) -> None:
        self.fitInView(self.frame_rect, Qt.AspectRatioMode.KeepAspectRatio)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()
