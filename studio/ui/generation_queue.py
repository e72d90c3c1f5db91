"""Generation from the editor: shots become engine jobs; finished jobs become takes (one undo step each).

The engine knows nothing of shots, so each job carries ``tag = "<project id>/<shot id>"``. A finished clip is
copied into the bundle (``take_from_result``), added with ``AddTake`` and autosaved at once, so a crash right
after a long generation loses nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal

from studio.project import StoryreelError, commands

from .engine_bridge import EngineBridge
from .session import ProjectSession

ACTIVE = ("queued", "generating")


@dataclass
class JobRecord:
    job_id: str
    shot_id: str
    seed: int
    state: str = "queued"  # queued | generating | done | failed | cancelled
    step: int = 0
    total: int = 0
    preview_png: bytes | None = None
    stage: str = ""
    reason: str = ""
    take_id: str | None = None

    @property
    def fraction(self) -> float:
        return self.step / self.total if self.total else 0.0


def random_seed() -> int:
    return random.SystemRandom().randrange(0, 2**31)


class GenerationQueue(QObject):
    """Submits shots of one session's project and turns the engine's answers into takes."""

    jobsChanged = Signal()  # the list or the order of jobs changed
    jobUpdated = Signal(str)  # job id: progress, preview or state
    shotStatusChanged = Signal(str)  # shot id
    takeAdded = Signal(str, str)  # shot id, take id
    message = Signal(str)  # something the status bar should say

    def __init__(self, session: ProjectSession, bridge: EngineBridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.bridge = bridge
        self.records: dict[str, JobRecord] = {}
        self.order: list[str] = []
        bridge.event.connect(self._on_event)
        bridge.failedToStart.connect(self.message)

    # --- what the storyboard asks --------------------------------------------------------------------------
    def shot_status(self, shot_id: str) -> tuple[str, float] | None:
        """A shot's job as (state, fraction): the one generating, else the newest while queued or just failed."""
        records = [self.records[j] for j in reversed(self.order) if self.records[j].shot_id == shot_id]
        running = next((r for r in records if r.state == "generating"), None)
        if running is not None:
            return running.state, running.fraction
        if records and (records[0].state in ACTIVE or records[0].state == "failed"):
            return records[0].state, records[0].fraction
        return None

    def active_jobs(self) -> list[JobRecord]:
        return [self.records[j] for j in self.order if self.records[j].state in ACTIVE]

    def jobs(self) -> list[JobRecord]:
        return [self.records[j] for j in self.order]

    def resume(self) -> int:
        """Adopt this project's unfinished jobs that the engine kept from an earlier session (they run again
        when the client starts); returns how many."""
        if not self.bridge.has_saved_jobs():
            return 0
        prefix = f"{self.session.project.id}/"
        adopted = 0
        for info in self.bridge.jobs():
            if not info.tag.startswith(prefix) or info.finished or info.id in self.records:
                continue
            shot_id = info.tag.removeprefix(prefix)
            state = "generating" if info.status == "running" else "queued"
            self.records[info.id] = JobRecord(info.id, shot_id, info.request.seed, state)
            self.order.append(info.id)
            adopted += 1
        if adopted:
            self.jobsChanged.emit()
            self.message.emit(f"Resuming {adopted} generation job(s) left from the last session.")
        return adopted

    # --- submitting ----------------------------------------------------------------------------------------
    def generate(self, shot_ids: list[str], *, takes: int = 1, new_seed: bool = False) -> list[str]:
        """Queue ``takes`` takes per shot. The first take of a shot uses its seed (unless ``new_seed``);
        further takes, and shots that already have takes and an unlocked seed, get fresh seeds."""
        from studio.generation import request_for_shot

        document = self.session.document
        if document.bundle is None:
            raise StoryreelError("save the project first: generated takes are stored inside its folder")
        job_ids: list[str] = []
        for shot_id in shot_ids:
            shot = document.project.shot(shot_id)
            for n in range(max(1, takes)):
                reuse = n == 0 and not new_seed and (shot.seed_locked or not shot.takes)
                seed = shot.seed if reuse else random_seed()
                request = request_for_shot(document.project, shot, document.bundle, seed=seed)
                job_id = self.bridge.submit(request, force_new=new_seed and shot.seed_locked,
                                            tag=f"{document.project.id}/{shot_id}")
                self.records[job_id] = JobRecord(job_id, shot_id, seed)
                self.order.append(job_id)
                job_ids.append(job_id)
            self.shotStatusChanged.emit(shot_id)
        self.jobsChanged.emit()
        return job_ids

    def generate_missing(self) -> list[str]:
        busy = {r.shot_id for r in self.active_jobs()}
        missing = [s.id for s in self.session.project.shots
                   if (s.active() is None or s.active().status != "ready") and s.id not in busy]
        return self.generate(missing) if missing else []

    def cancel(self, job_id: str) -> None:
        self.bridge.cancel(job_id)

    def retry(self, job_id: str) -> str | None:
        old = self.records.get(job_id)
        if old is None:
            return None
        new_id = self.bridge.retry(job_id)
        self.records[new_id] = JobRecord(new_id, old.shot_id, old.seed)
        self.order.append(new_id)
        self.jobsChanged.emit()
        self.shotStatusChanged.emit(old.shot_id)
        return new_id

    def move(self, job_id: str, offset: int) -> None:
        """Move a waiting job up (-1) or down (+1) among the waiting jobs."""
        waiting = [j for j in self.order if self.records[j].state == "queued"]
        if job_id not in waiting:
            return
        index = max(0, min(len(waiting) - 1, waiting.index(job_id) + offset))
        self.bridge.move(job_id, index)
        waiting.remove(job_id)
        waiting.insert(index, job_id)
        rest = iter(waiting)
        self.order = [next(rest) if self.records[j].state == "queued" else j for j in self.order]
        self.jobsChanged.emit()

    def clear_finished(self) -> None:
        self.order = [j for j in self.order if self.records[j].state in ACTIVE]
        self.records = {j: self.records[j] for j in self.order}
        self.jobsChanged.emit()

    # --- engine events -------------------------------------------------------------------------------------
    def _on_event(self, event: Any) -> None:
        kind = type(event).__name__
        record = self.records.get(getattr(event, "job_id", ""))
        if kind == "WorkerRestarted":
            self.message.emit(f"The generation engine stopped ({event.reason}) and was restarted; "
                              "the job it was running is marked failed.")
            if record is not None and record.state in ACTIVE:
                self._finish(record, "failed", f"the engine stopped: {event.reason}")
            return
        if record is None:
            return  # a job of another project (or one from before this session) — not ours to show
        if kind == "Started":
            record.state = "generating"
        elif kind == "StepProgress":
            record.state, record.step, record.total = "generating", event.step, event.total
            record.stage = getattr(event, "stage", "")
            if getattr(event, "preview_png", None):
                record.preview_png = event.preview_png
        elif kind == "Done":
            if event.result is None:
                self._finish(record, "failed", "the engine finished without a clip")
            else:
                self._take_from(record, event.result)
            return
        elif kind == "Failed":
            self._finish(record, "failed", event.reason)
            self.message.emit(f"Generation of shot {self._shot_number(record.shot_id)} failed: {event.reason}")
            return
        elif kind == "Cancelled":
            self._finish(record, "cancelled", "cancelled")
            return
        elif kind == "Queued":
            record.state = "queued"
        self.jobUpdated.emit(record.job_id)
        self.shotStatusChanged.emit(record.shot_id)

    def _take_from(self, record: JobRecord, result: Any) -> None:
        from studio.generation import take_from_result

        document = self.session.document
        try:
            document.project.shot(record.shot_id)
        except StoryreelError:
            self._finish(record, "failed", "the shot was deleted while it generated")
            return
        try:
            assert document.bundle is not None
            take = take_from_result(document.bundle, record.shot_id, result)
            self.session.push(commands.AddTake(record.shot_id, take, make_active=True))
            document.autosave()
        except (StoryreelError, OSError) as exc:
            self._finish(record, "failed", f"could not store the take: {exc}")
            return
        record.take_id = take.id
        record.step = record.total = record.total or 1
        self._finish(record, "done", "")
        self.takeAdded.emit(record.shot_id, take.id)
        self.message.emit(f"Shot {self._shot_number(record.shot_id)}: new take ready")

    def _finish(self, record: JobRecord, state: str, reason: str) -> None:
        record.state, record.reason = state, reason
        self.jobUpdated.emit(record.job_id)
        self.shotStatusChanged.emit(record.shot_id)

    def _shot_number(self, shot_id: str) -> str:
        try:
            return str(self.session.project.shot_index(shot_id) + 1)
        except StoryreelError:
            return "?"
