"""Where everything sits in the film, in project frames: a pure function of the project (no Qt).

This is the one rule for positions. The editor's timeline and preview draw it, and the cut plan
(``studio.cut.plan``) only rescales it to the output rate, so frame N in the editor is frame N of the export:
the title cards come first, then the shots (crossfades overlap the shot before), then the credits. A line
sits at its shot's start plus its offset, a shot's sound under the shot; a music clip's ``start_frame`` counts
from the first shot.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Literal, Protocol

from studio.project import Line, Project, Shot

from .credits_text import card_text

# Without audio, a line's length is estimated from its text (narration reads at ~15 characters a second).
CHARS_PER_SECOND = 15.0
MIN_LINE_SECONDS = 1.0
MAX_VOICE_LANES = 3

CardKind = Literal["title", "credits", "story"]


@dataclass(frozen=True)
class ShotSpan:
    shot_id: str
    index: int
    start: int
    duration: int

    @property
    def end(self) -> int:
        return self.start + self.duration


@dataclass(frozen=True)
class CardSpan:
    """A card the film shows: a title or credits card, or the story card of a shot that has no picture yet
    (``shot_id`` names it; it covers the shot's span)."""

    card_id: str
    kind: CardKind
    text: str
    start: int
    duration: int
    shot_id: str | None = None

    @property
    def end(self) -> int:
        return self.start + self.duration


@dataclass(frozen=True)
class TransitionSpan:
    """The transition into ``shot_id``; ``start``..``end`` is the part of the timeline it covers.

    ``kind`` is ``fade_in`` for the first shot's fade from black (whatever its stored kind)."""

    shot_id: str
    kind: str
    start: int
    end: int
    boundary: int  # the frame where the incoming shot starts


@dataclass(frozen=True)
class LineSpan:
    line_id: str
    shot_id: str
    start: int
    duration: int
    lane: int
    estimated: bool  # True when no audio exists yet (length guessed from the text)


@dataclass(frozen=True)
class MusicSpan:
    clip_id: str
    start: int
    duration: int  # up to the film's end at most (0 when the clip starts after it)

    @property
    def end(self) -> int:
        return self.start + self.duration


@dataclass(frozen=True)
class SoundSpan:
    """A shot's active sound take, under the shot: the mix fits it to the shot's length (looped or cut)."""

    shot_id: str
    start: int
    duration: int

    @property
    def end(self) -> int:
        return self.start + self.duration


@dataclass(frozen=True)
class TimelineLayout:
    fps: int
    total: int  # frames of the whole film: titles + shots + credits
    lead: int  # frames of title cards before the first shot
    shots: list[ShotSpan]
    transitions: list[TransitionSpan]
    cards: list[CardSpan]  # title cards, story cards, credits, in film order
    lines: list[LineSpan]
    music: list[MusicSpan]
    voice_lanes: int
    sounds: tuple[SoundSpan, ...] = ()

    @property
    def shots_end(self) -> int:
        """The frame after the last shot (where the credits begin)."""
        return self.lead + max((s.end for s in self.shots), default=0)

    def title_and_credits(self) -> list[CardSpan]:
        return [c for c in self.cards if c.kind != "story"]

    def story_card(self, shot_id: str) -> CardSpan | None:
        return next((c for c in self.cards if c.kind == "story" and c.shot_id == shot_id), None)

    def shot_at(self, frame: int) -> ShotSpan | None:
        """The shot showing at ``frame`` (the later one inside a crossfade)."""
        return latest_at(self.shots, frame)

    def card_at(self, frame: int) -> CardSpan | None:
        """The title or credits card showing at ``frame``."""
        return next((c for c in self.title_and_credits() if c.start <= frame < c.end), None)

    def edges(self) -> list[int]:
        """Every shot and card boundary, for snapping."""
        points = {0, self.total}
        for span in [*self.shots, *self.title_and_credits()]:
            points.add(span.start)
            points.add(span.end)
        return sorted(points)


def latest_at(spans, frame: int):  # type: ignore[no-untyped-def]
    """The last of ``spans`` (sorted by start, each with ``start`` and ``end``) covering ``frame``: inside a
    crossfade the incoming one, which is what the film shows."""
    found = None
    for span in spans:
        if span.start <= frame < span.end:
            found = span
        elif span.start > frame:
            break
    return found


def line_duration_frames(project: Project, line: Line) -> tuple[int, bool]:
    """(frames, estimated): the active audio's length, else a reading-speed estimate from the text."""
    audio = line.active()
    if audio is not None and audio.duration_samples > 0:
        return max(1, round(audio.duration_seconds * project.fps)), False
    seconds = max(MIN_LINE_SECONDS, len(line.text) / CHARS_PER_SECOND)
    return max(1, round(seconds * project.fps)), True


def transition_span(shot: Shot, start: int, index: int) -> TransitionSpan | None:
    kind, length = shot.transition.kind, shot.transition.duration_frames
    if kind == "cut" or length <= 0:
        return None
    if index == 0:  # the first shot fades in from black
        return TransitionSpan(shot.id, "fade_in", start, start + length, start)
    if kind == "crossfade":
        return TransitionSpan(shot.id, kind, start, start + length, start)
    half = length // 2  # a dip darkens the end of the outgoing shot and lightens the start of the next
    return TransitionSpan(shot.id, kind, start - half, start + length - half, start)


def title_lead(project: Project) -> int:
    """Frames of title cards before the first shot."""
    return sum(c.duration_frames for c in project.cards if c.position == "title")


def film_frames(project: Project) -> int:
    """The length of the whole film in project frames (what the export renders, before rescaling)."""
    return title_lead(project) + project.total_frames() + sum(
        c.duration_frames for c in project.cards if c.position == "credits")


def shot_film_starts(project: Project) -> dict[str, int]:
    """Each shot's first frame in the film (after the title cards)."""
    lead = title_lead(project)
    return {shot_id: lead + start for shot_id, start in project.shot_starts().items()}


def has_picture(shot: Shot) -> bool:
    """The shot's active take is ready to show; otherwise the film shows the shot's story card."""
    take = shot.active()
    return take is not None and take.status == "ready"


class _Revisioned(Protocol):
    project: Project

    @property
    def revision(self) -> int: ...


_by_document: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def document_layout(document: _Revisioned) -> TimelineLayout:
    """The layout of a document's project, computed once per revision: after an edit the timeline, the preview
    and the tools all ask for it (each computation is ~15 ms at 3,000 shots)."""
    cached = _by_document.get(document)
    if cached is not None and cached[0] == document.revision and cached[1] is document.project:
        return cached[2]
    layout = compute_layout(document.project)
    _by_document[document] = (document.revision, document.project, layout)
    return layout


def compute_layout(project: Project) -> TimelineLayout:
    lead = title_lead(project)
    starts = shot_film_starts(project)
    shots = [ShotSpan(s.id, i, starts[s.id], s.duration_frames) for i, s in enumerate(project.shots)]
    shots_end = shots[-1].end if shots else lead  # lead + project.total_frames(), without walking the cut again
    transitions = [t for i, s in enumerate(project.shots) if (t := transition_span(s, starts[s.id], i))]

    cards: list[CardSpan] = []
    sounds: list[SoundSpan] = []
    cursor = 0
    for card in (c for c in project.cards if c.position == "title"):
        cards.append(CardSpan(card.id, "title", card_text(project, card.text), cursor, card.duration_frames))
        cursor += card.duration_frames
    for span, shot in zip(shots, project.shots, strict=True):
        if not has_picture(shot):
            cards.append(CardSpan(f"story:{shot.id}", "story", shot.prompt, span.start, span.duration, shot.id))
        if shot.sound_takes and (sound := shot.active_sound()) is not None and sound.status == "ready":
            sounds.append(SoundSpan(shot.id, span.start, span.duration))
    cursor = shots_end
    for card in (c for c in project.cards if c.position == "credits"):
        cards.append(CardSpan(card.id, "credits", card_text(project, card.text), cursor, card.duration_frames))
        cursor += card.duration_frames
    total = cursor

    lines: list[LineSpan] = []
    lane_ends = [-1] * MAX_VOICE_LANES
    placed = []
    for line in project.lines:
        if line.shot_id not in starts:
            continue
        duration, estimated = line_duration_frames(project, line)
        placed.append((starts[line.shot_id] + line.offset_frames, duration, estimated, line))
    placed.sort(key=lambda item: item[0])
    used_lanes = 0
    for start, duration, estimated, line in placed:
        # The first lane that is free at ``start``; when all are busy the line shares the least busy one.
        lane = next((i for i, end in enumerate(lane_ends) if end <= start), None)
        if lane is None:
            lane = min(range(MAX_VOICE_LANES), key=lambda i: lane_ends[i])
        lane_ends[lane] = max(lane_ends[lane], start + duration)
        used_lanes = max(used_lanes, lane + 1)
        lines.append(LineSpan(line.id, line.shot_id, start, duration, lane, estimated))

    music = []
    for clip in project.music:
        start = lead + clip.start_frame
        end = total if clip.duration_frames is None else min(total, start + clip.duration_frames)
        music.append(MusicSpan(clip.id, start, max(0, end - start)))
    return TimelineLayout(project.fps, total, lead, shots, transitions, cards, lines, music, max(1, used_lanes),
                          tuple(sounds))


def card_fade_frames(frames: int) -> int:
    """A title or credits card fades up from black and back down over this many of its frames."""
    return min(frames // 4, 12)
