"""Edits back from other editors: our own exports recut with OpenTimelineIO, and files as DaVinci Resolve writes
them (an EDL matched by clip name, FCPXML matched by source file), read with the real adapters."""

from __future__ import annotations

import zipfile
from pathlib import Path

import opentimelineio as otio
import pytest
from recut_edits import assert_recut_applied, make_recut_film, recut

from studio.cut import export_interchange
from studio.cut.edit_changes import NOT_IN_EDIT, ReorderShots, import_edit, plan_edit_import
from studio.cut.edit_reading import EditImportError
from studio.project import Project, ProjectDocument, Shot, Transition
from studio.project.commands import edit_shot


@pytest.fixture
def film(tmp_path: Path) -> ProjectDocument:
    return make_recut_film(tmp_path)


def _state(film: ProjectDocument) -> dict:
    return film.project.model_dump(mode="json")


def test_recut_otio_applies_order_trims_dissolve_and_left_out_shot_in_one_undo(film, tmp_path: Path) -> None:
    before = _state(film)
    trims = {"trim_in", "trim_out"}
    takes_before = {s.id: [t.model_dump(exclude=trims) for t in s.takes] for s in film.project.shots}
    edit = recut(export_interchange(film, tmp_path / "cut.otio", "otio"), tmp_path / "recut.otio",
                 stranger=tmp_path / "elsewhere" / "harbour.mp4")
    plan = import_edit(film, edit)
    assert_recut_applied(film)
    assert {m.rule for m in plan.matches.matched} == {"shot metadata"}
    assert [(u.clip.name, u.clip.position) for u in plan.unmatched] == [("harbour b-roll", 4)]
    assert "no take of this project" in plan.unmatched[0].reason
    # every take is still there, as it was but for the trim the edit gave it
    assert {s.id: [t.model_dump(exclude=trims) for t in s.takes] for s in film.project.shots} == takes_before
    report = "\n".join(plan.report(film.project))
    assert "shot 1 (shot_3)" in report and "moved from place 4" in report
    assert "take " in report and "trimmed to 5..24" in report and "cut -> crossfade 4 frames" in report
    assert "not in the edit (1;" in report and "(shot_2) 'a blue frame'" in report
    assert "unmatched clips (1; not applied):" in report and "clip 4 'harbour b-roll'" in report
    film.undo()  # one step puts everything back
    assert _state(film) == before and not film.can_undo


def test_a_second_import_of_the_same_edit_changes_nothing_and_a_shot_back_in_the_edit_loses_its_flag(
        film, tmp_path: Path) -> None:
    exported = export_interchange(film, tmp_path / "cut.otio", "otio")
    import_edit(film, recut(exported, tmp_path / "recut.otio"))
    again = import_edit(film, tmp_path / "recut.otio")
    assert again.command is None and "nothing to change" in "\n".join(again.report(film.project))
    back = import_edit(film, exported)  # the first cut again: blue returns
    assert [s.id for s in film.project.shots] == ["shot_0", "shot_1", "shot_2", "shot_3"]
    assert NOT_IN_EDIT not in film.project.shot("shot_2").flags and not back.left_out
    assert film.project.shot("shot_3").active().trim_in == 0 and film.project.shot("shot_3").duration_frames == 24


@pytest.mark.parametrize("fmt", ["otio", "otioz", "edl"])
def test_an_untouched_export_changes_nothing(film, tmp_path: Path, fmt: str) -> None:
    before = _state(film)
    plan = import_edit(film, export_interchange(film, tmp_path / f"cut.{fmt}", fmt))
    assert plan.command is None and not plan.unmatched and not plan.left_out
    assert len(plan.matches.matched) == 4 and _state(film) == before


