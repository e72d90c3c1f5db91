"""The app's handle on the engine: one interface, several ways to run it.

    client: EngineClient = local_client(state_dir)                 # a spawned worker process on this machine
    client = local_client(state_dir, in_process=True)              # the worker loop on a thread (tests, tools)
    job = client.submit(request, tag="project/shot")
    final = client.wait(job)          # Done(result=TakeResult) | Failed(reason) | Cancelled
    for event in client.poll():       # or poll from a UI timer; never blocks with timeout=0
        ...

Callers (the generation service, the editor, the CLI) hold an ``EngineClient`` and dispatch on the event types
in ``engine.messages``; they never depend on how or where the jobs run.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from engine.job_queue import JobInfo, JobNotFound
from engine.messages import EngineEvent
from engine.request import GenerationRequest

__all__ = ["EngineClient", "JobInfo", "JobNotFound"]


class EngineClient(ABC):
    """Submit frozen requests, watch typed events, cancel, retry and reorder jobs."""

    @abstractmethod
    def submit(self, request: GenerationRequest, *, priority: int = 0, force_new: bool = False,
               tag: str = "") -> str:
        """Queue a job; returns its id. ``force_new`` skips the take cache; ``tag`` is the caller's label."""

    @abstractmethod
    def cancel(self, job_id: str) -> None:
        """Cancel a queued job at once, or stop a running one (it ends with ``Cancelled``)."""

    @abstractmethod
    def retry(self, job_id: str) -> str:
        """Queue a finished job's request again as a new job (a fresh generation, not the cached take)."""

    @abstractmethod
    def move(self, job_id: str, index: int) -> None:
        """Put a queued job at ``index`` of the run order."""

    @abstractmethod
    def jobs(self) -> list[JobInfo]:
        """Snapshots of every job: running, then queued in run order, then finished."""

    @abstractmethod
    def job(self, job_id: str) -> JobInfo:
        """A snapshot of one job (``JobNotFound`` for an unknown id)."""

    @abstractmethod
    def poll(self, timeout: float = 0.0) -> list[EngineEvent]:
        """Events since the last poll; waits up to ``timeout`` seconds for the first one (0 = never blocks)."""

    @abstractmethod
    def wait(self, job_id: str, timeout: float | None = None) -> EngineEvent:
        """Block until the job ends; returns its final event."""

    @abstractmethod
    def close(self, timeout: float = 10.0, *, keep_pending: bool = True) -> None:
        """Stop. Unfinished jobs stay saved for the next client (where it persists) unless ``keep_pending`` is
        False, in which case they are cancelled."""

    @property
    def persistent(self) -> bool:
        """Whether unfinished jobs survive this client (and are resumed by the next one)."""
        return False

    @property
    def worker_pid(self) -> int | None:
        """The process generating, when it is a separate local process (None otherwise)."""
        return None

    @property
    def load_errors(self) -> list[str]:
        """Problems met restoring saved jobs (the client still starts)."""
        return []

    def __enter__(self) -> EngineClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

