"""A line two characters speak together: both offline voices in one stereo take, offset and panned apart, cached
by both voices, in the film's mix and named in the subtitles."""

from __future__ import annotations

import wave
from pathlib import Path

import cut_film_factory as factory  # tests/support
import numpy as np

from studio.cut.audio_mix import mix_soundtrack
from studio.cut.plan import build_plan
from studio.cut.subtitles import cues_for
from studio.project import Character, Line, ProjectDocument, Voice
from studio.project import commands as cmd
from studio.voice import lines_needing_audio, narrate_lines, plan_narration
from studio.voice.audio_cache import AudioCache
from studio.voice.joint_lines import OFFSET_SECONDS
from studio.voice.wav_audio import read_wav

TEXT = "We never give up, not tonight, not ever."


def _joint_film(tmp_path: Path) -> tuple[ProjectDocument, Line]:
    document = factory.make_film(tmp_path, [factory.ShotSpec("blue", frames=96)])
    brick = Character(name="Brick", voice=Voice(voice_id="en-us+m3"))
    steel = Character(name="Steel", voice=Voice(voice_id="en-us+f2", settings={"pitch": 80}))
    line = Line(text=TEXT, speaker=brick.id, also_speakers=[steel.id], shot_id="shot_0", offset_frames=12)
    document.execute(cmd.Batch([cmd.AddCharacter(brick), cmd.AddCharacter(steel), cmd.AddLine(line)]))
    return document, line


def _stereo(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as handle:
        assert handle.getnchannels() == 2
        rate = handle.getframerate()
        data = np.frombuffer(handle.readframes(handle.getnframes()), "<i2").reshape(-1, 2).astype(np.float64)
    return data, rate


def _fit(channel: np.ndarray, first: np.ndarray, second: np.ndarray, lag: int) -> tuple[np.ndarray, float]:
    """Least-squares gains of the two single-voice renders (the second delayed by ``lag`` samples) in a channel,
    and the share of the channel's energy they leave unexplained."""
    n = len(channel)
    a = np.zeros(n)
    a[:min(n, len(first))] = first[:n]
    b = np.zeros(n)
    b[lag:min(n, lag + len(second))] = second[:max(0, n - lag)]
    basis = np.stack([a, b], axis=1)
    gains, *_ = np.linalg.lstsq(basis, channel, rcond=None)
    residual = channel - basis @ gains
    return gains, float(np.sum(residual ** 2) / np.sum(channel ** 2))


def test_a_joint_line_mixes_both_voices_offset_and_panned(tmp_path: Path) -> None:
    document, line = _joint_film(tmp_path)
    bundle = document.bundle
    assert bundle is not None
    plan = plan_narration(document)[0]
    assert plan.joint and [p.voice.voice_id for p in plan.parts] == ["en-us+m3", "en-us+f2"]
    report = narrate_lines(document)
    assert report.narrated == [line.id] and report.ok
    take = document.project.line(line.id).active()
    assert take is not None and take.provider == "espeak"
    mix, rate = _stereo(bundle / take.media)
    cache = AudioCache.for_bundle(bundle)
    brick, brick_rate = read_wav(cache.lookup(plan.parts[0].cache_key).path)  # type: ignore[union-attr]
    steel, _ = read_wav(cache.lookup(plan.parts[1].cache_key).path)  # type: ignore[union-attr]
    assert brick_rate == rate and not np.allclose(brick[:2000], steel[:2000])  # two different voices
    lag = round(OFFSET_SECONDS * rate)
    (left_brick, left_steel), left_rest = _fit(mix[:, 0], brick, steel, lag)
    (right_brick, right_steel), right_rest = _fit(mix[:, 1], brick, steel, lag)
    # Both voices are in the take, Brick to the left, Steel to the right, Steel 100 ms later.
    assert min(left_brick, left_steel, right_brick, right_steel) > 0.1
    assert left_brick > 2 * left_steel and right_steel > 2 * right_brick
    assert left_rest < 0.01 and right_rest < 0.01
    _, unshifted = _fit(mix[:, 1], brick, steel, 0)
    assert unshifted > 10 * right_rest  # without the offset the second voice does not line up
    assert len(mix) == max(len(brick), lag + len(steel))

    # The film's soundtrack carries the stereo take; the subtitles name both speakers.
    cut = build_plan(document.project, bundle)
    soundtrack = mix_soundtrack(cut)
    start = round(12 / 24 * soundtrack.sample_rate)
    heard = soundtrack.samples[start:start + soundtrack.sample_rate]
    left, right = (float(np.sqrt(np.mean(heard[:, c] ** 2))) for c in (0, 1))
    assert left > 0.01 and right > 0.01
    cues = cues_for(cut)
    assert cues[0].text.replace("\n", " ").startswith("BRICK & STEEL: We never give up")
    assert all("BRICK" not in cue.text for cue in cues[1:])


def test_a_joint_take_is_cached_by_both_voices(tmp_path: Path) -> None:
    document, line = _joint_film(tmp_path)
    bundle = document.bundle
    assert bundle is not None
    narrate_lines(document)
    entries = set((bundle / "cache" / "voice").rglob("*.json"))
    assert len(entries) == 3  # Brick's part, Steel's part, the mix
    assert lines_needing_audio(document) == []
    steel = document.project.character_by_name("Steel")
    assert steel is not None
    document.execute(cmd.SetCharacterVoice(steel.id, Voice(voice_id="en-gb+f4")))
    assert document.project.line(line.id).status == "stale" and lines_needing_audio(document) == [line.id]
    before = {p.stat().st_mtime_ns for p in entries}
    report = narrate_lines(document, [line.id])
    assert report.narrated == [line.id]
    after = set((bundle / "cache" / "voice").rglob("*.json"))
    assert len(after - entries) == 2  # Steel's new part and the new mix; Brick's part came from the cache
    assert {p.stat().st_mtime_ns for p in entries} == before
    assert len(document.project.line(line.id).takes) == 2


def test_import_and_voice_a_joint_cue_through_the_cli(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from studio.cli.main import main
    from studio.project import store

    script = tmp_path / "garage.fountain"
    script.write_text("INT. GARAGE - NIGHT\n\nTwo brothers by the car.\n\nBRICK\nReady?\n\nSTEEL\nAlways.\n\n"
                      "BRICK & STEEL\nLet's go!\n", encoding="utf-8")
    assert main(["new", str(tmp_path / "garage")]) == 0
    bundle = tmp_path / "garage.storyreel"
    assert main(["import", str(bundle), str(script)]) == 0
    out = capsys.readouterr().out
    assert "cast (2): Brick, Steel" in out
    assert main(["voice", str(bundle)]) == 0
    project = store.load(bundle)[0]
    assert sorted(c.name for c in project.cast) == ["Brick", "Steel"]
    [joint] = [line for line in project.lines if line.also_speakers]
    assert joint.text == "Let's go!" and len(cmd.speakers_of(project, joint)) == 2
    take = joint.active()
    assert take is not None
    mix, _ = _stereo(bundle / take.media)
    left, right = (float(np.sqrt(np.mean(mix[:, c] ** 2))) for c in (0, 1))
    assert left > 300 and right > 300 and not np.allclose(mix[:, 0], mix[:, 1], atol=200)
    single = [line.active() for line in project.lines if not line.also_speakers]
    for t in single:
        assert t is not None
        with wave.open(str(bundle / t.media), "rb") as handle:
            assert handle.getnchannels() == 1  # a line one character speaks stays mono
