"""``storyreel extend`` (a take, N seconds longer) and ``storyreel bridge`` (a shot joining two shots)."""

from __future__ import annotations

import argparse

from .common import UsageError, open_document, parse_seconds


def register(sub: argparse._SubParsersAction) -> None:
    extend = sub.add_parser("extend", help="a new take of a shot, its active take carried on by N seconds")
    extend.add_argument("path")
    extend.add_argument("shot_id")
    extend.add_argument("--seconds", type=parse_seconds, required=True, metavar="S")
    extend.add_argument("--backward", action="store_true", help="add the seconds before the take (the animatic)")
    extend.add_argument("--backend", choices=("animatic", "diffusers"))
    extend.add_argument("--model", help="the diffusers model to generate the new frames with")
    extend.set_defaults(func=extend_command)

    bridge = sub.add_parser("bridge", help="a new shot between two shots: from A's last frame to B's first")
    bridge.add_argument("path")
    bridge.add_argument("shot_a")
    bridge.add_argument("shot_b")
    bridge.add_argument("--seconds", type=parse_seconds, default=2.0, metavar="S")
    bridge.add_argument("--as", dest="as_", choices=("shot", "transition"), default="shot",
                        help="a shot of its own (default), or the join's transition (flagged as a bridge)")
    bridge.set_defaults(func=bridge_command)


def extend_command(args: argparse.Namespace) -> int:
    from studio.generation.batch import extend_take

    if args.model and args.backend == "animatic":
        raise UsageError("--model applies to the diffusers engine, not the animatic one")
    document = open_document(args.path)
    document.project.shot(args.shot_id)
    take = extend_take(document, args.shot_id, args.seconds, backward=args.backward,
                       backend=args.backend or ("diffusers" if args.model else None), model_id=args.model)
    document.save()
    lineage = take.metadata["lineage"]
    print(f"shot {document.project.shot_index(args.shot_id) + 1} ({args.shot_id}): take {take.id} — "
          f"{take.frame_count} frames: {lineage['kept_frames']} kept from take {lineage['extended_from']}, "
          f"{lineage['added_frames']} new {'before' if args.backward else 'after'} them")
    return 0


def bridge_command(args: argparse.Namespace) -> int:
    from studio.generation import generate_shots
    from studio.generation.bridge import add_bridge_shot

    document = open_document(args.path)
    project = document.project
    shot = add_bridge_shot(document, args.shot_a, args.shot_b, args.seconds, as_=args.as_)
    try:
        generate_shots(document, [shot.id])
    finally:
        if document.dirty:
            document.save()
    index = project.shot_index(shot.id)
    later = project.shot_index(args.shot_b)
    take = project.shot(shot.id).active()
    print(f"shot {index + 1} ({shot.id}): bridge {'transition' if args.as_ == 'transition' else 'shot'} take "
          f"{take.id if take else '-'} from shot {index} to "
          f"{'shot ' + str(later + 1) if later == index + 1 else 'a still of shot ' + str(later + 1)}")
    return 0
