"""The elements a screenplay names: each scene heading's place becomes a location, and every imported shot
names its location and the characters who speak in it (``Shot.cast``).

One command, applied inside the import's undo step after the shots and lines are in: it reads the project as
the import left it, so a re-import casts new shots and keeps what the user ticked on old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from studio.project.commands import Change, Command
from studio.project.model import Location, Project

from .scene_heading import parse_heading


def location_name(heading: str | None) -> str | None:
    """'INT. LIGHTHOUSE - LAMP ROOM - NIGHT' -> 'Lighthouse' (the heading's first place), or None."""
    if not heading:
        return None
    places = parse_heading(heading).places
    if not places or not places[0].strip():
        return None
    return places[0].strip()[:200].title()


@dataclass
class CastScriptShots(Command):
    text: str = "Name the script's locations and cast in its shots"
    _added: list[str] = field(default_factory=list)
    _old_cast: dict[str, list[str]] = field(default_factory=dict)

    def apply(self, project: Project) -> Change:
        self._added, self._old_cast = [], {}
        by_name = {e.name.casefold(): e.id for e in project.elements()}
        narrators = {c.id for c in project.cast if c.is_narrator}  # heard, not seen: not "in" the shot
        speakers: dict[str, list[str]] = {}
        for line in project.lines:
            voices = [line.speaker, *line.also_speakers]
            speakers.setdefault(line.shot_id, []).extend(v for v in voices if v and v not in narrators)
        for shot in project.shots:
            wanted = list(speakers.get(shot.id, []))
            place = location_name(shot.scene)
            if place is not None:
                if place.casefold() not in by_name:
                    location = Location(name=place)
                    project.locations.append(location)
                    by_name[place.casefold()] = location.id
                    self._added.append(location.id)
                wanted.insert(0, by_name[place.casefold()])
            cast = list(dict.fromkeys([*shot.cast, *wanted]))
            if cast != shot.cast:
                self._old_cast[shot.id] = list(shot.cast)
                shot.cast = cast
        return Change("project")

    def revert(self, project: Project) -> Change:
        for shot_id, cast in self._old_cast.items():
            project.shot(shot_id).cast = cast
        project.locations[:] = [loc for loc in project.locations if loc.id not in self._added]
        return Change("project")
