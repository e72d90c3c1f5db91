"""The bundled example film (`make demo`, `make studio`): it opens, its media decode, its lines fit their shots,
and it ships no generated takes or narration (the demo makes those with the embedded defaults)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import cv2
import imageio_ffmpeg
import numpy as np
import pytest

from studio.cli.main import main as storyreel
from studio.project import store
from studio.project.model import Project

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "examples" / "the-lighthouse-keeper.storyreel"
WORDS_PER_SECOND = 2.5  # a calm narrator's pace; espeak at rate 150 wpm speaks exactly this
STILL_MAX_BYTES = 410 * 1024
MUSIC_MAX_BYTES = 3 * 1024 * 1024
SAMPLE_RATE = 48_000


@pytest.fixture(scope="module")
def example() -> Project:
    project, report = store.load(EXAMPLE)
    assert report.offline == [], f"example media missing: {report.offline}"
    assert report.upgraded_from is None
    return project


def test_document_is_a_clean_save_of_the_current_schema(example: Project) -> None:
    # Byte-identical to what store.save writes: the file was made through the API, not edited by hand.
    assert (EXAMPLE / store.DOCUMENT).read_bytes() == store.serialize(example)
    assert not (EXAMPLE / store.AUTOSAVE).exists()


def test_the_film_is_a_short_with_titles_cast_and_a_shape(example: Project) -> None:
    assert example.title == "The Lighthouse Keeper"
    assert (example.width, example.height, example.fps) == (1280, 720, 24)
    assert 8 <= len(example.shots) <= 12
    for shot in example.shots:
        assert 3 * example.fps <= shot.duration_frames <= 5 * example.fps, shot.id
        assert len(shot.prompt.split()) >= 15, f"{shot.id} needs a real shot description"
    assert len({shot.camera for shot in example.shots}) >= 7, "camera moves should vary"
    kinds = [shot.transition.kind for shot in example.shots]
    assert kinds[0] == "dip_to_black" and kinds[-1] == "dip_to_black"
    crossfades = [s.transition for s in example.shots if s.transition.kind == "crossfade"]
    assert len(crossfades) >= 2 and all(t.duration_frames == 12 for t in crossfades)
    assert {card.position for card in example.cards} == {"title", "credits"}
    narrator = example.narrator()
    assert narrator is not None and narrator.voice.provider == "espeak"
    names = {c.name for c in example.cast}
    assert {"Keeper", "Daughter"} <= names
    voices = {c.voice.voice_id for c in example.cast}
    assert len(voices) == len(example.cast), "each character needs a voice of its own"
    assert example.engine.backend == "animatic"


def test_reference_stills_exist_and_decode(example: Project) -> None:
    with_still = [shot for shot in example.shots if shot.reference]
    assert len(with_still) >= len(example.shots) - 3
    assert len(with_still) < len(example.shots), "at least one shot should show the engine's story card"
    for shot in with_still:
        path = store.resolve_media(EXAMPLE, shot.reference)
        assert path.is_file(), shot.reference
        assert path.stat().st_size <= STILL_MAX_BYTES, f"{shot.reference} is {path.stat().st_size} bytes"
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        assert image is not None, f"{shot.reference} does not decode"
        assert image.shape == (1080, 1920, 3)
        assert image.std() > 20, f"{shot.reference} is nearly flat"  # a picture, not a placeholder fill
        assert 25 < image.mean() < 230


def test_lines_anchor_to_shots_and_fit_them(example: Project) -> None:
    shot_ids = {shot.id for shot in example.shots}
    cast_ids = {c.id for c in example.cast}
    narrated = set()
    for line in example.lines:
        assert line.shot_id in shot_ids
        assert line.speaker is None or line.speaker in cast_ids
        shot = example.shot(line.shot_id)
        spoken_seconds = len(line.text.split()) / WORDS_PER_SECOND
        assert line.offset_frames / example.fps + spoken_seconds <= shot.duration_frames / example.fps, (
            f"{line.id} ({line.text!r}) runs past the end of {shot.id}")
        assert line.takes == [] and line.active_take is None and line.status == "pending"
        if line.speaker is None:
            narrated.add(line.shot_id)
    assert len(narrated) > len(example.shots) / 2, "the narrator should speak on most shots"
    speakers = {line.speaker for line in example.lines if line.speaker}
    assert len(speakers) >= 2  # the keeper and his daughter both speak


def test_lines_fit_by_the_voice_estimate_and_when_spoken(example: Project, tmp_path: Path) -> None:
    """No fit warnings in the studio, and espeak (the demo's voice) really finishes each line inside its shot."""
    from studio.voice import fit_report, get_provider, voice_for_line

    assert [fit.shot_id for fit in fit_report(example) if not fit.fits] == []
    espeak = get_provider("espeak")
    for line in example.lines:
        audio = espeak.synthesize(line.text, voice_for_line(example, line), tmp_path / f"{line.id}.wav")
        end = line.offset_frames / example.fps + audio.duration_seconds
        assert audio.duration_seconds > 1.0 and end <= example.shot(line.shot_id).duration_frames / example.fps, line.id


def _decode_audio(path: Path) -> np.ndarray:
    """The file as 48 kHz stereo float samples, decoded by the same ffmpeg the cut uses."""
    result = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "2",
         "-ar", str(SAMPLE_RATE), "-"], capture_output=True, check=True)
    return np.frombuffer(result.stdout, "<i2").reshape(-1, 2).astype(np.float32) / 32768


