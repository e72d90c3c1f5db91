"""Undoable edits of keyframes (a shot's stills) and of elements (the characters and locations shots name)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .commands import Change, Command, SetFields, edit_shot
from .errors import StoryreelError
from .model import Character, Keyframe, Location, Project


@dataclass
class AddKeyframe(Command):
    """A new still of a shot (imported or generated), by default its active keyframe."""

    shot_id: str
    keyframe: Keyframe
    make_active: bool = True
    text: str = "Add keyframe"
    _previous: str | None = None

    def apply(self, project: Project) -> Change:
        shot = project.shot(self.shot_id)
        self._previous = shot.reference
        shot.keyframes.append(self.keyframe.model_copy(deep=True))
        if self.make_active or shot.reference is None:
            shot.reference = self.keyframe.media
        return Change("shots", (self.shot_id,))

    def revert(self, project: Project) -> Change:
        shot = project.shot(self.shot_id)
        shot.keyframes[:] = [k for k in shot.keyframes if k.id != self.keyframe.id]
        shot.reference = self._previous
        return Change("shots", (self.shot_id,))


@dataclass
class RemoveKeyframe(Command):
    """Takes a keyframe off the shot (its file stays in media/, so undo is exact); the active one leaves the
    shot without a still unless another keyframe is chosen."""

    shot_id: str
    keyframe_id: str
    text: str = "Delete keyframe"
    _keyframe: Keyframe | None = None
    _index: int = 0
    _previous: str | None = None

    def apply(self, project: Project) -> Change:
        shot = project.shot(self.shot_id)
        self._keyframe = shot.keyframe(self.keyframe_id)
        self._index = shot.keyframes.index(self._keyframe)
        self._previous = shot.reference
        shot.keyframes.pop(self._index)
        if shot.reference == self._keyframe.media:
            shot.reference = None
        return Change("shots", (self.shot_id,))

    def revert(self, project: Project) -> Change:
        assert self._keyframe is not None
        shot = project.shot(self.shot_id)
        shot.keyframes.insert(self._index, self._keyframe)
        shot.reference = self._previous
        return Change("shots", (self.shot_id,))


def set_active_keyframe(project: Project, shot_id: str, keyframe_id: str | None) -> SetFields:
    """Choose the keyframe the shot animates (None: no still, the shot becomes a story card)."""
    shot = project.shot(shot_id)
    media = shot.keyframe(keyframe_id).media if keyframe_id is not None else None
    return SetFields("shot", (shot_id,), {"reference": media}, text="Choose keyframe")


# --- elements ------------------------------------------------------------------------------------------------

@dataclass
class AddElement(Command):
    """A character (to the cast) or a location."""

    element: Character | Location
    text: str = "Add element"

    def apply(self, project: Project) -> Change:
        if project.element_by_name(self.element.name) is not None:
            raise StoryreelError(f"there is already a character or location named {self.element.name!r}")
        group = project.cast if isinstance(self.element, Character) else project.locations
        group.append(self.element.model_copy(deep=True))  # type: ignore[arg-type]
        return Change("cast", (self.element.id,))

    def revert(self, project: Project) -> Change:
        group = project.cast if isinstance(self.element, Character) else project.locations
        group[:] = [e for e in group if e.id != self.element.id]  # type: ignore[index]
        return Change("cast", (self.element.id,))


@dataclass
class RemoveElement(Command):
    """Removes a location, or a character who speaks no line; shots stop naming it (undo restores both)."""

    element_id: str
    text: str = "Remove element"
    _element: Character | Location | None = None
    _index: int = 0
    _shots: dict[str, list[str]] = field(default_factory=dict)

    def apply(self, project: Project) -> Change:
        element = project.element(self.element_id)
        spoken = [line for line in project.lines
                  if element.id == line.speaker or element.id in line.also_speakers]  # joint lines too
        if spoken:
            raise StoryreelError(f"{element.name} speaks {len(spoken)} line(s): give them to someone else first")
        group: list[Any] = project.cast if isinstance(element, Character) else project.locations
        self._element, self._index = element, group.index(element)
        self._shots = {s.id: list(s.cast) for s in project.shots if element.id in s.cast}
        group.pop(self._index)
        for shot_id in self._shots:
            shot = project.shot(shot_id)
            shot.cast = [i for i in shot.cast if i != element.id]
        return Change("cast", (self.element_id,))

    def revert(self, project: Project) -> Change:
        assert self._element is not None
        group: list[Any] = project.cast if isinstance(self._element, Character) else project.locations
        group.insert(self._index, self._element)
        for shot_id, cast in self._shots.items():
            project.shot(shot_id).cast = cast
        return Change("cast", (self.element_id,))


def edit_element(element_id: str, **values: Any) -> SetFields:
    return SetFields("element", (element_id,), values, text=f"Edit {', '.join(values)}")


def set_shot_cast(shot_id: str, element_ids: list[str]) -> SetFields:
    """Who and where is in the shot (ids of characters and locations, in the order given)."""
    return edit_shot(shot_id, cast=list(dict.fromkeys(element_ids)))
