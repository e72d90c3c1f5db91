"""Watching an engine client as the UI does: poll until a job's final event."""

from __future__ import annotations

from collections.abc import Callable

from engine.client import EngineClient
from engine.messages import EngineEvent, is_final


def events_until_final(engine: EngineClient, job_id: str, on_event: Callable[[EngineEvent], None] | None = None,
                       wait_s: float = 240) -> list[EngineEvent]:
    """Poll until the job's final event; returns that job's events in order (``on_event`` sees each one)."""
    seen: list[EngineEvent] = []
    for _ in range(int(wait_s * 10)):
        for event in engine.poll(timeout=0.1):
            if event.job_id == job_id:
                seen.append(event)
                if on_event is not None:
                    on_event(event)
                if is_final(event):
                    return seen
    raise AssertionError(f"job {job_id} did not finish within {wait_s} s; saw {seen}")
