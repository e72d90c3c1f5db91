"""The editor's timeline: shots, transitions, voice lines and music against a time ruler."""

from .view import TimelineView

__all__ = ["TimelineView"]
