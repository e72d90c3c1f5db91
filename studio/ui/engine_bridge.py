"""The engine worker seen from the UI thread: an ``EngineClient`` polled by a QTimer, its events as Qt signals.

The client never blocks here (``poll(0)``); the worker process does the generating. If the worker dies,
the client restarts it and says so with ``WorkerRestarted``, which reaches the window as a signal too.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

POLL_INTERVAL_MS = 100
log = logging.getLogger(__name__)


class EngineBridge(QObject):
    """Owns one ``engine.client.EngineClient``, started on first use (spawning a worker costs a second or two)."""

    event = Signal(object)  # an engine.messages event, delivered on the UI thread
    failedToStart = Signal(str)

    def __init__(self, state_dir: Path, cache_dir: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state_dir = Path(state_dir)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self._client: Any = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self.poll_now)

    @property
    def started(self) -> bool:
        return self._client is not None

    def client(self) -> Any:
        """The running EngineClient (started now if needed)."""
        if self._client is None:
            from engine.client import EngineClient  # the engine stays out of the UI's import time

            self.state_dir.mkdir(parents=True, exist_ok=True)
            self._client = EngineClient(self.state_dir, self.cache_dir)
            self._timer.start()
        return self._client

    def has_saved_jobs(self) -> bool:
        """Whether an earlier session left a job queue in the state folder (then the client starts now)."""
        if self._client is not None:
            return True
        if not self.state_dir.is_dir() or not any(self.state_dir.iterdir()):
            return False
        self.client()
        return True

    def poll_now(self) -> None:
        if self._client is None:
            return
        try:
            events = self._client.poll(0.0)
        except Exception as exc:  # a broken pipe to a dead worker must not take the editor down
            self.failedToStart.emit(f"The engine stopped answering: {exc}")
            return
        for event in events:
            self.event.emit(event)

    # --- job control (thin: the client owns the queue) -----------------------------------------------------
    def submit(self, request: Any, *, priority: int = 0, force_new: bool = False, tag: str = "") -> str:
        return self.client().submit(request, priority=priority, force_new=force_new, tag=tag)

    def cancel(self, job_id: str) -> None:
        if self._client is not None:
            self._client.cancel(job_id)

    def retry(self, job_id: str) -> str:
        return self.client().retry(job_id)

    def move(self, job_id: str, index: int) -> None:
        if self._client is not None:
            self._client.move(job_id, index)

    def jobs(self) -> list[Any]:
        return list(self._client.jobs()) if self._client is not None else []

    def worker_pid(self) -> int | None:
        """The worker process id, when the client exposes it (tests kill it to check recovery)."""
        if self._client is None:
            return None
        for name in ("worker_pid", "pid"):
            value = getattr(self._client, name, None)
            value = value() if callable(value) else value
            if isinstance(value, int):
                return value
        return None

    def close(self) -> None:
        self._timer.stop()
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception as exc:  # closing the editor must never fail on a worker that is already gone
                log.warning("the engine client did not close cleanly: %s", exc)
