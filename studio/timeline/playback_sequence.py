"""What the preview plays: the film (or one take) as pieces on the film's timeline, and how frame N mixes them.

Built from the same layout as the cut plan, with the export's picture rules, so the preview's frame N is the
export's frame N without a render: title and credits cards fade up and down (``card_fade_frames``), a crossfade
mixes the outgoing and incoming takes linearly over the overlap (ffmpeg ``xfade=fade``), a dip to black fades
the end of one shot down and the start of the next up, the first shot can fade in from black (ffmpeg ``fade``),
and a shot without a usable take shows its story card.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Literal, overload

from studio.project import Project
from studio.timeline.layout import card_fade_frames

from .layout import CardSpan, TimelineLayout, compute_layout


@dataclass(frozen=True)
class Piece:
    """``length`` frames of the film from ``start``: a take's frames, or a card (title, credits, story)."""

    kind: Literal["take", "card"]
    start: int
    length: int
    label: str
    shot_id: str | None = None
    take_id: str | None = None
    media: str | None = None  # bundle path of the take's clip
    source_in: int = 0  # first source frame shown
    source_out: int = 1  # one past the last source frame available
    ratio: float = 1.0  # source frames per film frame
    card: CardSpan | None = None  # what a card piece shows (a take piece whose clip is unreadable shows its story card)
    fade_in: int = 0  # frames fading up from black at the start
    fade_out: int = 0  # frames fading down to black at the end
    blend_in: int = 0  # frames at the start mixed with the piece before (a crossfade)

    @property
    def end(self) -> int:
        return self.start + self.length

    def source_frame(self, frame: int) -> int:
        """The take's frame shown at film ``frame``: the export's rate conversion (ffmpeg ``fps``, nearest
        timestamp), then the last frame held when the take is shorter than the shot."""
        offset = frame - self.start
        picked = math.ceil((offset + 0.5) * self.ratio - 1e-9) - 1 if self.ratio != 1.0 else offset
        return max(self.source_in, min(self.source_out - 1, self.source_in + picked))

    def brightness(self, frame: int) -> float:
        """The fade factor at film ``frame`` (ffmpeg ``fade``: in at k/n from black, out at 1 - k/n)."""
        k = frame - self.start
        level = 1.0
        if self.fade_in and k < self.fade_in:
            level *= k / self.fade_in
        if self.fade_out and k >= self.length - self.fade_out:
            level *= 1.0 - (k - (self.length - self.fade_out)) / self.fade_out
        return level


@dataclass(frozen=True)
class PlaybackSequence:
    mode: Literal["cut", "take"]
    pieces: Sequence[Piece]  # sorted by start: a tuple, or the cut's ``CutPieces`` (built as they are asked for)
    fps: float
    picture_size: tuple[int, int]  # the film's frame (the export's size): takes are fitted into it
    fit: str = "fit"

    @property
    def length(self) -> int:
        return max(_bounds(self.pieces)[1], default=0)

    def piece_at(self, frame: int) -> Piece | None:
        """The piece on screen at ``frame`` (the incoming one inside a crossfade): the last piece covering it."""
        index = self._index_at(frame)
        return None if index is None else self.pieces[index]

    def mix_at(self, frame: int) -> list[tuple[Piece, float]]:
        """The pieces that make ``frame`` and each one's weight (their sum is the frame's brightness)."""
        index = self._index_at(frame)
        if index is None:
            return []
        current = self.pieces[index]
        k = frame - current.start
        if current.blend_in and k < current.blend_in:
            # The last piece that starts before this one and is still showing.
            starts, ends = _bounds(self.pieces)
            before = next((j for j in range(bisect_left(starts, current.start) - 1, -1, -1) if ends[j] > frame),
                          None)
            if before is not None:
                w = k / current.blend_in
                return [(self.pieces[before], 1.0 - w), (current, w)]
        return [(current, current.brightness(frame))]

    def _index_at(self, frame: int) -> int | None:
        """``latest_at`` over the pieces by their bounds, so that no piece is built to be passed over."""
        starts, ends = _bounds(self.pieces)
        return next((j for j in range(bisect_right(starts, frame) - 1, -1, -1) if ends[j] > frame), None)


def _bounds(pieces: Sequence[Piece]) -> tuple[list[int], list[int]]:
    if isinstance(pieces, CutPieces):
        return pieces.starts, pieces.ends
    return [p.start for p in pieces], [p.end for p in pieces]


