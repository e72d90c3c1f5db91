"""What a storyboard says about each shot, in story order: number, scene, length, camera move, prompt, its lines
with their speakers and the active take; and the picture its panel shows.

The PDF storyboard and the shot list CSV are both written from these panels, so they never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.backends.animatic import camera_words
from engine.video_io import VideoError
from studio.project.commands import speaker_of
from studio.project.errors import StoryreelError
from studio.project.model import Line, Project, Shot
from studio.project.usable_media import media_present

NARRATOR = "Narrator"  # a line without a speaker, in a project that has no narrator character


@dataclass(frozen=True)
class PanelLine:
    speaker: str
    text: str
    delivery: str = ""


@dataclass(frozen=True)
class Panel:
    number: int  # 1-based, in story order
    shot_id: str
    scene: str
    seconds: float
    camera: str  # in words: "push in"
    prompt: str
    lines: tuple[PanelLine, ...]
    take_media: str | None  # the active take's clip, relative to the bundle; None when there is no usable take

    @property
    def cast(self) -> tuple[str, ...]:
        """Who speaks in the shot, in the order they first do."""
        return tuple(dict.fromkeys(line.speaker for line in self.lines))


def storyboard_panels(project: Project, bundle: Path | None = None) -> list[Panel]:
    """One panel per shot, in story order; a take whose clip is gone from ``bundle`` counts as none."""
    panels = []
    for number, shot in enumerate(project.shots, start=1):
        lines = sorted(project.lines_for_shot(shot.id), key=lambda line: line.offset_frames)
        take = shot.active()
        usable = take is not None and take.status == "ready" and media_present(bundle, take.media)
        panels.append(Panel(
            number=number, shot_id=shot.id, scene=shot.scene or "", seconds=shot.duration_frames / project.fps,
            camera=camera_words(shot.camera), prompt=shot.prompt.strip(),
            lines=tuple(PanelLine(speaker_name(project, line), line.text, line.delivery) for line in lines),
            take_media=take.media if usable and take is not None else None,
        ))
    return panels


def speaker_name(project: Project, line: Line) -> str:
    """The name of who speaks ``line``: its character, else the project's narrator."""
    speaker = speaker_of(project, line)
    return next((c.name for c in project.cast if c.id == speaker), speaker if line.speaker else NARRATOR)


def panel_picture(project: Project, bundle: Path, shot: Shot, size: tuple[int, int],
                  warnings: list[str]) -> np.ndarray:
    """The shot's picture at ``size`` (RGB): its keyframe (reference still), else the middle frame of the part of
    its active take the cut uses, else its story card as the animatic draws it. A still or clip that cannot be
    read is noted in ``warnings`` and the next source is used."""
    from studio.timeline.film_frames import fit_into

    number = project.shot_index(shot.id) + 1
    if shot.reference:
        try:  # framed as the animatic frames a still: filling the frame, centred
            return fit_into(_still(bundle, shot.reference), size, "fill")
        except (StoryreelError, VideoError, OSError) as exc:  # say why, and board the next picture
            warnings.append(f"shot {number}: its keyframe {shot.reference} cannot be read ({exc}); "
                            "the board shows the next picture")
    take = shot.active()
    if take is not None and take.status == "ready" and media_present(bundle, take.media):
        try:
            return fit_into(_take_frame(bundle, take.media, take.trim_in, take.trim_out), size,
                            project.export.fit)  # as the film shows it
        except (StoryreelError, VideoError, OSError, IndexError) as exc:
            warnings.append(f"shot {number}: its take {take.media} cannot be read ({exc}); the board shows its "
                            "story card")
    return _story_card(project, shot, size)


def _still(bundle: Path, relative: str) -> np.ndarray:
    from engine.video_io import load_image_rgb
    from studio.project.media_path import resolve_media
    from studio.project.reference_image import check_reference_image

    # A bundle from elsewhere may hold anything: the still is bounded before it is decoded.
    return load_image_rgb(check_reference_image(resolve_media(bundle, relative)))


def _take_frame(bundle: Path, relative: str, trim_in: int, trim_out: int | None) -> np.ndarray:
    from engine.video_io import probe_video, read_frames
    from studio.project.media_path import resolve_media

    path = resolve_media(bundle, relative)
    count = probe_video(path).frame_count
    end = min(count, trim_out) if trim_out is not None else count
    start = min(trim_in, max(0, end - 1))
    return read_frames(path, [max(0, (start + end - 1) // 2)])[0]


def _story_card(project: Project, shot: Shot, size: tuple[int, int]) -> np.ndarray:
    from studio.generation.requests import shot_label  # the slug line the animatic engine sets on the card
    from studio.timeline.film_frames import story_card_image

    width, height = size
    return story_card_image(shot.prompt, shot_label(project, shot), shot.seed, width, height)
