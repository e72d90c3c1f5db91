"""The graphics items of the timeline. They only paint: the view owns gestures and turns them into commands.

Items are positioned in scene pixels (the view converts frames at its zoom) and cache their painting in
device coordinates, so scrolling a 500-shot cut blits cached pixmaps instead of repainting text and frames.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from . import style
from .waveform import resample_peaks

FrameSource = Callable[[str], "list[tuple[int, QPixmap]] | None"]  # bundle path -> frames (None: decoding)
PeakSource = Callable[[str], "np.ndarray | None"]  # bundle path of a WAV -> waveform peaks

_LABEL_FONT = QFont()
_LABEL_FONT.setPixelSize(11)
_SMALL_FONT = QFont()
_SMALL_FONT.setPixelSize(10)


class _BoxItem(QGraphicsItem):
    """A rectangle of a given size whose origin is its top-left corner."""

    def __init__(self, width: float, height: float) -> None:
        super().__init__()
        self._w, self._h = max(1.0, width), height
        self._rect = QRectF(0, 0, self._w, self._h)  # kept: Qt asks for it on every move (3,000 clips)
        self._xy = (0.0, 0.0)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def set_geometry(self, x: float, y: float, width: float, height: float) -> None:
        width = max(1.0, width)
        if (width, height) != (self._w, self._h):
            self.prepareGeometryChange()
            self._w, self._h = width, height
            self._rect = QRectF(0, 0, width, height)
        if (x, y) != self._xy:
            self._xy = (x, y)
            self.setPos(x, y)

    def boundingRect(self) -> QRectF:
        return self._rect

    @property
    def width(self) -> float:
        return self._w


def _elide(painter: QPainter, text: str, width: float) -> str:
    return painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, max(0, int(width)))


def _draw_link(painter: QPainter, rect: QRectF, end: str) -> None:
    """A chain link on the clip's ``end`` ('left': it continues the shot before; 'right': it ends on the next)."""
    y = rect.top() + 22
    x = rect.left() + 3 if end == "left" else rect.right() - 17
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(QRectF(x - 1, y - 2, 16, 10), QColor(0, 0, 0, 160))
    painter.setPen(QPen(style.HANDLE, 1.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(x, y, 8, 6), 3, 3)
    painter.drawRoundedRect(QRectF(x + 6, y, 8, 6), 3, 3)
    painter.restore()


def _draw_border(painter: QPainter, rect: QRectF, selected: bool, stale: bool = False) -> None:
    """A clip's or card's outline: thin and dark, the selection colour when it is selected, else amber when its
    take is stale (the storyboard's stale badge)."""
    colour = style.SELECTION if selected else style.STALE if stale else None
    painter.setPen(QPen(colour or style.CLIP_BORDER, 2 if colour else 1))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(rect.adjusted(0.5, 0.5, -0.5, -0.5) if colour else rect)


class ClipItem(_BoxItem):
    """A shot on the video track: filmstrip of its active take, number, prompt, duration."""

    kind = "clip"

    def __init__(self, shot_id: str, frames: FrameSource) -> None:
        super().__init__(10, style.VIDEO_H)
        self.shot_id = shot_id
        self.index = -1  # position in the cut when the label was last made
        self._frames = frames
        self.label = ""
        self.prompt = ""  # the prompt's first line, after the number in the label
        self.details = ""  # the tooltip after "Shot N · "
        self.duration_text = ""
        self.media: str | None = None  # bundle path of the active take's clip (or still) for the filmstrip
        self.source_range = (0, 1)  # trimmed source frames shown across the clip
        self.state = "empty"  # empty | ready | failed | offline
        self.links = (False, False)  # (starts on the previous shot's last frame, ends on the next one's first)
        self.stale = False  # its take no longer matches what it was made from
        self.selected = False
        self.hover_edge: str | None = None
        self.setZValue(1)

    def set_content(self, *, index: int, prompt: str, duration_text: str, media: str | None,
                    source_range: tuple[int, int], state: str, details: str,
                    links: tuple[bool, bool] = (False, False), stale: bool = False) -> None:
        """What the clip shows: its number in the cut (``index`` + 1), the prompt's first line, its length,
        the take's frames, its continuity links and staleness; ``details`` is the tooltip after the shot number."""
        self.prompt, self.details = prompt, details
        label = f"{index + 1}  {prompt}"
        if (label, duration_text, media, source_range, state, links, stale) != (
                self.label, self.duration_text, self.media, self.source_range, self.state, self.links, self.stale):
            self.label, self.duration_text, self.media = label, duration_text, media
            self.source_range, self.state, self.links, self.stale = source_range, state, links, stale
            self.update()
        self.index = index
        tooltip = f"Shot {index + 1} · {details}"
        if self.toolTip() != tooltip:
            self.setToolTip(tooltip)

    def renumber(self, index: int) -> None:
        """The clip's number in the cut changed and nothing else (a shot was cut or removed before it)."""
        if index != self.index:
            self.index = index
            self.label = f"{index + 1}  {self.prompt}"
            self.setToolTip(f"Shot {index + 1} · {self.details}")
            self.update()

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self.setZValue(1.5 if selected else 1)
            self.update()

    def set_hover_edge(self, edge: str | None) -> None:
        if edge != self.hover_edge:
            self.hover_edge = edge
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        rect = QRectF(0, 0, self._w, self._h).adjusted(0.5, 0.5, -0.5, -0.5)
        fill = {"ready": style.CLIP_BG, "failed": style.CLIP_FAILED, "offline": style.CLIP_FAILED}.get(
            self.state, style.CLIP_EMPTY)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRect(rect)
        if self.media is not None and self._w >= style.FILMSTRIP_MIN_W:
            self._paint_filmstrip(painter, rect)
        if self.state == "empty" and self._w >= 12:  # no take yet: diagonal hatching reads as "to generate"
            painter.setBrush(QBrush(QColor(255, 255, 255, 18), Qt.BrushStyle.BDiagPattern))
            painter.drawRect(rect)
        if self.state != "ready" and self._w >= 90:  # the film shows this shot's story card for now
            painter.setFont(_SMALL_FONT)
            tag = QRectF(rect.left() + 3, rect.bottom() - 15, painter.fontMetrics().horizontalAdvance("STORY CARD") + 8, 13)
            painter.fillRect(tag, style.CARD_BG)
            painter.setPen(style.CARD_TAG)
            painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, "STORY CARD")
            painter.setPen(Qt.PenStyle.NoPen)
        if self._w >= 24:
            band = QRectF(rect.left(), rect.top(), rect.width(), 16)
            painter.fillRect(band, QColor(0, 0, 0, 150))
            painter.setFont(_LABEL_FONT)
            painter.setPen(style.CLIP_TEXT)
            painter.drawText(band.adjusted(4, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             _elide(painter, self.label, band.width() - 7))
            if self._w >= 70:
                painter.setFont(_SMALL_FONT)
                metrics = painter.fontMetrics()
                text_w = metrics.horizontalAdvance(self.duration_text) + 6
                tag = QRectF(rect.right() - text_w - 2, rect.bottom() - 15, text_w, 13)
                painter.fillRect(tag, QColor(0, 0, 0, 150))
                painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, self.duration_text)
        _draw_border(painter, rect, self.selected, self.stale)
        if self._w >= 40:
            for end, linked in zip(("left", "right"), self.links, strict=True):
                if linked:
                    _draw_link(painter, rect, end)
        if self.hover_edge and self._w >= 3 * style.HANDLE_PX:
            x = rect.left() if self.hover_edge == "left" else rect.right() - style.HANDLE_PX + 1
            painter.fillRect(QRectF(x, rect.top() + 1, style.HANDLE_PX - 1, rect.height() - 2), style.HANDLE)

    def _paint_filmstrip(self, painter: QPainter, rect: QRectF) -> None:
        assert self.media is not None
        frames = self._frames(self.media)
        if not frames:
            return
        thumb_h = rect.height() - 2
        first_pix = frames[0][1]
        thumb_w = max(8.0, first_pix.width() * thumb_h / max(1, first_pix.height()))
        tiles = max(1, int(-(-rect.width() // thumb_w)))
        lo, hi = self.source_range
        painter.save()
        painter.setClipRect(rect)
        for tile in range(tiles):
            x = rect.left() + tile * thumb_w
            # The source frame under the middle of this tile; show the nearest decoded one.
            fraction = (tile + 0.5) * thumb_w / max(1.0, rect.width())
            source = lo + min(1.0, fraction) * (hi - lo)
            pixmap = min(frames, key=lambda item, s=source: abs(item[0] - s))[1]
            painter.drawPixmap(QRectF(x, rect.top() + 1, thumb_w, thumb_h), pixmap, QRectF(pixmap.rect()))
        painter.restore()


class CardItem(_BoxItem):
    """A title or credits card on the video track, drawn as the film shows it: white type on black."""

    kind = "card"

    def __init__(self, card_id: str) -> None:
        super().__init__(10, style.VIDEO_H)
        self.card_id = card_id
        self.position = "title"
        self.text = ""
        self.duration_text = ""
        self.selected = False
        self.setZValue(1)

    def set_content(self, *, position: str, text: str, duration_text: str, tooltip: str) -> None:
        if (position, text, duration_text) != (self.position, self.text, self.duration_text):
            self.position, self.text, self.duration_text = position, text, duration_text
            self.update()
        if self.toolTip() != tooltip:
            self.setToolTip(tooltip)

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        rect = QRectF(0, 0, self._w, self._h).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(style.CARD_BG)
        painter.drawRect(rect)
        if self._w >= 24:
            painter.setFont(_SMALL_FONT)
            painter.setPen(style.CARD_TAG)
            painter.drawText(rect.adjusted(4, 2, -3, 0), Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft,
                             _elide(painter, self.position.upper(), rect.width() - 7))
            first = next((line for line in self.text.splitlines() if line.strip()), "")
            painter.setFont(_LABEL_FONT)
            painter.setPen(style.CLIP_TEXT)
            painter.drawText(rect.adjusted(4, 14, -3, -14), Qt.AlignmentFlag.AlignCenter,
                             _elide(painter, first, rect.width() - 7))
            if self._w >= 70:
                painter.setFont(_SMALL_FONT)
                painter.setPen(style.CARD_TAG)
                painter.drawText(rect.adjusted(4, 0, -4, -2), Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignRight,
                                 self.duration_text)
        _draw_border(painter, rect, self.selected)


class TransitionItem(_BoxItem):
    """A crossfade (an X over the overlap) or a dip to black (a dark V) between two clips."""

    kind = "transition"

    def __init__(self, shot_id: str) -> None:
        super().__init__(10, style.VIDEO_H)
        self.shot_id = shot_id
        self.transition_kind = "crossfade"
        self.setZValue(3)

    def set_kind(self, kind: str, tooltip: str) -> None:
        if kind != self.transition_kind:
            self.transition_kind = kind
            self.update()
        self.setToolTip(tooltip)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        w, h = self._w, self._h
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.transition_kind == "crossfade":
            shape = QPolygonF([QPointF(0, 16), QPointF(w, h - 1), QPointF(w, 16), QPointF(0, h - 1)])
            painter.setBrush(style.TRANSITION)
        elif self.transition_kind == "fade_in":  # the film opens from black: dark at the start, clear after
            shape = QPolygonF([QPointF(0, 16), QPointF(w, 16), QPointF(0, h - 1)])
            painter.setBrush(style.DIP)
        else:
            shape = QPolygonF([QPointF(0, 16), QPointF(w / 2, h - 1), QPointF(w, 16)])
            painter.setBrush(style.DIP)
        painter.setPen(QPen(QColor(255, 255, 255, 220), 1))
        painter.drawPolygon(shape)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(0.5, 16.5, w - 1, h - 17.5))


def _draw_waveform(painter: QPainter, rect: QRectF, peaks, width: float, pen: QPen) -> None:  # type: ignore[no-untyped-def]
    """Peaks as one vertical stroke per pixel column, below the clip's 13 px label strip."""
    if peaks is None or width <= 4:
        return
    values = resample_peaks(peaks, int(width) - 2)
    mid, amp = rect.top() + 13 + (rect.height() - 14) / 2, (rect.height() - 15) / 2
    path = QPainterPath()
    for x, value in enumerate(values):
        span = max(0.5, float(value) * amp)
        path.moveTo(1.5 + x, mid - span)
        path.lineTo(1.5 + x, mid + span)
    painter.setPen(pen)
    painter.drawPath(path)


class LineItem(_BoxItem):
    """A narration or dialogue line with the waveform of its active audio take."""

    kind = "line"

    def __init__(self, line_id: str, peaks: PeakSource) -> None:
        super().__init__(10, style.VOICE_LANE_H - 4)
        self.line_id = line_id
        self.label = ""
        self.colour = style.NARRATION
        self._peak_source = peaks
        self.audio: str | None = None  # bundle path of the active audio take (None: not narrated yet)
        self.status = "pending"
        self.estimated = True
        self.setZValue(2)

    @property
    def peaks(self) -> np.ndarray | None:
        return self._peak_source(self.audio) if self.audio else None

    def set_content(self, *, label: str, colour: QColor, peaks: str | None, status: str, estimated: bool,
                    tooltip: str) -> None:
        if (label, colour, peaks, status, estimated) != (self.label, self.colour, self.audio, self.status,
                                                         self.estimated):
            self.label, self.colour, self.audio = label, colour, peaks
            self.status, self.estimated = status, estimated
            self.update()
        if self.toolTip() != tooltip:
            self.setToolTip(tooltip)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        rect = QRectF(0.5, 0.5, self._w - 1, self._h - 1)
        fill = QColor(self.colour)
        if self.estimated:
            fill.setAlpha(110)
        painter.setBrush(fill)
        border = QPen(style.STALE if self.status == "stale" else
                      (QColor("#ff6b6b") if self.status == "failed" else fill.lighter(150)), 1)
        if self.estimated:
            border.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(border)
        painter.drawRoundedRect(rect, 3, 3)
        _draw_waveform(painter, rect, self.peaks, self._w, QPen(style.WAVE, 1))
        if self._w >= 20:
            painter.setFont(_SMALL_FONT)
            painter.setPen(style.CLIP_TEXT)
            painter.drawText(QRectF(rect.left() + 4, rect.top(), rect.width() - 6, 13),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             _elide(painter, self.label, rect.width() - 6))


class _AudioClipItem(_BoxItem):
    """A clip on an audio track: a rounded box in the track's colour, its waveform and a label."""

    colour = style.MUSIC

    def __init__(self, height: float, peaks: PeakSource) -> None:
        super().__init__(10, height)
        self.label = ""
        self._peak_source = peaks
        self.audio: str | None = None
        self.selected = False
        self.setZValue(2)

    def set_content(self, *, label: str, peaks: str | None, tooltip: str) -> None:
        if label != self.label or peaks != self.audio:
            self.label, self.audio = label, peaks
            self.update()
        self.setToolTip(tooltip)

    def set_selected(self, selected: bool) -> None:
        if selected != self.selected:
            self.selected = selected
            self.update()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        rect = QRectF(0.5, 0.5, self._w - 1, self._h - 1)
        painter.setBrush(self.colour)
        painter.setPen(QPen(style.SELECTION if self.selected else self.colour.lighter(150), 2 if self.selected else 1))
        painter.drawRoundedRect(rect, 3, 3)
        peaks = self._peak_source(self.audio) if self.audio else None
        _draw_waveform(painter, rect, peaks, self._w, QPen(QColor(255, 255, 255, 120), 1))
        painter.setFont(_SMALL_FONT)
        painter.setPen(style.CLIP_TEXT)
        painter.drawText(QRectF(rect.left() + 4, rect.top(), rect.width() - 6, 13),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         _elide(painter, self.label, rect.width() - 6))


class MusicItem(_AudioClipItem):
    kind = "music"

    def __init__(self, clip_id: str, peaks: PeakSource) -> None:
        super().__init__(style.MUSIC_H - 4, peaks)
        self.clip_id = clip_id


class SoundItem(_AudioClipItem):
    """A shot's sound under the shot; picking it picks the shot (its sound prompt is in the inspector)."""

    kind = "sound"
    colour = style.SOUND

    def __init__(self, shot_id: str, peaks: PeakSource) -> None:
        super().__init__(style.SOUND_H - 4, peaks)
        self.shot_id = shot_id


class PlayheadItem(QGraphicsItem):
    """The red line where the cut is; its head sits in the ruler."""

    def __init__(self) -> None:
        super().__init__()
        self._h = 100.0
        self.setZValue(10)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # clicks fall through to the ruler / clips

    def set_height(self, height: float) -> None:
        if height != self._h:
            self.prepareGeometryChange()
            self._h = height

    def boundingRect(self) -> QRectF:
        return QRectF(-6, 0, 12, self._h)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setPen(QPen(style.PLAYHEAD, 1))
        painter.drawLine(QPointF(0.5, style.RULER_H - 8), QPointF(0.5, self._h))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(style.PLAYHEAD)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawPolygon(QPolygonF([QPointF(-5.5, style.RULER_H - 12), QPointF(6.5, style.RULER_H - 12),
                                       QPointF(0.5, style.RULER_H - 4)]))
