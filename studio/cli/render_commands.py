"""``storyreel render`` (everything a finished short needs, then the MP4) and ``storyreel export`` (interchange)."""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine.progress import Cancelled, CancelToken, Progress, ProgressCallback
from studio.cut.errors import CutError
from studio.cut.formats import EXPORT_FORMATS, PANELS_PER_PAGE, PAPER_SIZES
from studio.project import ProjectDocument
from studio.project.output_paths import check_output_path

from .common import UsageError, open_document, parse_size, print_json
from .engine_commands import add_cluster_options, checked_cluster, open_cluster_client
from .terminal_text import shown

SUBTITLE_MODES = ("none", "srt", "vtt", "burn")
_SUFFIX_FORMATS = {".otio": "otio", ".otioz": "otioz", ".fcpxml": "fcpxml", ".xml": "fcpxml", ".edl": "edl"}


def register(sub: argparse._SubParsersAction) -> None:
    render = sub.add_parser("render", help="generate what is missing, narrate, and export the finished MP4")
    render.add_argument("path", help="the project bundle")
    render.add_argument("-o", "--output", required=True, type=Path, metavar="OUT.mp4")
    render.add_argument("--size", type=parse_size, default=None, metavar="WxH", help="default: the project's")
    render.add_argument("--fps", type=int, choices=range(1, 241), default=None, metavar="N")
    render.add_argument("--subtitles", choices=SUBTITLE_MODES, default=None,
                        help="sidecar .srt/.vtt beside the video, or burned into the picture")
    render.add_argument("--otio", type=Path, default=None, metavar="OUT.otio",
                        help="also write the cut as OTIO (.otio/.otioz/.fcpxml/.edl by suffix)")
    render.add_argument("--range", default=None, metavar="IN:OUT|marks",
                        help="export only part of the film: IN:OUT in seconds of film time (title cards included; "
                             "either side may be left out), or 'marks' for the I/O marks set on the timeline")
    render.add_argument("--no-generate", action="store_true", help="fail instead of generating missing takes")
    render.add_argument("--json", action="store_true", help="print the export report as JSON")
    add_cluster_options(render)
    render.set_defaults(func=render_command)

    export = sub.add_parser("export", help="write the cut as OTIO, FCPXML, EDL or subtitles, the storyboard as a PDF "
                                           "or the shot list as CSV (no video rendering)")
    export.add_argument("path", help="the project bundle")
    export.add_argument("--format", "-f", dest="fmt", choices=EXPORT_FORMATS, required=True)
    export.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")
    export.add_argument("--per-page", type=int, choices=PANELS_PER_PAGE, default=None,
                        help="pdf: panels on a page (default 6)")
    export.add_argument("--paper", choices=PAPER_SIZES, default=None, help="pdf: paper size (default a4)")
    export.set_defaults(func=export_command)


class _OneBar:
    """One tqdm bar on stderr across the phases of a render, each phase weighted by its expected cost."""

    def __init__(self, weights: dict[str, float]) -> None:
        from tqdm import tqdm

        self._weights = weights
        self._total = sum(weights.values()) or 1.0
        self._base = 0.0
        self._bar = tqdm(total=1000, file=sys.stderr, unit="‰", bar_format="{desc:<28}{percentage:3.0f}%|{bar}| {elapsed}",
                         disable=None)

    def phase(self, name: str) -> ProgressCallback:
        weight = self._weights.get(name, 0.0)
        base = self._base
        self._base += weight

        def report(progress: Progress) -> None:
            position = (base + weight * min(1.0, progress.fraction)) / self._total
            self._bar.n = int(position * 1000)
            self._bar.set_description_str(f"{name}: {shown(progress.stage)}", refresh=False)
            self._bar.refresh()

        return report

    def close(self) -> None:
        self._bar.n = 1000
        self._bar.refresh()
        self._bar.close()


