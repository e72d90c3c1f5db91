"""Stopping a helper process of the engine (the local worker, the cluster driver) and its message queues."""

from __future__ import annotations

import contextlib
from typing import Any

from engine.messages import Shutdown


def stop_child(process: Any, inbox: Any, outbox: Any, timeout: float) -> None:
    """Ask ``process`` to shut down, wait ``timeout`` s, then terminate and kill it; close both queues.

    ``process`` may be a thread standing in for one (the in-process client): it can only be told, not killed."""
    with contextlib.suppress(Exception):
        inbox.put(Shutdown())
    process.join(timeout)
    if process.is_alive() and hasattr(process, "terminate"):
        process.terminate()
        process.join(2)
    if process.is_alive() and hasattr(process, "kill"):
        process.kill()
        process.join(2)
    for channel in (inbox, outbox):
        with contextlib.suppress(Exception):
            channel.cancel_join_thread()
            channel.close()
