"""Draw frame N of a playback sequence as the export draws it: takes fitted into the film's frame (letterbox or
crop), crossfades and fades mixed, cards drawn by the painters the export and the animatic engine use.

No Qt: the preview shows the result, and tests compare it with the exported film's frame N.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import cv2
import numpy as np

from engine.animatic.story_card import render_story_card
from studio.timeline.text_images import render_card

from .layout import CardSpan
from .playback_sequence import Piece, PlaybackSequence

# (piece, source frame) -> RGB uint8, or None when the clip cannot be read (its story card is shown instead)
ReadFrame = Callable[[Piece, int], "np.ndarray | None"]
EMPTY_FILM_TEXT = "Nothing to preview: add shots to the storyboard"


def fit_into(frame: np.ndarray, size: tuple[int, int], fit: str = "fit") -> np.ndarray:
    """``frame`` scaled into ``size``: 'fit' letterboxes/pillarboxes on black, 'fill' crops the overflow
    (the export's scale+pad / scale+crop)."""
    width, height = size
    h, w = frame.shape[:2]
    if (w, h) == (width, height):
        return frame
    scale = max(width / w, height / h) if fit == "fill" else min(width / w, height / h)
    new_w, new_h = max(2, round(w * scale / 2) * 2), max(2, round(h * scale / 2) * 2)
    if fit != "fill":
        new_w, new_h = min(new_w, width), min(new_h, height)
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = cv2.resize(frame, (new_w, new_h), interpolation=interpolation)
    if fit == "fill":
        x, y = (new_w - width) // 2, (new_h - height) // 2
        return np.ascontiguousarray(scaled[y:y + height, x:x + width])
    out = np.zeros((height, width, 3), np.uint8)
    x, y = (width - new_w) // 2, (height - new_h) // 2
    out[y:y + new_h, x:x + new_w] = scaled
    return out


@functools.lru_cache(maxsize=64)
def title_card_image(text: str, width: int, height: int) -> np.ndarray:
    """A title or credits card, drawn by the export's own card painter."""
    return np.asarray(render_card(text, width, height).convert("RGB"))


@functools.lru_cache(maxsize=64)
def story_card_image(prompt: str, label: str, seed: int, width: int, height: int) -> np.ndarray:
    """A shot's story card, drawn by the animatic engine's card painter (without the camera move)."""
    return render_story_card(prompt, label, (width, height), seed=seed, margin=1.0).flatten()


class FilmFramePainter:
    """Frames of a sequence, at the sequence's picture size. ``story_label(shot_id)`` and ``story_seed``
    give a story card its slug line and palette (the engine's), ``read`` decodes takes."""

    def __init__(self, read: ReadFrame, story_label: Callable[[str], str], story_seed: Callable[[str], int]) -> None:
        self._read = read
        self._story_label = story_label
        self._story_seed = story_seed

    def frame(self, sequence: PlaybackSequence, frame: int) -> np.ndarray:
        width, height = sequence.picture_size
        mix = sequence.mix_at(frame)
        if not mix:
            if sequence.pieces:  # between pieces there is only black
                return np.zeros((height, width, 3), np.uint8)
            return title_card_image(EMPTY_FILM_TEXT, width, height)
        if len(mix) == 1 and mix[0][1] == 1.0:
            return self.picture(sequence, mix[0][0], frame)
        total = np.zeros((height, width, 3), np.float32)
        for piece, weight in mix:
            if weight > 0:
                total += self.picture(sequence, piece, frame).astype(np.float32) * weight
        return np.clip(total + 0.5, 0, 255).astype(np.uint8)

    def picture(self, sequence: PlaybackSequence, piece: Piece, frame: int) -> np.ndarray:
        """What ``piece`` shows at film ``frame`` before any fade or mix."""
        size = sequence.picture_size
        if piece.kind == "take":
            rgb = self._read(piece, piece.source_frame(frame))
            if rgb is not None:
                return fit_into(rgb, size, sequence.fit)
        return self.card(piece.card, size)

    def card(self, card: CardSpan | None, size: tuple[int, int]) -> np.ndarray:
        width, height = size
        if card is None:
            return np.zeros((height, width, 3), np.uint8)
        if card.kind == "story" and card.shot_id is not None:
            return story_card_image(card.text, self._story_label(card.shot_id), self._story_seed(card.shot_id),
                                    width, height)
        return title_card_image(card.text, width, height)