@contextmanager
def _ctrl_c_cancels(token: CancelToken) -> Iterator[None]:
    """The first Ctrl-C (or SIGTERM) asks the work to stop cleanly (no half-written files); a second one kills."""
    previous: dict[int, object] = {}

    def on_interrupt(signum, frame) -> None:
        token.cancel()
        signal.signal(signum, previous[signum])

    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, on_interrupt)
    except ValueError:  # not the main thread (tests calling main() from a worker)
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def render_command(args: argparse.Namespace) -> int:
    from studio.cut import export_film, export_interchange
    from studio.project.usable_media import lines_missing_audio, shots_missing_takes

    checked_cluster(args)  # a refused address fails now, not after the narration
    document = open_document(args.path)
    bundle = document.bundle
    assert bundle is not None
    _check_render_outputs(args, document)
    frame_range = _render_range(args, document)
    missing_shots = shots_missing_takes(document.project, bundle)
    missing_lines = lines_missing_audio(document.project, bundle)
    missing_sounds = _shots_needing_sound(document)
    if missing_shots and args.no_generate:
        raise CutError(f"{len(missing_shots)} shot(s) have no usable take (first: {missing_shots[0]}); "
                       "run without --no-generate or `storyreel generate`")
    token = CancelToken()
    bar = _OneBar({"generate": 6.0 * bool(missing_shots), "narrate": 1.0 * bool(missing_lines),
                   "sound": 0.5 * bool(missing_sounds), "export": 2.0})
    try:
        with _ctrl_c_cancels(token):
            try:
                if missing_shots:
                    _generate(document, bar.phase("generate"), token, args)
                if missing_lines:
                    _narrate(document, bar.phase("narrate"), token)
                if missing_sounds:  # offline ambience; `storyreel sound --provider elevenlabs` for effects
                    from studio.sound import make_sounds

                    make_sounds(document, missing_sounds, progress=bar.phase("sound"), cancel=token)
            finally:
                if document.dirty:  # takes and audio made before a failure or a cancel are kept
                    document.save()
            if args.range is None:
                report = export_film(document, args.output, size=args.size, fps=args.fps,
                                     subtitles=args.subtitles, progress=bar.phase("export"), cancel=token)
            else:
                from studio.cut.range_export import export_marked_range

                report = export_marked_range(document, args.output, frame_range, size=args.size, fps=args.fps,
                                             subtitles=args.subtitles, progress=bar.phase("export"), cancel=token)
            if args.otio is not None:
                fmt = _SUFFIX_FORMATS.get(args.otio.suffix.lower(), "otio")
                export_interchange(document, args.otio, fmt)
    except (Cancelled, CutError) as exc:
        # A signal to the whole process group also stops ffmpeg, whose exit then reads as a failed encode.
        if isinstance(exc, CutError) and not token.cancelled:
            raise
        bar.close()
        print("storyreel: render cancelled; nothing was written", file=sys.stderr)
        return 130
    bar.close()
    for warning in report.warnings:
        print(f"warning: {shown(warning)}", file=sys.stderr)
    if args.json:
        print_json(report.to_dict())
    else:
        loud = f", {report.loudness_lufs:.1f} LUFS" if report.loudness_lufs is not None else ""
        print(f"wrote {report.output} ({report.width}x{report.height}, {report.fps} fps, "
              f"{report.duration_seconds:.2f}s{loud}; {report.encodes} of {report.segments} segments encoded)")
        if report.subtitles:
            print(f"wrote {report.subtitles}")
        if args.otio is not None:
            print(f"wrote {args.otio}")
    return 0


def _render_range(args: argparse.Namespace, document: ProjectDocument) -> tuple[int, int] | None:
    """``--range`` as film frames (None: the I/O marks, or no range at all), checked before any work."""
    if args.range is None:
        return None
    from studio.cut.range_export import parse_range

    try:
        frame_range = parse_range(args.range, document.project.fps)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    export = document.project.export
    if frame_range is None and export.range_in is None and export.range_out is None:
        raise UsageError("--range marks: the cut has no in or out mark (set them with I and O on the timeline)")
    return frame_range


def _check_render_outputs(args: argparse.Namespace, document: ProjectDocument) -> None:
    """Every file a render writes, checked before any work starts (the film, its sidecar, the OTIO)."""
    outputs = [check_output_path(args.output, document.bundle, what="video")]
    mode = args.subtitles or document.project.export.subtitles
    if mode in ("srt", "vtt"):
        outputs.append(check_output_path(args.output.with_suffix(f".{mode}"), document.bundle, what="subtitle"))
    if args.otio is not None:
        outputs.append(check_output_path(args.otio, document.bundle, what="timeline"))
    if len({path.resolve() for path in outputs}) < len(outputs):
        raise UsageError("two outputs would be the same file (the video, its subtitle sidecar, --otio); "
                         "give each its own name")


def _generate(document: ProjectDocument, progress: ProgressCallback, cancel: CancelToken,
              args: argparse.Namespace) -> None:
    try:
        from studio.generation import generate_missing
        from studio.generation.batch import engine_dirs
    except ImportError as exc:
        raise CutError(f"some shots have no take and take generation is not available here ({exc})") from exc
    assert document.bundle is not None
    client = open_cluster_client(args, *engine_dirs(document.bundle))  # None: a worker on this computer
    try:
        generate_missing(document, client=client, progress=progress, cancel=cancel)
    finally:
        if client is not None:
            client.close(keep_pending=False)


def _shots_needing_sound(document: ProjectDocument) -> list[str]:
    from studio.sound import shots_needing_sound

    assert document.bundle is not None
    return shots_needing_sound(document.project, document.bundle)


def _narrate(document: ProjectDocument, progress: ProgressCallback, cancel: CancelToken) -> None:
    try:
        from studio.voice import narrate_missing
    except ImportError:
        print("warning: narration is not available here; unvoiced lines stay silent (subtitles still show them)",
              file=sys.stderr)
        return
    narrate_missing(document, progress=progress, cancel=cancel)


def export_command(args: argparse.Namespace) -> int:
    from studio.cut import export_interchange

    if args.fmt != "pdf" and (args.per_page is not None or args.paper is not None):
        raise UsageError("--per-page and --paper are options of --format pdf")
    document = open_document(args.path)
    check_output_path(args.output, document.bundle, what=args.fmt)
    if args.fmt == "pdf":
        from studio.cut.storyboard_pdf import export_storyboard_pdf

        report = export_storyboard_pdf(document, args.output, per_page=args.per_page or 6, paper=args.paper or "a4")
        for warning in report.warnings:
            print(f"warning: {shown(warning)}", file=sys.stderr)
        print(f"wrote {report.output} ({report.panels} shots on {report.pages} pages)")
        return 0
    if args.fmt == "csv":
        from studio.cut.shot_list_csv import export_shot_list_csv

        written = export_shot_list_csv(document, args.output)
    else:
        written = export_interchange(document, args.output, args.fmt)
    print(f"wrote {written}")
    return 0
