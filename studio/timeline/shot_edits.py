"""Shot-level edits the menus offer (add, duplicate, split, delete, mark in/out), built as model commands.

``playhead`` arguments are film frames (title cards included), as the editor's playhead shows them.
"""

from __future__ import annotations

from studio.project import Project, Shot, commands
from studio.project.model import new_seed

from .layout import shot_film_starts
from .nle_edits import blade, copy_of, ripple_delete

DEFAULT_SHOT_SECONDS = 4


def add_shot(project: Project, after: list[str]) -> tuple[commands.Command, str]:
    """A new empty shot after the last selected one (or at the end); returns the command and the new id."""
    index = max((project.shot_index(i) for i in after), default=len(project.shots) - 1) + 1
    shot = Shot(duration_frames=DEFAULT_SHOT_SECONDS * project.fps,
                aspect=_aspect_of(project), backend=None, seed=new_seed())
    return commands.AddShot(shot, index=index), shot.id


def _aspect_of(project: Project) -> str:
    return project.shots[-1].aspect if project.shots else "16:9"


def duplicate_shots(project: Project, shot_ids: list[str]) -> tuple[commands.Command | None, list[str]]:
    adds: list[commands.Command] = []
    new_ids: list[str] = []
    ordered = sorted(shot_ids, key=project.shot_index)
    for offset, shot_id in enumerate(ordered):
        copy = copy_of(project.shot(shot_id))
        adds.append(commands.AddShot(copy, index=project.shot_index(shot_id) + 1 + offset))
        new_ids.append(copy.id)
    if not adds:
        return None, []
    return (adds[0] if len(adds) == 1 else commands.Batch(adds, text=f"Duplicate {len(adds)} shots")), new_ids


def split_shot(project: Project, shot_id: str, playhead: int) -> tuple[commands.Command, str]:
    """Two shots where there was one (the blade's rule: both keep the takes): the cut is at the playhead when it
    falls inside the shot, else in the middle."""
    shot = project.shot(shot_id)
    if shot.duration_frames < 2:
        raise ValueError("a one-frame shot cannot be split")
    at = playhead - shot_film_starts(project)[shot_id]
    if not 0 < at < shot.duration_frames:
        at = shot.duration_frames // 2
    return blade(project, shot_id, at)


def delete_shots(project: Project, shot_ids: list[str]) -> commands.Command | None:
    """Delete is a ripple delete: the shots leave the cut and the gap closes (takes' files stay on disk)."""
    return ripple_delete(project, shot_ids)


def trim_at_playhead(project: Project, shot_id: str, playhead: int, edge: str) -> commands.Command | None:
    """Mark In/Out: trim the shot's active take so it starts (or ends) at the frame under the playhead."""
    shot = project.shot(shot_id)
    take = shot.active()
    if take is None:
        return None
    offset = playhead - shot_film_starts(project)[shot_id]
    if not 0 <= offset <= shot.duration_frames:
        return None
    rate = (take.fps or project.fps) / project.fps
    source = take.trim_in + round(offset * rate)
    end = take.trim_out if take.trim_out is not None else take.frame_count or None
    if edge == "in":
        if end is not None and source >= end:
            return None
        return commands.trim_take(shot_id, take.id, source, take.trim_out)
    if source <= take.trim_in:
        return None
    return commands.trim_take(shot_id, take.id, take.trim_in, source)
