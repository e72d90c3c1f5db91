"""``storyreel style``: the project's look as LoRAs that every generated keyframe and take applies (before the
LoRAs of the characters and locations in the shot). The animatic draws without weights and ignores them."""

from __future__ import annotations

import argparse

from studio.project.commands import SetFields

from .common import UsageError, open_document, print_json
from .lora_options import import_loras


def register(sub: argparse._SubParsersAction) -> None:
    style = sub.add_parser("style", help="the project's style LoRAs (every generated shot applies them): show, "
                                         "set or clear")
    style.add_argument("path")
    style.add_argument("--lora", action="append", metavar="FILE[:STRENGTH]",
                       help="a style LoRA at a strength (default 1.0; repeat for more; replaces the ones set)")
    style.add_argument("--clear", action="store_true", help="take the style LoRAs off")
    style.add_argument("--json", action="store_true", help="print the style LoRAs as JSON")
    style.set_defaults(func=style_cmd)


def style_cmd(args: argparse.Namespace) -> int:
    if args.lora and args.clear:
        raise UsageError("give --lora to set the style LoRAs or --clear to take them off, not both")
    document = open_document(args.path)
    assert document.bundle is not None
    if args.lora or args.clear:
        loras = [] if args.clear else import_loras(document.bundle, args.lora)
        document.execute(SetFields("project", (), {"style_loras": loras}, text="Set the style LoRAs"))
        document.save()
    loras = document.project.style_loras
    if args.json:
        print_json([lora.model_dump(mode="json") for lora in loras])
        return 0
    if not loras:
        print("no style LoRAs: shots are generated with the model's own look (set one with --lora FILE[:STRENGTH])")
    for lora in loras:
        print(f"{lora.path}  strength {lora.strength:g}  sha256 {lora.sha256[:12] or '-'}")
    return 0
