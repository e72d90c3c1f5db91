"""Cutting the planned film into independently encoded segments.

A shot's *body* (the part no transition touches) is one segment; each crossfade overlap is one segment mixing
the tail of one take with the head of the next; each card is one segment. Dips to black are fades inside the
bodies. Segments carry everything that changes their pixels, so their hash is a safe cache key: re-exporting
after one shot changed re-encodes only the segments that shot touches.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Literal

from studio.timeline.layout import card_fade_frames

from .plan import CutPlan, SourceClip

CACHE_VERSION = 1


@dataclass(frozen=True)
class SourceRange:
    """``frames`` output frames of a shot, starting ``offset`` output frames into the shot."""

    source: SourceClip
    offset: int

    def identity(self) -> dict:
        path = self.source.path
        stat = path.stat()
        return {"file": str(path.resolve()), "size": stat.st_size, "mtime": stat.st_mtime_ns,
                "fps": self.source.fps, "in": self.source.trim_in, "out": self.source.trim_out, "offset": self.offset}


@dataclass(frozen=True)
class Caption:
    """A burned-in cue, in seconds relative to the film start."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Segment:
    kind: Literal["shot", "crossfade", "card"]
    start: int  # output frame on the film
    frames: int
    inputs: tuple[SourceRange, ...] = ()
    fade_in: int = 0  # frames fading up from black at the segment start
    fade_out: int = 0  # frames fading down to black at the segment end
    card_text: str = ""
    captions: tuple[Caption, ...] = ()
    label: str = ""  # shot/card id(s), for progress messages

    @property
    def end(self) -> int:
        return self.start + self.frames

    def key(self, plan: CutPlan) -> str:
        fps = plan.fps
        desc = {
            "v": CACHE_VERSION, "kind": self.kind, "frames": self.frames, "fade": [self.fade_in, self.fade_out],
            "inputs": [i.identity() for i in self.inputs], "card": self.card_text, "out": plan.settings.video_key(),
            # captions relative to the segment, so a segment that merely moved on the timeline stays cached
            "captions": [[c.text, round(c.start - self.start / fps, 4), round(c.end - self.start / fps, 4)]
                         for c in self.captions],
        }
        return hashlib.sha256(json.dumps(desc, sort_keys=True).encode()).hexdigest()[:24]


def segments_for(plan: CutPlan, captions: tuple[Caption, ...] = ()) -> list[Segment]:
    """The film as consecutive segments covering frames 0..total exactly."""
    out: list[Segment] = []
    shots = plan.shots
    for card in (c for c in plan.cards if c.position == "title"):
        out.append(Segment("card", card.start, card.frames, card_text=card.text, fade_in=card_fade_frames(card.frames),
                           fade_out=card_fade_frames(card.frames), label=card.card_id))
    for i, shot in enumerate(shots):
        t = shot.transition
        head = t.frames if t.kind == "crossfade" else 0
        fade_in = t.frames if t.kind in ("dip_to_black", "fade_in") else 0
        nxt = shots[i + 1].transition if i + 1 < len(shots) else None
        tail = nxt.frames if nxt and nxt.kind == "crossfade" else 0
        fade_out = nxt.out_frames if nxt and nxt.kind == "dip_to_black" else 0
        body = shot.frames - head - tail
        if body > 0:
            out.append(Segment("shot", shot.start + head, body, (SourceRange(shot.source, head),),
                               fade_in=fade_in, fade_out=fade_out, label=shot.shot_id))
        if tail:
            following = shots[i + 1]
            out.append(Segment("crossfade", following.start, tail,
                               (SourceRange(shot.source, shot.frames - tail), SourceRange(following.source, 0)),
                               label=f"{shot.shot_id}>{following.shot_id}"))
    for card in (c for c in plan.cards if c.position == "credits"):
        out.append(Segment("card", card.start, card.frames, card_text=card.text, fade_in=card_fade_frames(card.frames),
                           fade_out=card_fade_frames(card.frames), label=card.card_id))
    if captions:
        fps = plan.fps
        out = [_with_captions(s, captions, fps) for s in out]
    _check_contiguous(out, plan.total_frames)
    return out


def _with_captions(segment: Segment, captions: tuple[Caption, ...], fps: int) -> Segment:
    a, b = segment.start / fps, segment.end / fps
    hits = tuple(c for c in captions if c.start < b and c.end > a)
    return replace(segment, captions=hits) if hits else segment


def _check_contiguous(segments: list[Segment], total: int) -> None:
    cursor = 0
    for segment in segments:
        if segment.start != cursor or segment.frames <= 0:
            raise AssertionError(f"cut plan gap/overlap at frame {cursor}: {segment}")
        cursor = segment.end
    if cursor != total:
        raise AssertionError(f"segments cover {cursor} frames, the film has {total}")
