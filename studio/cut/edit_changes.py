"""What an edit from another editor changes in the project, as one undoable command and a readable report.

For each shot the edit shows: its place, its length and its take's trim (in the take's own frames), its
transition (a dissolve in the edit is a crossfade), and which take (when the edit shows another of its takes).
A shot the edit leaves out is not deleted: it moves after the edited shots and is flagged ``not_in_edit`` (its
takes and lines stay), so the cut follows the edit and nothing made is lost; a later import that shows it again
clears the flag. Values the edit did not change (within the rounding of another frame rate) are left exactly
as they were. Library code: nothing here saves.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from studio.project import commands as cmd
from studio.project.commands import Change
from studio.project.document import ProjectDocument
from studio.project.model import MAX_FPS, MAX_SHOT_SECONDS, Project, Shot, Take, Transition

from .edit_matching import MatchedClip, Matches, UnmatchedClip, match_clips
from .edit_reading import EditImportError, EditTimeline, read_edit

NOT_IN_EDIT = "not_in_edit"
MAX_SHOT_FRAMES = MAX_FPS * MAX_SHOT_SECONDS


@dataclass(frozen=True)
class ShotUpdate:
    shot_id: str
    number: int  # 1-based place in the new order
    was: int  # 1-based place before
    changes: tuple[str, ...]


@dataclass(frozen=True)
class EditImportPlan:
    source: str
    clips: int
    matches: Matches
    updates: tuple[ShotUpdate, ...]
    left_out: tuple[str, ...]  # shot ids the edit does not show: moved to the end and flagged
    notes: tuple[str, ...]
    command: cmd.Command | None  # None: the project already is this edit

    @property
    def unmatched(self) -> tuple[UnmatchedClip, ...]:
        return self.matches.unmatched

    def summary(self) -> str:
        rules = Counter(m.rule for m in self.matches.matched)
        how = ", ".join(f"{n} by {rule}" for rule, n in rules.items())
        return f"{self.source}: {len(self.matches.matched)} of {self.clips} clips matched shots ({how})"

    def change_lines(self, project: Project) -> list[str]:
        """What applying changes (or that nothing does)."""
        if self.command is None:
            return ["the project already follows this edit: nothing to change"]
        lines = [f"shot {u.number} {_label(project, u.shot_id)}: {'; '.join(u.changes)}" for u in self.updates]
        if self.left_out:
            lines.append(f"not in the edit ({len(self.left_out)}; moved after the edited shots and flagged "
                         f"{NOT_IN_EDIT!r}, takes kept):")
            lines.extend(f"  {_label(project, shot_id)}" for shot_id in self.left_out)
        return lines

    def not_applied_lines(self) -> list[str]:
        """The clips that matched no shot, and what of the edit the project cannot hold."""
        lines = []
        if self.unmatched:
            lines.append(f"unmatched clips ({len(self.unmatched)}; not applied):")
            lines.extend(f"  {u.clip.label()}: {u.reason}" for u in self.unmatched)
        lines.extend(f"note: {note}" for note in self.notes)
        return lines

    def report(self, project: Project) -> list[str]:
        return [self.summary(), *self.change_lines(project), *self.not_applied_lines()]


def _label(project: Project, shot_id: str) -> str:
    prompt = project.shot(shot_id).prompt
    return f"({shot_id}) {prompt[:40]!r}" if prompt else f"({shot_id})"


def edl_rate(project: Project) -> int:
    """The rate an EDL is read at (it records none): the rate the project exports at, as ours were written."""
    return project.export.fps or project.fps


def plan_edit_import(document: ProjectDocument, path: Path | str, *, rate: float | None = None) -> EditImportPlan:
    """Read ``path`` (an EDL at ``rate``, default ``edl_rate``) and plan its changes; nothing is applied."""
    edit = read_edit(path, edl_rate=rate or edl_rate(document.project))
    return plan_edit(document.project, edit, Path(path).name)


def import_edit(document: ProjectDocument, path: Path | str, *, dry_run: bool = False,
                rate: float | None = None) -> EditImportPlan:
    """Plan and (unless ``dry_run``) apply the edit as one undo step; the caller saves."""
    plan = plan_edit_import(document, path, rate=rate)
    if plan.command is not None and not dry_run:
        document.execute(plan.command)
    return plan


def plan_edit(project: Project, edit: EditTimeline, source: str) -> EditImportPlan:
    matches = match_clips(project, edit.clips)
    if not matches.matched:
        reasons = "; ".join(f"{u.clip.label()}: {u.reason}" for u in matches.unmatched[:3])
        raise EditImportError(f"{source}: none of its {len(edit.clips)} clips matches a shot of this project, so "
                              f"nothing was changed ({reasons})")
    old_order = [s.id for s in project.shots]
    placed = [m.shot_id for m in matches.matched]
    placed_set = set(placed)
    left_out = [shot_id for shot_id in old_order if shot_id not in placed_set]
    commands: list[cmd.Command] = []
    updates: list[ShotUpdate] = []
    notes: list[str] = []
    for number, match in enumerate(matches.matched):
        shot = project.shot(match.shot_id)
        changes = _shot_changes(project, shot, match, number, commands, notes)
        was = old_order.index(shot.id)
        if was != number:
            changes.insert(0, f"moved from place {was + 1}")
        if changes:
            updates.append(ShotUpdate(shot.id, number + 1, was + 1, tuple(changes)))
    for shot_id in left_out:
        shot = project.shot(shot_id)
        if NOT_IN_EDIT not in shot.flags:
            commands.append(cmd.SetFields("shot", (shot_id,), {"flags": [*shot.flags, NOT_IN_EDIT]},
                                          text="Flag shot not in edit"))
    commands.extend(_moves(old_order, placed + left_out))
    command = cmd.Batch(commands, text=f"Import edit {source}") if commands else None
    return EditImportPlan(source, len(edit.clips), matches, tuple(updates), tuple(left_out), tuple(notes), command)


def _shot_changes(project: Project, shot: Shot, match: MatchedClip, number: int, commands: list[cmd.Command],
                  notes: list[str]) -> list[str]:
    clip = match.clip
    changes: list[str] = []
    if clip.speed != 1.0:
        notes.append(f"{clip.label()} plays at {clip.speed:g}x speed in the edit; Storyreel does not retime takes, "
                     f"so shot {shot.id} takes the source frames it shows")
    if clip.gap_before:
        notes.append(f"{clip.label()} follows {clip.gap_before} frames of black in the edit; the project has no "
                     "gaps between shots, so it follows the previous shot directly")
    take_id = match.take_id or shot.active_take
    take = shot.take(take_id) if take_id else None
    if take is not None and take.id != shot.active_take:
        commands.append(cmd.set_active_take(shot.id, take.id))
        changes.append(f"active take {shot.active_take} -> {take.id} (the take the edit shows)")
    fps = project.fps
    duration = max(1, min(MAX_SHOT_FRAMES, round(clip.frames * fps / clip.rate)))
    length_changed = not _same(shot.duration_frames, fps, clip.frames, clip.rate)
    if take is not None:
        changes.extend(_trim(project, shot, take, match, length_changed, commands, notes))
    if length_changed:
        commands.append(cmd.edit_shot(shot.id, duration_frames=duration))
        changes.append(f"length {shot.duration_frames} -> {duration} frames")
    transition = _transition(project, shot, match, number)
    if transition is not None:
        commands.append(cmd.edit_shot(shot.id, transition=transition))
        changes.append(f"transition {_describe(shot.transition)} -> {_describe(transition)}")
    if NOT_IN_EDIT in shot.flags:
        commands.append(cmd.SetFields("shot", (shot.id,), {"flags": [f for f in shot.flags if f != NOT_IN_EDIT]},
                                      text="Back in the edit"))
        changes.append(f"back in the edit (flag {NOT_IN_EDIT!r} cleared)")
    return changes


def _same(value: int, value_rate: float, edit_frames: int, edit_rate: float) -> bool:
    """``value`` (frames at ``value_rate``) is what the edit shows, within one frame when the rates differ."""
    tolerance = 0 if abs(value_rate - edit_rate) < 1e-6 else 1
    return abs(round(value * edit_rate / value_rate) - edit_frames) <= tolerance


def _trim(project: Project, shot: Shot, take: Take, match: MatchedClip, length_changed: bool,
          commands: list[cmd.Command], notes: list[str]) -> list[str]:
    clip = match.clip
    take_fps = take.fps or project.fps
    in_changed = not _same(take.trim_in, take_fps, clip.source_in, clip.rate)
    if not (in_changed or length_changed):
        return []
    trim_in = round(clip.source_in * take_fps / clip.rate) if in_changed else take.trim_in
    if take.frame_count and trim_in >= take.frame_count:
        notes.append(f"shot {shot.id}: the edit starts it at frame {trim_in}, past the end of take {take.id} "
                     f"({take.frame_count} frames); its trim is left as it was")
        return []
    trim_out: int | None = trim_in + max(1, round(clip.frames * take_fps / clip.rate))
    if take.frame_count and trim_out >= take.frame_count:
        trim_out = None  # to the end of the take (a shot longer than its take holds the last frame)
    if (trim_in, trim_out) == (take.trim_in, take.trim_out):
        return []
    command = cmd.trim_take(shot.id, take.id, trim_in, trim_out)
    command.merge_key = None
    commands.append(command)
    return [f"take {take.id} trimmed to {trim_in}..{'end' if trim_out is None else trim_out} "
            f"(was {take.trim_in}..{'end' if take.trim_out is None else take.trim_out})"]


def _transition(project: Project, shot: Shot, match: MatchedClip, number: int) -> Transition | None:
    """The shot's new transition in, or None to keep it."""
    edit, current = match.clip.transition_in, shot.transition
    if edit is None:
        if number == 0 and project.shots and project.shots[0].id == shot.id:
            return None  # the first shot's fade from black is not written to interchange files
        # Dips to black are not written either, so a cut in the edit says nothing about one.
        return Transition() if current.kind == "crossfade" or (number == 0 and current.kind != "cut") else None
    frames = max(1, min(MAX_FPS * 10, round(edit.frames * project.fps / match.clip.rate)))
    if current.kind == edit.kind and _same(current.duration_frames, project.fps, edit.frames, match.clip.rate):
        return None
    return Transition(kind=edit.kind, duration_frames=frames)


def _describe(transition: Transition) -> str:
    return "cut" if transition.kind == "cut" else f"{transition.kind} {transition.duration_frames} frames"


@dataclass
class ReorderShots(cmd.Command):
    """Put the shots in ``order`` in one step (thousands of MoveShots would each search the list); undo restores
    the order before. Replayed onto a project another program changed, shots it added keep their relative order
    after the ordered ones, and ids no longer there are skipped."""

    order: list[str]
    text: str = "Order shots as in the edit"
    _before: list[str] = field(default_factory=list, repr=False)

    def apply(self, project: Project) -> Change:
        self._before = [s.id for s in project.shots]
        _put_in_order(project, self.order)
        return Change("shots", tuple(self.order))

    def revert(self, project: Project) -> Change:
        _put_in_order(project, self._before)
        return Change("shots", tuple(self._before))


def _put_in_order(project: Project, order: list[str]) -> None:
    by_id = {s.id: s for s in project.shots}
    ordered = [by_id[i] for i in dict.fromkeys(order) if i in by_id]
    named = set(order)
    project.shots[:] = ordered + [s for s in project.shots if s.id not in named]


def _moves(current: list[str], final: list[str]) -> list[cmd.Command]:
    return [] if current == final else [ReorderShots(final)]
