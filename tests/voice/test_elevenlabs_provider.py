"""The ElevenLabs provider through the real SDK against a fake ElevenLabs server on 127.0.0.1."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import keyring
import keyring.backend
import pytest

from studio.project.model import Voice
from studio.voice import (
    KeyMissing,
    KeyRefused,
    KeyringUnavailable,
    RateLimited,
    RequestRejected,
    ServiceUnavailable,
    clear_api_key,
    resolve_api_key,
    set_api_key,
)
from studio.voice.elevenlabs_faults import RetryPolicy
from studio.voice.elevenlabs_provider import ElevenLabsProvider
from studio.voice.wav_audio import read_wav, rms

from .conftest import API_KEY, SECONDS_PER_CHARACTER, FakeElevenLabs, tone_samples, wav_bytes

TEXT = "You came back."
VOICE = Voice(provider="elevenlabs", voice_id="voice01", model_id="eleven_multilingual_v2",
              settings={"stability": 0.35, "similarity_boost": 0.9, "speed": 1.1})


class Sleeps(list):
    """Records the waits the retry loop asks for instead of sleeping."""

    def __call__(self, seconds: float, cancel: object) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def provider(fake_elevenlabs: FakeElevenLabs, sleeps: Sleeps) -> ElevenLabsProvider:
    return ElevenLabsProvider(api_key=API_KEY, base_url=fake_elevenlabs.url, timeout_seconds=5,
                              retry=RetryPolicy(attempts=3, backoff_seconds=0.01, max_wait_seconds=30), sleep=sleeps)


def test_text_to_speech_with_timestamps(provider: ElevenLabsProvider, fake_elevenlabs: FakeElevenLabs,
                                        tmp_path: Path) -> None:
    audio = provider.synthesize(TEXT, VOICE, tmp_path / "line.wav")
    [request] = fake_elevenlabs.requests
    assert (request.method, request.path) == ("POST", "/v1/text-to-speech/voice01/with-timestamps")
    assert request.query["output_format"] == ["wav_24000"]
    assert request.headers["xi-api-key"] == API_KEY
    assert request.json["text"] == TEXT
    assert request.json["model_id"] == "eleven_multilingual_v2"
    assert request.json["voice_settings"] == {"stability": 0.35, "similarity_boost": 0.9, "speed": 1.1}
    samples, rate = read_wav(tmp_path / "line.wav")
    assert rate == audio.sample_rate == 24000
    assert samples.size == audio.duration_samples == int(len(TEXT) * SECONDS_PER_CHARACTER * 24000)
    assert rms(samples) > 0.05
    assert [w.text for w in audio.words] == ["You", "came", "back."]
    assert audio.words[1].start == pytest.approx(4 * SECONDS_PER_CHARACTER)
    assert audio.words[2].end == pytest.approx(len(TEXT) * SECONDS_PER_CHARACTER)
    assert "".join(c.text for c in audio.characters) == TEXT


def test_plain_text_to_speech_and_pcm_output(provider: ElevenLabsProvider, fake_elevenlabs: FakeElevenLabs,
                                             tmp_path: Path) -> None:
    voice = VOICE.model_copy(update={"settings": {"timestamps": False, "output_format": "pcm_22050", "seed": 7}})
    audio = provider.synthesize(TEXT, voice, tmp_path / "pcm.wav")
    [request] = fake_elevenlabs.requests
    assert request.path == "/v1/text-to-speech/voice01"
    assert request.query["output_format"] == ["pcm_22050"]
    assert request.json["seed"] == 7 and "voice_settings" not in request.json
    samples, rate = read_wav(audio.path)
    assert rate == 22050 and samples.size == int(len(TEXT) * SECONDS_PER_CHARACTER * 22050)
    assert audio.words == ()


def test_mp3_that_arrives_anyway_is_decoded(provider: ElevenLabsProvider, fake_elevenlabs: FakeElevenLabs,
                                           tmp_path: Path) -> None:
    fake_elevenlabs.force_mp3 = True
    audio = provider.synthesize(TEXT, VOICE, tmp_path / "mp3.wav")
    samples, rate = read_wav(audio.path)
    assert rate == 24000
    assert audio.duration_seconds == pytest.approx(len(TEXT) * SECONDS_PER_CHARACTER, abs=0.08)
    assert rms(samples) > 0.05


def test_voice_changer_uploads_the_recording(provider: ElevenLabsProvider, fake_elevenlabs: FakeElevenLabs,
                                             tmp_path: Path) -> None:
    recording = tmp_path / "my take.wav"
    recording.write_bytes(wav_bytes(tone_samples(1.2, 16000), 16000))
    audio = provider.convert(recording, VOICE, tmp_path / "changed.wav")
    [request] = fake_elevenlabs.requests
    assert (request.method, request.path) == ("POST", "/v1/voice-changer/voice01")
    assert request.query["output_format"] == ["wav_24000"]
    assert request.headers["xi-api-key"] == API_KEY
    assert request.files["audio"] == ("my take.wav", "audio/wav", recording.read_bytes())
    assert request.form["model_id"] == "eleven_multilingual_sts_v2"
    assert json.loads(request.form["voice_settings"]) == {"stability": 0.35, "similarity_boost": 0.9, "speed": 1.1}
    assert request.form["remove_background_noise"] == "false"
    assert audio.sample_rate == 24000 and audio.duration_seconds == pytest.approx(0.8)


def test_voice_changer_refuses_a_non_audio_file_before_sending(provider: ElevenLabsProvider,
                                                               fake_elevenlabs: FakeElevenLabs,
                                                               tmp_path: Path) -> None:
    notes = tmp_path / "notes.wav"
    notes.write_text("not audio at all")
    with pytest.raises(Exception, match="not an audio file"):
        provider.convert(notes, VOICE, tmp_path / "x.wav")
    assert fake_elevenlabs.requests == []


def test_lists_voices_with_search_and_pages(provider: ElevenLabsProvider, fake_elevenlabs: FakeElevenLabs) -> None:
    first = provider.list_voices(page_size=2)
    assert [v.name for v in first.voices] == ["Rachel", "Adam"]
    assert first.has_more and first.total_count == 5
    second = provider.list_voices(page_size=2, page_token=first.next_page_token)
    assert [v.name for v in second.voices] == ["Bella", "Josh"]
    found = provider.list_voices(search="josh")
    assert [(v.voice_id, v.gender, v.category) for v in found.voices] == [("voice03", "male", "premade")]
    assert fake_elevenlabs.requests[-1].path == "/v2/voices"
    assert fake_elevenlabs.requests[-1].query["search"] == ["josh"]
    # A proxy without the v2 endpoint: the full v1 list, searched and paged locally.
    fake_elevenlabs.v2_missing = True
    old = provider.list_voices(search="ell", page_size=1)
    assert fake_elevenlabs.requests[-1].path == "/v1/voices"
    assert [v.name for v in old.voices] == ["Bella"] and old.has_more and old.total_count == 2


def test_refused_key_is_not_retried_and_never_shown(fake_elevenlabs: FakeElevenLabs, sleeps: Sleeps,
                                                   tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    wrong = "sk_wrong_key_00000000000000000000000000"
    provider = ElevenLabsProvider(api_key=wrong, base_url=fake_elevenlabs.url, sleep=sleeps)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(KeyRefused, match="the ElevenLabs key was refused") as raised:
        provider.synthesize(TEXT, VOICE, tmp_path / "x.wav")
    assert len(fake_elevenlabs.requests) == 1 and sleeps == []
    assert fake_elevenlabs.requests[0].headers["xi-api-key"] == wrong
    assert wrong not in str(raised.value) and wrong not in caplog.text
    assert raised.value.__context__ is None and raised.value.__cause__ is None  # no SDK exception rides along
    assert not (tmp_path / "x.wav").exists()


def test_key_echoed_by_the_service_is_masked(provider: ElevenLabsProvider, fake_elevenlabs: FakeElevenLabs,
                                            tmp_path: Path) -> None:
    fake_elevenlabs.fail_next(400, {"detail": {"status": "bad", "message": f"header xi-api-key={API_KEY} rejected"}})
    with pytest.raises(RequestRejected) as raised:
        provider.synthesize(TEXT, VOICE, tmp_path / "x.wav")
    assert API_KEY not in str(raised.value) and API_KEY[:16] not in str(raised.value)
    assert "[key hidden]" in str(raised.value)


def test_rate_limit_waits_for_retry_after(provider: ElevenLabsProvider, fake_elevenlabs: FakeElevenLabs,
                                         sleeps: Sleeps, tmp_path: Path) -> None:
    busy = {"detail": {"status": "too_many_concurrent_requests", "message": "Too many concurrent requests"}}
    fake_elevenlabs.fail_next(429, busy, {"Retry-After": "3"}, times=2)
    audio = provider.synthesize(TEXT, VOICE, tmp_path / "ok.wav")
    assert sleeps == [3.0, 3.0]
    assert len(fake_elevenlabs.requests) == 3 and audio.duration_samples > 0
    fake_elevenlabs.fail_next(429, busy, {"Retry-After": "2"}, times=3)
    with pytest.raises(RateLimited, match="Too many concurrent requests.*gave up after 3 tries"):
        provider.synthesize(TEXT, VOICE, tmp_path / "busy.wav")
    assert len(fake_elevenlabs.requests) == 6


def test_server_errors_back_off_then_give_up(provider: ElevenLabsProvider, fake_elevenlabs: FakeElevenLabs,
                                            sleeps: Sleeps, tmp_path: Path) -> None:
    fake_elevenlabs.fail_next(500, {"detail": "boom"})
    fake_elevenlabs.fail_next(0)  # a dropped connection
    provider.synthesize(TEXT, VOICE, tmp_path / "ok.wav")
    assert sleeps == [0.01, 0.02]
    fake_elevenlabs.fail_next(503, {"detail": "maintenance"}, times=3)
    with pytest.raises(ServiceUnavailable, match=r"server error \(HTTP 503: maintenance\); gave up after 3 tries"):
        provider.synthesize(TEXT, VOICE, tmp_path / "down.wav")
    assert len(fake_elevenlabs.requests) == 6


def test_timeouts_are_retried(fake_elevenlabs: FakeElevenLabs, sleeps: Sleeps, tmp_path: Path) -> None:
    provider = ElevenLabsProvider(api_key=API_KEY, base_url=fake_elevenlabs.url, timeout_seconds=0.2,
                                  retry=RetryPolicy(attempts=2, backoff_seconds=0.01), sleep=sleeps)
    fake_elevenlabs.fail_next(200, delay=0.6)
    audio = provider.synthesize(TEXT, VOICE, tmp_path / "slow.wav")
    assert len(sleeps) == 1 and audio.duration_samples > 0
    fake_elevenlabs.fail_next(200, delay=0.6, times=2)
    with pytest.raises(ServiceUnavailable, match="did not answer in time"):
        provider.synthesize(TEXT, VOICE, tmp_path / "slower.wav")


def test_validation_errors_show_the_detail(provider: ElevenLabsProvider, fake_elevenlabs: FakeElevenLabs,
                                          tmp_path: Path) -> None:
    fake_elevenlabs.fail_next(422, {"detail": [{"loc": ["body", "voice_settings", "stability"],
                                                "msg": "Input should be less than or equal to 1"}]})
    with pytest.raises(RequestRejected, match="voice_settings.stability: Input should be less than or equal to 1"):
        provider.synthesize(TEXT, VOICE, tmp_path / "x.wav")
    assert len(fake_elevenlabs.requests) == 1


def test_unknown_settings_are_refused_before_sending(provider: ElevenLabsProvider, fake_elevenlabs: FakeElevenLabs,
                                                    tmp_path: Path) -> None:
    with pytest.raises(Exception, match="unknown ElevenLabs voice setting.*rate"):
        provider.synthesize(TEXT, VOICE.model_copy(update={"settings": {"rate": 150}}), tmp_path / "x.wav")
    assert fake_elevenlabs.requests == []


def test_key_from_environment_and_base_url_from_environment(eleven_env: FakeElevenLabs, tmp_path: Path) -> None:
    provider = ElevenLabsProvider(retry=RetryPolicy(attempts=1))
    assert provider.base_url == eleven_env.url
    provider.synthesize(TEXT, VOICE, tmp_path / "env.wav")
    assert eleven_env.requests[0].headers["xi-api-key"] == API_KEY
    assert API_KEY not in repr(provider)


def test_no_key_and_no_keyring_says_so(fake_elevenlabs: FakeElevenLabs, tmp_path: Path) -> None:
    provider = ElevenLabsProvider(base_url=fake_elevenlabs.url)
    with pytest.raises(KeyMissing, match="ELEVENLABS_API_KEY.*no usable keyring"):
        provider.synthesize(TEXT, VOICE, tmp_path / "x.wav")
    assert fake_elevenlabs.requests == []
    with pytest.raises(KeyringUnavailable, match="not stored.*no usable keyring"):
        set_api_key("sk_abc")


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            import keyring.errors

            raise keyring.errors.PasswordDeleteError("none")
        del self.store[(service, username)]


def test_key_stored_in_the_keyring(fake_elevenlabs: FakeElevenLabs, tmp_path: Path) -> None:
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    try:
        set_api_key(f"  {API_KEY}\n")
        assert memory.store[("storyreel", "elevenlabs")] == API_KEY
        assert resolve_api_key() == API_KEY
        ElevenLabsProvider(base_url=fake_elevenlabs.url).synthesize(TEXT, VOICE, tmp_path / "k.wav")
        assert fake_elevenlabs.requests[0].headers["xi-api-key"] == API_KEY
        assert clear_api_key() is True and clear_api_key() is False
        with pytest.raises(KeyMissing):
            resolve_api_key()
    finally:
        keyring.set_keyring(previous)
