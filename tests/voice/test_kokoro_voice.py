"""The neural offline voice (Kokoro through kokoro-onnx) on a tiny ONNX model built in code with Kokoro's inputs
and outputs (tests/support/tiny_kokoro.py), loaded through kokoro-onnx's real loading path; its download into
the model store from a loopback fake of the Hub; damaged files; the cast's defaults once it is on disk."""

from __future__ import annotations

import json
from pathlib import Path

import fake_hub  # tests/support, on the test path
import huggingface_hub.constants as hub_constants
import numpy as np
import pytest
import tiny_kokoro
from cli_process import run_cli

from engine.model_download import download_model, format_bytes, plan_download
from engine.model_store import ModelStore
from studio.project import Character, Line, Project, ProjectDocument, Shot, Voice
from studio.voice import assign_default_voices, get_provider, narrate_lines, voice_for_line
from studio.voice.audio_cache import AudioCache
from studio.voice.kokoro_cast import cast_voice, narrator_voice
from studio.voice.kokoro_model import (
    KOKORO,
    VoiceModelDamaged,
    VoiceModelMissing,
    neural_voice_ready,
    stored_files,
)
from studio.voice.kokoro_provider import KokoroProvider
from studio.voice.wav_audio import read_wav, rms

SHORT = "The lamp is lit."
LONG = "The lamp is lit, and the keeper climbs the stairs for the last time, counting every step."


@pytest.fixture(scope="session")
def tiny_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("tiny-kokoro")
    return {"model": tiny_kokoro.build_tiny_kokoro(folder / KOKORO.model_file),
            "plain": tiny_kokoro.build_tiny_kokoro(folder / "no-durations" / KOKORO.model_file, durations=False),
            "voices": tiny_kokoro.build_tiny_voices(folder / KOKORO.voices_file)}


@pytest.fixture(scope="session")
def provider(tiny_files: dict[str, Path]) -> KokoroProvider:
    return KokoroProvider(model_path=tiny_files["model"], voices_path=tiny_files["voices"])


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setattr(hub_constants, "HF_HUB_OFFLINE", False)


def _centroid(samples: np.ndarray, rate: int, below_hz: float = 2000) -> float:
    """The spectral centroid of the band a voice's first harmonics live in (the tiny model's token edges click)."""
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64)))
    hz = np.fft.rfftfreq(samples.size, 1 / rate)
    band = hz < below_hz
    return float((hz[band] * spectrum[band]).sum() / spectrum[band].sum())


def _kokoro(voice_id: str, **settings: float) -> Voice:
    return Voice(provider="kokoro", voice_id=voice_id, settings=dict(settings))


def _check_words(words: tuple, text: str, duration: float) -> None:
    assert [w.text for w in words] == text.split()
    assert all(0 <= w.start <= w.end <= duration + 1e-6 for w in words)
    assert all(a.end <= b.start + 1e-6 for a, b in zip(words, words[1:], strict=False))  # in order, no overlap
    assert words[-1].end > 0.8 * duration  # the last word ends near the end of the take


def test_a_line_in_two_voices_through_the_real_loading_path(provider: KokoroProvider, tmp_path: Path) -> None:
    short = provider.synthesize(SHORT, _kokoro("af_heart"), tmp_path / "short.wav")
    long = provider.synthesize(LONG, _kokoro("af_heart"), tmp_path / "long.wav")
    other = provider.synthesize(LONG, _kokoro("am_adam"), tmp_path / "other.wav")
    samples, rate = read_wav(long.path)
    assert rate == short.sample_rate == 24000 and samples.size == long.duration_samples
    assert rms(samples) > 0.05  # not silent
    assert long.duration_seconds > 3 * short.duration_seconds  # grows with the text
    high, low = _centroid(samples, rate), _centroid(read_wav(other.path)[0], rate)
    assert high > 1.3 * low, (high, low)  # af_heart's style sets a higher pitch than am_adam's
    # durations reported by the model: words sit on the audio, silent word gaps between them
    _check_words(long.words, LONG, long.duration_seconds)
    first, second = long.words[0], long.words[1]
    gap = samples[int(first.end * rate) + 60:int(second.start * rate) - 60]
    assert gap.size > 0 and rms(gap) < 0.01 < rms(samples[int(first.start * rate):int(first.end * rate)])
    faster = provider.synthesize(LONG, _kokoro("af_heart", speed=1.5), tmp_path / "fast.wav")
    assert faster.duration_seconds < 0.8 * long.duration_seconds


