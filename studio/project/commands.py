"""Every edit of a project is a small command object that can be applied and reverted.

Commands hold ids and values, never live objects of the document, so they stay valid across undo/redo.
The document applies them and tells its listeners what changed; the Qt undo stack wraps them one-to-one.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .errors import NotFound
from .model import AudioTake, Character, Doc, Line, MusicClip, Project, Shot, Take, Voice


@dataclass(frozen=True)
class Change:
    """What a command touched: ``kind`` is 'shots', 'takes', 'lines', 'cast', 'music', 'cards' or 'project'."""

    kind: str
    ids: tuple[str, ...] = ()


class Command:
    text = "Edit"

    def apply(self, project: Project) -> Change:
        raise NotImplementedError  # abstract: each command defines it

    def revert(self, project: Project) -> Change:
        raise NotImplementedError  # abstract: each command defines it

    def merge(self, other: Command) -> bool:
        """Fold ``other`` (applied just after this one) into this command; True if merged."""
        return False

    def verify(self, project: Project) -> bool:
        """True when this edit, just applied, has itself made sure ``project`` can be loaded again; False (the
        default) leaves it to the document, which re-validates the whole project (~0.3 s at 3,000 shots).
        A command that answers True must check every rule its change can break, project-wide ones included."""
        return False


def _shot_loadable(project: Project, shot_id: str) -> bool:
    """The shot just put into ``project`` passes the loader's own rules for a shot, and the shot limit holds."""
    from pydantic import ValidationError

    from .model import MAX_SHOTS

    try:
        Shot.model_validate(project.shot(shot_id).model_dump())
    except (ValidationError, ValueError, NotFound):
        return False  # the document's full check words the error
    return len(project.shots) <= MAX_SHOTS


def _ids_unique(project: Project) -> bool:
    try:
        project._unique_ids()  # the loader's own rule, run on the live project (one pass over every id)
    except ValueError:
        return False
    return True


# --- generic field edits ---------------------------------------------------------------------------------

def _target(project: Project, kind: str, ids: tuple[str, ...]) -> Doc:
    if kind == "project":
        return project
    if kind in ("engine", "export"):
        return getattr(project, kind)
    if kind == "shot":
        return project.shot(ids[0])
    if kind == "take":
        return project.shot(ids[0]).take(ids[1])
    if kind == "line":
        return project.line(ids[0])
    if kind == "character":
        return project.character(ids[0])
    if kind == "element":  # a character or a location
        return project.element(ids[0])
    if kind == "music":
        for clip in project.music:
            if clip.id == ids[0]:
                return clip
        raise NotFound(f"no music clip {ids[0]!r}")
    raise ValueError(f"unknown target kind {kind!r}")


_CHANGE_KIND = {"project": "project", "engine": "project", "export": "project", "shot": "shots",
                "take": "takes", "line": "lines", "character": "cast", "element": "cast",
                "music": "music"}


@dataclass
class SetFields(Command):
    """Set fields of one object; successive edits of the same fields of the same object merge (drags, typing)."""

    kind: str
    ids: tuple[str, ...]
    values: dict[str, Any]
    text: str = "Edit"
    merge_key: str | None = None  # edits merge only when both carry the same key
    _old: dict[str, Any] = field(default_factory=dict, repr=False)

    def apply(self, project: Project) -> Change:
        target = _target(project, self.kind, self.ids)
        old = {name: copy.deepcopy(getattr(target, name)) for name in self.values}
        try:
            for name, value in self.values.items():
                setattr(target, name, copy.deepcopy(value))
        except Exception:
            for name, value in old.items():  # leave the object as it was: no half-applied edit
                object.__setattr__(target, name, value)
            raise
        self._old = old
        return Change(_CHANGE_KIND[self.kind], self.ids)

    def revert(self, project: Project) -> Change:
        target = _target(project, self.kind, self.ids)
        for name, value in self._old.items():
            setattr(target, name, copy.deepcopy(value))
        return Change(_CHANGE_KIND[self.kind], self.ids)

    def merge(self, other: Command) -> bool:
        if not (isinstance(other, SetFields) and self.merge_key and other.merge_key == self.merge_key):
            return False
        if (other.kind, other.ids, set(other.values)) != (self.kind, self.ids, set(self.values)):
            return False
        self.values = dict(other.values)
        return True

    def verify(self, project: Project) -> bool:
        # A shot, take, line... validates the assignment itself; the project's own fields need the whole check.
        return self.kind != "project"


def edit_shot(shot_id: str, merge_key: str | None = None, **values: Any) -> SetFields:
    return SetFields("shot", (shot_id,), values, text=f"Edit {', '.join(values)}", merge_key=merge_key)


def _remove_added(items: list[Any], item_id: str, index: int | None) -> None:
    """Undo an insert: the object put at ``index`` (or appended last), never an older one with the same id."""
    if index is not None and 0 <= index < len(items) and items[index].id == item_id:
        items.pop(index)
        return
    for position in range(len(items) - 1, -1, -1):
        if items[position].id == item_id:
            items.pop(position)
            return
    raise NotFound(f"nothing with id {item_id!r} to remove")


