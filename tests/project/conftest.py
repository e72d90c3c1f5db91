from __future__ import annotations

from pathlib import Path

import pytest

from studio.project import Character, Line, MusicClip, Project, Shot, Take, Transition, Voice


def full_project() -> Project:
    """A document with every kind of object and non-default values in every field."""
    narrator = Character(name="Narrator", is_narrator=True, voice=Voice(provider="espeak", voice_id="en-gb",
                                                                        settings={"rate": 150}))
    keeper = Character(name="Keeper", voice=Voice(provider="elevenlabs", voice_id="abc123", model_id="eleven_v3",
                                                  settings={"stability": 0.4}))
    take = Take(media="media/takes/s1/t1/video.mp4", request={"prompt": "sea", "seed": 7}, seed=7,
                backend="animatic", model_id="animatic", width=1280, height=720, fps=24, frame_count=96,
                thumbnail="media/takes/s1/t1/thumb.jpg", trim_in=2, trim_out=90)
    shot1 = Shot(id="s1", prompt="A lighthouse at dusk", negative_prompt="blurry", duration_frames=96, aspect="2.39:1",
                 seed=7, seed_locked=True, camera="push_in", reference="media/stills/lh.png", backend="diffusers",
                 model_id="Wan-AI/Wan2.1-T2V-1.3B-Diffusers", notes="golden hour", takes=[take], active_take=take.id,
                 transition=Transition(kind="dip_to_black", duration_frames=12))
    shot2 = Shot(id="s2", prompt="雨の窓 — rain on glass", duration_frames=48, camera="handheld",
                 transition=Transition(kind="crossfade", duration_frames=8))
    line = Line(text="He had kept the light for forty years.", shot_id="s1", offset_frames=12, speaker=None)
    line2 = Line(text="Dad?", shot_id="s2", speaker=keeper.id, delivery="softly")
    return Project(title="The Keeper", author="A. Filmmaker", fps=25, width=1920, height=1080,
                   cast=[narrator, keeper], shots=[shot1, shot2], lines=[line, line2],
                   music=[MusicClip(media="media/music/bed.wav", gain_db=-14)], metadata={"genre": "drama"})


@pytest.fixture
def project() -> Project:
    return full_project()


@pytest.fixture
def bundle(tmp_path: Path, project: Project) -> Path:
    from studio.project import store

    return store.create_bundle(tmp_path / "film", project)