def test_a_model_without_durations_aligns_words_by_their_phonemes(tiny_files: dict[str, Path],
                                                                 tmp_path: Path) -> None:
    plain = KokoroProvider(model_path=tiny_files["plain"], voices_path=tiny_files["voices"])
    text = "In the end, 42 boats came home."  # espeak joins "the end"-style words and spells out 42
    rendered = plain.synthesize(text, _kokoro("bm_george"), tmp_path / "plain.wav")
    _check_words(rendered.words, text, rendered.duration_seconds)
    spans = {w.text: w.end - w.start for w in rendered.words}
    # shares by phonemes, not letters: "42" is spoken "forty-two", longer than "boats" though it has fewer letters
    assert spans["42"] > 1.4 * spans["boats"]


def test_voices_listed_with_language_and_gender_and_previewable(provider: KokoroProvider, tmp_path: Path) -> None:
    page = provider.list_voices()
    listed = {v.voice_id: (v.language, v.gender, v.name) for v in page.voices}
    assert listed == {"af_bella": ("en-us", "female", "Bella"), "af_heart": ("en-us", "female", "Heart"),
                      "am_adam": ("en-us", "male", "Adam"), "am_michael": ("en-us", "male", "Michael"),
                      "bf_emma": ("en-gb", "female", "Emma"), "bm_george": ("en-gb", "male", "George")}
    assert [v.voice_id for v in provider.list_voices(search="en-gb").voices] == ["bf_emma", "bm_george"]
    second = provider.list_voices(page_size=4, page_token=provider.list_voices(page_size=4).next_page_token)
    assert [v.voice_id for v in second.voices] == ["bf_emma", "bm_george"] and not second.has_more
    preview = provider.preview("bf_emma", tmp_path / "preview.wav")
    assert rms(read_wav(preview.path)[0]) > 0.05 and 1.0 < preview.duration_seconds < 10


