"""A small film exported for another editor, and the recut a filmmaker makes of it there (with OpenTimelineIO).

Shared by the cut, CLI and editor tests of ``import-edit``. The film: four 24-frame shots at 24 fps (red, green,
blue, yellow), each with a 48-frame take so there is media to trim into, green crossfading in over 6 frames, and
a line on blue. The recut: yellow moves to the front and is trimmed to source frames 5..20, a dissolve starting
on the cut (4 frames of yellow's tail) leads into red, and blue is left out.
"""

from __future__ import annotations

from pathlib import Path

import opentimelineio as otio
from cut_film_factory import ShotSpec, add_line, make_clip, make_film

from studio.project import ProjectDocument

COLOURS = ("red", "green", "blue", "yellow")


def make_recut_film(root: Path) -> ProjectDocument:
    film = make_film(root, [ShotSpec(c, frames=24, take_frames=48,
                                     transition="crossfade" if c == "green" else "cut",
                                     transition_frames=6 if c == "green" else 0) for c in COLOURS])
    add_line(film, "shot_2", "The blue hour.", seconds=None)
    return film


def _frames(value: int) -> otio.opentime.RationalTime:
    return otio.opentime.RationalTime(value, 24)


def recut(exported: Path, out: Path, *, stranger: Path | None = None) -> Path:
    """Write ``out``: the recut of the exported OTIO ``exported`` (see the module doc). With ``stranger``, a clip
    of a file that is no part of the project is added at the end (a clip the import must list as unmatched)."""
    timeline = otio.adapters.read_from_file(str(exported))
    track = timeline.video_tracks()[0]
    clips = {item.metadata["storyreel"]["shot_id"]: item for item in track if isinstance(item, otio.schema.Clip)}
    red, blue, yellow = clips["shot_0"], clips["shot_2"], clips["shot_3"]
    track.remove(blue)
    track.remove(yellow)
    yellow.source_range = otio.opentime.TimeRange(_frames(5), _frames(15))
    track.insert(0, yellow)
    track.insert(1, otio.schema.Transition(name="Cross Dissolve",
                                           transition_type=otio.schema.TransitionTypes.SMPTE_Dissolve,
                                           in_offset=_frames(0), out_offset=_frames(4)))
    assert list(track).index(red) == 2
    if stranger is not None:
        make_clip(stranger, "white", 24, 24, (160, 90))
        track.append(otio.schema.Clip(
            name="harbour b-roll", source_range=otio.opentime.TimeRange(_frames(0), _frames(12)),
            media_reference=otio.schema.ExternalReference(target_url=stranger.resolve().as_uri())))
    otio.adapters.write_to_file(timeline, str(out))
    return out


def assert_recut_applied(film: ProjectDocument) -> None:
    """The project follows ``recut``: order, yellow's trim, the new dissolve, blue flagged at the end."""
    project = film.project
    assert [s.id for s in project.shots] == ["shot_3", "shot_0", "shot_1", "shot_2"]
    yellow, red, green, blue = project.shots
    # yellow shows 15 frames plus the 4 its tail lends the dissolve: 19 frames from source frame 5
    assert yellow.duration_frames == 19
    assert (yellow.active().trim_in, yellow.active().trim_out) == (5, 24)
    assert yellow.transition.kind == "cut"
    assert (red.transition.kind, red.transition.duration_frames) == ("crossfade", 4)
    assert red.duration_frames == 24 and (red.active().trim_in, red.active().trim_out) == (0, None)
    assert (green.transition.kind, green.transition.duration_frames) == ("crossfade", 6)
    assert green.duration_frames == 24 and green.active().trim_in == 0
    assert blue.flags == ["not_in_edit"] and not any("not_in_edit" in s.flags for s in (yellow, red, green))
    assert [len(s.takes) for s in project.shots] == [1, 1, 1, 1]
    assert [line.shot_id for line in project.lines] == ["shot_2"]
