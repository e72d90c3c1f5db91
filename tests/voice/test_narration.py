"""Narrating projects: takes added through commands, cache reuse, billing counts, failures that lose nothing."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from engine.progress import Cancelled, CancelToken, Progress
from studio.project import ProjectDocument, Voice
from studio.project import commands as cmd
from studio.voice import (
    KeyRefused,
    VoiceSettingsError,
    billable_characters,
    convert_recording,
    lines_needing_audio,
    narrate_lines,
    narrate_missing,
)
from studio.voice.elevenlabs_faults import RetryPolicy
from studio.voice.elevenlabs_provider import ElevenLabsProvider
from studio.voice.wav_audio import read_wav, rms

from .conftest import API_KEY, FakeElevenLabs, tone_samples, wav_bytes


def _bundle_text(bundle: Path) -> str:
    return "\n".join(p.read_text("utf-8", "replace") for p in bundle.rglob("*") if p.suffix in (".json", ".log"))


def test_offline_narration_of_a_whole_project(offline_project: ProjectDocument) -> None:
    document = offline_project
    bundle = document.bundle
    assert bundle is not None
    stages: list[Progress] = []
    saved = (bundle / "project.json").read_bytes()
    report = narrate_lines(document, progress=stages.append)
    assert (bundle / "project.json").read_bytes() == saved and document.dirty  # the caller decides to save
    document.save()
    assert report.ok and len(report.narrated) == 3 and report.characters_billed == 0
    assert report.synthesis_seconds < report.audio_seconds  # faster than real time
    # The two characters got distinct voices; the narrator kept the plain one.
    assert report.voices_assigned == {"Mara": "en-us+m3", "Jonah": "en-us+f2"}
    assert stages[-1] == Progress("narrate", 3, 3, "done")
    reopened, _ = ProjectDocument.open(bundle)
    for line in reopened.project.lines:
        take = line.active()
        assert line.status == "ready" and take is not None and take.text == line.text
        assert take.media == f"media/audio/{line.id}/{take.id}.wav"
        samples, rate = read_wav(bundle / take.media)
        assert rate == take.sample_rate == 22050 and samples.size == take.duration_samples
        assert rms(samples) > 0.03
        assert [t["text"] for t in take.timings][0] == line.text.split()[0]
    voices = {line.active().voice.voice_id for line in reopened.project.lines}  # type: ignore[union-attr]
    assert voices == {"en-us", "en-us+m3", "en-us+f2"}
    assert len(list((bundle / "cache" / "voice").rglob("*.wav"))) == 3


def test_unchanged_lines_are_kept_and_edited_lines_redone(offline_project: ProjectDocument) -> None:
    document = offline_project
    narrate_lines(document)
    first_takes = {line.id: line.active_take for line in document.project.lines}
    assert lines_needing_audio(document) == []
    again = narrate_missing(document)
    assert again.narrated == [] and again.reused == []
    edited = document.project.lines[1]
    document.execute(cmd.SetFields("line", (edited.id,), {"text": "You came back, after all."}))
    assert lines_needing_audio(document) == [edited.id]
    report = narrate_missing(document)
    assert report.narrated == [edited.id]
    assert document.project.line(edited.id).active().text == "You came back, after all."  # type: ignore[union-attr]
    assert len(document.project.line(edited.id).takes) == 2
    # Going back to the old text reuses the earlier take instead of making a third one.
    document.execute(cmd.SetFields("line", (edited.id,), {"text": "You came back."}))
    back = narrate_missing(document)
    assert back.reused == [edited.id] and back.narrated == []
    assert document.project.line(edited.id).active_take == first_takes[edited.id]
    assert len(document.project.line(edited.id).takes) == 2


def test_a_new_voice_makes_the_lines_stale_and_renarrates_them(offline_project: ProjectDocument) -> None:
    document = offline_project
    narrate_lines(document)
    mara = document.project.character_by_name("Mara")
    assert mara is not None
    document.execute(cmd.SetCharacterVoice(mara.id, Voice(voice_id="en-gb+f4", settings={"rate": 140})))
    stale = [line.id for line in document.project.lines if line.status == "stale"]
    assert stale == [document.project.lines[1].id]
    report = narrate_missing(document)
    assert report.narrated == stale
    assert document.project.lines[1].active().voice.voice_id == "en-gb+f4"  # type: ignore[union-attr]


def test_an_offline_draft_of_a_cast_with_elevenlabs_voices(eleven_project: ProjectDocument,
                                                            fake_elevenlabs: FakeElevenLabs) -> None:
    report = narrate_lines(eleven_project, provider="espeak")
    assert report.ok and len(report.narrated) == 3 and fake_elevenlabs.requests == []
    assert {line.active().provider for line in eleven_project.project.lines} == {"espeak"}  # type: ignore[union-attr]
    assert billable_characters(eleven_project) == sum(len(line.text) for line in eleven_project.project.lines)


def test_elevenlabs_narration_bills_once(eleven_project: ProjectDocument, eleven_env: FakeElevenLabs,
                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    document = eleven_project
    bundle = document.bundle
    assert bundle is not None
    total = sum(len(line.text) for line in document.project.lines)
    assert billable_characters(document) == total
    assert billable_characters(document, [document.project.lines[0].id]) == len(document.project.lines[0].text)
    assert billable_characters(document, provider="espeak") == 0
    report = narrate_lines(document)
    assert report.ok and report.characters_billed == total
    posts = eleven_env.posts()
    assert [r.json["text"] for r in posts] == [line.text for line in document.project.lines]
    assert all(r.path == "/v1/text-to-speech/voice00/with-timestamps" for r in posts)
    assert all(r.headers["xi-api-key"] == API_KEY for r in posts)
    for line in document.project.lines:
        take = line.active()
        assert take is not None and take.provider == "elevenlabs" and take.sample_rate == 24000
        assert take.timings and take.timings[-1]["end"] > 0
    # Nothing left to bill; narrating again sends nothing.
    assert billable_characters(document) == 0
    assert narrate_lines(document).unchanged == [line.id for line in document.project.lines]
    assert len(eleven_env.posts()) == 3
    # Takes deleted from the project come back from the cache, not from ElevenLabs.
    line = document.project.lines[0]
    document.execute(cmd.SetFields("line", (line.id,), {"takes": [], "active_take": None, "status": "pending"}))
    assert billable_characters(document) == 0
    again = narrate_missing(document)
    assert again.reused == [line.id] and again.characters_billed == 0 and len(eleven_env.posts()) == 3
    # The key is in no project file and no log.
    assert API_KEY not in _bundle_text(bundle) and API_KEY not in caplog.text


def test_a_failed_line_keeps_its_text_and_takes(eleven_project: ProjectDocument, fake_elevenlabs: FakeElevenLabs,
                                                caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    document = eleven_project
    provider = ElevenLabsProvider(api_key=API_KEY, base_url=fake_elevenlabs.url,
                                  retry=RetryPolicy(attempts=2, backoff_seconds=0.0))
    narrate_lines(document, provider=provider)
    line = document.project.lines[1]
    old_take = line.active_take
    mara = document.project.character_by_name("Mara")
    assert mara is not None
    document.execute(cmd.SetCharacterVoice(mara.id, mara.voice.model_copy(update={"voice_id": "voice02"})))
    fake_elevenlabs.fail_next(500, {"detail": "internal error"}, times=2)
    report = narrate_missing(document, provider=provider)
    assert list(report.failed) == [line.id] and "gave up after 2 tries" in report.failed[line.id]
    assert report.stopped is not None
    document.save()
    reopened, _ = ProjectDocument.open(document.bundle)  # type: ignore[arg-type]
    saved = reopened.project.line(line.id)
    assert saved.status == "failed" and "HTTP 500: internal error" in (saved.error or "")
    assert saved.text == "You came back." and saved.active_take == old_take and len(saved.takes) == 1
    assert (document.bundle / saved.takes[0].media).is_file()  # type: ignore[operator]
    # Once the service is back the line is narrated and its earlier take stays in its history.
    report = narrate_missing(document, provider=provider)
    assert report.narrated == [line.id]
    assert document.project.line(line.id).status == "ready" and len(document.project.line(line.id).takes) == 2
    assert API_KEY not in _bundle_text(document.bundle) and API_KEY not in caplog.text  # type: ignore[arg-type]


def test_a_refused_key_stops_the_batch(eleven_project: ProjectDocument, fake_elevenlabs: FakeElevenLabs) -> None:
    provider = ElevenLabsProvider(api_key="sk_not_the_right_one_at_all_0000", base_url=fake_elevenlabs.url)
    report = narrate_lines(eleven_project, provider=provider)
    lines = eleven_project.project.lines
    assert list(report.failed) == [lines[0].id] and "the ElevenLabs key was refused" in report.failed[lines[0].id]
    assert report.not_attempted == [lines[1].id, lines[2].id]
    assert len(fake_elevenlabs.requests) == 1
    assert [line.status for line in lines] == ["failed", "pending", "pending"]
    assert "sk_not_the_right_one" not in (lines[0].error or "")


def test_elevenlabs_only_narration_needs_elevenlabs_voices(offline_project: ProjectDocument) -> None:
    report = narrate_lines(offline_project, provider="elevenlabs")
    assert len(report.failed) == 3 and not report.narrated
    assert "has an espeak voice, not an elevenlabs one" in next(iter(report.failed.values()))


def test_cancel_keeps_what_was_done(offline_project: ProjectDocument) -> None:
    token = CancelToken()

    def progress(update: Progress) -> None:
        if update.done == 1:
            token.cancel()

    with pytest.raises(Cancelled):
        narrate_lines(offline_project, progress=progress, cancel=token)
    assert [line.status for line in offline_project.project.lines] == ["ready", "pending", "pending"]
    audio = offline_project.project.lines[0].active()
    assert audio is not None and (offline_project.bundle / audio.media).is_file()  # type: ignore[operator]


def test_convert_a_recording_into_the_speakers_voice(eleven_project: ProjectDocument,
                                                     eleven_env: FakeElevenLabs, tmp_path: Path) -> None:
    document = eleven_project
    line = document.project.lines[2]
    recording = tmp_path / "jonah-reading.wav"
    recording.write_bytes(wav_bytes(tone_samples(1.0, 16000), 16000))
    take = convert_recording(document, line.id, recording)
    [request] = eleven_env.posts()
    assert request.path == "/v1/voice-changer/voice00"
    assert request.files["audio"][2] == recording.read_bytes()
    assert take.source_recording == "media/recordings/jonah-reading.wav"
    assert (document.bundle / take.source_recording).read_bytes() == recording.read_bytes()  # type: ignore[operator]
    samples, rate = read_wav(document.bundle / take.media)  # type: ignore[operator]
    assert rate == 24000 and samples.size == take.duration_samples and np.abs(samples).max() > 1000
    assert document.project.line(line.id).active_take == take.id
    # The same recording again comes from the cache.
    convert_recording(document, line.id, recording)
    assert len(eleven_env.posts()) == 1


def test_convert_with_an_offline_voice_is_refused_cleanly(offline_project: ProjectDocument, tmp_path: Path) -> None:
    recording = tmp_path / "take.wav"
    recording.write_bytes(wav_bytes(tone_samples(0.5, 16000), 16000))
    line = offline_project.project.lines[0]
    with pytest.raises(VoiceSettingsError, match="can only read text"):
        convert_recording(offline_project, line.id, recording)
    assert line.status == "pending" and line.error is None


def test_convert_failure_marks_the_line(eleven_project: ProjectDocument, eleven_env: FakeElevenLabs,
                                        tmp_path: Path) -> None:
    recording = tmp_path / "take.wav"
    recording.write_bytes(wav_bytes(tone_samples(0.5, 16000), 16000))
    line = eleven_project.project.lines[0]
    eleven_env.fail_next(401, {"detail": {"status": "invalid_api_key", "message": "Invalid API key"}})
    with pytest.raises(KeyRefused):
        convert_recording(eleven_project, line.id, recording)
    assert eleven_project.project.line(line.id).status == "failed"
    assert "key was refused" in (eleven_project.project.line(line.id).error or "")
