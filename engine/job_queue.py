"""The engine's job list: run order (priority, then manual order), states, and its persisted form.

Plain data and rules, no processes: ``WorkerClient`` drives it. Jobs that have not finished are written to
``queue.json`` (atomically) after every change, so they survive a crash or a restart of the app; a job that was
running when the app went away is queued again on the next start.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from engine.atomic_files import write_atomic
from engine.request import GenerationRequest, StillResult, TakeResult

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]
QUEUE_FILE = "queue.json"
QUEUE_FORMAT = 1


class JobNotFound(KeyError):
    """A job id this engine does not know."""


@dataclass
class JobInfo:
    id: str
    request: GenerationRequest
    priority: int = 0
    force_new: bool = False
    tag: str = ""
    status: JobStatus = "queued"
    error: str | None = None
    result: TakeResult | StillResult | None = None
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    retry_of: str | None = None
    order: int = 0  # tie-break within a priority: lower runs first

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed", "cancelled")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "request": self.request.to_dict(), "priority": self.priority, "force_new": self.force_new,
            "tag": self.tag, "status": self.status, "created_at": self.created_at, "retry_of": self.retry_of,
            "order": self.order,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobInfo:
        return cls(
            id=str(data["id"]), request=GenerationRequest.from_dict(data["request"]),
            priority=int(data.get("priority", 0)), force_new=bool(data.get("force_new", False)),
            tag=str(data.get("tag", "")), status="queued", created_at=float(data.get("created_at", time.time())),
            retry_of=data.get("retry_of"), order=int(data.get("order", 0)),
        )


def new_job_id() -> str:
    return f"job_{uuid.uuid4().hex[:12]}"


class JobQueue:
    """Jobs in run order. Not thread-safe by itself: the client serializes access with its lock."""

    def __init__(self, state_dir: Path | None = None) -> None:
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self._jobs: dict[str, JobInfo] = {}
        self._next_order = 0
        self.load_errors: list[str] = []

    # --- persistence ---------------------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        return self.state_dir / QUEUE_FILE if self.state_dir is not None else None

    def load(self) -> list[JobInfo]:
        """Read the pending jobs of the last session (unreadable entries are skipped and noted in load_errors)."""
        path = self.path
        if path is None or not path.exists():
            return []
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            entries = data["jobs"] if isinstance(data, dict) else []
        except (OSError, ValueError, KeyError) as exc:
            self.load_errors.append(f"{path}: cannot read the saved queue ({exc}); starting empty")
            return []
        restored: list[JobInfo] = []
        for entry in entries:
            try:
                job = JobInfo.from_dict(entry)
            except (KeyError, TypeError, ValueError) as exc:
                self.load_errors.append(f"{path}: skipped a saved job ({exc})")
                continue
            if job.id in self._jobs:
                continue
            self._jobs[job.id] = job
            self._next_order = max(self._next_order, job.order + 1)
            restored.append(job)
        return restored

    def save(self) -> None:
        path = self.path
        if path is None:
            return
        pending = [job.to_dict() for job in self.pending(include_running=True)]
        blob = json.dumps({"format": QUEUE_FORMAT, "jobs": pending}, indent=1, default=str)
        write_atomic(path, blob.encode("utf-8"))

    # --- queries -------------------------------------------------------------------------------------------
    def get(self, job_id: str) -> JobInfo:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise JobNotFound(f"no job {job_id!r}") from None

    def all(self) -> list[JobInfo]:
        """Running first, then queued in run order, then finished (newest last)."""
        running = [j for j in self._jobs.values() if j.status == "running"]
        finished = sorted((j for j in self._jobs.values() if j.finished), key=lambda j: j.finished_at or 0)
        return running + self.pending() + finished

    def pending(self, *, include_running: bool = False) -> list[JobInfo]:
        queued = sorted((j for j in self._jobs.values() if j.status == "queued"), key=lambda j: (-j.priority, j.order))
        if include_running:
            return [j for j in self._jobs.values() if j.status == "running"] + queued
        return queued

    def running(self) -> JobInfo | None:
        return next((j for j in self._jobs.values() if j.status == "running"), None)

    def next_job(self) -> JobInfo | None:
        pending = self.pending()
        return pending[0] if pending else None

    # --- changes -------------------------------------------------------------------------------------------
    def add(self, request: GenerationRequest, *, priority: int = 0, force_new: bool = False, tag: str = "",
            retry_of: str | None = None) -> JobInfo:
        job = JobInfo(new_job_id(), request, priority=int(priority), force_new=force_new, tag=tag,
                      retry_of=retry_of, order=self._next_order)
        self._next_order += 1
        self._jobs[job.id] = job
        self.save()
        return job

    def mark_running(self, job_id: str) -> JobInfo:
        job = self.get(job_id)
        job.status, job.started_at = "running", time.time()
        return job

    def finish(self, job_id: str, status: JobStatus, *, error: str | None = None,
               result: TakeResult | StillResult | None = None) -> JobInfo:
        job = self.get(job_id)
        job.status, job.error, job.result, job.finished_at = status, error, result, time.time()
        self.save()
        return job

    def set_priority(self, job_id: str, priority: int) -> None:
        job = self.get(job_id)
        job.priority = int(priority)
        self.save()

    def move(self, job_id: str, index: int) -> None:
        """Put a queued job at ``index`` of the run order; it takes the priority of the jobs around it."""
        job = self.get(job_id)
        if job.status != "queued":
            raise ValueError(f"job {job_id} is {job.status}; only queued jobs can be reordered")
        others = [j for j in self.pending() if j.id != job_id]
        index = max(0, min(int(index), len(others)))
        if others:
            neighbour = others[index] if index < len(others) else others[-1]
            job.priority = neighbour.priority
        others.insert(index, job)
        for order, item in enumerate(others):  # renumber so the list order is the run order within a priority
            item.order = order
        self._next_order = len(others)
        self.save()