def test_music_decodes_and_outlasts_the_film(example: Project) -> None:
    assert len(example.music) == 1
    clip = example.music[0]
    assert clip.duck and -20 <= clip.gain_db <= -8
    path = store.resolve_media(EXAMPLE, clip.media)
    assert path.stat().st_size <= MUSIC_MAX_BYTES
    audio = _decode_audio(path)
    seconds = len(audio) / SAMPLE_RATE
    credits = sum(c.duration_frames for c in example.cards if c.position == "credits") / example.fps
    film = example.total_frames() / example.fps
    assert seconds >= film + credits  # the cut starts music at the first shot and plays it under the credits
    rms_db = 20 * np.log10(np.sqrt(np.mean(audio**2)))
    assert -30 < rms_db < -8, f"score level {rms_db:.1f} dBFS"
    assert np.abs(audio).max() < 0.99  # no clipping
    assert not np.allclose(audio[:, 0], audio[:, 1])  # a stereo bed, not mono twice


def test_bundle_holds_only_the_document_stills_and_music(example: Project) -> None:
    assert all(shot.takes == [] and shot.active_take is None for shot in example.shots)
    referenced = {shot.reference for shot in example.shots if shot.reference} | {m.media for m in example.music}
    files = {p.relative_to(EXAMPLE).as_posix() for p in EXAMPLE.rglob("*") if p.is_file()}
    assert files == referenced | {store.DOCUMENT, "cache/.gitkeep", "backups/.gitkeep"}


def test_no_absolute_paths_in_the_document() -> None:
    def strings(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    raw = json.loads((EXAMPLE / store.DOCUMENT).read_text("utf-8"))
    for text in strings(raw):
        assert not text.startswith(("/", "~")), text
        assert not re.match(r"^[A-Za-z]:[\\/]", text), text
        assert "\\" not in text and str(ROOT) not in text, text


def test_storyreel_info_opens_a_fresh_copy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / EXAMPLE.name
    shutil.copytree(EXAMPLE, copy)  # as a clone has it: elsewhere on disk, nothing but the tracked files
    assert storyreel(["info", str(copy), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["offline_media"] == [] and info["takes"] == 0
    assert info["lines_without_audio"] == info["lines"] > 0
    assert info["total_seconds"] >= 30


def test_the_committed_bundle_matches_its_build_script(example: Project) -> None:
    """tools/example_film/make_example.py describes the same film as the committed project.json (nobody edited one alone)."""
    script = ROOT / "tools" / "example_film" / "make_example.py"
    spec = importlib.util.spec_from_file_location("make_example", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    saved_path = list(sys.path)
    try:
        sys.modules["make_example"] = module  # its dataclasses look their module up while being defined
        spec.loader.exec_module(module)
        assert module.build_project().model_dump() == example.model_dump()
    finally:
        sys.path[:] = saved_path
        for name in ("make_example", "example_stills", "example_paint", "example_music"):
            sys.modules.pop(name, None)


def test_every_shot_has_a_sound_its_words_name(example: Project) -> None:
    from studio.sound.keywords import layers_for, matched_words

    for shot in example.shots:
        assert matched_words(shot.sound_prompt), f"{shot.id}: no ambience in {shot.sound_prompt!r}"
        assert -30 <= shot.sound_gain_db <= -6 and not shot.sound_takes, shot.id  # the demo makes the takes
    storm = example.shot("shot_05_storm")
    assert {"rain", "wind", "sea"} <= set(layers_for(storm.sound_prompt))
