"""The local engine client: generation runs in a spawned worker process on this machine.

A thread here feeds the worker one job at a time (highest priority first), turns its messages into job states
and events, and replaces it if it dies (its job fails with the reason). With ``persist=True`` jobs that have not
finished are kept in ``state_dir/queue.json`` and resubmitted when a client opens there again; the file is
locked for the client's lifetime, so a second process on the same project (the CLI while the editor is open)
keeps its queue in memory instead of overwriting the first one's.

    client = WorkerClient(state_dir, persist=True)
    job = client.submit(request, tag="shot_1")
    final = client.wait(job)          # Done(result=TakeResult) | Failed(reason) | Cancelled
    for event in client.poll():       # or poll from a UI timer; never blocks with timeout=0
        ...
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import signal
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from engine.client import EngineClient
from engine.job_queue import JobInfo, JobNotFound, JobQueue
from engine.messages import (
    CancelJob,
    Cancelled,
    Done,
    EngineEvent,
    Failed,
    Queued,
    RunJob,
    Shutdown,
    WorkerRestarted,
    is_final,
)
from engine.queue_lock import QueueLock
from engine.request import GenerationRequest
from engine.worker import worker_main

__all__ = ["JobInfo", "JobNotFound", "WorkerClient"]

_CHECK_INTERVAL = 0.1  # how often the dispatcher checks the worker is alive while waiting for messages


def _exit_description(code: int | None) -> str:
    if code is None:
        return "it stopped responding"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        hint = " (the system may have run out of memory)" if name == "SIGKILL" else ""
        return f"it was killed by {name}{hint}"
    return f"it exited with code {code}"


class WorkerClient(EngineClient):
    def __init__(self, state_dir: Path, cache_dir: Path | None = None, *,
                 backend_options: dict[str, dict[str, Any]] | None = None, persist: bool = True) -> None:
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else self.state_dir / "takes"
        self.backend_options = backend_options or {}
        self._ctx = multiprocessing.get_context("spawn")
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
        self._process: Any = None
        self._inbox: Any = None
        self._outbox: Any = None
        for job in self._queue.load():
            self._publish(Queued(job.id, self._position(job.id)))
        self._thread = threading.Thread(target=self._dispatch_loop, name="storyreel-engine", daemon=True)
        self._thread.start()
        self._wake.set()

    @property
    def load_errors(self) -> list[str]:
        """Problems met reading the saved queue (the client still starts)."""
        return list(self._queue.load_errors)

    # --- public API ----------------------------------------------------------------------------------------
    @property
    def persistent(self) -> bool:
        """Whether unfinished jobs are saved for the next client in ``state_dir``."""
        return self._queue.path is not None

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
        """Cancel a queued job at once, or ask the worker to stop a running one (it ends with ``Cancelled``)."""
        with self._lock:
            job = self._queue.get(job_id)
            if job.status == "queued":
                self._queue.finish(job_id, "cancelled")
                self._publish(Cancelled(job_id))
            elif job.status == "running" and self._inbox is not None:
                self._inbox.put(CancelJob(job_id))

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

    def start(self) -> None:
        """Start the worker now (it also starts on the first job), e.g. while the app opens."""
        with self._lock:
            self._check_open()
            self._ensure_worker()

    @property
    def worker_pid(self) -> int | None:
        with self._lock:
            alive = self._process is not None and self._process.is_alive()
            return getattr(self._process, "pid", None) if alive else None

    def close(self, timeout: float = 10.0, *, keep_pending: bool = True) -> None:
        """Stop the worker. Unfinished jobs (a running one included) stay saved for the next client, unless
        ``keep_pending`` is False (they are cancelled)."""
        with self._lock:
            if self._closing:
                return
            self._closing = True
            if not keep_pending:
                for job in self._queue.pending(include_running=True):
                    self._queue.finish(job.id, "cancelled")
                    self._publish(Cancelled(job.id))
            self._queue.save()
        self._wake.set()
        self._thread.join(timeout)
        self._stop_worker(timeout)
        if self._queue_lock is not None:
            self._queue_lock.release()

    # --- internals -----------------------------------------------------------------------------------------
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

    def _ensure_worker(self) -> None:
        if self._process is not None and self._process.is_alive():
            return
        self._inbox, self._outbox, self._process = self._start_worker()

    def _start_worker(self) -> tuple[Any, Any, Any]:
        """(inbox, outbox, process) of a fresh worker running ``worker_main``."""
        inbox, outbox = self._ctx.Queue(), self._ctx.Queue()
        process = self._ctx.Process(
            target=worker_main, name="storyreel-engine-worker", daemon=True,
            args=(inbox, outbox, str(self.cache_dir), self.backend_options),
        )
        process.start()
        return inbox, outbox, process

    def _stop_worker(self, timeout: float) -> None:
        process, inbox = self._process, self._inbox
        if process is None:
            return
        with contextlib.suppress(Exception):
            inbox.put(Shutdown())
        process.join(timeout)
        if process.is_alive() and hasattr(process, "terminate"):  # a worker thread cannot be killed, only told
            process.terminate()
            process.join(2)
        if process.is_alive() and hasattr(process, "kill"):
            process.kill()
            process.join(2)
        for channel in (self._inbox, self._outbox):
            with contextlib.suppress(Exception):
                channel.cancel_join_thread()
                channel.close()
        self._process = self._inbox = self._outbox = None

    def _dispatch_loop(self) -> None:
        while True:
            with self._lock:
                if self._closing:
                    return
                self._dispatch_next()
                outbox, process = self._outbox, self._process
            if outbox is None:
                self._wake.wait(_CHECK_INTERVAL)
                self._wake.clear()
                continue
            try:
                message = outbox.get(timeout=_CHECK_INTERVAL)
            except queue.Empty:
                if process is not None and not process.is_alive():
                    self._worker_died(process)
                continue
            except (EOFError, OSError, ValueError):
                if process is not None and not process.is_alive():
                    self._worker_died(process)
                continue
            self._handle(message)

    def _dispatch_next(self) -> None:
        if self._queue.running() is not None:
            return
        job = self._queue.next_job()
        if job is None:
            return
        self._ensure_worker()
        self._queue.mark_running(job.id)
        self._queue.save()
        self._inbox.put(RunJob(job.id, job.request, job.force_new))

    def _handle(self, event: EngineEvent) -> None:
        with self._lock:
            if self._closing:
                return
            try:
                job = self._queue.get(event.job_id)
            except JobNotFound:
                return
            if isinstance(event, Done):
                self._queue.finish(job.id, "done", result=event.result)
            elif isinstance(event, Failed):
                self._queue.finish(job.id, "failed", error=event.reason)
            elif isinstance(event, Cancelled):
                self._queue.finish(job.id, "cancelled")
            self._publish(event)

    def _worker_died(self, process: Any) -> None:
        with self._lock:
            if self._closing or process is not self._process:
                return
            # Messages the worker sent before it died still count (its last job may have finished).
            with contextlib.suppress(Exception):
                while True:
                    self._handle(self._outbox.get_nowait())
            what = _exit_description(process.exitcode)
            running = self._queue.running()
            job_id = running.id if running is not None else ""
            reason = f"the engine worker died while generating this take: {what}; a new worker was started"
            self._stop_worker(0.5)
            self._publish(WorkerRestarted(job_id, f"the engine worker stopped: {what}"))
            if running is not None:
                self._queue.finish(running.id, "failed", error=reason)
                self._publish(Failed(running.id, reason))
            # The next job starts a fresh worker (lazily: a worker that cannot start never spins in a loop).
