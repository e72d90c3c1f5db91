"""The editor's shot commands (add, duplicate, split at the playhead, delete) and the screenplay import:
each becomes a model command on the session; a refusal is said in the status bar."""

from __future__ import annotations

from pathlib import Path

from studio.project import Command, StoryreelError
from studio.timeline import nle_edits, shot_edits

from .editor_window import EditorWindow
from .project_files import start_folder


class ShotEditing:
    def __init__(self, window: EditorWindow) -> None:
        self.window = window

    def push(self, command: Command) -> bool:
        """Push ``command`` on the open session; False (and a status message) when the model refuses it."""
        assert self.window.session is not None
        try:
            self.window.session.push(command)
        except (StoryreelError, ValueError) as exc:
            self.window.say(str(exc))
            return False
        return True

    def add_shot(self) -> None:
        session = self.window.session
        if session is None:
            return
        command, shot_id = shot_edits.add_shot(session.project, session.selected_shot_ids())
        if self.push(command):
            session.select_shots([shot_id])
            self.window.docks["inspector"].raise_()
            self.window.panels["inspector"].prompt.setFocus()

    def duplicate_shots(self) -> None:
        session = self.window.session
        if session is None:
            return
        command, ids = shot_edits.duplicate_shots(session.project, session.selected_shot_ids())
        if command is not None and self.push(command):
            session.select_shots(ids)

    def split_shot(self) -> None:
        session = self.window.session
        if session is None or not session.selected_shot_ids():
            return
        try:
            command, new_id = shot_edits.split_shot(session.project, session.selected_shot_ids()[0],
                                                    session.playhead())
        except ValueError as exc:
            self.window.say(str(exc))
            return
        if self.push(command):
            session.select_shots([new_id])

    def blade_at_playhead(self) -> None:
        """B: cut the shot under the playhead there (a selected one when two overlap in a crossfade)."""
        session = self.window.session
        if session is None:
            return
        try:
            command, second = nle_edits.blade_at_playhead(session.project, session.playhead(),
                                                          session.selected_shot_ids())
        except ValueError as exc:
            self.window.say(str(exc))
            return
        if self.push(command):
            session.select_shots([second])

    def add_marker(self) -> None:
        """M: a marker at the playhead."""
        session = self.window.session
        if session is not None:
            self.push(nle_edits.add_marker(session.project, session.playhead()))

    def delete_shots(self) -> None:
        session = self.window.session
        if session is None:
            return
        command = shot_edits.delete_shots(session.project, session.selected_shot_ids())
        if command is not None:
            self.push(command)

    def import_screenplay(self, path: Path | None = None) -> bool:
        window = self.window
        if window.session is None:
            return False
        path = path or window.prompts.open_file("Import a screenplay", start_folder(window.settings),
                                                "Fountain screenplay (*.fountain *.spmd *.txt)")
        if path is None:
            return False
        try:
            from studio.script import import_fountain

            summary = import_fountain(window.session, path)
        except (StoryreelError, OSError) as exc:
            window.prompts.error("Cannot import the screenplay", str(exc))
            return False
        report = summary.report() if hasattr(summary, "report") else [str(summary)]
        window.say(f"Imported {path.name}: " + "; ".join(report))
        return True
