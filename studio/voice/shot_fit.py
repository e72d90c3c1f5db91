"""Do a shot's lines fit in it? And, where they don't, how long should the shot be?

A line occupies its offset plus its audio (the active take when it matches the text, else an estimate from
the text at the voice's speaking rate). Proposals are snapped to what the shot's video model can make and
are only proposals: the caller applies them with commands (``ExtensionProposal.command()``), never silently.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from studio.project import commands as cmd
from studio.project.model import Line, Project, Shot, Voice

from .cast_voices import speaker

# Fitted on espeak-ng 1.52 (18 sentences at rates 120-260 wpm; mean error 9 %):
# seconds = characters x this / rate + pauses + the silence around an utterance.
ESPEAK_CHARACTER_WPM_SECONDS = 8.9
UTTERANCE_SECONDS = 0.11
ESPEAK_DEFAULT_RATE = 165  # espeak_provider.SETTINGS["rate"] default
SERVICE_CHARACTERS_PER_SECOND = 15.0  # a natural narration pace (ElevenLabs voices at speed 1.0)
CLAUSE_PAUSE_SECONDS = 0.24  # what a comma or a full stop inside a line adds when read aloud
TAIL_SECONDS = 0.25  # air after the last word before the cut


@dataclass(frozen=True)
class LineFit:
    line_id: str
    start_frame: int  # offset inside the shot
    end_frame: int
    estimated: bool  # True: no current audio, the length is guessed from the text
    overlaps_previous: bool  # starts before the shot's previous line ends


@dataclass(frozen=True)
class ShotFit:
    shot_id: str
    duration_frames: int
    lines: tuple[LineFit, ...]

    @property
    def end_frame(self) -> int:
        """Where the shot's last line ends (0 with no lines)."""
        return max((line.end_frame for line in self.lines), default=0)

    @property
    def fits(self) -> bool:
        return self.end_frame <= self.duration_frames

    @property
    def overflow_frames(self) -> int:
        return max(0, self.end_frame - self.duration_frames)


@dataclass(frozen=True)
class ExtensionProposal:
    shot_id: str
    current_frames: int
    needed_frames: int  # last line's end plus a little air
    proposed_frames: int  # needed, snapped to the model's allowed clip lengths
    limited_by_model: bool  # the model's longest clip is shorter than needed: split the shot or trim lines

    def command(self) -> cmd.SetFields:
        return cmd.edit_shot(self.shot_id, duration_frames=self.proposed_frames)


def estimate_seconds(text: str, voice: Voice | None = None) -> float:
    """How long ``text`` takes to say: by characters at the voice's pace (espeak 'rate', service 'speed')."""
    characters = len(text.strip())
    pauses = len(re.findall(r"[,;:.!?]+(?=\s)", text.strip()))
    if voice is None or voice.provider == "espeak":
        rate = float((voice.settings.get("rate") if voice is not None else None) or ESPEAK_DEFAULT_RATE)
        speaking = characters * ESPEAK_CHARACTER_WPM_SECONDS / max(rate, 1.0)
    else:
        speed = float(voice.settings.get("speed") or 1.0)
        speaking = characters / (SERVICE_CHARACTERS_PER_SECOND * max(speed, 0.1))
    return speaking + pauses * CLAUSE_PAUSE_SECONDS + UTTERANCE_SECONDS


def line_seconds(project: Project, line: Line) -> tuple[float, bool]:
    """(seconds, estimated) for a line: its active take's length when the take reads the current text."""
    take = line.active()
    if take is not None and take.status == "ready" and take.text == line.text and take.duration_samples:
        return take.duration_seconds, False
    character = speaker(project, line)
    return estimate_seconds(line.text, character.voice if character else None), True


def fit_shot(project: Project, shot: Shot) -> ShotFit:
    fits: list[LineFit] = []
    previous_end = -1
    for line in sorted(project.lines_for_shot(shot.id), key=lambda item: item.offset_frames):
        seconds, estimated = line_seconds(project, line)
        end = line.offset_frames + math.ceil(seconds * project.fps - 1e-9)
        fits.append(LineFit(line.id, line.offset_frames, end, estimated, line.offset_frames < previous_end))
        previous_end = max(previous_end, end)
    return ShotFit(shot.id, shot.duration_frames, tuple(fits))


def fit_report(project: Project) -> list[ShotFit]:
    """One entry per shot, in film order."""
    return [fit_shot(project, shot) for shot in project.shots]


def propose_extensions(project: Project, *, tail_seconds: float = TAIL_SECONDS) -> list[ExtensionProposal]:
    """New durations for the shots whose lines run past their end."""
    proposals: list[ExtensionProposal] = []
    for shot, fit in zip(project.shots, fit_report(project), strict=True):
        if fit.fits:
            continue
        needed = fit.end_frame + math.ceil(tail_seconds * project.fps)
        proposed, limited = _snap_duration(project, shot, needed)
        proposals.append(ExtensionProposal(shot.id, shot.duration_frames, needed, proposed, limited))
    return proposals


def _snap_duration(project: Project, shot: Shot, needed: int) -> tuple[int, bool]:
    """The shortest duration >= ``needed`` (project frames) whose clip the shot's model can make exactly."""
    from engine.model_registry import constraints_for

    try:
        constraints = constraints_for(shot.backend or project.engine.backend,
                                      shot.model_id if shot.backend else (shot.model_id or project.engine.model_id))
    except (ValueError, LookupError, OSError, ImportError):
        return needed, False  # an unknown or missing model: no constraints to honour
    fps = project.fps
    model_needed = constraints.native_frames_for(needed, fps)
    snapped = constraints.snap_frames(model_needed)
    while snapped < model_needed:
        bigger = constraints.snap_frames(snapped + max(1, constraints.frame_multiple))
        if bigger <= snapped:  # the model's longest clip
            break
        snapped = bigger
    limited = snapped < model_needed
    native = constraints.native_fps
    proposed = snapped if native is None else math.floor(snapped * fps / native + 1e-9)
    if limited:
        return max(shot.duration_frames, proposed), True
    return max(needed, proposed), False
