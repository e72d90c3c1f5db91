"""Generation from the editor: the Qt face of ``studio.generation.GenerationService``.

The service owns the rules (seeds, missing takes, no duplicates) and the job records; this object feeds it the
engine's events from the UI thread (``EngineBridge``) and turns what changed into signals. A finished take is
one undo step; the project is autosaved (never saved) at once, so a crash right after a long generation loses
nothing and ``project.json`` changes only when the user saves.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from engine.messages import EngineEvent
from studio.generation import ACTIVE, GenerationService, JobRecord, Submitted
from studio.generation.bridge import BridgeKind, add_bridge_shot
from studio.project import StoryreelError

from .engine_bridge import EngineBridge
from .session import ProjectSession

__all__ = ["ACTIVE", "GenerationQueue", "JobRecord"]


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
        self._service: GenerationService | None = None
        bridge.event.connect(self._on_event)
        bridge.failedToStart.connect(self.message)

    @property
    def service(self) -> GenerationService:
        """The service, made when it is first needed (its client starts the engine worker)."""
        if self._service is None:
            self._service = GenerationService(self.bridge.client(), self.session)
        return self._service

    # --- what the storyboard and the queue panel ask ------------------------------------------------------
    def shot_status(self, shot_id: str) -> tuple[str, float] | None:
        return self._service.shot_status(shot_id) if self._service is not None else None

    def active_jobs(self) -> list[JobRecord]:
        return self._service.active_jobs() if self._service is not None else []

    def jobs(self) -> list[JobRecord]:
        return self._service.jobs() if self._service is not None else []

    @property
    def order(self) -> list[str]:
        """Job ids as the queue panel lists them."""
        return list(self._service.order) if self._service is not None else []

    @property
    def records(self) -> dict[str, JobRecord]:
        return self._service.records if self._service is not None else {}

    def resume(self) -> int:
        """Adopt this project's unfinished jobs that the engine kept from an earlier session."""
        if not self.bridge.has_saved_jobs():
            return 0
        adopted = self.service.resume()
        if adopted:
            self.jobsChanged.emit()
            for shot_id in {r.shot_id for r in adopted}:
                self.shotStatusChanged.emit(shot_id)
            self.message.emit(f"Resuming {len(adopted)} generation job(s) left from the last session.")
        return len(adopted)

    # --- submitting ----------------------------------------------------------------------------------------
    def generate(self, shot_ids: list[str], *, new_takes: int | None = None, kind: str = "video") -> list[str]:
        """*Generate* (each shot's take) or, with ``new_takes``, that many new distinct takes per shot;
        ``kind`` "keyframe": their stills."""
        self._ensure_folder()
        return self._submitted(self.service.generate(shot_ids, new_takes=new_takes, kind=kind))

    def generate_missing(self) -> list[str]:
        self._ensure_folder()
        return self._submitted(self.service.generate_missing())

    def extend(self, shot_id: str, seconds: float, *, backward: bool = False) -> str:
        """Queue the extension of the shot's active take; the joined take arrives as a new take."""
        self._ensure_folder()
        record = self.service.extend(shot_id, seconds, backward=backward)
        self._submitted(Submitted([record], []))
        return record.job_id

    def add_bridge(self, shot_a: str, shot_b: str, seconds: float, *, as_: BridgeKind = "shot") -> str:
        """Add the bridge shot between A and B (an undo step) and queue its take; the new shot's id."""
        self._ensure_folder()
        shot = add_bridge_shot(self.session, shot_a, shot_b, seconds, as_=as_)
        self.generate([shot.id])
        return shot.id

    def _ensure_folder(self) -> None:
        if self.session.document.bundle is None:
            raise StoryreelError("save the project first: generated takes are stored inside its folder")

    def _submitted(self, submitted: Submitted) -> list[str]:
        for shot_id in dict.fromkeys([r.shot_id for r in submitted.jobs] + [s for s, _ in submitted.reused]):
            self.shotStatusChanged.emit(shot_id)
        if submitted.reused:
            numbers = ", ".join(self.service.shot_number(s) for s, _ in submitted.reused)
            self.message.emit(f"Shot {numbers}: its locked seed's take is already there; it is the active take.")
        self.jobsChanged.emit()
        return [r.job_id for r in submitted.jobs]

    def cancel(self, job_id: str) -> None:
        self.service.cancel(job_id)

    def retry(self, job_id: str) -> str | None:
        record = self.service.retry(job_id)
        if record is None:
            return None
        self.jobsChanged.emit()
        self.shotStatusChanged.emit(record.shot_id)
        return record.job_id

    def move(self, job_id: str, offset: int) -> None:
        self.service.move(job_id, offset)
        self.jobsChanged.emit()

    def clear_finished(self) -> None:
        self.service.clear_finished()
        self.jobsChanged.emit()

    # --- engine events -------------------------------------------------------------------------------------
    def _on_event(self, event: EngineEvent) -> None:
        update = self.service.handle(event)
        if update.message:
            self.message.emit(update.message)
        if update.submitted is not None:  # shots that continue a shot which just finished
            self._submitted(update.submitted)
        record = update.record
        if record is None:
            return
        if update.take is not None:
            self.session.document.autosave()
        self.jobUpdated.emit(record.job_id)
        self.shotStatusChanged.emit(record.shot_id)
        if update.take is not None and record.state == "done":
            self.takeAdded.emit(record.shot_id, update.take.id)
