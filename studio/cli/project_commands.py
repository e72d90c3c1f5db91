"""``storyreel new``, ``shot add|list|edit|rm|move``, ``line add`` and ``info``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from studio.generation.continuity import ContinuityError, check_links, describe, stale_reason
from studio.generation.keyframes import keyframe_stale_reason
from studio.project import Line, Project, ProjectDocument, Shot, store
from studio.project import commands as cmd
from studio.project.model import CAMERA_MOVES, new_seed
from studio.project.reference_image import check_reference_image
from studio.timeline.layout import film_frames

from .common import (
    UsageError,
    open_document,
    parse_aspect_arg,
    parse_offset,
    parse_seconds,
    parse_seed,
    parse_size,
    print_json,
    seconds,
)
from .frame_options import add_frame_options, copy_frame_images, frame_values


def register(sub: argparse._SubParsersAction) -> None:
    new = sub.add_parser("new", help="create a project bundle")
    new.add_argument("path")
    new.add_argument("--title", default=None)
    new.add_argument("--fps", type=int, default=24, choices=range(1, 241), metavar="N")
    new.add_argument("--size", type=parse_size, default=(1280, 720), metavar="WxH")
    new.set_defaults(func=new_project)

    shot = sub.add_parser("shot", help="add, list, edit, remove or move shots")
    shot_sub = shot.add_subparsers(dest="shot_command", metavar="ACTION", required=True)
    add = shot_sub.add_parser("add", help="append a shot")
    add.add_argument("path")
    add.add_argument("--prompt", required=True)
    _shot_options(add)
    add.set_defaults(func=shot_add)

    listing = shot_sub.add_parser("list", help="list shots")
    listing.add_argument("path")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=shot_list)

    edit = shot_sub.add_parser("edit", help="change a shot")
    edit.add_argument("path")
    edit.add_argument("shot_id")
    edit.add_argument("--prompt")
    _shot_options(edit)
    edit.set_defaults(func=shot_edit)

    rm = shot_sub.add_parser("rm", help="delete a shot (and the lines anchored to it)")
    rm.add_argument("path")
    rm.add_argument("shot_id")
    rm.set_defaults(func=shot_rm)

    move = shot_sub.add_parser("move", help="move a shot to a new position (0 = first)")
    move.add_argument("path")
    move.add_argument("shot_id")
    move.add_argument("index", type=int)
    move.set_defaults(func=shot_move)

    line = sub.add_parser("line", help="narration and dialogue lines")
    line_sub = line.add_subparsers(dest="line_command", metavar="ACTION", required=True)
    line_add = line_sub.add_parser("add", help="add a line anchored to a shot")
    line_add.add_argument("path")
    line_add.add_argument("shot_id")
    line_add.add_argument("--text", required=True)
    line_add.add_argument("--speaker", help="character name (created if new); default: the narrator")
    line_add.add_argument("--offset", type=parse_offset, default=0.0, metavar="SECONDS")
    line_add.set_defaults(func=line_add_command)

    info = sub.add_parser("info", help="summary of a project")
    info.add_argument("path")
    info.add_argument("--json", action="store_true")
    info.set_defaults(func=info_command)


def _shot_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--negative")
    parser.add_argument("--duration", type=parse_seconds, metavar="SECONDS")
    parser.add_argument("--camera", choices=CAMERA_MOVES, metavar="MOVE", help=", ".join(CAMERA_MOVES))
    parser.add_argument("--seed", type=parse_seed)
    parser.add_argument("--ref", type=Path, metavar="IMAGE", help="reference still (copied into the bundle)")
    parser.add_argument("--aspect", type=parse_aspect_arg)
    parser.add_argument("--notes")
    parser.add_argument("--cast", action="append", metavar="NAME",
                        help="a character or location in the shot (repeat for more; `storyreel cast add` makes one)")
    parser.add_argument("--no-cast", action="store_true", help="nobody and nowhere named (clears --cast)")
    parser.add_argument("--sound", metavar="TEXT", help='what the shot sounds like, e.g. "waves on rocks, gulls, wind" '
                                                        '(made by `storyreel sound`); "" for none')
    parser.add_argument("--sound-level", type=_parse_sound_level, metavar="DB",
                        help="the level of the shot's sound in the mix, in dB (default -12)")
    add_frame_options(parser)


def _parse_sound_level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a level in dB (e.g. -18), got {text!r}") from None
    if not -60 <= value <= 12 or value != value:
        raise argparse.ArgumentTypeError(f"sound level {text!r} must be between -60 and 12 dB")
    return value


def new_project(args: argparse.Namespace) -> int:
    name = Path(args.path).name
    if not args.path.strip() or name in ("", ".", "..") or not name.removesuffix(store.BUNDLE_SUFFIX).strip():
        raise UsageError(f"{args.path!r} is not a project name; give one, e.g. `storyreel new film`")
    path = store.bundle_path(args.path)
    title = args.title or path.name.removesuffix(store.BUNDLE_SUFFIX)
    width, height = args.size
    document = ProjectDocument.create(path, Project(title=title, fps=args.fps, width=width, height=height))
    print(f"created {document.bundle}")
    return 0


def _shot_values(args: argparse.Namespace, document: ProjectDocument) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if getattr(args, "prompt", None) is not None:
        if not args.prompt.strip():
            raise UsageError("the prompt is empty; describe what the shot shows")
        values["prompt"] = args.prompt.strip()
    if args.negative is not None:
        values["negative_prompt"] = args.negative
    if args.duration is not None:
        values["duration_frames"] = max(1, document.project.seconds_to_frames(args.duration))
    if args.camera is not None:
        values["camera"] = args.camera
    if args.seed is not None:
        values["seed"] = args.seed
        values["seed_locked"] = True
    if args.aspect is not None:
        values["aspect"] = args.aspect
    if args.notes is not None:
        values["notes"] = args.notes
    if args.sound is not None:
        values["sound_prompt"] = args.sound.strip()
    if args.sound_level is not None:
        values["sound_gain_db"] = args.sound_level
    if args.ref is not None:
        check_reference_image(args.ref)
        assert document.bundle is not None
        # The name it will have in media/; the file is copied only once the edit is accepted.
        values["reference"] = store.media_name_for(document.bundle, args.ref)
    if args.cast is not None or args.no_cast:
        values["cast"] = [] if args.no_cast else _cast_ids(document, args.cast)
    values.update(frame_values(args, document))
    return values


def _cast_ids(document: ProjectDocument, names: list[str]) -> list[str]:
    project = document.project
    ids = []
    for name in names:
        element = project.element_by_name(name)
        if element is None:
            known = ", ".join(e.name for e in project.elements()) or "none yet"
            raise UsageError(f"--cast {name}: no character or location of that name (known: {known}); "
                             "add it with `storyreel cast add`")
        ids.append(element.id)
    return list(dict.fromkeys(ids))


def _copy_reference(document: ProjectDocument, shot_id: str, args: argparse.Namespace) -> None:
    """Copy the accepted reference still into the bundle (under another name if one appeared meanwhile)."""
    if args.ref is None:
        return
    assert document.bundle is not None
    copied = store.import_media(document.bundle, args.ref)
    if copied != document.project.shot(shot_id).reference:
        document.execute(cmd.edit_shot(shot_id, reference=copied))


def _check_continuity(document: ProjectDocument, shot_id: str) -> None:
    """Refuse (before anything is saved) start/end links that would wait on each other."""
    try:
        check_links(document.project)
    except ContinuityError as exc:
        raise UsageError(str(exc)) from None


def shot_add(args: argparse.Namespace) -> int:
    document = open_document(args.path)
    values = _shot_values(args, document)

    values.setdefault("seed", new_seed())
    values.setdefault("duration_frames", document.project.fps * 4)
    shot = Shot(**values)
    document.execute(cmd.AddShot(shot))
    _copy_reference(document, shot.id, args)
    copy_frame_images(document, shot.id, args)
    _check_continuity(document, shot.id)
    document.save()
    print(shot.id)
    return 0


def shot_list(args: argparse.Namespace) -> int:
    project = open_document(args.path).project
    if args.json:
        print_json([_shot_summary(project, i, s) for i, s in enumerate(project.shots)])
        return 0
    if not project.shots:
        print("no shots yet: add one with `storyreel shot add PATH --prompt TEXT`")
    for index, shot in enumerate(project.shots):
        takes = f"{len(shot.takes)} take(s)"
        print(f"{index:>3}  {shot.id}  {seconds(shot.duration_frames, project.fps):>7}  {shot.camera:<11} {takes:<10} {shot.prompt[:60]}")
    return 0


def _shot_summary(project: Project, index: int, shot: Shot) -> dict[str, Any]:
    return {
        "index": index, "id": shot.id, "prompt": shot.prompt, "negative_prompt": shot.negative_prompt,
        "duration_frames": shot.duration_frames, "duration_seconds": shot.duration_frames / project.fps,
        "aspect": shot.aspect, "seed": shot.seed, "camera": shot.camera, "reference": shot.reference,
        "backend": shot.backend, "model_id": shot.model_id, "notes": shot.notes,
        "takes": len(shot.takes), "active_take": shot.active_take,
        "transition": shot.transition.model_dump(mode="json"),
        "start_frame": describe(shot.start_frame), "end_frame": describe(shot.end_frame),
        "lineage": (shot.active().metadata.get("lineage", {}) if shot.active() is not None else {}),
        "stale": stale_reason(project, shot), "flags": list(shot.flags),
        "lines": [line.id for line in project.lines_for_shot(shot.id)],
        "cast": [project.element(i).name for i in shot.cast if any(e.id == i for e in project.elements())],
        "keyframes": len(shot.keyframes), "active_keyframe": shot.active_keyframe,
        "keyframe_stale": keyframe_stale_reason(project, shot),
        "sound_prompt": shot.sound_prompt, "sound_level_db": shot.sound_gain_db,
        "sound_takes": len(shot.sound_takes), "active_sound_take": shot.active_sound_take,
    }


def shot_edit(args: argparse.Namespace) -> int:
    document = open_document(args.path)
    document.project.shot(args.shot_id)
    values = _shot_values(args, document)
    if not values:
        raise UsageError("nothing to change: give at least one option such as --prompt or --duration")
    document.execute(cmd.edit_shot(args.shot_id, **values))
    _copy_reference(document, args.shot_id, args)
    copy_frame_images(document, args.shot_id, args)
    _check_continuity(document, args.shot_id)
    document.save()
    print(f"edited {args.shot_id}: {', '.join(values)}")
    return 0


def shot_rm(args: argparse.Namespace) -> int:
    document = open_document(args.path)
    lines = document.project.lines_for_shot(args.shot_id)
    document.execute(cmd.RemoveShot(args.shot_id))
    document.save()
    extra = f" and its {len(lines)} line(s)" if lines else ""
    print(f"removed {args.shot_id}{extra} (the previous save is in backups/)")
    return 0


def shot_move(args: argparse.Namespace) -> int:
    document = open_document(args.path)
    count = len(document.project.shots)
    if not 0 <= args.index < max(count, 1):
        raise UsageError(f"index {args.index} is out of range: the project has {count} shot(s), 0 to {count - 1}")
    document.execute(cmd.MoveShot(args.shot_id, args.index))
    document.save()
    print(f"moved {args.shot_id} to {args.index}")
    return 0


def line_add_command(args: argparse.Namespace) -> int:
    from studio.project import Character

    document = open_document(args.path)
    project = document.project
    shot = project.shot(args.shot_id)
    if not args.text.strip():
        raise UsageError("the line's text is empty")
    offset = project.seconds_to_frames(args.offset)
    if offset >= shot.duration_frames:
        raise UsageError(
            f"offset {args.offset}s is past the end of shot {shot.id} ({seconds(shot.duration_frames, project.fps)})"
        )
    batch: list[cmd.Command] = []
    speaker_id = None
    if args.speaker is not None and not args.speaker.strip():
        raise UsageError("the speaker's name is empty; give a name, or leave out --speaker for the narrator")
    if args.speaker:
        character = project.character_by_name(args.speaker)
        if character is None:
            character = Character(name=args.speaker.strip())
            batch.append(cmd.AddCharacter(character))
        speaker_id = character.id
    elif project.narrator() is None:
        batch.append(cmd.AddCharacter(Character(name="Narrator", is_narrator=True)))
    line = Line(text=args.text.strip(), speaker=speaker_id, shot_id=shot.id, offset_frames=offset)
    batch.append(cmd.AddLine(line))
    document.execute(cmd.Batch(batch, text="Add line"))
    document.save()
    print(line.id)
    return 0


def info_command(args: argparse.Namespace) -> int:
    document, report = ProjectDocument.open(args.path)
    project = document.project
    total = film_frames(project)  # title cards, shots and credits: what the export renders
    data = {
        "title": project.title, "path": str(document.bundle), "fps": project.fps,
        "size": f"{project.width}x{project.height}", "schema_version": project.schema_version,
        "shots": len(project.shots), "takes": sum(len(s.takes) for s in project.shots),
        "shots_without_take": sum(1 for s in project.shots if s.active() is None),
        "lines": len(project.lines), "lines_without_audio": sum(1 for line in project.lines if line.active() is None),
        "cast": [c.name for c in project.cast], "locations": [loc.name for loc in project.locations],
        "keyframes": sum(len(s.keyframes) for s in project.shots),
        "shots_without_keyframe": sum(1 for s in project.shots if s.active_keyframe is None),
        "music": len(project.music),
        "style_loras": [f"{lora.path}:{lora.strength:g}" for lora in project.style_loras],
        "total_frames": total, "total_seconds": round(total / project.fps, 3),
        "offline_media": report.offline, "upgraded_from": report.upgraded_from,
    }
    if args.json:
        print_json(data)
        return 0
    print(f"{project.title}  ({data['size']} @ {project.fps} fps)")
    print(f"  {data['shots']} shots, {data['takes']} takes ({data['shots_without_take']} shots without a take)")
    print(f"  {data['lines']} lines ({data['lines_without_audio']} without audio), cast: {', '.join(data['cast']) or 'none'}")
    print(f"  {data['music']} music clip(s); running time {seconds(total, project.fps)} ({total} frames)")
    if project.style_loras:
        print(f"  style LoRAs: {', '.join(data['style_loras'])}")  # type: ignore[arg-type]
    if report.offline:
        print(f"  offline media ({len(report.offline)}): {', '.join(report.offline[:5])}")
    return 0