# --- shots -----------------------------------------------------------------------------------------------

@dataclass
class AddShot(Command):
    shot: Shot
    index: int | None = None  # None = at the end (also when replayed onto a project that grew meanwhile)
    text: str = "Add shot"
    _at: int | None = None

    def apply(self, project: Project) -> Change:
        index = len(project.shots) if self.index is None else max(0, min(self.index, len(project.shots)))
        project.shots.insert(index, self.shot.model_copy(deep=True))
        self._at = index
        return Change("shots", (self.shot.id,))

    def revert(self, project: Project) -> Change:
        _remove_added(project.shots, self.shot.id, self._at)
        return Change("shots", (self.shot.id,))

    def verify(self, project: Project) -> bool:
        return _shot_loadable(project, self.shot.id) and _ids_unique(project)


@dataclass
class RemoveShot(Command):
    """Removes the shot and the lines anchored to it; undo restores both where they were."""

    shot_id: str
    text: str = "Delete shot"
    _shot: Shot | None = None
    _index: int = 0
    _lines: list[tuple[int, Line]] = field(default_factory=list)

    def apply(self, project: Project) -> Change:
        self._index = project.shot_index(self.shot_id)
        self._shot = project.shots.pop(self._index)
        self._lines = [(i, line) for i, line in enumerate(project.lines) if line.shot_id == self.shot_id]
        project.lines[:] = [line for line in project.lines if line.shot_id != self.shot_id]
        return Change("shots", (self.shot_id,))

    def revert(self, project: Project) -> Change:
        assert self._shot is not None
        project.shots.insert(self._index, self._shot)
        for index, line in self._lines:
            project.lines.insert(index, line)
        return Change("shots", (self.shot_id,))

    def verify(self, project: Project) -> bool:
        return True  # fewer shots and lines break no rule


@dataclass
class MoveShot(Command):
    shot_id: str
    index: int
    text: str = "Move shot"
    _from: int = 0

    def apply(self, project: Project) -> Change:
        self._from = project.shot_index(self.shot_id)
        shot = project.shots.pop(self._from)
        self.index = max(0, min(self.index, len(project.shots)))
        project.shots.insert(self.index, shot)
        return Change("shots", (self.shot_id,))

    def revert(self, project: Project) -> Change:
        shot = project.shots.pop(project.shot_index(self.shot_id))
        project.shots.insert(self._from, shot)
        return Change("shots", (self.shot_id,))

    def verify(self, project: Project) -> bool:
        return True  # the same shots in another order


# --- takes -----------------------------------------------------------------------------------------------

@dataclass
class AddTake(Command):
    shot_id: str
    take: Take
    make_active: bool = True
    text: str = "Add take"
    _previous_active: str | None = None

    def apply(self, project: Project) -> Change:
        shot = project.shot(self.shot_id)
        shot.takes.append(self.take.model_copy(deep=True))
        self._previous_active = shot.active_take
        if self.make_active or shot.active_take is None:
            shot.active_take = self.take.id
        return Change("takes", (self.shot_id, self.take.id))

    def revert(self, project: Project) -> Change:
        shot = project.shot(self.shot_id)
        _remove_added(shot.takes, self.take.id, None)
        shot.active_take = self._previous_active
        return Change("takes", (self.shot_id, self.take.id))


@dataclass
class RemoveTake(Command):
    """Removes a take from the shot (its file stays in media/ until the user cleans up, so undo is exact)."""

    shot_id: str
    take_id: str
    text: str = "Delete take"
    _take: Take | None = None
    _index: int = 0
    _previous_active: str | None = None

    def apply(self, project: Project) -> Change:
        shot = project.shot(self.shot_id)
        self._take = shot.take(self.take_id)
        self._index = shot.takes.index(self._take)
        self._previous_active = shot.active_take
        shot.takes.pop(self._index)
        if shot.active_take == self.take_id:
            shot.active_take = shot.takes[-1].id if shot.takes else None
        return Change("takes", (self.shot_id, self.take_id))

    def revert(self, project: Project) -> Change:
        assert self._take is not None
        shot = project.shot(self.shot_id)
        shot.takes.insert(self._index, self._take)
        shot.active_take = self._previous_active
        return Change("takes", (self.shot_id, self.take_id))


def set_active_take(shot_id: str, take_id: str) -> SetFields:
    return SetFields("shot", (shot_id,), {"active_take": take_id}, text="Set active take")


def trim_take(shot_id: str, take_id: str, trim_in: int, trim_out: int | None) -> SetFields:
    return SetFields("take", (shot_id, take_id), {"trim_in": trim_in, "trim_out": trim_out},
                     text="Trim take", merge_key=f"trim:{take_id}")


# --- lines, cast, music ----------------------------------------------------------------------------------

