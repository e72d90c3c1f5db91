"""The Generate menu's commands — generate the selection, N new takes, every shot without a take, extend a
take, bridge two shots — and narration of the lines not narrated yet. Both need the project saved: takes and audio live in its folder."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog

from studio.project import Shot, StoryreelError

from .continuity_dialogs import BridgeDialog, ExtendDialog
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

    def generate_keyframes(self, shot_ids: list[str] | None = None, *, missing: bool = False) -> list[str]:
        """Generate Keyframes: a still for each selected shot (or ``shot_ids``; ``missing``: every shot without
        one), with the project's engine: the animatic's story card with the cast's stills, or an image model."""
        window = self.window
        if not window.ensure_saved_folder() or window.generation is None or window.session is None:
            return []
        project = window.session.project
        if missing:
            ids = [s.id for s in project.shots if s.active_keyframe is None]
        else:
            ids = shot_ids or window.session.selected_shot_ids()
        if not ids:
            window.say("Every shot has a keyframe." if missing else "Select the shots to make keyframes for.")
            return []
        try:
            jobs = window.generation.generate(ids, new_takes=1 if shot_ids else None, kind="keyframe")
        except (StoryreelError, ValueError) as exc:
            window.prompts.error("Cannot make keyframes", str(exc))
            return []
        window.docks["queue"].raise_()
        window.say(f"Queued {len(jobs)} keyframe(s).")
        return jobs

    def make_sounds(self) -> None:
        """Make Sounds: the offline ambience of every shot with a sound prompt that has no fitting sound yet."""
        window = self.window
        if not window.ensure_saved_folder() or window.session is None:
            return
        from .sound_bridge import make_sounds

        if not any(shot.sound_prompt.strip() for shot in window.session.project.shots):
            window.say("No shot has a sound prompt yet: describe what a shot sounds like in its inspector.")
            return
        task = make_sounds(window.tasks, window.session, None)
        task.failed.connect(lambda reason: window.prompts.error("Making sounds failed", reason))
        task.succeeded.connect(lambda report: window.say(
            f"Sounds: {len(report.made)} made, {len(report.unchanged) + len(report.reused)} already there."))

    def extend(self, shot_id: str | None = None, seconds: float = 0.0) -> ExtendDialog | None:
        """Extend Take…: the selected shot's (or ``shot_id``'s) active take, N seconds longer (a new take). The
        dialog is modal but does not block; OK queues the extension. ``seconds`` given (a drag past the take's
        end on the timeline): queued at once."""
        window = self.window
        if shot_id is not None and window.session is not None:
            window.session.select_shots([shot_id])
        shot = self._one_selected_shot("Select the shot whose take to extend.")
        if shot is None or window.generation is None or window.session is None:
            return None
        if seconds > 0:
            self._queue_extension(shot.id, seconds, backward=False)
            return None
        number = window.session.project.shot_index(shot.id) + 1
        engine = shot.backend or window.session.project.engine.backend
        dialog = ExtendDialog(number, can_go_backward=engine == "animatic", parent=window.window())

        dialog.accepted.connect(lambda: self._queue_extension(shot.id, dialog.seconds.value(),
                                                              backward=dialog.backward.isChecked()))
        dialog.open()
        return dialog

    def _queue_extension(self, shot_id: str, seconds: float, *, backward: bool) -> None:
        window = self.window
        assert window.generation is not None and window.session is not None
        number = window.session.project.shot_index(shot_id) + 1
        try:
            window.generation.extend(shot_id, seconds, backward=backward)
        except (StoryreelError, ValueError) as exc:
            window.prompts.error("Cannot extend", str(exc))
            return
        window.docks["queue"].raise_()
        window.say(f"Extending shot {number} by {seconds:.2g} s.")

    def bridge(self, shot_id: str | None = None) -> BridgeDialog | None:
        """Bridge to Next Shot…: a new shot between the selected shot (or ``shot_id``) and the one after it
        (added at OK, its take queued)."""
        window = self.window
        if shot_id is not None and window.session is not None:
            window.session.select_shots([shot_id])
        shot = self._one_selected_shot("Select the shot to bridge from (the bridge goes to the next shot).")
        if shot is None or window.generation is None or window.session is None:
            return None
        project = window.session.project
        index = project.shot_index(shot.id)
        if index + 1 >= len(project.shots):
            window.say(f"Shot {index + 1} is the last shot: there is no next shot to bridge to.")
            return None
        after = project.shots[index + 1].id
        dialog = BridgeDialog(index + 1, index + 2, parent=window.window())

        def add() -> None:
            try:
                window.generation.add_bridge(shot.id, after, dialog.seconds.value(), as_=dialog.kind.currentData())
            except (StoryreelError, ValueError) as exc:
                window.prompts.error("Cannot bridge", str(exc))
                return
            window.docks["queue"].raise_()
            window.say(f"Bridge shot {index + 2} added; its take is queued.")

        dialog.accepted.connect(add)
        dialog.open()
        return dialog

    def _one_selected_shot(self, hint: str) -> Shot | None:
        window = self.window
        if not window.ensure_saved_folder() or window.session is None:
            return None
        ids = window.session.selected_shot_ids()
        if len(ids) != 1:
            window.say(hint)
            return None
        return window.session.project.shot(ids[0])