class CutPieces(Sequence[Piece]):
    """The film's pieces in film order, each built the first time it is asked for.

    The preview rebuilds the cut after every edit and then shows one frame (one or two pieces): building all
    3,000 pieces of a feature film took 35-45 ms of every edit (bench/ui_scale.py). Where each piece starts and
    ends comes from the layout up front; the shots are the ones the layout was computed from, held here, so a
    piece built later is the same piece an eager build would have made (the caller rebuilds after an edit).
    """

    def __init__(self, project: Project, layout: TimelineLayout) -> None:
        self._shots = tuple(project.shots)
        self._spans = layout.shots
        self._fps = project.fps
        self._transitions = {t.shot_id: t for t in layout.transitions}
        self._story = {c.shot_id: c for c in layout.cards if c.kind == "story"}
        titles_and_credits = layout.title_and_credits()
        # (start, end, card or index of the shot span), in the order the pieces had before a stable sort by start
        entries: list[tuple[int, int, CardSpan | int]] = [(c.start, c.end, c) for c in titles_and_credits
                                                          if c.kind == "title"]
        entries += [(span.start, span.start + span.duration, i) for i, span in enumerate(self._spans)]
        entries += [(c.start, c.end, c) for c in titles_and_credits if c.kind == "credits"]
        entries.sort(key=itemgetter(0))
        self.starts = [entry[0] for entry in entries]
        self.ends = [entry[1] for entry in entries]
        self._sources = [entry[2] for entry in entries]
        self._built: list[Piece | None] = [None] * len(entries)

    def __len__(self) -> int:
        return len(self._built)

    @overload
    def __getitem__(self, index: int) -> Piece: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Piece, ...]: ...

    def __getitem__(self, index: int | slice) -> Piece | tuple[Piece, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        piece = self._built[index]
        if piece is None:
            source = self._sources[index]
            piece = _card_piece(source) if isinstance(source, CardSpan) else self._shot_piece(source)
            self._built[index] = piece
        return piece

    def _shot_piece(self, i: int) -> Piece:
        """The piece of the ``i``-th shot span: its active take, or its story card where no take is ready."""
        spans, transitions, story = self._spans, self._transitions, self._story
        span = spans[i]
        shot = self._shots[span.index]
        shot_id = shot.id
        into = transitions.get(shot_id) if transitions else None
        after = transitions.get(spans[i + 1].shot_id) if transitions and i + 1 < len(spans) else None
        blend = into.end - into.start if into is not None and into.kind == "crossfade" else 0
        fade_in = into.end - into.boundary if into is not None and into.kind in ("fade_in", "dip_to_black") else 0
        fade_out = after.boundary - after.start if after is not None and after.kind == "dip_to_black" else 0
        label = f"Shot {span.index + 1}"
        take = shot.active()
        if shot_id in story or take is None or take.frame_count <= 0:
            card = story.get(shot_id) or CardSpan(f"story:{shot_id}", "story", shot.prompt, span.start,
                                                  span.duration, shot_id)
            return Piece("card", span.start, span.duration, label, shot_id, None, None, 0, 1, 1.0, card,
                         fade_in, fade_out, blend)
        out = take.trim_out if take.trim_out is not None else take.frame_count
        fallback = CardSpan(f"story:{shot_id}", "story", shot.prompt, span.start, span.duration, shot_id)
        return Piece("take", span.start, span.duration, label, shot_id, take.id, take.media, take.trim_in,
                     min(out, take.frame_count), (take.fps or self._fps) / self._fps, fallback, fade_in, fade_out,
                     blend)


def picture_size(project: Project) -> tuple[int, int]:
    """The film's frame size: the export's, which defaults to the project's."""
    return project.export.width or project.width, project.export.height or project.height


def cut_sequence(project: Project, layout: TimelineLayout | None = None) -> PlaybackSequence:
    """The whole film: title cards, shots (story cards where no take is ready), credits. Its pieces are built
    when asked for, from the project as it is now: rebuild the sequence after an edit."""
    pieces = CutPieces(project, layout or compute_layout(project))
    return PlaybackSequence("cut", pieces, project.fps, picture_size(project), project.export.fit)


def take_sequence(project: Project, shot_id: str, take_id: str) -> PlaybackSequence:
    """One take on its own, every frame of it at its own rate and size (its marks are edited, not applied)."""
    shot = project.shot(shot_id)
    take = shot.take(take_id)
    frames = max(1, take.frame_count)
    label = f"Shot {project.shot_index(shot_id) + 1} · take {shot.takes.index(take) + 1}"
    piece = Piece("take", 0, frames, label, shot_id=shot_id, take_id=take_id, media=take.media, source_out=frames,
                  card=CardSpan(f"story:{shot_id}", "story", shot.prompt, 0, frames, shot_id))
    size = (take.width or project.width, take.height or project.height)
    return PlaybackSequence("take", (piece,), take.fps or project.fps, size)


def _card_piece(card: CardSpan) -> Piece:
    fade = card_fade_frames(card.duration)
    return Piece("card", card.start, card.duration, "Title" if card.kind == "title" else "Credits", card=card,
                 fade_in=fade, fade_out=fade)
