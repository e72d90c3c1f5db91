"""The Generate menu's commands — generate the selection, N new takes, every shot without a take — and
narration of the lines not narrated yet. Both need the project saved: takes and audio live in its folder."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from studio.project import StoryreelError

from .editor_window import EditorWindow


class GenerationActions:
    def __init__(self, window: EditorWindow) -> None:
        self.window = window

    def generate(self, *, new_takes: int | None = None) -> list[str]:
        """Generate the selected shots (each shot's take), or ``new_takes`` new distinct takes of each."""
        window = self.window
        if not window.ensure_saved_folder() or window.generation is None or window.session is None:
            return []
        ids = window.session.selected_shot_ids()
        if not ids:
            window.say("Select the shots to generate on the storyboard.")
            return []
        try:
            jobs = window.generation.generate(ids, new_takes=new_takes)
        except (StoryreelError, ValueError) as exc:
            window.prompts.error("Cannot generate", str(exc))
            return []
        if jobs:
            window.docks["queue"].raise_()
            window.say(f"Queued {len(jobs)} generation job(s).")
        return jobs

    def generate_n(self) -> list[str]:
        count, ok = QInputDialog.getInt(self.window.window(), "Generate takes", "New takes per selected shot:",
                                        3, 1, 16)
        return self.generate(new_takes=count) if ok else []

    def generate_missing(self) -> list[str]:
        window = self.window
        if not window.ensure_saved_folder() or window.generation is None:
            return []
        try:
            jobs = window.generation.generate_missing()
        except (StoryreelError, ValueError) as exc:
            window.prompts.error("Cannot generate", str(exc))
            return []
        window.say(f"Queued {len(jobs)} shot(s) without takes." if jobs else "Every shot has a take.")
        return jobs

    def narrate(self) -> None:
        window = self.window
        if not window.ensure_saved_folder() or window.session is None:
            return
        from .voice_bridge import narrate

        ids = [line.id for line in window.session.project.lines if line.status != "ready"]
        if not ids:
            window.say("Every line is narrated.")
            return
        task = narrate(window.tasks, window.session, ids)
        task.failed.connect(lambda reason: window.prompts.error("Narration failed", reason))
        task.succeeded.connect(lambda _r: window.say(f"Narrated {len(ids)} line(s)."))
