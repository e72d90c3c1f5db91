"""Where everything sits on the timeline, in frames: a pure function of the project (no Qt).

The view turns these spans into pixels at its zoom; keeping the arithmetic here makes it testable and
lets a rebuild after an edit reuse the existing graphics items (only their geometry changes).
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.project import Line, Project, Shot

# Without audio, a line's length is estimated from its text (narration reads at ~15 characters a second).
CHARS_PER_SECOND = 15.0
MIN_LINE_SECONDS = 1.0
MAX_VOICE_LANES = 3


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
class TransitionSpan:
    """The transition into ``shot_id``; ``start``..``end`` is the part of the timeline it covers."""

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
    duration: int


@dataclass(frozen=True)
class TimelineLayout:
    fps: int
    total: int
    shots: list[ShotSpan]
    transitions: list[TransitionSpan]
    lines: list[LineSpan]
    music: list[MusicSpan]
    voice_lanes: int

    def shot_at(self, frame: int) -> ShotSpan | None:
        """The shot showing at ``frame`` (the later one inside a crossfade)."""
        found = None
        for span in self.shots:
            if span.start <= frame < span.end:
                found = span
            elif span.start > frame:
                break
        return found

    def edges(self) -> list[int]:
        """Every shot boundary, for snapping."""
        points = {0, self.total}
        for span in self.shots:
            points.add(span.start)
            points.add(span.end)
        return sorted(points)


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
    if kind == "crossfade" and index > 0:
        return TransitionSpan(shot.id, kind, start, start + length, start)
    if index == 0:  # the first shot fades in from black
        return TransitionSpan(shot.id, kind, start, start + length, start)
    half = length // 2  # a dip darkens the end of the outgoing shot and lightens the start of the next
    return TransitionSpan(shot.id, kind, start - half, start + length - half, start)


def compute_layout(project: Project) -> TimelineLayout:
    starts = project.shot_starts()
    shots = [ShotSpan(s.id, i, starts[s.id], s.duration_frames) for i, s in enumerate(project.shots)]
    transitions = [t for i, s in enumerate(project.shots) if (t := transition_span(s, starts[s.id], i))]
    total = project.total_frames()

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
        duration = clip.duration_frames if clip.duration_frames is not None else max(1, total - clip.start_frame)
        music.append(MusicSpan(clip.id, clip.start_frame, duration))
    return TimelineLayout(project.fps, total, shots, transitions, lines, music, max(1, used_lanes))
