"""A screenplay's places become locations and its shots name who and where is in them; a re-import adds
nothing twice; undo of an import takes back what it added."""

from __future__ import annotations

from studio.script.importer import import_fountain
from studio.script.script_elements import location_name

SCRIPT = """Title: Gull Rock

INT. LIGHTHOUSE - LAMP ROOM - NIGHT

The KEEPER trims the wick.

KEEPER
Forty years of this light.

EXT. GULL ROCK - DAWN

A boat rounds the point. The DAUGHTER waves.

DAUGHTER
Dad! Time to come home.

INT. LIGHTHOUSE - STAIRS - DAWN

He climbs down, slowly.
"""


def test_scene_places_become_locations_and_shots_name_their_cast(document, script_file) -> None:
    assert location_name("INT. LIGHTHOUSE - LAMP ROOM - NIGHT") == "Lighthouse"
    assert location_name("EXT. GULL ROCK - DAWN") == "Gull Rock" and location_name(None) is None
    import_fountain(document, script_file(SCRIPT))
    project = document.project
    assert [loc.name for loc in project.locations] == ["Lighthouse", "Gull Rock"]
    names = {e.id: e.name for e in project.elements()}
    casts = [[names[i] for i in shot.cast] for shot in project.shots]
    assert ["Lighthouse", "Keeper"] in casts and ["Gull Rock", "Daughter"] in casts
    assert all(cast and cast[0] in ("Lighthouse", "Gull Rock") for cast in casts)
    assert not any("Narrator" in cast for cast in casts)

    # A re-import adds nothing twice (who speaks in a shot is in it, so the script's speakers come back).
    before = [list(s.cast) for s in project.shots]
    import_fountain(document, script_file(SCRIPT))
    assert [loc.name for loc in document.project.locations] == ["Lighthouse", "Gull Rock"]
    assert [list(s.cast) for s in document.project.shots] == before

    document.undo()
    assert [loc.name for loc in document.project.locations] == ["Lighthouse", "Gull Rock"]  # the first import's
