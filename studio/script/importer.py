"""``import_fountain``: a Fountain script into an open project, as one undoable step (the caller saves)."""

from __future__ import annotations

from pathlib import Path

from engine.model_families import FrameConstraints
from engine.model_registry import constraints_for
from studio.project import ProjectDocument
from studio.project import commands as cmd
from studio.project.model import MAX_SHOTS, Project

from .breakdown import SHOTS_PER, FitFrames, build_plan
from .errors import ScriptError
from .fountain_reader import parse_screenplay
from .reconcile import ImportSummary, reconcile
from .script_elements import CastScriptShots
from .script_file import read_script


def import_fountain(document: ProjectDocument, script: Path | str, *, shots_per: str = "paragraph") -> ImportSummary:
    """Read, break down and merge ``script`` into ``document``; every change is one undo step.

    Raises ScriptError (a StoryreelError) for a file that is not a readable screenplay; the project is then
    untouched. A re-import updates matched shots and keeps every take (see ``reconcile``).
    """
    if shots_per not in SHOTS_PER:
        raise ScriptError(f"shots per must be one of {', '.join(SHOTS_PER)}, not {shots_per!r}")
    script = Path(script)
    screenplay = parse_screenplay(read_script(script))
    project = document.project
    fit, warnings = frame_fitter(project)
    plan = build_plan(screenplay, fps=project.fps, shots_per=shots_per, fit_frames=fit,
                      cast_names=tuple(c.name for c in project.cast))
    plan.warnings[:0] = warnings
    _check_shot_limit(len(plan.shots), shots_per)
    commands, summary = reconcile(project, plan, source=script.name, shots_per=shots_per)
    _check_shot_limit(len(project.shots) + summary.new_shots, shots_per, kept=len(project.shots))
    document.execute(cmd.Batch([*commands, CastScriptShots()], text=f"Import script {script.name}"))
    return summary


def _check_shot_limit(count: int, shots_per: str, *, kept: int = 0) -> None:
    """The project's shot limit, said in script terms before anything is changed."""
    if count <= MAX_SHOTS:
        return
    hint = " (try --shots-per scene)" if shots_per != "scene" else ""
    kept_note = f", with the {kept} shots the project keeps," if kept else ""
    raise ScriptError(f"this script{kept_note} would make {count} shots and a project holds at most {MAX_SHOTS}; "
                      f"split the script into several films{hint}")


def frame_fitter(project: Project) -> tuple[FitFrames | None, list[str]]:
    """Shot lengths the project's engine can make: frame counts snapped at the model's native rate."""
    backend, model_id = project.engine.backend, project.engine.model_id
    try:
        constraints = constraints_for(backend, model_id)
    except (ValueError, LookupError) as exc:
        return None, [f"shot lengths are not snapped to the engine's frame counts: {exc}"]
    return (lambda frames, min_frames: fit_frames(constraints, project.fps, frames, min_frames)), []


def fit_frames(constraints: FrameConstraints, fps: int, frames: int, min_frames: int) -> int:
    """The frame count (at the project rate) nearest ``frames`` whose clip the model makes natively,
    lengthened while it is shorter than ``min_frames`` and the model allows a longer clip."""
    def at_project_rate(native: int) -> int:
        if constraints.native_fps is None:
            return native
        return max(1, round(native / constraints.native_fps * fps))

    native = constraints.snap_frames(constraints.native_frames_for(frames, fps))
    step = max(1, constraints.frame_multiple)
    while at_project_rate(native) < min_frames:
        longer = constraints.snap_frames(native + step)
        if longer <= native:  # the model's longest clip
            break
        native = longer
    return at_project_rate(native)
