"""Sizes and colours of the timeline (one place, so tracks, items and the header agree)."""

from __future__ import annotations

from PySide6.QtGui import QColor

RULER_H = 28
VIDEO_H = 66
VOICE_LANE_H = 34
MUSIC_H = 34
SOUND_H = 30
TRACK_GAP = 4
HEADER_W = 74
HANDLE_PX = 7  # how close to a clip edge the pointer must be to grab a trim handle
SNAP_PX = 9
END_MARGIN_PX = 600  # room after the last shot to drag a clip longer
FILMSTRIP_MIN_W = 28  # narrower clips show a flat colour (fit-to-window on a long film)

BACKGROUND = QColor("#1b1d22")
TRACK_BG = QColor("#23262d")
TRACK_BG_ALT = QColor("#262a31")
RULER_BG = QColor("#16181c")
RULER_TEXT = QColor("#9aa3b2")
RULER_TICK = QColor("#4b5260")
CLIP_BG = QColor("#3a4252")
CLIP_EMPTY = QColor("#4a3f2f")
CLIP_FAILED = QColor("#6b2d2d")
CLIP_BORDER = QColor("#11131a")
CLIP_TEXT = QColor("#f2f4f8")
SELECTION = QColor("#ffb347")
HANDLE = QColor("#ffd38a")
NARRATION = QColor("#3d6fa8")
DIALOGUE = QColor("#3f8f6b")
WAVE = QColor(235, 243, 255, 210)
MUSIC = QColor("#6e4f99")
SOUND = QColor("#2f767c")  # a shot's ambience / effects
PLAYHEAD = QColor("#ff4d4d")
TRANSITION = QColor(255, 255, 255, 150)
DIP = QColor(0, 0, 0, 190)
STALE = QColor("#e0a030")
CARD_BG = QColor("#050608")  # title and credits cards are white on black in the film
CARD_TAG = QColor("#b8bfcc")
MARKER = QColor("#4fc3f7")
RANGE = QColor(79, 195, 247, 60)  # the cut's I/O range, shaded on the ruler
RUBBER_BAND = QColor(255, 179, 71, 50)
TOOLBAR_H = 30