def test_dry_run_plans_without_changing(film, tmp_path: Path) -> None:
    before = _state(film)
    edit = recut(export_interchange(film, tmp_path / "cut.otio", "otio"), tmp_path / "recut.otio")
    plan = import_edit(film, edit, dry_run=True)
    assert plan.command is not None and len(plan.updates) == 3 and plan.left_out == ("shot_2",)
    assert _state(film) == before and not film.can_undo and not film.dirty


def test_fcp7_xml_of_the_recut_matches_by_source_file(film, tmp_path: Path) -> None:
    edit = recut(export_interchange(film, tmp_path / "cut.otio", "otio"), tmp_path / "recut.otio")
    xml = tmp_path / "recut.xml"  # FCP 7 XML, as Premiere writes it: no Storyreel metadata survives
    xml.write_text(otio.adapters.write_to_string(otio.adapters.read_from_file(str(edit)), adapter_name="fcp_xml"),
                   encoding="utf-8")
    plan = import_edit(film, xml)
    assert {m.rule for m in plan.matches.matched} == {"source file"}
    assert [s.id for s in film.project.shots] == ["shot_3", "shot_0", "shot_1", "shot_2"]
    assert film.project.shot("shot_3").active().trim_in == 5
    assert film.project.shot("shot_2").flags == [NOT_IN_EDIT]


# --- as DaVinci Resolve writes them ----------------------------------------------------------------------

# Resolve's EDL: record time from 01:00:00:00, reel AX (no reel names), the clip names in "* FROM CLIP NAME:"
# comments (here the names our export gave the clips), a dissolve as a two-line event with "* TO CLIP NAME:",
# and a Fusion title the project knows nothing of.
RESOLVE_EDL = """TITLE: Test film (Resolve)
FCM: NON-DROP FRAME

001  AX       V     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00
* FROM CLIP NAME: 003 a blue frame

002  AX       V     C        00:00:01:00 00:00:01:00 01:00:01:00 01:00:01:00
002  AX       V     D    008 00:00:00:04 00:00:01:04 01:00:01:00 01:00:02:00
* FROM CLIP NAME: 003 a blue frame
* TO CLIP NAME: 001 a red frame

003  AX       V     C        00:00:00:00 00:00:01:00 01:00:02:00 01:00:03:00
* FROM CLIP NAME: 002 a green frame

004  AX       V     C        00:00:00:00 00:00:00:12 01:00:03:00 01:00:03:12
* FROM CLIP NAME: Fusion Title
"""


def test_resolve_edl_matches_by_clip_name(film, tmp_path: Path) -> None:
    before = _state(film)
    edl = tmp_path / "Timeline 1.edl"
    edl.write_text(RESOLVE_EDL.replace("\n", "\r\n"), encoding="utf-8")  # Resolve writes CRLF
    plan = import_edit(film, edl)
    assert {m.rule for m in plan.matches.matched} == {"clip name"}
    project = film.project
    assert [s.id for s in project.shots] == ["shot_2", "shot_0", "shot_1", "shot_3"]
    blue, red, green, yellow = project.shots
    # the dissolve starts on the cut: blue plays 8 more frames under it, red starts at source frame 4
    assert blue.duration_frames == 32 and (blue.active().trim_in, blue.active().trim_out) == (0, 32)
    assert (red.transition.kind, red.transition.duration_frames) == ("crossfade", 8)
    assert red.duration_frames == 24 and (red.active().trim_in, red.active().trim_out) == (4, 28)
    assert green.transition.kind == "cut" and green.duration_frames == 24
    assert yellow.flags == [NOT_IN_EDIT]
    assert [(u.clip.name, u.clip.position) for u in plan.unmatched] == [("Fusion Title", 4)]
    assert "not an exported shot name" in plan.unmatched[0].reason
    film.undo()
    assert _state(film) == before


