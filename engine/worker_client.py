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
from pathlib import Path
from typing import Any

from engine.child_process import stop_child
from engine.job_queue import JobInfo, JobNotFound
from engine.messages import CancelJob, EngineEvent, Failed, RunJob, WorkerRestarted, is_final
from engine.queued_client import QueuedClient
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


class WorkerClient(QueuedClient):
    def __init__(self, state_dir: Path, cache_dir: Path | None = None, *,
                 backend_options: dict[str, dict[str, Any]] | None = None, persist: bool = True) -> None:
        super().__init__(state_dir, cache_dir, persist=persist, backend_options=backend_options)
        self._ctx = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._inbox: Any = None
        self._outbox: Any = None
        self._restore()
        self._thread = threading.Thread(target=self._dispatch_loop, name="storyreel-engine", daemon=True)
        self._thread.start()
        self._wake.set()

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

    # --- internals -----------------------------------------------------------------------------------------
    def _cancel_running(self, job: JobInfo) -> None:
        if self._inbox is not None:
            self._inbox.put(CancelJob(job.id))

    def _shutdown(self, timeout: float) -> None:
        self._thread.join(timeout)
        self._stop_worker(timeout)

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
        if self._process is not None:
            stop_child(self._process, self._inbox, self._outbox, timeout)
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
                self._queue.get(event.job_id)
            except JobNotFound:
                return
            if is_final(event):
                self._finish(event.job_id, event)
            else:
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
            self._publish(WorkerRestarted(job_id, f"the engine worker stopped ({what}); a new one starts for the next job"))
            if running is not None:
                self._finish(running.id, Failed(running.id, reason))
            # The next job starts a fresh worker (lazily: a worker that cannot start never spins in a loop).
