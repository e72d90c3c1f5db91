"""Fountain text -> plain screenplay elements, parsed by screenplain.

Why screenplain: it is the maintained Fountain implementation on PyPI (MIT, releases since 2011, 0.12 in use),
it already handles title pages, forced headings (``.HEADING``), scene numbers, dual dialogue (``^``), forced
characters (``@``), forced transitions (``>``), centred text (``>TEXT<``), boneyard, inline notes and emphasis.
Its model holds rich strings; this module turns them into plain, frozen values so nothing downstream depends on
screenplain's classes.

What it leaves, handled here as light pre/post-processing (never a second parser):
- synopsis (``=``) and section (``#``) lines: a synopsis right after a heading makes screenplain read the
  heading as a character cue, and an orphan synopsis becomes action; both lines are removed before parsing;
- notes on their own line (and notes spanning blank lines): removed before parsing, so they never split or
  join paragraphs; inline notes are removed by screenplain itself;
- ``FADE IN:``, ``FADE OUT.``, ``FADE TO BLACK.``: written without ``>`` they parse as action (the spec
  recognises only ``... TO:``); a paragraph that is exactly one of these is read as a transition;
- lyrics markers (``~``) and the whitespace left where notes were.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from screenplain.parsers import fountain
from screenplain.types import Action, Dialog, DualDialog, Slug
from screenplain.types import Transition as SpTransition

_NOTE_LINE = re.compile(r"^[ \t]*\[\[(?:(?!\]\]).)*\]\][ \t]*(?:\n|\Z)", re.MULTILINE | re.DOTALL)
_NOTE = re.compile(r"\[\[.*?\]\]", re.DOTALL)
_BONEYARD_LINE = re.compile(r"^[ \t]*/\*.*?\*/[ \t]*(?:\n|\Z)", re.MULTILINE | re.DOTALL)
_BONEYARD = re.compile(r"/\*.*?\*/", re.DOTALL)
_SYNOPSIS_OR_SECTION_LINE = re.compile(r"^[ \t]*(?:=(?!==)|#)[^\n]*(?:\n|\Z)", re.MULTILINE)
_SPACES = re.compile(r"\s+")
_CUE_EXTENSION = re.compile(r"\(([^)]*)\)")
# Transitions screenwriters write without the ``>`` that the spec asks for.
_BARE_TRANSITIONS = re.compile(
    r"^(FADE IN|FADE OUT|FADE TO BLACK|FADE TO WHITE|CUT TO BLACK|SMASH TO BLACK|IRIS OUT|IRIS IN)[.:]?$"
)


@dataclass(frozen=True)
class Heading:
    text: str  # upper case, as the parser normalises it, without the scene number
    number: str | None = None


@dataclass(frozen=True)
class ActionBlock:
    text: str
    centered: bool = False


@dataclass(frozen=True)
class SpeechPart:
    text: str
    delivery: str = ""  # the parenthetical(s) just before this part, without brackets


@dataclass(frozen=True)
class Speech:
    cue: str  # as written, e.g. "MARA (V.O.)"
    name: str  # the cue without extensions and dual marker
    extensions: tuple[str, ...]  # e.g. ("V.O.",), ("CONT'D",)
    parts: tuple[SpeechPart, ...]
    dual: bool = False  # True for the right-hand side of dual dialogue


@dataclass(frozen=True)
class TransitionMark:
    text: str  # e.g. "DISSOLVE TO:"


Element = Heading | ActionBlock | Speech | TransitionMark


@dataclass
class Screenplay:
    title_page: dict[str, str] = field(default_factory=dict)  # key (capitalised) -> plain text
    elements: list[Element] = field(default_factory=list)


def plain(text: object) -> str:
    """A screenplain rich string (or str) as plain text: emphasis dropped, whitespace collapsed."""
    return _SPACES.sub(" ", str(text)).strip()


def strip_non_printing(text: str) -> str:
    """Remove boneyard, notes, synopses and sections before parsing (see the module docstring)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    text = _BONEYARD_LINE.sub("", text)
    text = _BONEYARD.sub("", text)
    text = _NOTE_LINE.sub("", text)
    text = _NOTE.sub("", text)
    return _SYNOPSIS_OR_SECTION_LINE.sub("", text)


def parse_screenplay(text: str) -> Screenplay:
    parsed = fountain.parse(io.StringIO(strip_non_printing(text)))
    title_page = {}
    for key in parsed.title_page:
        value = "\n".join(plain(line) for line in parsed.get_rich_attribute(key))
        if value.strip():
            title_page[key] = value
    elements: list[Element] = []
    for paragraph in parsed.paragraphs:
        elements.extend(_convert(paragraph))
    return Screenplay(title_page, elements)


def _convert(paragraph: object) -> list[Element]:
    if isinstance(paragraph, Slug):
        text = plain(paragraph.line)
        number = plain(paragraph.scene_number) if paragraph.scene_number else None
        return [Heading(text, number)] if text else []
    if isinstance(paragraph, Action):
        text = plain(" ".join(plain(line).lstrip("~").strip() for line in paragraph.lines))
        if not text:
            return []
        if not paragraph.centered and _BARE_TRANSITIONS.match(text.upper()):
            return [TransitionMark(text.upper())]
        return [ActionBlock(text, centered=paragraph.centered)]
    if isinstance(paragraph, DualDialog):
        return [s for s in (_speech(paragraph.left, dual=False), _speech(paragraph.right, dual=True)) if s]
    if isinstance(paragraph, Dialog):
        speech = _speech(paragraph, dual=False)
        return [speech] if speech else []
    if isinstance(paragraph, SpTransition):
        text = plain(paragraph.line)
        return [TransitionMark(text.upper())] if text else []
    return []  # sections, page breaks: structure for the page, nothing for the film


def _speech(dialog: Dialog, *, dual: bool) -> Speech | None:
    cue = plain(dialog.character)
    if cue.endswith("^"):  # a dual marker screenplain left (no dialogue before it to pair with)
        cue = cue[:-1].rstrip()
    extensions = tuple(plain(ext).upper() for ext in _CUE_EXTENSION.findall(cue) if plain(ext))
    name = plain(_CUE_EXTENSION.sub(" ", cue))
    if not name:
        return None
    parts: list[SpeechPart] = []
    delivery: list[str] = []
    spoken: list[str] = []

    def flush() -> None:
        text = plain(" ".join(spoken))
        if text:
            parts.append(SpeechPart(text, "; ".join(delivery)))
            delivery.clear()
        spoken.clear()

    for is_parenthetical, rich in dialog.blocks:
        line = plain(rich)
        if not line:
            continue
        if is_parenthetical:
            if spoken:  # a direction mid-speech starts a new part with its own delivery
                flush()
            direction = plain(line.strip("()"))
            if direction:
                delivery.append(direction)
        else:
            spoken.append(line.lstrip("~").strip())
    flush()
    if not parts:
        return None  # a cue with only a parenthetical, e.g. "(nods)": nothing is spoken
    if delivery and parts:  # a closing parenthetical belongs to the last part
        last = parts[-1]
        joined = "; ".join(d for d in (last.delivery, *delivery) if d)
        parts[-1] = SpeechPart(last.text, joined)
    return Speech(cue=cue, name=name, extensions=extensions, parts=tuple(parts), dual=dual)
