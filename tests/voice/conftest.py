"""Fixtures of the voice tests: the fake ElevenLabs server (tests/support/fake_elevenlabs.py) and small projects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fake_elevenlabs import (  # noqa: F401 - re-exported for the voice tests
    API_KEY,
    SECONDS_PER_CHARACTER,
    FakeElevenLabs,
    Fault,
    Received,
    effect_samples,
    mp3_bytes,
    tone_samples,
    wav_bytes,
)

from studio.project import Character, Line, Project, ProjectDocument, Shot


@pytest.fixture
def fake_elevenlabs() -> Any:
    server = FakeElevenLabs()
    yield server
    server.close()


@pytest.fixture
def eleven_env(fake_elevenlabs: FakeElevenLabs, monkeypatch: pytest.MonkeyPatch) -> FakeElevenLabs:
    """The key and the server's URL in the environment, as a user (or the CLI) would set them."""
    monkeypatch.setenv("ELEVENLABS_API_KEY", API_KEY)
    monkeypatch.setenv("STORYREEL_ELEVENLABS_BASE_URL", fake_elevenlabs.url)
    return fake_elevenlabs


def make_project(tmp_path: Path, *, eleven_voice: str | None = None) -> ProjectDocument:
    """Two shots at 24 fps; a narrator and two characters; three lines."""
    narrator = Character(name="Narrator", is_narrator=True)
    mara = Character(name="Mara")
    jonah = Character(name="Jonah")
    if eleven_voice:
        for character in (narrator, mara, jonah):
            character.voice = character.voice.model_copy(
                update={"provider": "elevenlabs", "voice_id": eleven_voice, "model_id": "eleven_multilingual_v2",
                        "settings": {"stability": 0.4, "similarity_boost": 0.8}})
    shots = [Shot(prompt="a rainy street at night", duration_frames=48), Shot(prompt="a café", duration_frames=96)]
    lines = [
        Line(text="The city never slept, and neither did Mara.", shot_id=shots[0].id),
        Line(text="You came back.", speaker=mara.id, shot_id=shots[1].id, offset_frames=6),
        Line(text="I never left.", speaker=jonah.id, shot_id=shots[1].id, offset_frames=40),
    ]
    project = Project(title="Rain", fps=24, width=320, height=180, cast=[narrator, mara, jonah], shots=shots,
                      lines=lines)
    return ProjectDocument.create(tmp_path / "rain", project)


@pytest.fixture
def offline_project(tmp_path: Path) -> ProjectDocument:
    return make_project(tmp_path)


@pytest.fixture
def eleven_project(tmp_path: Path) -> ProjectDocument:
    return make_project(tmp_path, eleven_voice="voice00")