def _resolve_fcpxml(bundle: Path, style: str) -> str:
    """FCPXML as Resolve exports it: the sequence at 01:00:00:00, asset-clips named after the media pool clip
    ("clip.mp4" for every take), assets pointing at the files (``src`` up to 1.8, ``<media-rep>`` from 1.9),
    a centred Cross Dissolve in the spine, and a clip of a file from outside the project."""
    def asset(rid: str, path: str) -> str:
        url = path if "://" in path else (bundle / path).as_uri()
        if style == "1.8":
            return (f'<asset id="{rid}" name="clip.mp4" start="0/1s" duration="48/24s" hasVideo="1" hasAudio="0" '
                    f'format="r0" src="{url}"/>')
        return (f'<asset id="{rid}" name="clip.mp4" start="0/1s" duration="48/24s" hasVideo="1" hasAudio="0" '
                f'format="r0"><media-rep kind="original-media" src="{url}"/></asset>')

    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE fcpxml>
<fcpxml version="{'1.8' if style == '1.8' else '1.10'}">
    <resources>
        <format id="r0" name="FFVideoFormat160x90p24" frameDuration="1/24s" width="160" height="90"/>
        {asset("r1", "media/takes/s0/clip.mp4")}
        {asset("r2", "media/takes/s2/clip.mp4")}
        {asset("r3", "media/takes/s1/clip.mp4")}
        {asset("r4", "file:///Volumes/Media/B-roll/harbour.mov")}
        <effect id="r5" name="Cross Dissolve" uid="FxPlug:4731E73A-8DAC-4113-9A30-AE85B1761265"/>
    </resources>
    <library>
        <event name="Timeline 1 (Resolve)">
            <project name="Timeline 1 (Resolve)">
                <sequence format="r0" duration="78/24s" tcStart="3600/1s" tcFormat="NDF" audioLayout="stereo" audioRate="48k">
                    <spine>
                        <asset-clip name="clip.mp4" ref="r1" offset="3600/1s" duration="21/24s" start="0/1s" format="r0" tcFormat="NDF" enabled="1"/>
                        <transition name="Cross Dissolve" offset="86418/24s" duration="6/24s">
                            <filter-video ref="r5" name="Cross Dissolve"/>
                        </transition>
                        <asset-clip name="clip.mp4" ref="r2" offset="86421/24s" duration="21/24s" start="3/24s" format="r0" tcFormat="NDF" enabled="1"/>
                        <asset-clip name="clip.mp4" ref="r3" offset="86442/24s" duration="24/24s" start="0/1s" format="r0" tcFormat="NDF" enabled="1"/>
                        <asset-clip name="harbour.mov" ref="r4" offset="86466/24s" duration="12/24s" start="0/1s" format="r0" tcFormat="NDF" enabled="1"/>
                    </spine>
                </sequence>
            </project>
        </event>
    </library>
