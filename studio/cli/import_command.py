"""``storyreel import PATH SCRIPT.fountain``: a screenplay into a project (new shots, or an update on re-import)."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.script import SHOTS_PER, import_fountain

from .common import open_document


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import", help="import a Fountain screenplay (re-importing updates matched shots and keeps every take)"
    )
    parser.add_argument("path", help="the project bundle")
    parser.add_argument("script", type=Path, help="a .fountain screenplay (UTF-8)")
    parser.add_argument(
        "--shots-per", choices=SHOTS_PER, default="paragraph",
        help="one shot per scene, per action paragraph (default), or per ~2 sentences",
    )
    parser.set_defaults(func=import_script)


def import_script(args: argparse.Namespace) -> int:
    document = open_document(args.path)
    summary = import_fountain(document, args.script, shots_per=args.shots_per)
    document.save()
    for line in summary.report():
        print(line)
    return 0
