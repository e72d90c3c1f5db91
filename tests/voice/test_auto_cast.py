"""ElevenLabs casting that just works: `storyreel voice PATH --provider elevenlabs` gives the cast still on offline
voices distinct, label-matched library voices (real SDK, fake server), prints and stores the mapping; hints win;
a small library is reused with other settings; parentheticals reach eleven_v3 as audio tags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from studio.cli.main import main
from studio.project import Character, Line, Project, ProjectDocument, Shot, store
from studio.voice.auto_cast import CASTING_KEY

from .conftest import FakeElevenLabs


def _lighthouse(tmp_path: Path, name: str = "light") -> Path:
    narrator = Character(name="Narrator", is_narrator=True)
    keeper = Character(name="Old Keeper", notes="a weathered old man who has kept the light for forty years")
    mara = Character(name="Mara", notes="his daughter, a girl of twelve")
    jonah = Character(name="Jonah")
    shots = [Shot(prompt="Jonah mends his nets on the jetty.", duration_frames=96),
             Shot(prompt="The lamp room at night.", duration_frames=96)]
    lines = [Line(text="The storm came in at dusk.", shot_id=shots[0].id),
             Line(text="Bring the lamp.", speaker=keeper.id, shot_id=shots[1].id),
             Line(text="Not here.", speaker=mara.id, shot_id=shots[1].id, delivery="whispering"),
             Line(text="The boats are in.", speaker=jonah.id, shot_id=shots[0].id),
             Line(text="Dad, look.", speaker=mara.id, shot_id=shots[1].id, offset_frames=40)]
    project = Project(title="Light", cast=[narrator, keeper, mara, jonah], shots=shots, lines=lines)
    bundle = ProjectDocument.create(tmp_path / name, project).bundle
    assert bundle is not None
    return bundle


def _voice(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["voice", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _cast(bundle: Path) -> dict[str, tuple[str, dict]]:
    project = store.load(bundle)[0]
    return {c.name: (c.voice.voice_id, c.voice.settings) for c in project.cast if c.voice.provider == "elevenlabs"}


def _tts(fake: FakeElevenLabs) -> list[tuple[str, dict]]:
    return [(r.path.split("/")[3], r.json) for r in fake.posts() if r.path.startswith("/v1/text-to-speech/")]


def test_auto_casting_gives_distinct_label_matched_voices(eleven_env: FakeElevenLabs, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    eleven_env.voices = list(eleven_env.LIBRARY)
    bundle = _lighthouse(tmp_path)
    code, out, err = _voice(capsys, str(bundle), "--provider", "elevenlabs", "--yes")
    assert code == 0, err
    cast = _cast(bundle)
    assert {name: voice for name, (voice, _) in cast.items()} == {
        "Narrator": "lib01",  # George: the first narration voice
        "Old Keeper": "lib02",  # Bill: male, old (notes "old man")
        "Mara": "lib00",  # Aria: female, young (notes "girl")
        "Jonah": "lib03",  # Charlie: male (his nets, in the action), the male voice left
    }
    assert all(settings == {} for _, settings in cast.values())
    assert "Narrator speaks with ElevenLabs voice George (lib01)" in out and "[matched narration]" in out
    assert "Mara speaks with ElevenLabs voice Aria (lib00): female, young, american" in out
    assert "female (notes)" in out and "narrated 5 line(s)" in out
    saved = store.load(bundle)[0]
    record = saved.metadata[CASTING_KEY]
    assert record[saved.character_by_name("Old Keeper").id]["voice_name"] == "Bill"  # type: ignore[union-attr]
    # Every line went to its character's library voice; the listing came before any speech.
    voices = {text["text"]: voice for voice, text in _tts(eleven_env)}
    assert voices == {"The storm came in at dusk.": "lib01", "Bring the lamp.": "lib02", "Not here.": "lib00",
                      "The boats are in.": "lib03", "Dad, look.": "lib00"}
    assert [r.path for r in eleven_env.requests][0] == "/v2/voices"
    # Again: nobody is on an offline voice, nothing is listed or sent.
    before = len(eleven_env.requests)
    code, out, _ = _voice(capsys, str(bundle), "--provider", "elevenlabs", "--yes")
    assert code == 0 and "already have audio" in out and len(eleven_env.requests) == before


def test_hints_override_and_set_voice_still_wins(eleven_env: FakeElevenLabs, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    eleven_env.voices = list(eleven_env.LIBRARY)
    bundle = _lighthouse(tmp_path)
    assert main(["cast", "voice", str(bundle), "Jonah", "--gender", "female", "--age", "old",
                 "--accent", "British"]) == 0
    out = capsys.readouterr().out
    assert "Jonah: female, old, british" in out
    hints = store.load(bundle)[0].character_by_name("Jonah").voice_hints  # type: ignore[union-attr]
    assert (hints.gender, hints.age, hints.accent) == ("female", "old", "british")
    assert _voice(capsys, str(bundle), "--set-voice", "Mara", "elevenlabs:lib05")[0] == 0  # Lily, by hand
    code, out, err = _voice(capsys, str(bundle), "--provider", "elevenlabs", "--yes", "--json")
    assert code == 0, err
    cast = _cast(bundle)
    assert cast["Jonah"][0] == "lib04"  # Dorothy: female, old, british; the hints beat "his nets"
    assert cast["Mara"][0] == "lib05"  # kept: set by hand
    assert len({voice for voice, _ in cast.values()}) == 4
    assert json.loads(out)["voices_cast"] == {"Narrator": "lib01", "Old Keeper": "lib02", "Jonah": "lib04"}
    assert "female (hint)" in err and "old (hint)" in err and "british (hint)" in err
    assert main(["cast", "voice", str(bundle), "Nobody", "--age", "old"]) == 2
    assert "no character 'Nobody'" in capsys.readouterr().err


def test_too_few_voices_are_reused_with_other_settings(eleven_env: FakeElevenLabs, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    eleven_env.voices = [eleven_env.LIBRARY[0], eleven_env.LIBRARY[2]]  # Aria, Bill
    bundle = _lighthouse(tmp_path)
    eleven_env.fail_next(429, {"detail": {"status": "system_busy", "message": "busy"}}, {"Retry-After": "0"})
    code, out, err = _voice(capsys, str(bundle), "--provider", "elevenlabs", "--yes")
    assert code == 0, err
    assert [r.path for r in eleven_env.requests][:2] == ["/v2/voices", "/v2/voices"]  # the 429 was retried
    cast = _cast(bundle)
    pairs = {(voice, json.dumps(settings, sort_keys=True)) for voice, settings in cast.values()}
    assert len(pairs) == 4 and {voice for voice, _ in cast.values()} == {"lib00", "lib02"}
    assert cast["Mara"] == ("lib00", {}) and cast["Old Keeper"][0] == "lib02"
    reused = [name for name, (_, settings) in cast.items() if settings]
    assert len(reused) == 2
    assert "your ElevenLabs library has 2 voice(s) for 4 cast member(s)" in out
    assert "reuse a voice with other settings (stability, style, speed)" in out
    assert out.count("reused with other settings (stability") == 2
    sent = {text["text"]: text.get("voice_settings") for _, text in _tts(eleven_env)}
    for name in reused:
        line = next(li for li in store.load(bundle)[0].lines
                    if li.speaker == store.load(bundle)[0].character_by_name(name).id  # type: ignore[union-attr]
                    or (li.speaker is None and name == "Narrator"))
        assert sent[line.text]["stability"] == cast[name][1]["stability"]


def test_a_library_that_fails_or_is_empty_says_so(eleven_env: FakeElevenLabs, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    bundle = _lighthouse(tmp_path)
    eleven_env.voices = []
    code, _, err = _voice(capsys, str(bundle), "--provider", "elevenlabs", "--yes")
    assert code == 2 and "your ElevenLabs account has no voices to cast" in err
    assert len(err.strip().splitlines()) == 1
    eleven_env.voices = list(eleven_env.LIBRARY)
    eleven_env.fail_next(503, {"detail": {"status": "down", "message": "maintenance"}}, {"Retry-After": "0"},
                         times=4)
    code, _, err = _voice(capsys, str(bundle), "--provider", "elevenlabs", "--yes")
    assert code == 2 and "ElevenLabs had a server error" in err and "gave up after 4 tries" in err
    assert _cast(bundle) == {} and not eleven_env.posts()  # nothing cast, nothing sent


@pytest.mark.parametrize(("model", "tagged"), [("eleven_v3", True), (None, False)])
def test_a_whispering_parenthetical_is_a_tag_for_eleven_v3_only(eleven_env: FakeElevenLabs, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str],
                                                                model: str | None, tagged: bool) -> None:
    eleven_env.voices = list(eleven_env.LIBRARY)
    bundle = _lighthouse(tmp_path)
    args = ["--model", model] if model else []
    code, _, err = _voice(capsys, str(bundle), "--provider", "elevenlabs", "--yes", *args)
    assert code == 0, err
    sent = [text for _, text in _tts(eleven_env)]
    whisper = next(t for t in sent if "Not here." in t["text"])
    assert whisper["text"] == ("[whispers] Not here." if tagged else "Not here.")
    assert whisper["model_id"] == (model or "eleven_multilingual_v2")
    assert all(t["text"] == t["text"].lstrip("[") for t in sent if "Not here." not in t["text"])
    line = next(li for li in store.load(bundle)[0].lines if li.text == "Not here.")
    take = line.active()
    assert take is not None and take.text == "Not here." and line.delivery == "whispering"


def test_tags_follow_the_delivery_and_stay_out_of_the_timings(eleven_env: FakeElevenLabs, tmp_path: Path) -> None:
    from studio.project import Voice
    from studio.project import commands as cmd
    from studio.voice import narrate_lines
    from studio.voice.delivery_tags import delivery_tags

    assert delivery_tags("voice-over; whispering to Mara, angrily") == ["whispers", "angry"]
    assert delivery_tags("beat") == [] and delivery_tags("to Mara") == []
    bundle = _lighthouse(tmp_path)
    document, _ = ProjectDocument.open(bundle)
    mara = document.project.character_by_name("Mara")
    assert mara is not None
    document.execute(cmd.SetCharacterVoice(mara.id, Voice(provider="elevenlabs", voice_id="lib00", model_id="eleven_v3",
                                                          settings={"timestamps": True})))
    line = next(li for li in document.project.lines if li.text == "Not here.")
    assert narrate_lines(document, [line.id]).ok
    [sent] = _tts(eleven_env)
    assert sent[1]["text"] == "[whispers] Not here." and eleven_env.posts()[0].path.endswith("/with-timestamps")
    take = document.project.line(line.id).active()
    assert take is not None and [t["text"] for t in take.timings] == ["Not", "here."]
    # A new delivery is a new request for a v3 voice (the tag is part of what is said).
    document.execute(cmd.SetFields("line", (line.id,), {"delivery": "shouting"}))
    assert narrate_lines(document, [line.id]).narrated == [line.id]
    assert _tts(eleven_env)[-1][1]["text"] == "[shouts] Not here."


def test_casting_in_a_subprocess_as_a_user_runs_it(fake_elevenlabs: FakeElevenLabs, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from .conftest import API_KEY

    fake_elevenlabs.voices = list(fake_elevenlabs.LIBRARY)
    bundle = _lighthouse(tmp_path)
    env = {**os.environ, "ELEVENLABS_API_KEY": API_KEY, "STORYREEL_ELEVENLABS_BASE_URL": fake_elevenlabs.url}

    def storyreel(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "studio.cli.main", *args], capture_output=True, text=True,
                              input="", timeout=300, env=env)

    r = storyreel("cast", "voice", str(bundle), "Mara", "--age", "old")
    assert r.returncode == 0 and "Mara: old" in r.stdout, r.stderr
    r = storyreel("voice", str(bundle), "--provider", "elevenlabs")  # stdin is not a terminal: no question asked
    assert r.returncode == 0, r.stderr
    assert "Mara speaks with ElevenLabs voice Dorothy (lib04)" in r.stdout  # old (hint) beats young (notes)
    assert "ElevenLabs will bill" in r.stderr and "narrated 5 line(s)" in r.stdout
    assert _cast(bundle)["Mara"][0] == "lib04"
