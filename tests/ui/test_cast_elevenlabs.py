"""The cast panel's "Use ElevenLabs voices": the library is listed off the UI thread (real SDK, fake server) and the
casting lands as one undoable step; the lines panel names both speakers of a joint line."""

from __future__ import annotations

import fake_elevenlabs as fake_server  # tests/support, on the test path
import pytest
from PySide6.QtCore import Qt

from studio.project import Character, Line, Shot
from studio.project import commands as cmd

from .test_editing import new_film


@pytest.fixture
def library_server(monkeypatch):
    """Requested before ``make_window``, so the window (and its background listing) closes before the server."""
    server = fake_server.FakeElevenLabs()
    server.voices = list(server.LIBRARY)
    monkeypatch.setenv("ELEVENLABS_API_KEY", fake_server.API_KEY)
    monkeypatch.setenv("STORYREEL_ELEVENLABS_BASE_URL", server.url)
    yield server
    server.close()


def test_use_elevenlabs_voices_casts_the_cast_in_one_undo_step(library_server, qtbot, make_window, tmp_path):
    server = library_server
    window = make_window()
    new_film(window, tmp_path)
    shot = Shot(prompt="The jetty at dusk.")
    mara = Character(name="Mara", notes="a young girl")
    keeper = Character(name="Keeper", notes="an old man")
    line = Line(text="Come home.", speaker=mara.id, also_speakers=[keeper.id], shot_id=shot.id)
    window.session.push(cmd.Batch([cmd.AddShot(shot), cmd.AddCharacter(mara), cmd.AddCharacter(keeper),
                                   cmd.AddLine(line)]))
    window.session.select_shots([shot.id])
    lines_panel = window.panels["lines"]
    assert lines_panel.list.item(0).text().startswith("Mara & Keeper at 0.0 s — Come home.")
    window.docks["cast"].raise_()
    cast = window.panels["cast"]
    qtbot.mouseClick(cast.cast_elevenlabs, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "speaks with ElevenLabs voice" in cast.status.text()
                    or "Could not" in cast.status.text(), timeout=30_000)
    project = window.session.project
    voices = {c.name: (c.voice.provider, c.voice.voice_id) for c in project.cast}
    assert voices == {"Mara": ("elevenlabs", "lib00"), "Keeper": ("elevenlabs", "lib02")}, cast.status.text()
    assert "Keeper speaks with ElevenLabs voice Bill (lib02)" in cast.status.text()
    assert "elevenlabs: lib00" in cast.list.item(0).text()  # the list follows the model
    qtbot.waitUntil(lambda: not window.tasks.running(), timeout=30_000)  # the panel lists the voices too
    assert "Mara speaks with ElevenLabs voice Aria" in cast.status.text()  # the mapping stays in view
    window.undo_action.trigger()
    assert {c.voice.provider for c in window.session.project.cast} == {"espeak"}
    assert [r.path for r in server.requests][0] == "/v2/voices"
    qtbot.waitUntil(lambda: not window.tasks.running(), timeout=30_000)  # the panel lists the voices too
