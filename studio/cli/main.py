"""Entry point of ``storyreel``: builds the parser from the command modules and maps errors to exit codes."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from studio import __version__
from studio.project import StoryreelError

# Each module defines ``register(subparsers)``; its subcommands set ``func`` on their parser.
COMMAND_MODULES = (
    "studio.cli.project_commands",  # new, shot, line, info
    "studio.cli.import_command",  # import
    "studio.cli.generate_commands",  # generate
    "studio.cli.models_commands",  # models, models download
    "studio.cli.engine_commands",  # engine status
    "studio.cli.voice_command",  # voice
    "studio.cli.render_commands",  # render, export
    "studio.cli.studio_command",  # studio
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse's default prints usage too)
        self.exit(2, f"storyreel: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="storyreel", description="Storyboard film-making: shots, takes, narration, export.")
    parser.add_argument("--version", action="version", version=f"storyreel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        result = args.func(args)
    except StoryreelError as exc:
        print(f"storyreel: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("storyreel: cancelled", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
