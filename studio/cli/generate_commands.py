"""``storyreel generate`` and ``storyreel keyframe``: takes and stills for shots, with a progress bar
(``storyreel models`` is in models_commands)."""

from __future__ import annotations

import argparse
import sys

from engine.progress import Progress
from studio.project.errors import NotFound
from studio.project.model import Project

from .common import UsageError, open_document
from .engine_commands import add_cluster_options, open_cluster_client
from .terminal_text import shown


def register(sub: argparse._SubParsersAction) -> None:
    gen = sub.add_parser("generate", help="generate takes for shots (all shots by default)")
    gen.add_argument("path")
    gen.add_argument("--shot", action="append", default=None, metavar="ID",
                     help="a shot id or number (1 = first); repeat for several")
    gen.add_argument("--backend", choices=("animatic", "diffusers"), default=None,
                     help="engine to use (default: the shot's, else the project's)")
    gen.add_argument("--model", default=None, metavar="ID", help="diffusers model id or local folder")
    gen.add_argument("--takes", type=_positive, default=None, metavar="N",
                     help="make N new, distinct takes per shot (a locked seed gives N seeds derived from it); "
                          "without it each shot gets its take (a locked seed's take is reused)")
    gen.add_argument("--missing-only", action="store_true", help="only shots without a usable take")
    add_cluster_options(gen)
    gen.set_defaults(func=generate_command)

    key = sub.add_parser("keyframe", help="generate keyframes (the stills shots are made from; all shots by default)")
    key.add_argument("path")
    key.add_argument("--shot", action="append", default=None, metavar="ID",
                     help="a shot id or number (1 = first); repeat for several")
    key.add_argument("--backend", choices=("animatic", "diffusers"), default=None,
                     help="animatic: the shot's story card with its cast's stills; diffusers: an image model")
    key.add_argument("--model", default=None, metavar="ID", help="image model id or local folder (diffusers)")
    key.add_argument("--takes", type=_positive, default=None, metavar="N", help="make N new keyframes per shot")
    key.add_argument("--missing-only", action="store_true", help="only shots without a keyframe")
    key.set_defaults(func=keyframe_command)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError("takes must be between 1 and 100")
    return value


def _shot_ids(project: Project, given: list[str] | None) -> list[str] | None:
    if not given:
        return None
    ids = []
    for value in given:
        if any(shot.id == value for shot in project.shots):
            ids.append(value)
        elif value.isdigit() and 1 <= int(value) <= len(project.shots):
            ids.append(project.shots[int(value) - 1].id)
        else:
            raise NotFound(f"no shot {value!r} in this project (see `storyreel shot list`)")
    return ids


class _Bar:
    """A tqdm bar on stderr fed by Progress updates."""

    def __init__(self) -> None:
        self.bar = None  # made on the first update, so a run with nothing to do prints no bar

    def __call__(self, update: Progress) -> None:
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=max(1, update.total), file=sys.stderr, dynamic_ncols=True,
                            bar_format="{l_bar}{bar}| {elapsed}<{remaining} {postfix}")
        if update.total and self.bar.total != update.total:
            self.bar.total = update.total
        self.bar.n = update.done
        if update.message:
            self.bar.set_postfix_str(shown(update.message), refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def generate_command(args: argparse.Namespace) -> int:
    from studio.generation import generate_shots
    from studio.generation.batch import engine_dirs

    if args.model and args.backend == "animatic":
        raise UsageError("--model applies to the diffusers engine, not the animatic one")
    backend = args.backend or ("diffusers" if args.model else None)
    document = open_document(args.path)
    ids = _shot_ids(document.project, args.shot)
    if not document.project.shots:
        raise UsageError("this project has no shots yet (add some with `storyreel shot add`)")
    assert document.bundle is not None
    client = open_cluster_client(args, *engine_dirs(document.bundle))  # None: a worker on this computer
    bar = _Bar()
    try:
        takes = generate_shots(document, ids, backend=backend, model_id=args.model, takes=args.takes,
                               missing_only=args.missing_only, client=client, progress=bar)
    finally:
        bar.close()
        if client is not None:
            client.close(keep_pending=False)
        if document.dirty:  # takes that finished are kept even when others failed
            document.save()
    if not takes:
        print("nothing to generate: every shot already has a take" if args.missing_only
              else "nothing to generate: each shot already has its take (use --takes N for new ones)")
        return 0
    project = document.project
    for take in takes:
        shot = next(s for s in project.shots if any(t.id == take.id for t in s.takes))
        number = project.shot_index(shot.id) + 1
        where = "from the take cache" if take.metadata.get("from_cache") else take.backend
        seed = take.metadata.get("seed_rule") or f"seed {take.seed}"
        print(f"shot {number} ({shot.id}): take {take.id} — {take.width}x{take.height}, {take.frame_count} frames "
              f"at {take.fps:g} fps, {seed} ({where})")
        for note in take.metadata.get("notes") or []:
            print(f"  note: {note}")
    return 0



def keyframe_command(args: argparse.Namespace) -> int:
    from studio.generation.batch import generate_keyframes

    if args.model and args.backend == "animatic":
        raise UsageError("--model applies to the diffusers engine, not the animatic one")
    backend = args.backend or ("diffusers" if args.model else "animatic")
    document = open_document(args.path)
    ids = _shot_ids(document.project, args.shot)
    if not document.project.shots:
        raise UsageError("this project has no shots yet (add some with `storyreel shot add`)")
    bar = _Bar()
    try:
        keyframes = generate_keyframes(document, ids, backend=backend, model_id=args.model, takes=args.takes,
                                       missing_only=args.missing_only, progress=bar)
    finally:
        bar.close()
        if document.dirty:  # keyframes that finished are kept even when others failed
            document.save()
    if not keyframes:
        print("nothing to make: every shot has a keyframe" if args.missing_only
              else "nothing to make: each shot already has its keyframe (use --takes N for new ones)")
        return 0
    project = document.project
    for key in keyframes:
        shot = next(s for s in project.shots if any(k.id == key.id for k in s.keyframes))
        elements = ", ".join(e["name"] for e in (key.metadata.get("elements") or {}).values()) or "none"
        print(f"shot {project.shot_index(shot.id) + 1} ({shot.id}): keyframe {key.id} — {key.width}x{key.height}, "
              f"seed {key.seed} ({key.model_id or key.backend}); elements: {elements}")
        for note in key.metadata.get("notes") or []:
            print(f"  note: {note}")
    return 0
