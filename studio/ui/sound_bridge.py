"""Making the shots' sounds off the UI thread: the worker makes them in a private copy of the project (as
narration does, ``voice_bridge``); back on the UI thread the new sound takes join the live project as one
undoable step."""

from __future__ import annotations

from typing import Any

from engine.progress import CancelToken, ProgressCallback
from studio.project import ProjectDocument, StoryreelError, commands
from studio.project.model import Project

from .background import BackgroundTask, TaskList
from .session import ProjectSession


def make_sounds(tasks: TaskList, session: ProjectSession, shot_ids: list[str] | None) -> BackgroundTask:
    """Sound takes for ``shot_ids`` (None: every shot with a sound prompt) with the offline ambiences."""
    copy = ProjectDocument(session.project.model_copy(deep=True), session.bundle)

    def job(progress: ProgressCallback, cancel: CancelToken) -> Any:
        from studio.sound.sound_takes import make_sounds as make

        return make(copy, shot_ids, provider="offline", progress=progress, cancel=cancel)

    task = tasks.start("Making sounds", job)
    task.succeeded.connect(lambda _report: adopt_sounds(session, copy.project))
    return task


def adopt_sounds(session: ProjectSession, made: Project) -> int:
    """Bring the sound takes made in ``made`` into the live project (one undo step); how many shots changed."""
    edits: list[commands.Command] = []
    for shot in made.shots:
        try:
            live = session.project.shot(shot.id)
        except StoryreelError:  # deleted meanwhile
            continue
        values = {name: getattr(shot, name) for name in ("sound_takes", "active_sound_take")
                  if getattr(shot, name) != getattr(live, name)}
        if values:
            edits.append(commands.SetFields("shot", (shot.id,), values, text="Make sound"))
    if edits:
        session.push(edits[0] if len(edits) == 1 else commands.Batch(edits, text=f"Make {len(edits)} sounds"))
    return len(edits)
