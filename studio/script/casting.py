"""Who speaks: character names from cues, the narrator, and a distinct offline voice for each character.

Voices are espeak-ng variants (``en-us+m3``): offline, free, and different enough to tell characters apart in
an animatic. A character whose lines are mostly Chinese, Japanese, Russian... gets that language's voice.
A light guess from the script (the cue's own words, pronouns near the name in action) picks a male or female
variant; the user changes any voice in the cast panel or with the voice commands.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable

from studio.project.model import Voice
from studio.voice.gender_guess import ActionMentions as ActionMentions  # re-exported: the import uses them
from studio.voice.gender_guess import guess_gender as guess_gender

NARRATOR_NAME = "Narrator"
NARRATOR_VOICE = "en-gb+m3"
_NARRATOR_CUES = {"narrator", "the narrator", "narration", "narrator v.o.", "storyteller"}

MALE_VARIANTS = ("m3", "m1", "m4", "m7", "m2", "m5", "m6", "m8")
FEMALE_VARIANTS = ("f2", "f3", "f4", "f1", "f5")
# English characters alternate accents too, so two characters on the same variant still sound apart.
ENGLISH_ACCENTS = ("en-us", "en-gb")

# Writing systems -> espeak-ng language of a character who speaks them.
_SCRIPTS = (
    (re.compile(r"[\u3040-\u30ff]"), "ja"),  # kana before Han: Japanese mixes both
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]"), "cmn"),
    (re.compile(r"[\u0400-\u04ff]"), "ru"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u0900-\u097f]"), "hi"),
)
_LETTER = re.compile(r"[^\W\d_]")


def name_key(name: str) -> str:
    """What makes two cues the same character: case and spacing do not matter."""
    return " ".join(name.split()).casefold()


def display_name(cue_name: str) -> str:
    """'OLD  KEEPER' -> 'Old Keeper'; a name written in mixed case (``@McCLANE``) is kept as written."""
    name = " ".join(cue_name.split())
    return string.capwords(name.lower()) if name.upper() == name and name.lower() != name else name


def is_narrator_cue(name: str) -> bool:
    return name_key(name) in _NARRATOR_CUES


_AMPERSAND = re.compile(r"\s*&\s*")
_AND = re.compile(r"\s+AND\s+", re.IGNORECASE)


def joint_speakers(cue_name: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The names of a cue several characters speak together (``BRICK & STEEL``, ``BRICK AND STEEL``), or [].

    ``&`` always joins speakers; the word AND only when every part is a name ``known`` (name keys of characters
    who speak on their own), since it also appears inside one name (``MR. AND MRS. SMITH``)."""
    for separator, needs_known in ((_AMPERSAND, False), (_AND, True)):
        parts = [" ".join(p.split()) for p in separator.split(cue_name)]
        if len(parts) < 2:
            continue
        if any(not p for p in parts) or (needs_known and any(name_key(p) not in known for p in parts)):
            return []
        return parts
    return []


def spoken_language(texts: Iterable[str]) -> str | None:
    """The espeak-ng language of a character's lines when most of their letters are one non-Latin script."""
    joined = "".join(texts)
    letters = len(_LETTER.findall(joined))
    if not letters:
        return None
    for pattern, language in _SCRIPTS:
        if len(pattern.findall(joined)) * 2 >= letters:
            return language
    return None


class VoicePicker:
    """Hands out espeak-ng voices, never one already taken by the cast while an untaken one is left."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self._taken = {NARRATOR_VOICE, *taken}  # the narrator's voice stays the narrator's
        self._unknown_count = 0

    def pick(self, *, gender: str | None, language: str | None) -> Voice:
        if gender is None:  # alternate, so an unknown cast is not all one sex
            gender = "m" if self._unknown_count % 2 == 0 else "f"
            self._unknown_count += 1
        variants = FEMALE_VARIANTS if gender == "f" else MALE_VARIANTS
        accents = (language,) if language else ENGLISH_ACCENTS
        candidates = [f"{accent}+{variant}" for variant in variants for accent in accents]
        choice = next((c for c in candidates if c not in self._taken), None)
        if choice is None:  # more characters than variants: reuse, least recently handed out first
            choice = candidates[len(self._taken) % len(candidates)]
        self._taken.add(choice)
        return Voice(provider="espeak", voice_id=choice)


def narrator_voice() -> Voice:
    return Voice(provider="espeak", voice_id=NARRATOR_VOICE)
