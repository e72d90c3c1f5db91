"""The worker process: runs one job at a time with warm backends, and reports typed events.

Started by ``WorkerClient`` with the ``spawn`` context, so a crash, a CUDA fault or the OOM killer takes down
this process only. A listener thread reads commands while the main thread generates: ``CancelJob`` sets the
running job's cancel token (a diffusers job stops at the end of its current step), ``Shutdown`` ends the loop.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
import traceback
from pathlib import Path
from typing import Any

from engine.messages import (
    CancelJob,
    Cancelled,
    Done,
    Failed,
    RunJob,
    Shutdown,
    Started,
    StepProgress,
)
from engine.progress import Cancelled as CancelledError
from engine.progress import CancelToken, Progress

log = logging.getLogger(__name__)


class _Commands:
    """Splits incoming commands: runs go to a local queue, cancels apply at once (even to the running job)."""

    def __init__(self, inbox: Any) -> None:
        self.inbox = inbox
        self.runs: queue.Queue[RunJob | None] = queue.Queue()
        self.lock = threading.Lock()
        self.current: tuple[str, CancelToken] | None = None
        self.cancelled: set[str] = set()

    def listen(self) -> None:
        while True:
            try:
                message = self.inbox.get()
            except (EOFError, OSError):  # the client went away
                message = Shutdown()
            if isinstance(message, RunJob):
                self.runs.put(message)
            elif isinstance(message, CancelJob):
                with self.lock:
                    self.cancelled.add(message.job_id)
                    if self.current is not None and self.current[0] == message.job_id:
                        self.current[1].cancel()
            elif isinstance(message, Shutdown) or message is None:
                self.stop()
                return

    def stop(self) -> None:
        """Cancel the running job and end the loop once it has finished."""
        with self.lock:
            if self.current is not None:
                self.current[1].cancel()
        self.runs.put(None)

    def begin(self, job_id: str) -> CancelToken:
        token = CancelToken()
        with self.lock:
            if job_id in self.cancelled:
                token.cancel()
            self.current = (job_id, token)
        return token

    def end(self, job_id: str) -> None:
        with self.lock:
            self.current = None
            self.cancelled.discard(job_id)


def run_job(job: RunJob, backends: dict[str, Any], backend_options: dict[str, dict[str, Any]], cache: Any,
            token: CancelToken, emit: Any) -> None:
    """Run one job, consulting the take cache first; every outcome becomes exactly one final event."""
    from engine.backends.registry import create_backend

    request = job.request
    emit(Started(job.job_id))
    try:
        token.raise_if_cancelled()
        if cache is not None and not job.force_new:
            hit = cache.lookup(request)
            if hit is not None:
                hit.from_cache = True
                emit(Done(job.job_id, hit))
                return
        backend = backends.get(request.backend)
        if backend is None:
            for name in [n for n in backends if n != request.backend]:
                if name != "animatic":  # one heavy backend in memory at a time
                    backends.pop(name).release()
            backend = create_backend(request.backend, **backend_options.get(request.backend, {}))
            backends[request.backend] = backend

        def progress(update: Progress) -> None:
            emit(StepProgress(job.job_id, update.done, update.total, getattr(update, "preview_png", None),
                              update.stage, update.message))

        out_dir = cache.slot(request) if cache is not None else Path.cwd() / "takes" / request.key()
        result = backend.generate(request, Path(out_dir), progress, token)
        if cache is not None:
            result = cache.commit(result)
        emit(Done(job.job_id, result))
    except CancelledError:
        emit(Cancelled(job.job_id))
    except Exception as exc:  # every failure reaches the caller as a reason, and the worker lives on
        log.debug("job %s failed:\n%s", job.job_id, traceback.format_exc())
        emit(Failed(job.job_id, _reason(exc)))


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    known = ("ModelUnavailable", "OutOfMemory", "UnsupportedRequest", "RequestError", "VideoError", "ModelNotFound")
    return text if type(exc).__name__ in known else f"{type(exc).__name__}: {text}"


def worker_main(inbox: Any, outbox: Any, cache_dir: str | None, backend_options: dict[str, dict[str, Any]]) -> None:
    """Entry point of the spawned process."""
    cache = None
    if cache_dir is not None:
        from engine.take_cache import TakeCache

        cache = TakeCache(Path(cache_dir))
    commands = _Commands(inbox)
    threading.Thread(target=commands.listen, name="storyreel-worker-commands", daemon=True).start()
    # Ctrl-C in a terminal reaches the whole process group; the client decides what stops (CancelJob, Shutdown),
    # so the worker ignores SIGINT. SIGTERM stops like Shutdown: the running job cancels and cleans up its temp
    # files. (From a helper thread: the handler may interrupt the main thread inside a lock ``stop`` takes.)
    if threading.current_thread() is threading.main_thread():  # not for the in-process client's worker thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=commands.stop, daemon=True).start())
    backends: dict[str, Any] = {}
    try:
        while True:
            job = commands.runs.get()
            if job is None:
                break
            token = commands.begin(job.job_id)
            try:
                run_job(job, backends, backend_options, cache, token, outbox.put)
            finally:
                commands.end(job.job_id)
    finally:
        for backend in backends.values():
            try:
                backend.release()
            except Exception:  # shutting down: nothing left to report to
                log.debug("release failed", exc_info=True)
