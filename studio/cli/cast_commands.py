"""``storyreel cast``: the characters and locations shots name — add, list, edit, remove."""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.project import ProjectDocument, store
from studio.project.element_commands import AddElement, RemoveElement, edit_element
from studio.project.model import Character, Location, Project
from studio.project.reference_image import check_reference_image

from .common import UsageError, open_document, print_json
from .lora_options import import_loras


def register(sub: argparse._SubParsersAction) -> None:
    cast = sub.add_parser("cast", help="characters and locations: add, list, edit, remove")
    cast_sub = cast.add_subparsers(dest="cast_command", metavar="ACTION", required=True)
    add = cast_sub.add_parser("add", help="a new character or location")
    add.add_argument("path")
    add.add_argument("name")
    add.add_argument("--kind", choices=("character", "location"), default="character")
    _element_options(add)
    add.set_defaults(func=cast_add)

    listing = cast_sub.add_parser("list", help="the characters and locations")
    listing.add_argument("path")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=cast_list)

    edit = cast_sub.add_parser("edit", help="change a character or location")
    edit.add_argument("path")
    edit.add_argument("name")
    edit.add_argument("--rename", metavar="NAME")
    _element_options(edit)
    edit.set_defaults(func=cast_edit)

    rm = cast_sub.add_parser("rm", help="remove a location, or a character who speaks no line")
    rm.add_argument("path")
    rm.add_argument("name")
    rm.set_defaults(func=cast_rm)


def _element_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--description", help="how it looks, in a sentence (models read it in every shot)")
    parser.add_argument("--ref", action="append", metavar="IMAGE", help="a reference still (repeat for more; "
                        "on edit, the stills given replace the old ones)")
    parser.add_argument("--lora", action="append", metavar="FILE[:STRENGTH]",
                        help="a LoRA carrying its look, at a strength (default 1.0; repeat for more)")


def _values(args: argparse.Namespace, document: ProjectDocument) -> dict[str, object]:
    """The element fields the options ask for, with their files checked and copied into the bundle."""
    assert document.bundle is not None
    values: dict[str, object] = {}
    if args.description is not None:
        values["description"] = args.description.strip()
    if args.ref is not None:
        for image in args.ref:
            check_reference_image(image)
        values["references"] = [store.import_media(document.bundle, Path(image), subfolder="elements")
                                for image in args.ref]
    if args.lora is not None:
        values["loras"] = import_loras(document.bundle, args.lora)
    return values


def _find(project: Project, name: str) -> Character | Location:
    element = project.element_by_name(name)
    if element is None:
        known = ", ".join(e.name for e in project.elements()) or "none yet"
        raise UsageError(f"no character or location named {name!r} (known: {known}); add it with `storyreel cast add`")
    return element


def cast_add(args: argparse.Namespace) -> int:
    document = open_document(args.path)
    if not args.name.strip():
        raise UsageError("give the character or location a name")
    values = _values(args, document)
    kind = Character if args.kind == "character" else Location
    element = kind(name=args.name.strip(), **values)
    document.execute(AddElement(element))
    document.save()
    print(element.id)
    return 0


def _summary(project: Project, element: Character | Location) -> dict[str, object]:
    shots = [project.shot_index(s.id) + 1 for s in project.shots if element.id in s.cast]
    data: dict[str, object] = {
        "id": element.id, "name": element.name,
        "kind": "character" if isinstance(element, Character) else "location",
        "description": element.description, "references": list(element.references),
        "loras": [lora.model_dump(mode="json") for lora in element.loras], "shots": shots,
    }
    if isinstance(element, Character):
        data["voice"] = element.voice.model_dump(mode="json")
        data["lines"] = sum(1 for line in project.lines if line.speaker == element.id)
    return data


def cast_list(args: argparse.Namespace) -> int:
    project = open_document(args.path).project
    summaries = [_summary(project, e) for e in project.elements()]
    if args.json:
        print_json(summaries)
        return 0
    if not summaries:
        print("no characters or locations yet; add one with `storyreel cast add PATH NAME`")
    for item in summaries:
        refs = f"{len(item['references'])} still(s)"  # type: ignore[arg-type]
        shots = ", ".join(map(str, item["shots"])) or "-"  # type: ignore[call-overload]
        print(f"{item['kind']:<9}  {item['name']:<20}  {refs:<10}  shots {shots:<12}  {item['description']}"[:160])
    return 0


def cast_edit(args: argparse.Namespace) -> int:
    document = open_document(args.path)
    element = _find(document.project, args.name)
    values = _values(args, document)
    if args.rename is not None:
        name = args.rename.strip()
        other = document.project.element_by_name(name)
        if not name or (other is not None and other.id != element.id):
            raise UsageError(f"cannot rename {element.name} to {args.rename!r}: "
                             f"{'the name is empty' if not name else 'that name is taken'}")
        values["name"] = name
    if not values:
        raise UsageError("nothing to change: give --description, --ref, --lora or --rename")
    document.execute(edit_element(element.id, **values))
    document.save()
    print(element.id)
    return 0


def cast_rm(args: argparse.Namespace) -> int:
    document = open_document(args.path)
    element = _find(document.project, args.name)
    document.execute(RemoveElement(element.id))
    document.save()
    print(f"removed {element.name}")
    return 0
