"""``storyreel studio [PATH]``: open the editor (on a project, if given)."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.project import ProjectError, store


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("studio", help="open the editor")
    parser.add_argument("path", nargs="?", type=Path, help="a project bundle to open")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path: Path | None = args.path
    if path is not None and not (store.bundle_path(path) / store.DOCUMENT).is_file():
        raise ProjectError("no Storyreel project here (expected a NAME.storyreel folder with project.json)",
                           path=path)
    from studio.ui.app import run_studio  # Qt loads only for this command

    return run_studio(path)
