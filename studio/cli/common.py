"""Shared pieces of the CLI: option parsers, opening projects, reporting user errors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from studio.project import ProjectDocument, StoryreelError
from studio.project.model import MAX_SHOT_SECONDS, parse_aspect

from .terminal_text import raw_stdout


class UsageError(StoryreelError):
    """Bad command-line input (exit code 2, one line on stderr)."""


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1280x720, got {text!r}") from None
    if not (16 <= w <= 8192 and 16 <= h <= 8192) or w % 2 or h % 2:
        raise argparse.ArgumentTypeError(f"size {text!r}: each side must be even and between 16 and 8192")
    return w, h


def parse_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds (e.g. 4 or 2.5), got {text!r}") from None
    if not 0 < value <= MAX_SHOT_SECONDS or value != value:
        raise argparse.ArgumentTypeError(f"duration {text!r} must be more than 0 and at most {MAX_SHOT_SECONDS} s")
    return value


def parse_offset(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not 0 <= value <= MAX_SHOT_SECONDS:
        raise argparse.ArgumentTypeError(f"offset {text!r} must be between 0 and {MAX_SHOT_SECONDS} s")
    return value


def parse_aspect_arg(text: str) -> str:
    try:
        parse_aspect(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def parse_seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be a whole number, got {text!r}") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError("seed must be between 0 and 2^63-1")
    return value


def open_document(path: str | Path) -> ProjectDocument:
    document, report = ProjectDocument.open(path)
    if report.upgraded_from is not None:
        print(f"note: upgraded from schema {report.upgraded_from}; saving writes the new format", file=sys.stderr)
    return document


def print_json(value: Any) -> None:
    # Past the terminal escaping: json.dumps escapes control characters itself, and the text must stay exact.
    print(json.dumps(value, indent=2, ensure_ascii=False), file=raw_stdout(sys.stdout))


def seconds(frames: int, fps: int) -> str:
    return f"{frames / fps:.2f}s"
