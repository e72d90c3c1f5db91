"""The engine client on a Ray cluster: the same jobs, events and queue as the local worker, run on a farm.

    client = RayClient("127.0.0.1:6379", state_dir, cache_dir, token=token)
    job = client.submit(request)
    final = client.wait(job)          # Done(result=TakeResult on this machine) | Failed | Cancelled

One ``EngineActor`` per GPU (``num_gpus=1``), or per CPU slot where the cluster has no GPU (the animatic
always takes a CPU slot), created when jobs need them and kept warm: a job goes to a free actor that already
holds its model when there is one. The queue is the local engine's ``JobQueue`` in ``state_dir`` under its
``QueueLock``; before a job goes out the take cache here is consulted, so a job that finished before a restart
is not run twice. An actor (or its node) lost mid-job costs the job one attempt: ``WorkerRestarted`` with the
reason, then it runs again elsewhere, and ``Failed`` after ``max_retries``. When the cluster itself is gone the
jobs wait (queued) and go out again once it answers.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from engine.client import EngineClient
from engine.cluster import connection
from engine.cluster.address import check_cluster_address, resolve_token
from engine.cluster.engine_actor import EngineActor
from engine.cluster.status import ClusterStatus, read_status
from engine.cluster.wire import RemoteDone, stills_of, store_take
from engine.job_queue import JobInfo, JobNotFound, JobQueue
from engine.messages import Cancelled, Done, EngineEvent, Failed, Queued, Started, WorkerRestarted, is_final
from engine.queue_lock import QueueLock
from engine.request import RENDERER_VERSIONS, GenerationRequest
from engine.take_cache import TakeCache

log = logging.getLogger(__name__)

_TICK = 0.1
CANCEL_GRACE_S = 30.0  # a job that ignores its cancel this long has its actor killed
RECONNECT_EVERY_S = 5.0
_LOST_ERRORS = ("RayActorError", "ActorDiedError", "ActorUnavailableError", "WorkerCrashedError",
                "ObjectLostError", "OwnerDiedError", "NodeDiedError", "ObjectFetchTimedOutError")


@dataclass
class _Actor:
    handle: Any
    name: str
    kind: str  # "gpu" or "cpu"
    busy: str | None = None
    model: tuple[str, str] | None = None  # (backend, model id) it holds
    checked: bool = False  # renderer versions compared with ours


class RayClient(EngineClient):
    def __init__(self, address: str, state_dir: Path, cache_dir: Path | None = None, *, token: str | None = None,
                 persist: bool = True, backend_options: dict[str, dict[str, Any]] | None = None,
                 max_retries: int = 2) -> None:
        self._token = resolve_token(token)
        self.address = check_cluster_address(address, self._token)
        self.state_dir = Path(state_dir)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else self.state_dir / "takes"
        self.cache = TakeCache(self.cache_dir)
        self.backend_options = backend_options or {}
        self.max_retries = max(0, int(max_retries))
        self._ray = connection.connect(self.address, self._token)  # ClusterRefused / ClusterUnreachable
        self._connected = True
        self._id = uuid.uuid4().hex[:8]
        self._names = itertools.count()
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
        self._actors: list[_Actor] = []
        self._stills: dict[str, Any] = {}  # sha256 -> ObjectRef, sent once per connection
        self._attempts: dict[str, int] = {}
        self._cancel_asked: dict[str, float] = {}
        self._last_reconnect = 0.0
        self._closing = False
        self._wake = threading.Event()
        for job in self._queue.load():
            self._publish(Queued(job.id, self._position(job.id)))
        self._thread = threading.Thread(target=self._dispatch_loop, name="storyreel-cluster", daemon=True)
        self._thread.start()

    # --- public API ----------------------------------------------------------------------------------------
    @property
    def persistent(self) -> bool:
        return self._queue.path is not None

    @property
    def load_errors(self) -> list[str]:
        return list(self._queue.load_errors)

    @property
    def connected(self) -> bool:
        return self._connected

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
        with self._lock:
            job = self._queue.get(job_id)
            if job.status == "queued":
                self._queue.finish(job_id, "cancelled")
                self._publish(Cancelled(job_id))
            elif job.status == "running":
                self._cancel_asked.setdefault(job_id, time.monotonic())
                actor = self._actor_running(job_id)
                if actor is not None:
                    actor.handle.cancel.remote(job_id)

    def retry(self, job_id: str) -> str:
        with self._lock:
            job = self._queue.get(job_id)
            if not job.finished:
                raise ValueError(f"job {job_id} is still {job.status}; retry it once it has finished")
            new = self._queue.add(job.request, priority=job.priority, force_new=True, tag=job.tag, retry_of=job_id)
            self._publish(Queued(new.id, self._position(new.id)))
        self._wake.set()
        return new.id

    def move(self, job_id: str, index: int) -> None:
        with self._lock:
            self._queue.move(job_id, index)

    def jobs(self) -> list[JobInfo]:
        with self._lock:
            return [replace(job) for job in self._queue.all()]

    def job(self, job_id: str) -> JobInfo:
        with self._lock:
            return replace(self._queue.get(job_id))

    def poll(self, timeout: float = 0.0) -> list[EngineEvent]:
        events: list[EngineEvent] = []
        try:
            events.append(self._events.get(timeout=timeout) if timeout > 0 else self._events.get_nowait())
            while True:
                events.append(self._events.get_nowait())
        except queue.Empty:
            pass
        return events

    def wait(self, job_id: str, timeout: float | None = None) -> EngineEvent:
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._finished:
            self._queue.get(job_id)
            while job_id not in self._finals:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise TimeoutError(f"job {job_id} did not finish within {timeout} s")
                self._finished.wait(remaining)
            return self._finals[job_id]

    def actor_names(self) -> list[str]:
        """Names of this client's engine actors on the cluster (namespace ``storyreel``)."""
        with self._lock:
            return [actor.name for actor in self._actors]

    def actor_info(self) -> list[dict[str, Any]]:
        """What each actor reports (pid, node, kind, busy job, models held)."""
        with self._lock:
            handles = [actor.handle for actor in self._actors]
        return self._ray.get([handle.info.remote() for handle in handles], timeout=30)

    def status(self) -> ClusterStatus:
        """The cluster's nodes and actors, with this client's queued jobs counted."""
        with self._lock:
            queued = len(self._queue.pending())
        return read_status(self._ray, self.address, queued)

    def close(self, timeout: float = 10.0, *, keep_pending: bool = True) -> None:
        with self._lock:
            if self._closing:
                return
            self._closing = True
            if not keep_pending:
                for job in self._queue.pending(include_running=True):
                    self._queue.finish(job.id, "cancelled")
                    self._publish(Cancelled(job.id))
            self._queue.save()  # running jobs are saved as pending: the next client runs them
            actors, self._actors = self._actors, []
        self._wake.set()
        self._thread.join(timeout)
        for actor in actors:
            try:
                self._ray.kill(actor.handle)
            except Exception:  # the cluster may be gone already
                log.debug("could not stop actor %s", actor.name, exc_info=True)
        self._stills.clear()
        connection.disconnect()
        if self._queue_lock is not None:
            self._queue_lock.release()

    # --- internals: bookkeeping ------------------------------------------------------------------------------
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
        if isinstance(event, Done):
            self._queue.finish(job_id, "done", result=event.result)
        elif isinstance(event, Failed):
            self._queue.finish(job_id, "failed", error=event.reason)
        else:
            self._queue.finish(job_id, "cancelled")
        self._attempts.pop(job_id, None)
        self._cancel_asked.pop(job_id, None)
        self._publish(event)

    def _requeue(self, job: JobInfo) -> None:
        job.status, job.started_at = "queued", None
        self._queue.save()
        self._publish(Queued(job.id, self._position(job.id)))

    def _actor_running(self, job_id: str) -> _Actor | None:
        return next((a for a in self._actors if a.busy == job_id), None)

    # --- internals: placing jobs -----------------------------------------------------------------------------
    def _dispatch_loop(self) -> None:
        while True:
            self._wake.wait(_TICK)
            self._wake.clear()
            with self._lock:
                if self._closing:
                    return
                connected = self._connected
            if not connected:
                self._try_reconnect()
                continue
            try:
                with self._lock:
                    if self._closing:
                        return
                    self._enforce_cancels()
                    self._place_jobs()
            except Exception as error:  # the cluster went away between two calls
                log.warning("dispatch failed: %s", error)
                self._cluster_lost(str(error))

    def _capacity(self) -> dict[str, int]:
        resources = self._ray.cluster_resources()
        gpus = int(resources.get("GPU", 0))
        return {"gpu": gpus, "cpu": max(1, int(resources.get("CPU", 1)) - gpus)}

    def _kind(self, request: GenerationRequest, capacity: dict[str, int]) -> str:
        return "gpu" if request.backend != "animatic" and capacity["gpu"] > 0 else "cpu"

    def _place_jobs(self) -> None:
        capacity: dict[str, int] | None = None
        for job in self._queue.pending():
            if not job.force_new:
                hit = self.cache.lookup(job.request)
                if hit is not None:  # made before (maybe by a client that then stopped): not run again
                    self._queue.mark_running(job.id)
                    self._publish(Started(job.id))
                    self._finish(job.id, Done(job.id, hit))
                    continue
            if capacity is None:
                capacity = self._capacity()
            actor = self._free_actor(job.request, self._kind(job.request, capacity), capacity)
            if actor is not None:
                self._start(job, actor)

    def _free_actor(self, request: GenerationRequest, kind: str, capacity: dict[str, int]) -> _Actor | None:
        free = [a for a in self._actors if a.kind == kind and a.busy is None]
        wanted = (request.backend, request.model_id or "")
        holding = [a for a in free if a.model == wanted]
        if holding or request.backend == "animatic":
            return (holding or free or [None])[0] or self._new_actor(kind, capacity)
        empty = [a for a in free if a.model is None]
        if empty:
            return empty[0]
        mine = sum(1 for a in self._actors if a.kind == kind)
        if mine < capacity[kind]:
            return self._new_actor(kind, capacity)
        return free[0] if free else None  # it swaps its model for this job's

    def _new_actor(self, kind: str, capacity: dict[str, int]) -> _Actor | None:
        if sum(1 for a in self._actors if a.kind == kind) >= capacity[kind]:
            return None
        name = f"storyreel-engine-{self._id}-{next(self._names)}"
        remote = self._ray.remote(EngineActor).options(
            name=name, namespace=connection.NAMESPACE, num_cpus=1, num_gpus=1 if kind == "gpu" else 0,
            max_concurrency=4, max_restarts=0, max_task_retries=0)
        actor = _Actor(remote.remote(kind, self.backend_options), name, kind)
        self._actors.append(actor)
        return actor

    def _stills_for(self, request: GenerationRequest) -> dict[str, tuple[str, str, list[Any]]]:
        out = {}
        for field, sha, path in stills_of(request):
            if sha not in self._stills:
                self._stills[sha] = self._ray.put(path.read_bytes())
            out[field] = (sha, path.suffix.lower(), [self._stills[sha]])
        return out

    def _start(self, job: JobInfo, actor: _Actor) -> None:
        try:
            stills = self._stills_for(job.request)
        except OSError as error:
            self._queue.mark_running(job.id)
            self._finish(job.id, Failed(job.id, f"the reference still cannot be read: {error}"))
            return
        self._queue.mark_running(job.id)
        self._queue.save()
        actor.busy = job.id
        stream = actor.handle.run.options(num_returns="streaming").remote(
            job.id, job.request.to_dict(), job.force_new, stills)
        threading.Thread(target=self._follow, args=(job.id, job.request, actor, stream), daemon=True,
                         name=f"storyreel-follow-{job.id}").start()

    # --- internals: following a running job ------------------------------------------------------------------
    def _follow(self, job_id: str, request: GenerationRequest, actor: _Actor, stream: Any) -> None:
        ended = False
        try:
            if not actor.checked:
                self._check_versions(actor)
            for ref in stream:
                event = self._ray.get(ref)
                ended = self._handle(job_id, request, actor, event) or ended
            if not ended:
                self._lost(job_id, actor, "the actor ended the job without a result")
        except Exception as error:
            self._lost(job_id, actor, self._describe(error), error)
        finally:
            with self._lock:
                if actor.busy == job_id:
                    actor.busy = None
            self._wake.set()

    def _check_versions(self, actor: _Actor) -> None:
        theirs = self._ray.get(actor.handle.info.remote(), timeout=300)["renderer_versions"]
        actor.checked = True
        if theirs != dict(RENDERER_VERSIONS):
            raise _VersionMismatch(f"the cluster runs another Storyreel renderer ({theirs}, here {RENDERER_VERSIONS}): "
                                   "install the same Storyreel version on the cluster's nodes")

    def _handle(self, job_id: str, request: GenerationRequest, actor: _Actor, event: EngineEvent) -> bool:
        """Record one event from the actor; True when it ended the job."""
        with self._lock:
            if self._closing:
                return True
            if isinstance(event, RemoteDone):
                try:
                    result = store_take(self.cache, request, event)
                    event = Done(job_id, result)
                except (OSError, ValueError) as error:
                    event = Failed(job_id, f"the take could not be saved on this machine: {error}")
                if request.backend != "animatic":
                    actor.model = (request.backend, request.model_id or "")
            if is_final(event):
                self._finish(job_id, event)
                return True
            self._publish(event)
            return False

    def _describe(self, error: BaseException) -> str:
        text = str(error).strip().splitlines()[0] if str(error).strip() else ""
        return f"{type(error).__name__}: {text}"[:300]

    def _lost(self, job_id: str, actor: _Actor, reason: str, error: BaseException | None = None) -> None:
        with self._lock:
            if self._closing:
                return
            if actor in self._actors:
                self._actors.remove(actor)
            try:
                job = self._queue.get(job_id)
            except JobNotFound:
                return
            if job.finished:
                return
            if isinstance(error, _VersionMismatch):
                self._finish(job_id, Failed(job_id, str(error)))
                return
            if job_id in self._cancel_asked:
                self._finish(job_id, Cancelled(job_id))
                return
            if error is not None and type(error).__name__ not in _LOST_ERRORS:
                self._finish(job_id, Failed(job_id, f"the cluster could not run this take: {reason}"))
                return
        if not self._cluster_alive():
            self._cluster_lost(reason)
            return
        with self._lock:
            attempts = self._attempts.get(job_id, 0) + 1
            self._attempts[job_id] = attempts
            where = f"the cluster's engine actor was lost while generating this take ({reason})"
            if attempts > self.max_retries:
                self._finish(job_id, Failed(job_id, f"{where}; gave up after {attempts} tries"))
                return
            self._publish(WorkerRestarted(job_id, f"{where}; trying again on another actor "
                                                  f"({attempts} of {self.max_retries} retries)"))
            self._requeue(job)
        self._wake.set()

    def _enforce_cancels(self) -> None:
        now = time.monotonic()
        for job_id, asked in list(self._cancel_asked.items()):
            actor = self._actor_running(job_id)
            if actor is not None and now - asked > CANCEL_GRACE_S:
                log.warning("job %s ignored its cancel for %.0f s: stopping its actor", job_id, now - asked)
                self._ray.kill(actor.handle)  # _follow sees the actor die and ends the job as cancelled

    # --- internals: the cluster going and coming back --------------------------------------------------------
    def _cluster_alive(self) -> bool:
        try:
            return any(node.get("Alive") for node in self._ray.nodes())
        except Exception:
            return False

    def _cluster_lost(self, reason: str) -> None:
        with self._lock:
            if self._closing or not self._connected:
                return
            log.warning("lost the cluster at %s (%s): jobs wait until it is back", self.address, reason)
            self._connected = False
            self._actors.clear()
            self._stills.clear()
            for job in self._queue.pending(include_running=True):
                if job.status == "running":
                    self._requeue(job)
            self._last_reconnect = time.monotonic()

    def _try_reconnect(self) -> None:
        if time.monotonic() - self._last_reconnect < RECONNECT_EVERY_S:
            return
        self._last_reconnect = time.monotonic()
        try:
            connection.reconnect(self.address, self._token)
        except Exception as error:
            log.info("cluster at %s still unreachable: %s", self.address, error)
            return
        with self._lock:
            self._connected = True
        self._wake.set()


class _VersionMismatch(RuntimeError):
    pass
