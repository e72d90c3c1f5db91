"""OTIO, OTIOZ, FCPXML, EDL and subtitle files written without rendering video."""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile

import opentimelineio as otio
import pytest
import srt
from cut_film_factory import ShotSpec, add_card, add_line, add_music, make_clip, make_film

from studio.cut import CutError, export_interchange
from studio.project import Take


@pytest.fixture(scope="module")
def film(tmp_path_factory):
    root = tmp_path_factory.mktemp("interchange")
    film = make_film(root, [
        ShotSpec("red", frames=24),
        ShotSpec("lime", frames=24, transition="crossfade", transition_frames=6),
        ShotSpec("blue", frames=12),
    ])
    alt = Take(media="media/takes/s0/alt.mp4", fps=24, frame_count=24, seed=7, model_id="other-model")
    make_clip(film.bundle / alt.media, "white", 24, 24, (160, 90))
    film.project.shots[0].takes.insert(0, alt)
    film.project.shots[0].takes[1].trim_in = 2
    film.project.shots[0].takes[1].frame_count = 24
    add_line(film, "shot_0", "First line.", offset_frames=4, seconds=0.5)
    add_line(film, "shot_0", "Overlapping line.", offset_frames=8, seconds=0.5)
    add_music(film, seconds=4)
    add_card(film, "The End", "credits", 12)
    return film


def test_otio_has_clips_ranges_transitions_and_metadata(film, tmp_path):
    path = export_interchange(film, tmp_path / "cut.otio", "otio")
    timeline = otio.adapters.read_from_file(str(path))
    video = timeline.video_tracks()
    assert len(video) == 1
    items = list(video[0])
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Clip", "Transition", "Clip", "Clip", "Gap"]
    red, fade, lime, blue, credits = items
    # a 6-frame crossfade is a dissolve centred on a cut 3 frames into the overlap
    assert (fade.in_offset.value, fade.out_offset.value) == (3, 3)
    assert red.source_range.start_time.value == 2 and red.source_range.duration.value == 21
    assert lime.source_range.start_time.value == 3 and lime.source_range.duration.value == 21
    assert blue.source_range.duration.value == 12 and credits.source_range.duration.value == 12
    assert timeline.duration().value == film.project.total_frames() + 12
    meta = red.metadata["storyreel"]
    shot = film.project.shots[0]
    assert meta["shot_id"] == "shot_0" and meta["prompt"] == shot.prompt and meta["seed"] == 100
    assert meta["model"] == "test-model" and meta["active_take"] == shot.active_take
    assert [a["take_id"] for a in meta["alternate_takes"]] == [shot.takes[0].id]
    assert meta["alternate_takes"][0]["model"] == "other-model"
    assert red.media_reference.target_url.endswith("media/takes/s0/clip.mp4")
    audio = timeline.audio_tracks()
    assert [t.name for t in audio] == ["Narration 1", "Narration 2", "Music"]
    first = next(iter(audio[0].find_clips()))
    assert first.range_in_parent().start_time.value == 4 and first.metadata["storyreel"]["text"] == "First line."


def test_otioz_carries_the_media(film, tmp_path):
    path = export_interchange(film, tmp_path / "cut.otioz", "otioz")
    with zipfile.ZipFile(path) as bundle:
        names = bundle.namelist()
    assert "content.otio" in names
    assert sum(n.startswith("media/") and n.endswith(".mp4") for n in names) == 3
    assert sum(n.endswith(".wav") for n in names) == 3
    timeline = otio.adapters.read_from_file(str(path))
    assert all(c.media_reference.target_url.startswith("media/") for c in timeline.find_clips())


def test_fcpxml_and_edl_through_the_adapters(film, tmp_path):
    fcp = export_interchange(film, tmp_path / "cut.fcpxml", "fcpxml")
    root = ET.parse(fcp).getroot()
    assert root.tag == "fcpxml"
    assert len(root.findall(".//asset")) >= 3 and root.find(".//sequence") is not None
    edl = export_interchange(film, tmp_path / "cut.edl", "edl").read_text()
    assert "TITLE:" in edl and "SHOT001" in edl and "SHOT002" in edl
    assert " D 006 " in edl.replace("    ", " ")


def test_subtitle_sidecars(film, tmp_path):
    cues = list(srt.parse(export_interchange(film, tmp_path / "cut.srt", "srt").read_text()))
    assert [c.start.total_seconds() for c in cues] == pytest.approx([4 / 24, 8 / 24], abs=0.0006)
    vtt = export_interchange(film, tmp_path / "cut.vtt", "vtt").read_text()
    assert vtt.startswith("WEBVTT") and "00:00:00.333 -->" in vtt


def test_unknown_format_is_refused(film, tmp_path):
    with pytest.raises(CutError, match="unknown format"):
        export_interchange(film, tmp_path / "cut.aaf", "aaf")
    assert not (tmp_path / "cut.aaf").exists()
