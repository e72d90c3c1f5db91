"""``storyreel cast voice PATH NAME --gender female --age old [--accent X]``: say how a character should sound.

The hints are kept on the character and win over every guess when voices are cast from a library
(``storyreel voice PATH --provider elevenlabs``). The ``cast`` command may already exist (its other actions
live in cast_commands.py); ``voice`` joins it either way.
"""

from __future__ import annotations

import argparse

from studio.project import commands as cmd
from studio.project.model import VoiceHints

from .common import UsageError, open_document
from .terminal_text import shown

GENDERS = ("female", "male", "neutral", "any")
AGES = ("young", "middle-aged", "old", "any")


def register(sub: argparse._SubParsersAction) -> None:
    cast = sub.choices.get("cast")
    if cast is None:
        cast = sub.add_parser("cast", help="the characters and locations")
        actions = cast.add_subparsers(dest="cast_command", metavar="ACTION", required=True)
    else:
        actions = next(a for a in cast._actions if isinstance(a, argparse._SubParsersAction))
    voice = actions.add_parser("voice", help="how a character should sound (used when casting ElevenLabs voices)")
    voice.add_argument("path")
    voice.add_argument("name", help="the character")
    voice.add_argument("--gender", choices=GENDERS, help="'any' clears it")
    voice.add_argument("--age", choices=AGES, help="'any' clears it")
    voice.add_argument("--accent", metavar="ACCENT", help="e.g. british, irish, american ('any' clears it)")
    voice.set_defaults(func=cast_voice)


def cast_voice(args: argparse.Namespace) -> int:
    if args.gender is None and args.age is None and args.accent is None:
        raise UsageError("say how the character sounds: --gender, --age and/or --accent")
    document = open_document(args.path)
    project = document.project
    character = project.character_by_name(args.name) or next((c for c in project.cast if c.id == args.name), None)
    if character is None:
        names = ", ".join(c.name for c in project.cast) or "nobody yet"
        raise UsageError(f"no character {args.name!r} in the cast ({names})")
    values = character.voice_hints.model_dump()
    if args.gender is not None:
        values["gender"] = "" if args.gender == "any" else args.gender
    if args.age is not None:
        values["age"] = "" if args.age == "any" else args.age.replace("-", "_")
    if args.accent is not None:
        accent = " ".join(args.accent.split())
        if len(accent) > 60:
            raise UsageError("an accent is a word or two, e.g. british")
        values["accent"] = "" if accent.casefold() == "any" else accent.casefold()
    hints = VoiceHints(**values)
    document.execute(cmd.SetFields("character", (character.id,), {"voice_hints": hints},
                                   text=f"Voice hints for {character.name}"))
    document.save()
    said = ", ".join(v.replace("_", "-") for v in (hints.gender, hints.age, hints.accent) if v) or "no hints"
    print(shown(f"{character.name}: {said}"))
    if character.voice.provider == "elevenlabs":
        print(shown(f"{character.name} already speaks with an ElevenLabs voice ({character.voice.voice_id}); the "
                    f"hints apply when a voice is cast again (storyreel voice {args.path} --set-voice "
                    f"{character.name!r} espeak:en-us, then --provider elevenlabs)"))
    else:
        print(f"used when casting: storyreel voice {shown(args.path)} --provider elevenlabs")
    return 0
