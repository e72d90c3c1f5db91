"""Entry point of ``storyreel``: builds the parser from the command modules and maps errors to exit codes."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from pydantic import ValidationError

from studio import __version__
from studio.project import StoryreelError
from studio.project.store import validation_error

from .os_errors import is_user_os_error, os_error_message
from .terminal_text import EscapingStream, shown

# Each module defines ``register(subparsers)``; its subcommands set ``func`` on their parser.
COMMAND_MODULES = (
    "studio.cli.project_commands",  # new, shot, line, info
    "studio.cli.cast_commands",  # cast add, list, edit, rm
    "studio.cli.cast_voice_command",  # cast voice (after cast_commands: it joins their `cast`)
    "studio.cli.style_command",  # style
    "studio.cli.import_command",  # import
    "studio.cli.import_edit_command",  # import-edit
    "studio.cli.generate_commands",  # generate
    "studio.cli.continuity_commands",  # extend, bridge
    "studio.cli.models_commands",  # models, models download
    "studio.cli.engine_commands",  # engine status
    "studio.cli.voice_command",  # voice
    "studio.cli.sound_command",  # sound
    "studio.cli.render_commands",  # render, export
    "studio.cli.studio_command",  # studio
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse's default prints usage too)
        self.exit(2, f"storyreel: error: {shown(message)}\n")


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so cleanups run (temp files go, finished takes are saved)."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


@contextmanager
def _cli_process() -> Iterator[None]:
    """What ``storyreel`` changes in its process while a command runs: SIGTERM cleans up like Ctrl-C, and
    everything printed on stdout has its control characters escaped (JSON output writes past it)."""
    previous_stdout = sys.stdout
    sys.stdout = EscapingStream(previous_stdout)  # type: ignore[assignment]
    try:
        previous_term = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (a test calling main() from a worker)
        previous_term = None
    try:
        yield
    finally:
        sys.stdout = previous_stdout
        if previous_term is not None:
            signal.signal(signal.SIGTERM, previous_term)


def _undecodable_argument(argv: Sequence[str]) -> str | None:
    """Arguments that are not valid UTF-8 reach Python as lone surrogates; they cannot be saved or printed."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            # The bytes as given, with the undecodable ones as \xNN (surrogateescape gives them back).
            try:
                return arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            except UnicodeEncodeError:  # a lone surrogate that did not come from bytes (main() called directly)
                return arg.encode("utf-8", "backslashreplace").decode("ascii")
    return None


def _error(message: str) -> int:
    print(f"storyreel: error: {shown(message)}", file=sys.stderr)
    return 2


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
    bad = _undecodable_argument(sys.argv[1:] if argv is None else argv)
    if bad is not None:
        return _error(f"an argument is not valid UTF-8 text ({bad}); check the file name or the text's encoding")
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        with _cli_process():
            result = args.func(args)
    except StoryreelError as exc:
        return _error(str(exc))
    except ValidationError as exc:  # a value the document model refuses (an over-long title, prompt, name)
        return _error(str(validation_error(exc, None)))
    except OSError as exc:
        if not is_user_os_error(exc):
            raise
        return _error(os_error_message(exc))
    except Terminated:
        print("storyreel: cancelled (terminated)", file=sys.stderr)
        return 143
    except KeyboardInterrupt:
        print("storyreel: cancelled", file=sys.stderr)
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
