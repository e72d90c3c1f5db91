"""What every engine client shares: its job queue, its events, and waiting for jobs to end.

A ``QueuedClient`` keeps the jobs in a ``JobQueue`` (persisted in ``state_dir/queue.json`` under a
``QueueLock`` when ``persist`` is true), publishes events to ``poll`` and remembers each job's final event for
``wait``. Subclasses decide where the jobs run: ``WorkerClient`` feeds a worker process on this machine,
``RayClient`` places them on a cluster's actors. They implement ``_cancel_running`` and ``_shutdown`` and call
``_finish`` when a job ends; everything else here is one rule for all of them.
"""

from __future__ import annotations

import queue
import threading
import time
from abc import abstractmethod
from dataclasses import replace
from pathlib import Path
from typing import Any

from engine.client import EngineClient
from engine.job_queue import JobInfo, JobQueue
from engine.messages import Cancelled, Done, EngineEvent, Failed, Queued, is_final
from engine.queue_lock import QueueLock
from engine.request import GenerationRequest


class QueuedClient(EngineClient):
    def __init__(self, state_dir: Path, cache_dir: Path | None = None, *, persist: bool = True,
                 backend_options: dict[str, dict[str, Any]] | None = None) -> None:
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else self.state_dir / "takes"
        self.backend_options = backend_options or {}
        self._lock = threading.RLock()
        self._finished = threading.Condition(self._lock)
        self._queue = JobQueue(self.state_dir if persist else None)
        self._queue_lock = QueueLock(self.state_dir) if persist else None
        if self._queue_lock is not None and not self._queue_lock.acquire():
            self._queue = JobQueue(None)
            self._queue.load_errors.append(
                f"another Storyreel process is generating for this project ({self.state_dir}); "
                "this one keeps its queue in memory (unfinished jobs are not resumed next time)")
            self._queue_lock = None
        self._events: queue.Queue[EngineEvent] = queue.Queue()
        self._finals: dict[str, EngineEvent] = {}
        self._wake = threading.Event()
        self._closing = False

    def _restore(self) -> None:
        """Queue again the jobs a previous client left unfinished (call once the subclass is ready)."""
        for job in self._queue.load():
            self._publish(Queued(job.id, self._position(job.id)))

    # --- public API ----------------------------------------------------------------------------------------
    @property
    def persistent(self) -> bool:
        """Whether unfinished jobs are saved for the next client in ``state_dir``."""
        return self._queue.path is not None

    @property
    def load_errors(self) -> list[str]:
        """Problems met reading the saved queue (the client still starts)."""
        return list(self._queue.load_errors)

    def submit(self, request: GenerationRequest, *, priority: int = 0, force_new: bool = False, tag: str = "") -> str:
        if not isinstance(request, GenerationRequest):
            raise TypeError("submit takes a GenerationRequest")
        with self._lock:
            self._check_open()
            job = self._queue.add(request, priority=priority, force_new=force_new, tag=tag)
            self._publish(Queued(job.id, self._position(job.id)))
        self._wake.set()
        return job.id

    def cancel(self, job_id: str) -> None:
        """Cancel a queued job at once, or ask a running one to stop (it ends with ``Cancelled``)."""
        with self._lock:
            job = self._queue.get(job_id)
            if job.status == "queued":
                self._finish(job_id, Cancelled(job_id))
            elif job.status == "running":
                self._cancel_running(job)

    def retry(self, job_id: str) -> str:
        """Queue a finished job's request again as a new job (a fresh generation, not the cached take)."""
        with self._lock:
            job = self._queue.get(job_id)
            if not job.finished:
                raise ValueError(f"job {job_id} is still {job.status}; retry it once it has finished")
            new = self._queue.add(job.request, priority=job.priority, force_new=True, tag=job.tag, retry_of=job_id)
            self._publish(Queued(new.id, self._position(new.id)))
        self._wake.set()
        return new.id

    def set_priority(self, job_id: str, priority: int) -> None:
        with self._lock:
            self._queue.set_priority(job_id, priority)

    def move(self, job_id: str, index: int) -> None:
        with self._lock:
            self._queue.move(job_id, index)

    def jobs(self) -> list[JobInfo]:
        """Snapshots of every job: running, then queued in run order, then finished."""
        with self._lock:
            return [replace(job) for job in self._queue.all()]

    def job(self, job_id: str) -> JobInfo:
        with self._lock:
            return replace(self._queue.get(job_id))

    def poll(self, timeout: float = 0.0) -> list[EngineEvent]:
        """Events since the last poll; waits up to ``timeout`` seconds for the first one (0 = never blocks)."""
        events: list[EngineEvent] = []
        try:
            events.append(self._events.get(timeout=timeout) if timeout > 0 else self._events.get_nowait())
            while True:
                events.append(self._events.get_nowait())
        except queue.Empty:
            pass
        return events

    def wait(self, job_id: str, timeout: float | None = None) -> EngineEvent:
        """Block until the job ends; returns its final event (Done, Failed or Cancelled)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._finished:
            self._queue.get(job_id)
            while job_id not in self._finals:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(f"job {job_id} did not finish within {timeout} s")
                self._finished.wait(remaining)
            return self._finals[job_id]

    def close(self, timeout: float = 10.0, *, keep_pending: bool = True) -> None:
        """Stop. Unfinished jobs (a running one included) stay saved for the next client, unless
        ``keep_pending`` is False (they are cancelled)."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            if not keep_pending:
                for job in self._queue.pending(include_running=True):
                    self._finish(job.id, Cancelled(job.id))
            self._queue.save()  # a running job is saved as pending: the next client runs it
        self._wake.set()
        try:
            self._shutdown(timeout)
        finally:
            if self._queue_lock is not None:
                self._queue_lock.release()

    # --- for subclasses ------------------------------------------------------------------------------------
    @abstractmethod
    def _cancel_running(self, job: JobInfo) -> None:
        """Ask wherever ``job`` runs to stop it (called with the lock held)."""

    @abstractmethod
    def _shutdown(self, timeout: float) -> None:
        """Stop the threads and workers after ``close`` has marked the client closed and saved the queue."""

    def _check_open(self) -> None:
        if self._closing:
            raise RuntimeError("this engine client is closed")

    def _position(self, job_id: str) -> int:
        return next((i for i, job in enumerate(self._queue.pending()) if job.id == job_id), 0)

    def _publish(self, event: EngineEvent) -> None:
        self._events.put(event)
        if is_final(event):
            with self._finished:
                self._finals[event.job_id] = event
                self._finished.notify_all()

    def _finish(self, job_id: str, event: EngineEvent) -> None:
        """Record a job's final event (Done, Failed or Cancelled) and publish it."""
        if isinstance(event, Done):
            self._queue.finish(job_id, "done", result=event.result)
        elif isinstance(event, Failed):
            self._queue.finish(job_id, "failed", error=event.reason)
        elif isinstance(event, Cancelled):
            self._queue.finish(job_id, "cancelled")
        else:
            raise TypeError(f"{type(event).__name__} does not end a job")
        self._publish(event)
