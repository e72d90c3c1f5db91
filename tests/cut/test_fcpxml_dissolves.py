"""Crossfades in our FCPXML: a Cross Dissolve ``<transition>`` in the spine, as Final Cut Pro and Resolve
write them, read back by the real fcpx_xml adapter through ``import-edit`` without a change to the project."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from cut_film_factory import ShotSpec, add_card, add_line, make_film
from recut_edits import make_recut_film

from studio.cut import build_timeline, export_interchange
from studio.cut.edit_changes import import_edit
from studio.cut.edit_reading import EditTransition, read_edit
from studio.cut.fcpxml_transitions import CROSS_DISSOLVE_UID
from studio.cut.plan import build_plan
from studio.project import ProjectDocument, Transition
from studio.project.commands import edit_shot


def _frames(text: str | None, rate: int) -> Fraction:
    """An FCPXML time ("18/24s", "7/8s", "0s") in frames at ``rate``."""
    return Fraction((text or "0s").rstrip("s")) * rate


def _spine(root: ET.Element) -> list[ET.Element]:
    return [child for child in root.find(".//sequence/spine") if child.get("lane") is None]


def _dissolves(root: ET.Element, rate: int) -> list[tuple[Fraction, Fraction]]:
    """(offset, duration) in frames of each transition in the spine, each checked to be a Cross Dissolve."""
    effects = {e.get("id"): e for e in root.iter("effect")}
    found = []
    for element in root.find(".//sequence/spine").iter("transition"):
        assert element.get("name") == "Cross Dissolve"
        effect = effects[element.find("filter-video").get("ref")]
        assert (effect.get("name"), effect.get("uid")) == ("Cross Dissolve", CROSS_DISSOLVE_UID)
        found.append((_frames(element.get("offset"), rate), _frames(element.get("duration"), rate)))
    return found


def _without_dissolves(root: ET.Element) -> str:
    """The document less its transitions and their effect, canonical (whitespace, attribute order aside)."""
    for parent in list(root.iter()):
        for child in list(parent):
            dissolve_effect = child.tag == "effect" and child.get("uid") == CROSS_DISSOLVE_UID
            if child.tag == "transition" or dissolve_effect:
                parent.remove(child)
    return ET.canonicalize(ET.tostring(root, encoding="unicode"), strip_text=True)


def _adapter_output(film: ProjectDocument) -> str:
    """What the fcpx_xml adapter alone writes for the film's cut (our FCPXML export before dissolves)."""
    timeline = build_timeline(build_plan(film.project, film.bundle), film.project)
    return otio.adapters.write_to_string(timeline, adapter_name="fcpx_xml")


def _state(film: ProjectDocument) -> dict:
    return film.project.model_dump(mode="json")


@pytest.fixture
def film(tmp_path: Path) -> ProjectDocument:
    """Four 24-frame shots at 24 fps on 48-frame takes; green crossfades in over 6 frames."""
    return make_recut_film(tmp_path)


def test_a_crossfade_is_a_centred_cross_dissolve_between_its_clips(film, tmp_path: Path) -> None:
    path = export_interchange(film, tmp_path / "cut.fcpxml", "fcpxml")
    root = ET.parse(path).getroot()
    spine = _spine(root)
    assert [e.tag for e in spine] == ["clip", "transition", "clip", "clip", "clip"]
    red, green = spine[0], spine[2]
    # the clips meet at the cut (21 = 24 - 3), the dissolve runs 3 frames either side of it
    cut = _frames(red.get("offset"), 24) + _frames(red.get("duration"), 24)
    assert cut == _frames(green.get("offset"), 24) == 21
    assert _dissolves(root, 24) == [(18, 6)]
    # green lends the 3 frames before the cut from its media: its source starts 3 frames in
    assert _frames(green.get("start"), 24) == 3 and _frames(green.get("duration"), 24) == 21
    assert _frames(root.find(".//sequence").get("duration"), 24) == film.project.total_frames() == 90
    # and nothing else of the adapter's document changed
    assert _without_dissolves(root) == _without_dissolves(ET.fromstring(_adapter_output(film)))


def test_the_exported_dissolve_and_shot_lengths_come_back_and_change_nothing(film, tmp_path: Path) -> None:
    before = _state(film)
    path = export_interchange(film, tmp_path / "cut.fcpxml", "fcpxml")
    edit = read_edit(path)
    assert [c.frames for c in edit.clips] == [24, 24, 24, 24]
    assert [c.source_in for c in edit.clips] == [0, 0, 0, 0]
    assert [c.transition_in for c in edit.clips] == [None, EditTransition("crossfade", 6), None, None]
    plan = import_edit(film, path)
    assert plan.command is None and not plan.unmatched and not plan.left_out
    assert {m.rule for m in plan.matches.matched} == {"source file"} and len(plan.matches.matched) == 4
    assert _state(film) == before and not film.can_undo


def test_dissolves_after_a_title_card_at_25_fps_are_counted_in_its_frames(tmp_path: Path) -> None:
    # an odd dissolve (5 frames: 2 before the cut, 3 after) and one on each side of the second shot
    def shot(colour: str, frames: int, crossfade: int = 0) -> ShotSpec:
        return ShotSpec(colour, frames=frames, take_fps=25, take_frames=50,
                        transition="crossfade" if crossfade else "cut", transition_frames=crossfade)

    shots = [shot("red", 25), shot("green", 30, 5), shot("blue", 25, 8), shot("yellow", 20)]
    film = make_film(tmp_path, shots, fps=25)
    add_card(film, "Storm Light", "title", 10)
    add_line(film, "shot_1", "The lamp is lit.", seconds=0.5)
    before = _state(film)
    path = export_interchange(film, tmp_path / "cut.fcpxml", "fcpxml")
    root = ET.parse(path).getroot()
    tags = ["gap", "clip", "transition", "clip", "transition", "clip", "clip"]
    assert [e.tag for e in _spine(root)] == tags
    # the cuts at 10 + 22 (the card, red less the 3 it lends) and 32 + 24 (green less the 2 and 4 it lends)
    assert _dissolves(root, 25) == [(10 + 22 - 2, 5), (10 + 22 + 30 - 2 - 4 - 4, 8)]
    assert all(t.get("offset").endswith("/25s") for t in root.iter("transition"))
    assert _without_dissolves(root) == _without_dissolves(ET.fromstring(_adapter_output(film)))
    edit = read_edit(path)
    assert [c.frames for c in edit.clips] == [25, 30, 25, 20]
    assert [c.transition_in for c in edit.clips] == [None, EditTransition("crossfade", 5),
                                                     EditTransition("crossfade", 8), None]
    plan = import_edit(film, path)
    assert plan.command is None and not plan.unmatched
    assert _state(film) == before


def test_a_film_without_crossfades_exports_what_the_adapter_writes(film, tmp_path: Path) -> None:
    film.execute(edit_shot("shot_1", transition=Transition()))
    add_card(film, "The End", "credits", 12)
    path = export_interchange(film, tmp_path / "cut.fcpxml", "fcpxml")
    text = path.read_text(encoding="utf-8")
    assert text == _adapter_output(film)
    assert "<transition" not in text and CROSS_DISSOLVE_UID not in text
