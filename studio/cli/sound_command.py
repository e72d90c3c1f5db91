"""``storyreel sound``: give shots their sound (ambience offline, or ElevenLabs sound effects) as takes."""

from __future__ import annotations

import argparse
import sys

from studio.project import ProjectDocument

from .common import UsageError, open_document, print_json
from .terminal_text import shown


def register(sub: argparse._SubParsersAction) -> None:
    sound = sub.add_parser(
        "sound", help="make each shot's sound from its sound prompt (offline ambience or ElevenLabs)",
        description="Without --takes, gives every shot with a sound prompt and no fitting sound take one; "
                    "set a shot's prompt with `storyreel shot edit PATH ID --sound TEXT`.")
    sound.add_argument("path", help="the project bundle")
    sound.add_argument("--shot", action="append", dest="shots", metavar="ID", help="only this shot (repeatable)")
    sound.add_argument("--provider", choices=("offline", "elevenlabs"), default="offline",
                       help="offline: ambiences synthesized on this computer (default); elevenlabs: sound effects")
    sound.add_argument("--takes", type=int, metavar="N", help="make N new takes per shot (the last one is active)")
    sound.add_argument("--use", metavar="TAKE_ID", help="with one --shot: make this sound take the active one")
    sound.add_argument("--yes", "-y", action="store_true", help="send to ElevenLabs without asking")
    sound.add_argument("--base-url", help="ElevenLabs API address (a proxy); default $STORYREEL_ELEVENLABS_BASE_URL")
    sound.add_argument("--json", action="store_true", help="machine-readable output")
    sound.set_defaults(func=sound_command)


def sound_command(args: argparse.Namespace) -> int:
    from studio.sound import make_sounds, use_sound_take

    if args.takes is not None and not 1 <= args.takes <= 20:
        raise UsageError(f"--takes must be from 1 to 20, got {args.takes}")
    document = open_document(args.path)
    if args.use:
        if not args.shots or len(args.shots) != 1:
            raise UsageError("--use TAKE_ID needs exactly one --shot ID")
        use_sound_take(document, args.shots[0], args.use)
        document.save()
        print(f"{args.shots[0]} now plays sound take {args.use}")
        return 0
    project = document.project
    assert document.bundle is not None
    shots = args.shots
    if shots is not None:
        for shot_id in shots:
            project.shot(shot_id)  # an unknown id fails before anything is made
    if not any(s.sound_prompt.strip() for s in project.shots):
        print("no shot has a sound prompt: add one with `storyreel shot edit PATH SHOT_ID --sound \"rain, wind\"`")
        return 0
    if args.provider == "elevenlabs" and not _confirmed(document, args, shots):
        return 1
    options = {"base_url": args.base_url} if args.base_url and args.provider == "elevenlabs" else None
    try:
        report = make_sounds(document, shots, provider=args.provider, takes=args.takes, provider_options=options)
    finally:
        if document.dirty:  # sounds made before a failure or a cancel are kept
            document.save()
    if args.json:
        print_json({"made": report.made, "reused": report.reused, "unchanged": report.unchanged,
                    "no_prompt": report.no_prompt, "failed": report.failed, "not_attempted": report.not_attempted,
                    "requests_billed": report.requests_billed, "sound_seconds": round(report.sound_seconds, 3),
                    "work_seconds": round(report.work_seconds, 3)})
    else:
        for shot in project.shots:
            take = shot.active_sound()
            if take is not None and take.id in report.made:
                layers = f" ({', '.join(take.layers)})" if take.layers else ""
                print(f"{shot.id}: {take.id} {take.provider}{layers}, {take.duration_seconds:.2f} s")
        speed = f", {report.work_seconds:.2f} s to make {report.sound_seconds:.1f} s" if report.made else ""
        print(f"made {len(report.made)} sound take(s){speed}; reused {len(report.reused)}, "
              f"unchanged {len(report.unchanged)}"
              + (f"; {report.requests_billed} ElevenLabs request(s) billed" if report.requests_billed else ""))
        for shot_id, reason in report.failed.items():
            print(f"failed {shot_id}: {shown(reason)}", file=sys.stderr)
        if report.not_attempted:
            print(f"stopped: {len(report.not_attempted)} shot(s) left for later "
                  f"(run `storyreel sound {args.path}` again)", file=sys.stderr)
    return 0 if report.ok else 1


def _confirmed(document: ProjectDocument, args: argparse.Namespace, shots: list[str] | None) -> bool:
    """Say what ElevenLabs will be asked for (cached sounds cost nothing) and ask on a terminal."""
    from studio.sound import shots_needing_sound

    wanted = shots if shots is not None else [s.id for s in document.project.shots if s.sound_prompt.strip()]
    assert document.bundle is not None
    if args.takes is None:
        needing = set(shots_needing_sound(document.project, document.bundle, "elevenlabs"))
        wanted = [s for s in wanted if s in needing]
    requests = len(wanted) * (args.takes or 1)
    if not requests:
        return True
    print(f"ElevenLabs will be asked for up to {requests} sound effect(s) (cached ones cost nothing)",
          file=sys.stderr)
    if args.yes or not sys.stdin.isatty():
        return True
    answer = input("Send them? [y/N] ").strip().casefold()
    if answer not in ("y", "yes"):
        print("nothing was sent", file=sys.stderr)
        return False
    return True