</fcpxml>
"""


@pytest.mark.parametrize("style", ["1.8", "1.10"])
def test_resolve_fcpxml_matches_by_source_file(film, tmp_path: Path, style: str) -> None:
    before = _state(film)
    path = tmp_path / "Timeline 1.fcpxml"
    path.write_text(_resolve_fcpxml(film.bundle, style), encoding="utf-8")
    plan = import_edit(film, path)
    assert {m.rule for m in plan.matches.matched} == {"source file"}
    project = film.project
    assert [s.id for s in project.shots] == ["shot_0", "shot_2", "shot_1", "shot_3"]
    red, blue, green, yellow = project.shots
    # a centred 6-frame dissolve: red lends 3 frames after the cut, blue 3 before it
    assert red.duration_frames == 24 and (red.active().trim_in, red.active().trim_out) == (0, None)
    assert (blue.transition.kind, blue.transition.duration_frames) == ("crossfade", 6)
    assert blue.duration_frames == 24 and blue.active().trim_in == 0
    assert green.transition.kind == "cut"
    assert yellow.flags == [NOT_IN_EDIT]
    assert [u.clip.name for u in plan.unmatched] == ["harbour.mov"]
    assert "/Volumes/Media/B-roll/harbour.mov is no take of this project" in plan.unmatched[0].reason
    film.undo()
    assert _state(film) == before


# --- bad input -------------------------------------------------------------------------------------------

def _corrupt(tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"broken{suffix}"
    if suffix == ".otioz":
        with zipfile.ZipFile(path, "w") as bundle:
            bundle.writestr("content.otio", '{"OTIO_SCHEMA": "Timeline.1", "tracks": ')
    else:
        path.write_bytes({".otio": b'{"OTIO_SCHEMA": "Timeline.1", "tracks": ', ".fcpxml": b"<fcpxml><resources>",
                          ".xml": b"<xmeml version='5'><sequence>", ".edl": b"TITLE: x\n\nthis is no event\n"}[suffix])
    return path


@pytest.mark.parametrize("suffix", [".otio", ".otioz", ".fcpxml", ".xml", ".edl"])
def test_a_corrupt_edit_is_one_clear_error_and_changes_nothing(film, tmp_path: Path, suffix: str) -> None:
    before = _state(film)
    with pytest.raises(EditImportError, match=f"broken{suffix}: cannot read this edit"):
        import_edit(film, _corrupt(tmp_path, suffix))
    assert _state(film) == before and not film.can_undo


def test_unknown_extension_missing_file_and_folder_are_refused(film, tmp_path: Path) -> None:
    notes = tmp_path / "cut.txt"
    notes.write_text("001 a red frame\n", encoding="utf-8")
    with pytest.raises(EditImportError, match=r"cut.txt: not an edit file .*\.otio, \.otioz, \.fcpxml, \.xml, \.edl"):
        plan_edit_import(film, notes)
    with pytest.raises(Exception, match="edit not found"):
        plan_edit_import(film, tmp_path / "gone.otio")
    folder = tmp_path / "folder.edl"
    folder.mkdir()
    with pytest.raises(Exception, match="this is a folder"):
        plan_edit_import(film, folder)
    other = tmp_path / "other.xml"
    other.write_text("<svg/>", encoding="utf-8")
    with pytest.raises(EditImportError, match="neither FCPXML nor FCP 7 XML"):
        plan_edit_import(film, other)
    assert not film.can_undo


def test_an_edit_that_matches_nothing_is_refused(film, tmp_path: Path) -> None:
    before = _state(film)
    edl = tmp_path / "someone else.edl"
    edl.write_text("TITLE: x\nFCM: NON-DROP FRAME\n\n"
                   "001  AX       V     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n"
                   "* FROM CLIP NAME: A001_C003_0815.mov\n", encoding="utf-8")
    with pytest.raises(EditImportError, match="none of its 1 clips matches a shot of this project, so nothing was "
                                              "changed .*A001_C003_0815.mov"):
        import_edit(film, edl)
    assert _state(film) == before and not film.can_undo


def test_an_untouched_fcpxml_export_of_a_cut_only_film_changes_nothing(film, tmp_path: Path) -> None:
    # the fcpx_xml adapter writes no transitions, so the film has none here (see edit_changes for dissolves in)
    film.execute(edit_shot("shot_1", transition=Transition()))
    before = _state(film)
    plan = import_edit(film, export_interchange(film, tmp_path / "cut.fcpxml", "fcpxml"))
    assert plan.command is None and {m.rule for m in plan.matches.matched} == {"source file"}
    assert _state(film) == before


def test_black_gaps_and_speed_changes_are_noted_not_lost_silently(film, tmp_path: Path) -> None:
    timeline = otio.adapters.read_from_file(str(export_interchange(film, tmp_path / "cut.otio", "otio")))
    track = timeline.video_tracks()[0]
    blue = next(i for i in track if isinstance(i, otio.schema.Clip) and i.metadata["storyreel"]["shot_id"] == "shot_2")
    track.insert(list(track).index(blue), otio.schema.Gap(duration=otio.opentime.RationalTime(12, 24)))
    blue.effects.append(otio.schema.LinearTimeWarp(time_scalar=2.0))
    edit = tmp_path / "gaps.otio"
    otio.adapters.write_to_file(timeline, str(edit))
    plan = import_edit(film, edit, dry_run=True)
    notes = "\n".join(plan.notes)
    assert "clip 3 '003 a blue frame' follows 12 frames of black" in notes
    assert "clip 3 '003 a blue frame' plays at 2x speed" in notes
    assert "note: clip 3" in "\n".join(plan.report(film.project))


def test_the_reorder_replays_onto_a_project_another_program_changed() -> None:
    project = Project(shots=[Shot(id=f"s{i}") for i in range(4)])
    reorder = ReorderShots(["s3", "s1", "s0", "s2"])
    reorder.apply(project)
    assert [s.id for s in project.shots] == ["s3", "s1", "s0", "s2"]
    reorder.revert(project)
    assert [s.id for s in project.shots] == ["s0", "s1", "s2", "s3"]
    # meanwhile s1 was deleted and s9 added elsewhere: the order still applies to what is there
    fresh = Project(shots=[Shot(id="s0"), Shot(id="s9"), Shot(id="s2"), Shot(id="s3")])
    reorder.apply(fresh)
    assert [s.id for s in fresh.shots] == ["s3", "s0", "s2", "s9"]
    reorder.revert(fresh)
    assert [s.id for s in fresh.shots] == ["s0", "s9", "s2", "s3"]


def test_fade_in_and_dips_that_interchange_files_do_not_carry_are_kept(film, tmp_path: Path) -> None:
    film.execute(edit_shot("shot_0", transition=Transition(kind="crossfade", duration_frames=6)))  # from black
    film.execute(edit_shot("shot_2", transition=Transition(kind="dip_to_black", duration_frames=8)))
    before = _state(film)
    for fmt in ("otio", "edl"):
        plan = import_edit(film, export_interchange(film, tmp_path / f"cut.{fmt}", fmt))
        assert plan.command is None and _state(film) == before
    # moved off the head of the film, the edit shows a cut where the fade from black was
    timeline = otio.adapters.read_from_file(str(tmp_path / "cut.otio"))
    track = timeline.video_tracks()[0]
    red = next(i for i in track if isinstance(i, otio.schema.Clip) and i.metadata["storyreel"]["shot_id"] == "shot_0")
    track.remove(red)
    track.append(red)
    otio.adapters.write_to_file(timeline, str(tmp_path / "red last.otio"))
    import_edit(film, tmp_path / "red last.otio")
    assert film.project.shots[-1].id == "shot_0" and film.project.shots[-1].transition.kind == "cut"
    assert film.project.shot("shot_2").transition.kind == "dip_to_black"


def test_black_in_an_edl_is_a_gap_not_an_unmatched_clip(film, tmp_path: Path) -> None:
    edl = tmp_path / "slug.edl"
    edl.write_text("TITLE: slug\nFCM: NON-DROP FRAME\n\n"
                   "001  AX       V     C        00:00:00:00 00:00:01:00 01:00:00:00 01:00:01:00\n"
                   "* FROM CLIP NAME: 001 a red frame\n\n"
                   "002  BL       V     C        00:00:00:00 00:00:00:12 01:00:01:00 01:00:01:12\n\n"
                   "003  AX       V     C        00:00:00:00 00:00:01:00 01:00:01:12 01:00:02:12\n"
                   "* FROM CLIP NAME: 002 a green frame\n", encoding="utf-8")
    plan = import_edit(film, edl)
    assert not plan.unmatched and len(plan.matches.matched) == 2
    assert plan.notes == ("clip 2 '002 a green frame' follows 12 frames of black in the edit; the project has no "
                          "gaps between shots, so it follows the previous shot directly",)
    assert [s.id for s in film.project.shots[:2]] == ["shot_0", "shot_1"]
