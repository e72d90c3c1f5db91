"""Narration, voice previews and voice changing, run off the UI thread.

The voice functions take a ProjectDocument and edit it. Running them on the live document from a worker thread
would race the UI, so the worker narrates a private copy; back on the UI thread what changed (audio takes,
line status, voices assigned) is applied to the live project as one undoable step.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from engine.progress import CancelToken, ProgressCallback
from studio.project import ProjectDocument, StoryreelError, commands
from studio.project.model import Project, Voice

from .background import BackgroundTask, TaskList
from .session import ProjectSession

SAMPLE_LINE = "The light came back on, and for a moment the whole coast held its breath."


def _private_copy(session: ProjectSession) -> ProjectDocument:
    return ProjectDocument(session.project.model_copy(deep=True), session.bundle)


def adopt_narration(session: ProjectSession, narrated: Project, line_ids: list[str] | None = None) -> int:
    """Bring what narration changed in the private copy (audio takes, line status, voices it assigned to the
    cast) into the live project as one undo step; returns how many lines changed."""
    fields = ("takes", "active_take", "status", "error")
    edits: list[commands.Command] = []
    for character in narrated.cast:
        try:
            live_character = session.project.character(character.id)
        except StoryreelError:
            continue
        if live_character.voice != character.voice:
            edits.append(commands.SetFields("character", (character.id,), {"voice": character.voice}))
    changed_lines = 0
    for line in narrated.lines:
        if line_ids is not None and line.id not in line_ids:
            continue
        try:
            live = session.project.line(line.id)
        except StoryreelError:  # deleted while it was narrated
            continue
        values = {name: getattr(line, name) for name in fields if getattr(line, name) != getattr(live, name)}
        if values:
            edits.append(commands.SetFields("line", (line.id,), values, text="Narrate line"))
            changed_lines += 1
    if edits:
        text = "Narrate line" if changed_lines == 1 else f"Narrate {changed_lines} lines"
        session.push(edits[0] if len(edits) == 1 else commands.Batch(edits, text=text))
    return changed_lines


def narrate(tasks: TaskList, session: ProjectSession, line_ids: list[str] | None) -> BackgroundTask:
    """Narrate ``line_ids`` (None = all lines) in a worker; on success the takes join the live project."""
    copy = _private_copy(session)

    def job(progress: ProgressCallback, cancel: CancelToken) -> Any:
        from studio.voice import narrate_lines

        report = narrate_lines(copy, line_ids, progress=progress, cancel=cancel)
        return report

    task = tasks.start("Narrating", job)
    task.succeeded.connect(lambda _report: adopt_narration(session, copy.project, line_ids))
    return task


def convert(tasks: TaskList, session: ProjectSession, line_id: str, recording: Path) -> BackgroundTask:
    """Turn a microphone recording into the line speaker's voice (ElevenLabs voice changer) in a worker."""
    copy = _private_copy(session)

    def job(progress: ProgressCallback, cancel: CancelToken) -> Any:
        from studio.voice import convert_recording

        return convert_recording(copy, line_id, recording, progress=progress, cancel=cancel)

    task = tasks.start("Changing voice", job)
    task.succeeded.connect(lambda _take: adopt_narration(session, copy.project, [line_id]))
    return task


def preview_voice(tasks: TaskList, voice: Voice, text: str = SAMPLE_LINE) -> BackgroundTask:
    """Synthesize a sample line with ``voice`` into a temporary WAV; the task's result is its Path."""

    def job(progress: ProgressCallback, cancel: CancelToken) -> Path:
        from studio.voice import get_provider

        out = Path(tempfile.mkdtemp(prefix="storyreel-voice-")) / "preview.wav"
        rendered = get_provider(voice.provider).synthesize(text, voice, out, progress=progress, cancel=cancel)
        return Path(rendered.path)

    return tasks.start("Voice preview", job)


def list_voices(tasks: TaskList, provider: str) -> BackgroundTask:
    """The voices ``provider`` offers (ElevenLabs needs the network, so never on the UI thread)."""

    def job(progress: ProgressCallback, cancel: CancelToken) -> list[Any]:
        from studio.voice import get_provider

        return list(get_provider(provider).list_voices(page_size=100).voices)

    return tasks.start(f"Listing {provider} voices", job)
