"""The engine on a cluster node: a long-lived Ray actor that keeps its backend (and model) loaded between jobs.

It reuses the local worker's ``run_job`` with a take cache of its own on the node; ``run`` is a streaming
generator, so each event (``Started``, per-step ``StepProgress``, the final one) reaches the client as it
happens. The actor is threaded (``max_concurrency``) so that ``cancel`` and ``info`` run while a job does:
``cancel`` sets the job's cancel token and the backend stops at the end of the current step.
"""

from __future__ import annotations

import gc
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engine.cluster.node_storage import NodeStorage
from engine.cluster.wire import InputRefs, materialise_inputs, take_payload
from engine.messages import Cancelled, Done, EngineEvent, Failed, RunJob, StepProgress
from engine.progress import CancelToken
from engine.request import RENDERER_VERSIONS, GenerationRequest, TakeResult
from engine.worker import run_job

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 0.1  # at most ten progress events a second per job (the last step and previews always go)


class EngineActor:
    def __init__(self, kind: str, backend_options: dict[str, dict[str, Any]]) -> None:
        import ray

        self.kind = kind
        self.backend_options = backend_options
        self.backends: dict[str, Any] = {}
        self.models: dict[str, str] = {}  # backend -> model id it holds
        self.storage = NodeStorage.from_env()
        self.lock = threading.Lock()
        self.current: tuple[str, CancelToken] | None = None
        self.cancelled: set[str] = set()
        self.node = ray.get_runtime_context().get_node_id()
        if kind == "cpu":  # one CPU slot: keep OpenCV to one thread, as Ray does for OpenMP
            import cv2

            cv2.setNumThreads(1)

    def info(self) -> dict[str, Any]:
        with self.lock:
            busy = self.current[0] if self.current else None
        models = {name: self.models.get(name, "") for name in self.backends}
        return {"pid": os.getpid(), "node": self.node, "kind": self.kind, "busy": busy, "models": models,
                "renderer_versions": dict(RENDERER_VERSIONS)}

    def has_env(self, name: str) -> bool:
        """Whether ``name`` is set in this actor's environment (the secrets check)."""
        return name in os.environ

    def cancel(self, job_id: str) -> None:
        with self.lock:
            self.cancelled.add(job_id)
            if self.current is not None and self.current[0] == job_id:
                self.current[1].cancel()

    def run(self, job_id: str, request_data: dict[str, Any], force_new: bool,
            inputs: InputRefs) -> Iterator[EngineEvent]:
        import ray

        request = GenerationRequest.from_dict(request_data)
        token = CancelToken()
        with self.lock:
            if job_id in self.cancelled:
                token.cancel()
            self.current = (job_id, token)
        events: queue.Queue[EngineEvent | None] = queue.Queue()

        def work() -> None:
            try:
                local, _ = materialise_inputs(ray, request, inputs, self.storage)
                run_job(RunJob(job_id, local, force_new), self.backends, self.backend_options, self.storage.takes,
                        token, events.put)
                if local.backend != "animatic":
                    self.models[local.backend] = local.model_id or ""
            except Exception as error:  # e.g. an input file that cannot be fetched
                events.put(Failed(job_id, f"{type(error).__name__}: {error}"))
            finally:
                events.put(None)

        thread = threading.Thread(target=work, name=f"storyreel-job-{job_id}", daemon=True)
        thread.start()
        last_progress = 0.0
        try:
            while (event := events.get()) is not None:
                if isinstance(event, StepProgress) and event.step < event.total and event.preview_png is None:
                    now = time.monotonic()
                    if now - last_progress < PROGRESS_EVERY_S:  # each event is an object in the store: thin them
                        continue
                    last_progress = now
                if isinstance(event, Done) and event.result is not None:
                    yield take_payload(job_id, event.result, self.node)
                    self._tidy(event.result)
                else:
                    if isinstance(event, Cancelled):
                        self._free_memory()
                    yield event
        finally:
            thread.join()
            with self.lock:
                self.current = None
                self.cancelled.discard(job_id)

    def _tidy(self, result: TakeResult) -> None:
        """The take has reached the client: keep the node's folder in its budget (the files of jobs running on
        this actor's other threads are safe: only complete, least recently used entries go)."""
        self.storage.touch(Path(result.video).parent)
        removed = self.storage.prune(keep={Path(result.video).parent})
        if removed:
            log.info("node cache over budget: removed %d entries", len(removed))

    def _free_memory(self) -> None:
        """After a cancel: drop the stopped job's tensors (the model stays loaded for the next job)."""
        gc.collect()
        torch = sys.modules.get("torch")
        if torch is not None and torch.cuda.is_available():
            torch.cuda.empty_cache()
