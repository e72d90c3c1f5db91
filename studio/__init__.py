"""Storyreel studio: the app — project model, voice, cut/export, script import, CLI and the Qt UI."""

__version__ = "0.1.0"
