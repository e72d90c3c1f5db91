"""ElevenLabs sound effects through the real SDK against the loopback fake server: the request, the fit to the
shot with a seamless loop, refusals (422) that are never sent twice, 429 and 5xx as for speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sound_measures import seam_click

from studio.project import Project, ProjectDocument, Shot
from studio.sound import make_sounds
from studio.sound.elevenlabs_sound import SOUND_MODEL, SOUND_RATE, ElevenLabsSoundEffects
from studio.sound.loop_fit import LOOP_CROSSFADE_SECONDS, seam_positions
from studio.voice.elevenlabs_faults import RetryPolicy
from studio.voice.wav_audio import decode_audio, read_wav

from .conftest import API_KEY, FakeElevenLabs, effect_samples, mp3_bytes


class Sleeps(list):
    def __call__(self, seconds: float, cancel: object) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def options(server: FakeElevenLabs, sleeps: Sleeps) -> dict:
    return {"api_key": API_KEY, "base_url": server.url, "sleep": sleeps,
            "retry": RetryPolicy(attempts=3, backoff_seconds=0.01, max_wait_seconds=30)}


def sound_project(tmp_path: Path) -> ProjectDocument:
    shots = [Shot(id="shot_sea", prompt="the sea", duration_frames=96, sound_prompt="waves on rocks, gulls"),
             Shot(id="shot_room", prompt="a room", duration_frames=48, sound_prompt="a quiet kitchen, a clock")]
    return ProjectDocument.create(tmp_path / "sfx", Project(fps=24, width=320, height=180, shots=shots))


def test_a_sound_effect_is_asked_for_and_fitted_to_a_long_shot_without_a_click(
        fake_elevenlabs: FakeElevenLabs, sleeps: Sleeps, tmp_path: Path) -> None:
    source = ElevenLabsSoundEffects(**options(fake_elevenlabs, sleeps))
    n = 40 * SOUND_RATE  # longer than the 30 s the endpoint makes: looped
    sound = source.render("waves on rocks, gulls", n, 0, tmp_path / "sea.wav")
    (request,) = fake_elevenlabs.posts()
    assert request.path == "/v1/sound-generation"
    assert request.query["output_format"] == ["mp3_44100_128"]
    assert request.json == {"text": "waves on rocks, gulls", "duration_seconds": 30.0, "loop": True,
                            "model_id": SOUND_MODEL, "prompt_influence": 0.3}
    assert request.headers["xi-api-key"] == API_KEY
    samples, rate = read_wav(sound.path)
    assert (rate, len(samples), sound.duration_samples) == (SOUND_RATE, n, n)
    # Where the loop joins: the clip as the service sent it, decoded the same way.
    clip, _ = decode_audio(mp3_bytes(effect_samples(30.0, SOUND_RATE), SOUND_RATE), target_rate=SOUND_RATE)
    seams = seam_positions(len(clip), n, SOUND_RATE)
    assert len(seams) == 1 and seams[0] == len(clip) - round(LOOP_CROSSFADE_SECONDS * SOUND_RATE)
    assert seam_click(samples, seams) < 2.0
    sent = effect_samples(30.0, SOUND_RATE)  # looped without the crossfade, its ramp would jump back: a click
    assert seam_click(np.tile(sent, 2), [len(sent)]) > 5.0


def test_a_refused_prompt_says_why_and_is_not_sent_again_once_it_worked(
        fake_elevenlabs: FakeElevenLabs, sleeps: Sleeps, tmp_path: Path) -> None:
    document = sound_project(tmp_path)
    fake_elevenlabs.fail_next(422, {"detail": {"status": "invalid_prompt", "message": "This prompt was flagged"}})
    report = make_sounds(document, ["shot_sea"], provider="elevenlabs",
                         provider_options=options(fake_elevenlabs, sleeps))
    assert "This prompt was flagged" in report.failed["shot_sea"]
    assert "HTTP 422" in report.failed["shot_sea"]
    assert len(fake_elevenlabs.posts()) == 1 and sleeps == []  # refused once: never retried
    assert document.project.shot("shot_sea").sound_takes == []

    report = make_sounds(document, provider="elevenlabs", provider_options=options(fake_elevenlabs, sleeps))
    assert report.ok and report.requests_billed == 2 and len(fake_elevenlabs.posts()) == 3
    sea = document.project.shot("shot_sea").active_sound()
    assert sea is not None and sea.provider == "elevenlabs" and sea.sample_rate == SOUND_RATE
    assert sea.duration_samples == 4 * SOUND_RATE  # the shot's 96 frames at 24 fps
    assert fake_elevenlabs.posts()[-1].json["duration_seconds"] == 2.0

    again = make_sounds(document, provider="elevenlabs", provider_options=options(fake_elevenlabs, sleeps))
    assert again.unchanged == ["shot_sea", "shot_room"] and len(fake_elevenlabs.posts()) == 3
    document.undo()  # the room's take is gone from the document, its sound is still in the cache
    assert document.project.shot("shot_room").active_sound() is None
    cached = make_sounds(document, provider="elevenlabs", provider_options=options(fake_elevenlabs, sleeps))
    assert cached.reused == ["shot_room"] and cached.requests_billed == 0 and len(fake_elevenlabs.posts()) == 3


def test_429_waits_for_retry_after_then_succeeds(fake_elevenlabs: FakeElevenLabs, sleeps: Sleeps,
                                                 tmp_path: Path) -> None:
    document = sound_project(tmp_path)
    fake_elevenlabs.fail_next(429, {"detail": {"status": "system_busy", "message": "busy"}}, {"Retry-After": "2"})
    report = make_sounds(document, ["shot_room"], provider="elevenlabs",
                         provider_options=options(fake_elevenlabs, sleeps))
    assert report.ok and sleeps == [2.0] and len(fake_elevenlabs.posts()) == 2
    assert document.project.shot("shot_room").active_sound() is not None


def test_a_service_that_stays_down_stops_the_batch(fake_elevenlabs: FakeElevenLabs, sleeps: Sleeps,
                                                   tmp_path: Path) -> None:
    document = sound_project(tmp_path)
    fake_elevenlabs.fail_next(503, {"detail": "down"}, times=3)
    report = make_sounds(document, provider="elevenlabs", provider_options=options(fake_elevenlabs, sleeps))
    assert "server error" in report.failed["shot_sea"] and "gave up after 3 tries" in report.failed["shot_sea"]
    assert report.not_attempted == ["shot_room"] and len(fake_elevenlabs.posts()) == 3
    assert all(not s.sound_takes for s in document.project.shots)


def test_storyreel_sound_with_elevenlabs_through_the_entry_point(eleven_env: FakeElevenLabs, tmp_path: Path) -> None:
    from cli_process import run_cli

    document = sound_project(tmp_path)
    eleven_env.fail_next(422, {"detail": {"status": "invalid_prompt", "message": "This prompt was flagged"}})
    refused = run_cli("sound", str(document.bundle), "--provider", "elevenlabs", "--shot", "shot_sea")
    assert refused.returncode == 1 and "This prompt was flagged" in refused.stderr
    assert "ElevenLabs will be asked for up to 1 sound effect(s)" in refused.stderr
    made = run_cli("sound", str(document.bundle), "--provider", "elevenlabs", "--yes")
    assert made.returncode == 0, made.stderr
    assert "made 2 sound take(s)" in made.stdout and "2 ElevenLabs request(s) billed" in made.stdout
    again = run_cli("sound", str(document.bundle), "--provider", "elevenlabs")
    assert again.returncode == 0 and "unchanged 2" in again.stdout
    assert len(eleven_env.posts()) == 3  # the refusal, then one request per shot; nothing sent twice
    assert API_KEY not in refused.stderr + made.stdout + made.stderr