@dataclass
class AddLine(Command):
    line: Line
    index: int | None = None  # None = at the end
    text: str = "Add line"
    _at: int | None = None

    def apply(self, project: Project) -> Change:
        project.shot(self.line.shot_id)  # the anchor must exist
        for speaker_id in (self.line.speaker, *self.line.also_speakers):
            if speaker_id is not None:
                project.character(speaker_id)
        index = len(project.lines) if self.index is None else self.index
        project.lines.insert(index, self.line.model_copy(deep=True))
        self._at = index
        return Change("lines", (self.line.id,))

    def revert(self, project: Project) -> Change:
        _remove_added(project.lines, self.line.id, self._at)
        return Change("lines", (self.line.id,))


@dataclass
class RemoveLine(Command):
    line_id: str
    text: str = "Delete line"
    _line: Line | None = None
    _index: int = 0

    def apply(self, project: Project) -> Change:
        self._line = project.line(self.line_id)
        self._index = project.lines.index(self._line)
        project.lines.pop(self._index)
        return Change("lines", (self.line_id,))

    def revert(self, project: Project) -> Change:
        assert self._line is not None
        project.lines.insert(self._index, self._line)
        return Change("lines", (self.line_id,))


@dataclass
class AddAudioTake(Command):
    line_id: str
    take: AudioTake
    text: str = "Narrate line"
    _old: tuple[str | None, str, str | None] | None = None

    def apply(self, project: Project) -> Change:
        line = project.line(self.line_id)
        self._old = (line.active_take, line.status, line.error)
        line.takes.append(self.take.model_copy(deep=True))
        line.active_take, line.status, line.error = self.take.id, "ready", None
        return Change("lines", (self.line_id,))

    def revert(self, project: Project) -> Change:
        assert self._old is not None
        line = project.line(self.line_id)
        line.takes[:] = [t for t in line.takes if t.id != self.take.id]
        line.active_take, line.status, line.error = self._old
        return Change("lines", (self.line_id,))


@dataclass
class AddCharacter(Command):
    character: Character
    text: str = "Add character"

    def apply(self, project: Project) -> Change:
        project.cast.append(self.character.model_copy(deep=True))
        return Change("cast", (self.character.id,))

    def revert(self, project: Project) -> Change:
        _remove_added(project.cast, self.character.id, None)
        return Change("cast", (self.character.id,))


@dataclass
class SetCharacterVoice(Command):
    """A new voice for a character; every line it speaks that has audio becomes stale."""

    character_id: str
    voice: Voice
    text: str = "Change voice"
    _old_voice: Voice | None = None
    _old_status: dict[str, str] = field(default_factory=dict)

    def apply(self, project: Project) -> Change:
        character = project.character(self.character_id)
        self._old_voice = character.voice
        character.voice = self.voice.model_copy(deep=True)
        self._old_status = {}
        for line in project.lines:
            if self.character_id in speakers_of(project, line) and line.status == "ready":
                self._old_status[line.id] = line.status
                line.status = "stale"
        return Change("cast", (self.character_id,))

    def revert(self, project: Project) -> Change:
        assert self._old_voice is not None
        project.character(self.character_id).voice = self._old_voice
        for line_id, status in self._old_status.items():
            project.line(line_id).status = status  # type: ignore[assignment]
        return Change("cast", (self.character_id,))


def speaker_of(project: Project, line: Line) -> str | None:
    """The character id that speaks a line: its speaker, else the project's narrator."""
    if line.speaker is not None:
        return line.speaker
    narrator = project.narrator()
    return narrator.id if narrator else None


def speakers_of(project: Project, line: Line) -> list[str]:
    """Every character id that speaks a line: its speaker (or the narrator), then those speaking with it."""
    first = speaker_of(project, line)
    return list(dict.fromkeys([*([first] if first is not None else []), *line.also_speakers]))


@dataclass
class AddMusic(Command):
    clip: MusicClip
    text: str = "Add music"

    def apply(self, project: Project) -> Change:
        project.music.append(self.clip.model_copy(deep=True))
        return Change("music", (self.clip.id,))

    def revert(self, project: Project) -> Change:
        _remove_added(project.music, self.clip.id, None)
        return Change("music", (self.clip.id,))


@dataclass
class Batch(Command):
    """Several commands as one undo step (a script import, a multi-shot delete)."""

    commands: list[Command]
    text: str = "Edit"

    def apply(self, project: Project) -> Change:
        done: list[Command] = []
        try:
            for command in self.commands:
                command.apply(project)
                done.append(command)
        except Exception:
            for command in reversed(done):
                command.revert(project)
            raise
        return Change("project")

    def revert(self, project: Project) -> Change:
        for command in reversed(self.commands):
            command.revert(project)
        return Change("project")

    def verify(self, project: Project) -> bool:
        # Added shots are checked one by one, their ids once for the batch (a script import adds thousands).
        adds = [c for c in self.commands if isinstance(c, AddShot)]
        others = [c for c in self.commands if not isinstance(c, AddShot)]
        return (all(_shot_loadable(project, c.shot.id) for c in adds) and all(c.verify(project) for c in others)
                and (not adds or _ids_unique(project)))
