"""``storyreel extend`` (a take, N seconds longer) and ``storyreel bridge`` (a shot joining two shots)."""

from __future__ import annotations

import argparse

from studio.project import Shot, store
from studio.project import commands as cmd
from studio.project.model import FrameSource, new_seed

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
    bridge.set_defaults(func=bridge_command)


def extend_command(args: argparse.Namespace) -> int:
    from studio.generation.extend import extend_take

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

    document = open_document(args.path)
    project = document.project
    if args.shot_a == args.shot_b:
        raise UsageError("a bridge joins two different shots; give the shot before it and the shot after it")
    a, b = project.shot_index(args.shot_a), project.shot_index(args.shot_b)
    if a > b:
        raise UsageError(f"shot {a + 1} comes after shot {b + 1}: give the earlier shot first")
    first = project.shots[a]
    later = project.shots[b]
    end = FrameSource(kind="next")
    if b != a + 1:  # not neighbours: the bridge ends on a copy of B's first frame as it is now
        take = later.active()
        if take is None or not take.first_frame:
            raise UsageError(f"shot {b + 1} has no take yet: generate it first, then bridge to it")
        assert document.bundle is not None
        copied = store.import_media(document.bundle, store.resolve_media(document.bundle, take.first_frame))
        end = FrameSource(kind="image", path=copied)
    shot = Shot(prompt=f"Bridge from shot {a + 1} to shot {b + 1}: {first.prompt}"[:10_000],
                duration_frames=max(1, project.seconds_to_frames(args.seconds)), aspect=first.aspect,
                camera=first.camera, seed=new_seed(), start_frame=FrameSource(kind="prev"), end_frame=end,
                notes=f"bridges shot {a + 1} ({first.id}) and shot {b + 1} ({later.id})")
    document.execute(cmd.AddShot(shot, index=a + 1))
    try:
        generate_shots(document, [shot.id])
    finally:
        if document.dirty:
            document.save()
    take = document.project.shot(shot.id).active()
    print(f"shot {a + 2} ({shot.id}): bridge take {take.id if take else '-'} from shot {a + 1} to "
          f"{'shot ' + str(b + 2) if b == a + 1 else 'a still of shot ' + str(b + 1)}")
    return 0