def test_bad_voices_and_settings_are_clear_errors(provider: KokoroProvider, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no voice 'xx_nobody'.*af_heart"):
        provider.synthesize(SHORT, _kokoro("xx_nobody"), tmp_path / "a.wav")
    with pytest.raises(Exception, match="speed must be between 0.5 and 2.0"):
        provider.synthesize(SHORT, _kokoro("af_heart", speed=3), tmp_path / "a.wav")
    with pytest.raises(Exception, match="unknown neural voice setting.*rate"):
        provider.cache_identity(_kokoro("af_heart", rate=150))
    with pytest.raises(Exception, match="no voice 'af_nobody'"):  # what `--set-voice` checks before it stores
        provider.cache_identity(_kokoro("af_nobody"))
    with pytest.raises(Exception, match="no text"):
        provider.synthesize("  ", _kokoro("af_heart"), tmp_path / "a.wav")
    assert not (tmp_path / "a.wav").exists()


def test_narration_caches_neural_takes_like_any_provider(provider: KokoroProvider, tmp_path: Path) -> None:
    narrator = Character(name="Narrator", is_narrator=True, voice=_kokoro("bf_emma"))
    keeper = Character(name="Keeper", voice=_kokoro("am_michael"))
    shot = Shot(duration_frames=24 * 20)
    lines = [Line(text=SHORT, shot_id=shot.id), Line(text=LONG, shot_id=shot.id, speaker=keeper.id)]
    document = ProjectDocument.create(tmp_path / "film", Project(cast=[narrator, keeper], shots=[shot], lines=lines))
    first = narrate_lines(document, provider=provider)
    assert sorted(first.narrated) == sorted(line.id for line in lines) and first.ok
    take = document.project.line(lines[1].id).active()
    assert take is not None and take.voice.voice_id == "am_michael" and take.timings[0]["text"] == "The"
    for line in document.project.lines:
        line.takes.clear()  # the cache, not the takes, must answer the second run
        line.active_take = None
    second = narrate_lines(document, provider=provider)
    assert sorted(second.reused) == sorted(line.id for line in lines) and not second.narrated
    key = take.cache_key
    assert AudioCache.for_bundle(document.bundle).lookup(key) is not None


def _hub_repo(hub: fake_hub.FakeHub, tiny_files: dict[str, Path]) -> dict[str, bytes]:
    files = {KOKORO.model_file: tiny_files["model"].read_bytes(), KOKORO.voices_file: tiny_files["voices"].read_bytes(),
             "kokoro-v1.0.int8.onnx": b"another variant, not fetched" * 100, "README.md": b"# kokoro-onnx\n"}
    hub.add_files(KOKORO.repo_id, files)
    return files


def test_download_into_the_model_store_then_offline_defaults_are_neural(
        tiny_files: dict[str, Path], tmp_path: Path, online: None, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ModelStore(tmp_path / "models")
    monkeypatch.setenv("STORYREEL_MODEL_DIR", str(store.location))
    project = Project(cast=[Character(name="Narrator", is_narrator=True), Character(name="Keeper"),
                            Character(name="Daughter"), Character(name="Mara")])
    assert not neural_voice_ready() and [c.voice.provider for c in assign_default_voices(project)] == ["espeak"] * 3
    with fake_hub.running_hub() as hub:
        files = _hub_repo(hub, tiny_files)
        from_hub = ModelStore(store.location, hub.url)
        plan = plan_download(from_hub, KOKORO.repo_id, allow_patterns=KOKORO.files)
        assert set(plan.missing) == set(KOKORO.files)
        assert plan.total_bytes == len(files[KOKORO.model_file]) + len(files[KOKORO.voices_file])
        hub.add_fault(KOKORO.repo_id, KOKORO.voices_file, "drop")  # the connection drops half way
        download_model(from_hub, KOKORO.repo_id, plan=plan)
        fetched = [name for name, _range in hub.file_gets(KOKORO.repo_id)]
        again = plan_download(from_hub, KOKORO.repo_id, allow_patterns=KOKORO.files)
        hub.requests.clear()
        download_model(from_hub, KOKORO.repo_id, plan=again)
        assert again.missing == {} and hub.file_gets(KOKORO.repo_id) == []  # nothing fetched twice
    assert sorted(fetched) == sorted([*KOKORO.files, KOKORO.voices_file])  # the dropped file again, no variant
    found = stored_files(store)
    assert found is not None and found.model.read_bytes() == files[KOKORO.model_file] and neural_voice_ready()

    commands = assign_default_voices(project)
    voices = {project.character(c.character_id).name: c.voice for c in commands}
    assert voices["Narrator"] == _kokoro("af_heart")  # the narrator too, now that the defaults are neural
    cast = [voices[name].voice_id for name in ("Keeper", "Daughter", "Mara")]
    assert cast == ["am_michael", "af_bella", "am_adam"]  # distinct, male and female in turn
    line = Line(text=SHORT, shot_id="sht_x")
    assert voice_for_line(Project(), line) == _kokoro("af_heart")  # no narrator in the cast
    espeak_cast = Project(cast=[Character(name="Keeper", voice=Voice(voice_id="en-us+m3"))])
    line = Line(text=SHORT, shot_id="sht_x", speaker=espeak_cast.cast[0].id)
    assert voice_for_line(espeak_cast, line, "kokoro").provider == "kokoro"  # an offline draft in neural voices
    assert voice_for_line(espeak_cast, line, "espeak") == Voice(voice_id="en-us+m3")
    spoken = get_provider("kokoro").synthesize(SHORT, voices["Keeper"], tmp_path / "k.wav")  # from the store
    assert rms(read_wav(spoken.path)[0]) > 0.05


def test_neural_voice_not_downloaded_says_how_to_get_it(tmp_path: Path) -> None:
    provider = KokoroProvider(store=ModelStore(tmp_path / "empty"))
    with pytest.raises(VoiceModelMissing, match="storyreel models download fastrtc/kokoro-onnx"):
        provider.synthesize(SHORT, _kokoro("af_heart"), tmp_path / "a.wav")


@pytest.mark.parametrize("damaged", ["model", "voices"])
def test_a_damaged_model_file_is_a_clear_error_with_a_download_hint(tiny_files: dict[str, Path], tmp_path: Path,
                                                                   damaged: str) -> None:
    model, voices = tmp_path / KOKORO.model_file, tmp_path / KOKORO.voices_file
    model.write_bytes(tiny_files["model"].read_bytes())
    voices.write_bytes(tiny_files["voices"].read_bytes())
    target = model if damaged == "model" else voices
    target.write_bytes(target.read_bytes()[: target.stat().st_size // 3])  # a download cut short
    provider = KokoroProvider(model_path=model, voices_path=voices)
    with pytest.raises(VoiceModelDamaged, match=rf"{target.name} is damaged .*storyreel models download "
                                                 r"fastrtc/kokoro-onnx"):
        provider.synthesize(SHORT, _kokoro("af_heart"), tmp_path / "a.wav")


def test_cli_lists_downloads_and_repairs_the_voice_model(tiny_files: dict[str, Path], tmp_path: Path) -> None:
    cli = run_cli
    with fake_hub.running_hub() as hub:
        files = _hub_repo(hub, tiny_files)
        env = fake_hub.hub_env(hub.url, tmp_path)
        listed = cli("models", env=env)
        assert listed.returncode == 0 and KOKORO.repo_id in listed.stdout
        row = listed.stdout.split(KOKORO.repo_id)[1].splitlines()[0]
        assert " no " in f" {row} " and "Apache-2.0" in row and "MIT" in row
        done = cli("models", "download", KOKORO.repo_id, env=env, timeout=120)
        assert done.returncode == 0, done.stderr
        size = len(files[KOKORO.model_file]) + len(files[KOKORO.voices_file])
        assert "100%" in done.stderr and f", {format_bytes(size)}, into" in done.stderr and "neural voice is ready" in done.stdout
        store = ModelStore(tmp_path / "hf" / "hub")
        found = stored_files(store)
        assert found is not None

        found.model.resolve().write_bytes(b"\x00not a model")  # the disk damaged it
        with pytest.raises(VoiceModelDamaged):
            KokoroProvider(store=store).synthesize(SHORT, _kokoro("af_heart"), tmp_path / "a.wav")
        hub.requests.clear()
        repaired = cli("models", "download", KOKORO.repo_id, env=env, timeout=120)
        assert repaired.returncode == 0, repaired.stderr
        assert f"{KOKORO.model_file} was damaged" in repaired.stderr
        assert [name for name, _ in hub.file_gets(KOKORO.repo_id)] == [KOKORO.model_file]  # the good file stays
    assert stored_files(store).model.read_bytes() == files[KOKORO.model_file]
    voiced = KokoroProvider(store=store).synthesize(SHORT, _kokoro("af_heart"), tmp_path / "b.wav")
    assert rms(read_wav(voiced.path)[0]) > 0.05
    listed = cli("models", "--json", env=env)
    [voice_row] = [r for r in json.loads(listed.stdout) if r["id"] == KOKORO.repo_id]
    assert (voice_row["kind"], voice_row["state"], voice_row["present"]) == ("voice", "on disk", True)

    voices = cli("voice", "--list-voices", "--provider", "kokoro", env=env)
    assert voices.returncode == 0 and "kokoro:bm_george" in voices.stdout and "en-gb, male" in voices.stdout
    shot = Shot(duration_frames=24 * 10)
    keeper = Character(name="Keeper")
    project = Project(cast=[Character(name="Narrator", is_narrator=True), keeper], shots=[shot],
                      lines=[Line(text=SHORT, shot_id=shot.id), Line(text=LONG, shot_id=shot.id, speaker=keeper.id)])
    film = ProjectDocument.create(tmp_path / "film", project).bundle
    voiced = cli("voice", str(film), env=env)  # no --provider: the cast's new defaults are the neural voices
    assert voiced.returncode == 0, voiced.stderr
    saved = ProjectDocument.open(film)[0].project
    assert [c.voice.voice_id for c in saved.cast] == ["af_heart", "am_michael"]
    assert all(line.active() is not None and line.active().voice.provider == "kokoro" for line in saved.lines)


def test_neural_cast_defaults_follow_the_cast_language_and_stay_distinct_past_the_voices_file() -> None:
    available = tuple(sorted(tiny_kokoro.TINY_VOICES))
    assert narrator_voice("en-gb", available) == _kokoro("bf_emma")
    assert cast_voice("en-gb", available, set(), 0) == _kokoro("bm_george")  # British voices first
    assert cast_voice("en-gb", available, {"bm_george"}, 1).voice_id == "am_michael"  # then the others
    taken: set[str] = set()
    picked = []
    for index in range(8):  # 6 voices, one of them the narrator's: the rest reused at other speeds
        voice = cast_voice("en-us", available, taken, index)
        taken.add(voice.voice_id)
        picked.append((voice.voice_id, voice.settings.get("speed")))
    assert len(set(picked)) == len(picked) and "af_heart" not in {name for name, _speed in picked}
    assert [speed for _name, speed in picked].count(None) == 5
