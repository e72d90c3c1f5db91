"""``storyreel import-edit PATH EDIT [--dry-run]``: follow a cut made in another editor (OTIO, FCPXML, EDL)."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.project.model import MAX_FPS

from .common import open_document


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "import-edit",
        help="apply an edit from another editor (.otio, .otioz, .fcpxml, .xml, .edl): order, trims, dissolves; "
             "shots left out are flagged, never deleted",
    )
    parser.add_argument("path", help="the project bundle")
    parser.add_argument("edit", type=Path, help="the edit file")
    parser.add_argument("--rate", type=_rate, metavar="FPS", default=None,
                        help="the frame rate of an EDL (it records none; default: the project's export rate)")
    parser.add_argument("--dry-run", action="store_true", help="print what would change and change nothing")
    parser.set_defaults(func=import_edit_command)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected frames a second (e.g. 24 or 23.976), got {text!r}") from None
    if not 1 <= value <= MAX_FPS:
        raise argparse.ArgumentTypeError(f"rate {text!r} must be between 1 and {MAX_FPS}")
    return value


def import_edit_command(args: argparse.Namespace) -> int:
    from studio.cut.edit_changes import import_edit  # OpenTimelineIO loads only for this command

    document = open_document(args.path)
    plan = import_edit(document, args.edit, dry_run=args.dry_run, rate=args.rate)
    if plan.command is not None and not args.dry_run:
        document.save()
    for line in plan.report(document.project):
        print(line)
    if args.dry_run and plan.command is not None:
        print("dry run: nothing was changed")
    return 0
