"""Backends by name: ``create_backend("animatic")`` (CPU, no weights) or ``create_backend("diffusers")``."""

from __future__ import annotations

from typing import Any

from engine.backends.base import Backend

BACKEND_NAMES = ("animatic", "diffusers")


def create_backend(name: str, **options: Any) -> Backend:
    """A new backend instance; ``options`` go to its constructor (e.g. ``device``, ``dtype`` for diffusers)."""
    if name == "animatic":
        from engine.backends.animatic import AnimaticBackend

        return AnimaticBackend(**options)
    if name == "diffusers":
        from engine.backends.diffusers_backend import DiffusersBackend

        return DiffusersBackend(**options)
    raise ValueError(f"unknown backend {name!r}; one of {', '.join(BACKEND_NAMES)}")
