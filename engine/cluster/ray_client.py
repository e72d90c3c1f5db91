"""The engine client on a Ray cluster: the same jobs, events and queue as the local worker, run on a farm.

    client = RayClient("127.0.0.1:6379", state_dir, cache_dir, token=token)
    job = client.submit(request)
    final = client.wait(job)          # Done(result=TakeResult on this machine) | Failed | Cancelled

The queue is the local engine's ``JobQueue`` in ``state_dir`` under its ``QueueLock``. The connection to the
cluster lives in a spawned driver process (``engine.cluster.driver``: Ray ends a driver's process when the
cluster goes away, and that must not be the editor's). This side sends the driver as many jobs as the cluster
has engine slots, in run order, after consulting the take cache here, so a job that finished before a restart
is not run twice. When the driver stops (the cluster is gone) its jobs are queued again and wait; a new driver
is started every few seconds until the cluster answers, and they go out again.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import queue
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from engine.child_process import stop_child
from engine.cluster.address import ClusterRefused, check_cluster_address, resolve_token
from engine.cluster.connection import ClusterUnreachable
from engine.cluster.driver import Answer, Ask, DriverReady, DriverStopped, driver_main, job_kind
from engine.cluster.status import ClusterStatus
from engine.job_queue import JobInfo, JobNotFound
from engine.messages import (
    CancelJob,
    Done,
    EngineEvent,
    Failed,
    Queued,
    RunJob,
    Started,
    WorkerRestarted,
    is_final,
)
from engine.queued_client import QueuedClient
from engine.take_cache import TakeCache

log = logging.getLogger(__name__)

_TICK = 0.1
RECONNECT_EVERY_S = 5.0
CONNECT_TIMEOUT_S = 180.0  # a first connection: spawn, import Ray, reach the head
QUERY_TIMEOUT_S = 60.0
PREFETCH = 1  # jobs per slot kind held at the driver beyond its slots, so an actor that finishes starts the next


class RayClient(QueuedClient):
    def __init__(self, address: str, state_dir: Path, cache_dir: Path | None = None, *, token: str | None = None,
                 persist: bool = True, backend_options: dict[str, dict[str, Any]] | None = None,
                 max_retries: int = 2, wait: bool = True) -> None:
        """``wait``: connect before returning (``ClusterRefused`` / ``ClusterUnreachable`` say why not); without
        it the client returns at once and jobs wait until the cluster answers (the editor's way)."""
        self._token = resolve_token(token)
        self.address = check_cluster_address(address, self._token)
        super().__init__(state_dir, cache_dir, persist=persist, backend_options=backend_options)
        self.cache = TakeCache(self.cache_dir)
        self.max_retries = max(0, int(max_retries))
        self._ctx = multiprocessing.get_context("spawn")
        self._process: Any = None
        self._inbox: Any = None
        self._outbox: Any = None
        self._slots: dict[str, int] | None = None  # None while no driver is connected
        self._sent: dict[str, str] = {}  # job id -> slot kind, for the jobs at the driver
        self._refused: str | None = None  # the cluster refused us: no more tries
        self._last_problem = ""
        self._lost_said = False
        self._was_connected = False
        self._last_start = 0.0
        self._queries = itertools.count()
        self._answers: dict[int, Answer] = {}
        self._answered = threading.Condition(self._lock)
        self._restore()
        self._start_driver()
        self._thread = threading.Thread(target=self._dispatch_loop, name="storyreel-cluster", daemon=True)
        self._thread.start()
        if wait:
            self._wait_connected()

    # --- public API ----------------------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        """False while the cluster does not answer (jobs wait, queued, and go out again once it does)."""
        return self._slots is not None

    def actor_names(self) -> list[str]:
        """Names of this client's engine actors on the cluster (namespace ``storyreel``)."""
        return list(self._ask("actor_names"))

    def actor_info(self) -> list[dict[str, Any]]:
        """What each actor reports (pid, node, kind, busy job, models held)."""
        return list(self._ask("actor_info"))

    def status(self) -> ClusterStatus:
        """The cluster's nodes and actors, with this client's queued jobs counted."""
        status = self._ask("status")
        with self._lock:
            queued = len(self._queue.pending())
        return replace(status, address=self.address, jobs_queued=queued)

    # --- internals: the driver process ---------------------------------------------------------------------
    def _start_driver(self) -> None:
        self._last_start = time.monotonic()
        inbox, outbox = self._ctx.Queue(), self._ctx.Queue()
        process = self._ctx.Process(
            target=driver_main, name="storyreel-cluster-driver", daemon=True,
            args=(inbox, outbox, self.address, self._token, str(self.cache_dir), self.backend_options,
                  self.max_retries))
        process.start()
        self._inbox, self._outbox, self._process = inbox, outbox, process

    def _wait_connected(self) -> None:
        """Until the first driver is connected; or close and raise why it could not."""
        deadline = time.monotonic() + CONNECT_TIMEOUT_S
        with self._lock:
            while self._slots is None and self._refused is None and self._process is not None:
                if time.monotonic() > deadline:
                    break
                self._answered.wait(0.2)
            if self._slots is not None:
                return
            refused, reason = self._refused, self._last_problem or f"the cluster at {self.address} did not answer"
        self.close()
        raise ClusterRefused(refused) if refused else ClusterUnreachable(reason)

    def _stop_driver(self, timeout: float) -> None:
        if self._process is not None:
            stop_child(self._process, self._inbox, self._outbox, timeout)
        self._process = self._inbox = self._outbox = None

    def _shutdown(self, timeout: float) -> None:
        self._thread.join(timeout)
        with self._lock:
            self._stop_driver(timeout)
            self._slots = None

    def _cancel_running(self, job: JobInfo) -> None:
        if self._inbox is not None and job.id in self._sent:
            self._inbox.put(CancelJob(job.id))

    def _ask(self, what: str) -> Any:
        with self._lock:
            if self._inbox is None or self._slots is None:
                raise ClusterUnreachable(f"not connected to the cluster at {self.address} now")
            query = next(self._queries)
            self._inbox.put(Ask(query, what))
            deadline = time.monotonic() + QUERY_TIMEOUT_S
            while query not in self._answers:
                if time.monotonic() > deadline:
                    raise ClusterUnreachable(f"the cluster at {self.address} did not answer ({what})")
                self._answered.wait(0.2)
            answer = self._answers.pop(query)
        if answer.error:
            raise ClusterUnreachable(f"the cluster at {self.address} could not answer ({what}): {answer.error}")
        return answer.value

    # --- internals: the loop -------------------------------------------------------------------------------
    def _dispatch_loop(self) -> None:
        while True:
            with self._lock:
                if self._closing:
                    return
                outbox, process = self._outbox, self._process
                if process is None and self._refused is None and \
                        time.monotonic() - self._last_start >= RECONNECT_EVERY_S:
                    self._start_driver()
                    outbox, process = self._outbox, self._process
            if process is None:
                with self._lock:
                    self._fail_if_refused()
                time.sleep(_TICK)
                continue
            try:
                message = outbox.get(timeout=_TICK)
            except queue.Empty:
                if not process.is_alive():
                    self._driver_gone(process, "")
                else:
                    with self._lock:
                        self._send_jobs()
                continue
            except (EOFError, OSError, ValueError):
                if not process.is_alive():
                    self._driver_gone(process, "")
                continue
            self._receive(message, process)

    def _receive(self, message: Any, process: Any) -> None:
        with self._lock:
            if self._closing:
                return
            if isinstance(message, DriverReady):
                self._slots = dict(message.slots)
                if self._was_connected:
                    self._publish(WorkerRestarted("", f"the cluster at {self.address} answers again; "
                                                      "waiting jobs go out"))
                self._was_connected, self._lost_said = True, False
            elif isinstance(message, DriverStopped):
                self._last_problem = message.reason
                if message.refused:
                    self._refused = message.reason
                self._driver_gone(process, message.reason)
            elif isinstance(message, Answer):
                self._answers[message.query_id] = message
            elif isinstance(message, EngineEvent):
                self._job_event(message)
                if not is_final(message):
                    return  # progress: nothing to send on
            self._answered.notify_all()
            self._send_jobs()

    def _job_event(self, event: EngineEvent) -> None:
        try:
            self._queue.get(event.job_id)
        except JobNotFound:
            if event.job_id:
                return
        if is_final(event):
            self._sent.pop(event.job_id, None)
            self._finish(event.job_id, event)
        else:
            self._publish(event)

    def _send_jobs(self) -> None:
        """Hand the driver the next jobs in run order: as many as the cluster has free slots, and ``PREFETCH``
        more (they wait at the driver; a cancel still reaches them there)."""
        if self._slots is None or self._inbox is None or self._closing:
            return
        in_flight = {kind: 0 for kind in self._slots}
        for kind in self._sent.values():
            in_flight[kind] += 1
        for job in self._queue.pending():
            if not job.force_new:
                hit = self.cache.lookup(job.request)
                if hit is not None:  # made before (maybe by a client that then stopped): not run again
                    self._queue.mark_running(job.id)
                    self._publish(Started(job.id))
                    self._finish(job.id, Done(job.id, hit))
                    continue
            kind = job_kind(job.request, self._slots)
            if in_flight[kind] >= self._slots[kind] + PREFETCH:
                continue
            in_flight[kind] += 1
            self._queue.mark_running(job.id)
            self._queue.save()
            self._sent[job.id] = kind
            self._inbox.put(RunJob(job.id, job.request, job.force_new))

    def _fail_if_refused(self) -> None:
        """The cluster refused this client (its token): jobs cannot wait for that to change."""
        if self._refused is None or self._closing:
            return
        for job in self._queue.pending(include_running=True):
            self._finish(job.id, Failed(job.id, f"the cluster refused this job: {self._refused}"))

    def _driver_gone(self, process: Any, reason: str) -> None:
        """The driver stopped (the cluster is lost, or could not be reached): its jobs wait, queued."""
        with self._lock:
            if self._closing or process is not self._process:
                return
            with contextlib.suppress(Exception):  # what it said before it stopped still counts
                while True:
                    message = self._outbox.get_nowait()
                    if isinstance(message, EngineEvent):
                        self._job_event(message)
            self._stop_driver(1.0)
            self._slots = None
            for job_id in list(self._sent):
                job = self._queue.get(job_id)
                if not job.finished:
                    job.status, job.started_at = "queued", None
                    self._publish(Queued(job.id, self._position(job.id)))
            self._sent.clear()
            self._queue.save()
            waiting = len(self._queue.pending())
            if self._refused is not None:
                self._answered.notify_all()
                return
            if self._was_connected and not self._lost_said:
                why = reason or f"the cluster driver stopped (exit code {process.exitcode})"
                self._publish(WorkerRestarted("", f"lost the cluster at {self.address} ({why}); {waiting} job(s) "
                                                  "wait and go out again when it answers"))
                self._lost_said = True
            self._answered.notify_all()
