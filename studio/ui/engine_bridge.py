"""The engine seen from the UI thread: an ``EngineClient`` polled by a QTimer, its events as Qt signals.

The client never blocks here (``poll(0)``); its worker does the generating. The bridge holds the interface,
not a concrete client: the window passes a factory (the spawned local worker by default; tests use the
in-process client). If a worker dies, the client says so with ``WorkerRestarted``, which reaches the window
as a signal too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from engine.client import EngineClient
from studio.project import StoryreelError

ClientFactory = Callable[[Path, Path | None], EngineClient]

POLL_INTERVAL_MS = 100
log = logging.getLogger(__name__)


def spawned_worker(state_dir: Path, cache_dir: Path | None) -> EngineClient:
    from engine.local_client import local_client  # the engine stays out of the UI's import time

    return local_client(state_dir, cache_dir)


class EngineBridge(QObject):
    """Owns one ``EngineClient``, started on first use (spawning a worker costs a second or two)."""

    event = Signal(object)  # an engine.messages event, delivered on the UI thread
    failedToStart = Signal(str)

    def __init__(self, state_dir: Path, cache_dir: Path | None = None, parent: QObject | None = None, *,
                 factory: ClientFactory = spawned_worker) -> None:
        super().__init__(parent)
        self.state_dir = Path(state_dir)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.factory = factory
        self._client: EngineClient | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self.poll_now)

    @property
    def started(self) -> bool:
        return self._client is not None

    def client(self) -> EngineClient:
        """The running EngineClient (started now if needed)."""
        if self._client is None:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            self._client = self.factory(self.state_dir, self.cache_dir)
            for problem in self._client.load_errors:
                log.warning("%s", problem)
            self._timer.start()
        return self._client

    def has_saved_jobs(self) -> bool:
        """Whether an earlier session left a job queue in the state folder (then the client starts now)."""
        if self._client is not None:
            return True
        from engine.job_queue import QUEUE_FILE

        saved = self.state_dir / QUEUE_FILE
        try:
            if b'"id"' not in saved.read_bytes():  # no job in it (the client reports unreadable files itself)
                return False
        except OSError:
            return False
        try:
            self.client()
        except StoryreelError as exc:  # e.g. the chosen cluster is refused: the project still opens
            self.failedToStart.emit(str(exc))
            return False
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

    def jobs(self) -> list[Any]:
        return list(self._client.jobs()) if self._client is not None else []

    def worker_pid(self) -> int | None:
        """The worker process id, when the engine runs in a local process (tests kill it to check recovery)."""
        return self._client.worker_pid if self._client is not None else None

    def close(self) -> None:
        self._timer.stop()
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception as exc:  # closing the editor must never fail on a worker that is already gone
                log.warning("the engine client did not close cleanly: %s", exc)
