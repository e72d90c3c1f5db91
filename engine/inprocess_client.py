"""The engine client with its worker loop on a thread of this process: no spawn, no pickling.

Jobs, events, cache and rules are exactly those of ``WorkerClient`` (it is the same class with another way to
start the worker), so tests of the editor run fast against the real engine; a crash here is this process's
crash, which is why the app itself uses the spawned worker.
"""

from __future__ import annotations

import queue
import threading
from typing import Any

from engine.worker import worker_main
from engine.worker_client import WorkerClient


class _WorkerThread(threading.Thread):
    """Looks like a ``multiprocessing.Process`` to the client (``is_alive``, ``join``, ``exitcode``)."""

    exitcode: int | None = None

    def run(self) -> None:
        try:
            super().run()
        finally:
            self.exitcode = 0


class InProcessClient(WorkerClient):
    def _start_worker(self) -> tuple[Any, Any, Any]:
        inbox: queue.Queue[Any] = queue.Queue()
        outbox: queue.Queue[Any] = queue.Queue()
        thread = _WorkerThread(target=worker_main, name="storyreel-engine-thread", daemon=True,
                               args=(inbox, outbox, str(self.cache_dir), self.backend_options))
        thread.start()
        return inbox, outbox, thread
