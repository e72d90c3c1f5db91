"""Casting a voice library: distinct service voices for the cast members still on offline voices.

Each character is matched on the labels the library gives its voices (gender, age, accent, description, use
case) against what is known of it, strongest first: the hints the filmmaker set (``storyreel cast voice``),
then words of its notes and description ("an old man", "she"), then, weakly, its screenplay name and the
pronouns around it in the action (the guess the script import makes). The narrator is cast first, then the
characters with the most lines. Nobody shares a voice while an unused one is left; a library with fewer voices
than the cast reuses voices with other settings (stability, style, speed), and says so.

Library code: ``plan_casting`` is a pure function; ``Casting.command()`` is the one undoable step the caller
executes (the CLI then saves, the editor pushes it on its undo stack).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from studio.project import commands as cmd
from studio.project.document import ProjectDocument
from studio.project.model import Character, Project, Voice

from .errors import VoiceSettingsError
from .gender_guess import ActionMentions, guess_gender
from .provider import VoiceInfo, VoiceProvider

CASTING_KEY = "voice_casting"  # project.metadata: character id -> the voice it was cast with, and why
MAX_LIBRARY = 1_000
PAGE_SIZE = 100
# Settings that make one library voice sound like another person when it has to be reused.
REUSE_SETTINGS: tuple[dict[str, float], ...] = (
    {"stability": 0.3, "style": 0.45, "speed": 1.08},
    {"stability": 0.8, "style": 0.0, "speed": 0.9},
    {"stability": 0.45, "style": 0.25, "speed": 1.15},
    {"stability": 0.65, "style": 0.6, "speed": 0.95},
)
REUSE_PENALTY = 3.0  # a voice already speaking for someone scores this much lower per use
# Weights: what the filmmaker said beats what the notes say, which beats a guess from the name.
WEIGHTS = {"hint": 10.0, "notes": 4.0, "name": 2.0}
AGES = ("young", "middle_aged", "old")
NARRATION_USES = ("narration", "narrative", "audiobook", "informative", "educational", "documentary")
CHARACTER_USES = ("character", "conversational", "animation", "video game", "characters")

_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)?")
_FEMALE = {"she", "her", "hers", "herself", "woman", "girl", "lady", "mother", "grandmother", "grandma", "wife",
           "daughter", "sister", "aunt", "queen", "princess", "female", "widow", "mrs", "ms", "miss"}
_MALE = {"he", "him", "his", "himself", "man", "boy", "gentleman", "father", "grandfather", "grandpa", "husband",
         "son", "brother", "uncle", "king", "prince", "male", "widower", "mr", "sir"}
_OLD = {"old", "elderly", "aged", "ancient", "grandmother", "grandfather", "grandma", "grandpa", "retired",
        "veteran", "widow", "widower", "grey-haired", "gray-haired", "wizened"}
_YOUNG = {"young", "girl", "boy", "child", "kid", "teen", "teenage", "teenager", "youth", "little", "student"}
_MIDDLE = {"middle-aged", "forties", "fifties"}
ACCENTS = ("american", "british", "english", "scottish", "irish", "welsh", "australian", "canadian",
           "indian", "south african", "new zealand", "southern", "french", "german", "italian", "spanish",
           "russian", "swedish", "african", "transatlantic")
_STOP = {"a", "an", "the", "and", "or", "of", "with", "to", "in", "on", "at", "for", "is", "who", "very",
         "voice", "his", "her", "he", "she", "it", "as", "but", "from", "by"}


@dataclass(frozen=True)
class Trait:
    value: str
    source: str  # "hint", "notes" or "name"


@dataclass(frozen=True)
class Wish:
    """What is known of how a character should sound."""

    narrator: bool = False
    gender: Trait | None = None
    age: Trait | None = None
    accent: Trait | None = None
    words: frozenset[str] = frozenset()  # other words of its notes, matched against voice descriptions


@dataclass(frozen=True)
class CastChoice:
    character_id: str
    character_name: str
    voice: Voice
    voice_name: str
    labels: dict[str, str]
    matched: tuple[str, ...]  # what matched, e.g. "female (hint)"
    reused: bool = False  # the voice also speaks for someone else, with other settings

    def describe(self) -> str:
        labels = ", ".join(v for k, v in self.labels.items() if k in ("gender", "age", "accent") and v)
        text = f"{self.character_name} speaks with ElevenLabs voice {self.voice_name} ({self.voice.voice_id})"
        text += f": {labels}" if labels else ""
        if self.matched:
            text += f" [matched {', '.join(self.matched)}]"
        if self.reused:
            settings = ", ".join(f"{k} {v:g}" for k, v in self.voice.settings.items())
            text += f"; reused with other settings ({settings})"
        return text


@dataclass
class Casting:
    choices: list[CastChoice] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. the library had too few voices

    def command(self, project: Project) -> cmd.Command | None:
        """One undo step: the voices, and the mapping kept in ``project.metadata['voice_casting']``."""
        if not self.choices:
            return None
        metadata = copy.deepcopy(project.metadata)
        record = metadata.get(CASTING_KEY) if isinstance(metadata.get(CASTING_KEY), dict) else {}
        for choice in self.choices:
            record[choice.character_id] = {"provider": choice.voice.provider, "voice_id": choice.voice.voice_id,
                                           "voice_name": choice.voice_name, "labels": dict(choice.labels),
                                           "matched": list(choice.matched), "reused": choice.reused}
        metadata[CASTING_KEY] = record
        edits: list[cmd.Command] = [cmd.SetCharacterVoice(c.character_id, c.voice, text=f"Voice for {c.character_name}")
                                    for c in self.choices]
        edits.append(cmd.SetFields("project", (), {"metadata": metadata}, text="Voice casting"))
        return cmd.Batch(edits, text="Cast ElevenLabs voices")

    def report(self) -> list[str]:
        return [c.describe() for c in self.choices] + self.notes


# --- what we know of a character -------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return _WORDS.findall(text.casefold())


def _from_words(words: list[str], source: str) -> tuple[Trait | None, Trait | None, Trait | None]:
    female = sum(w in _FEMALE for w in words)
    male = sum(w in _MALE for w in words)
    gender = Trait("female", source) if female > male else Trait("male", source) if male > female else None
    text = " ".join(words)
    old, young = sum(w in _OLD for w in words), sum(w in _YOUNG for w in words)
    age = None
    if any(w in _MIDDLE for w in words) or "middle aged" in text:
        age = Trait("middle_aged", source)
    elif old != young:
        age = Trait("old" if old > young else "young", source)
    accent = next((Trait(a, source) for a in ACCENTS if re.search(rf"\b{a}\b", text)), None)
    return gender, age, accent


def wish_for(project: Project, character: Character) -> Wish:
    hints = character.voice_hints
    notes = _words(f"{character.notes} {character.description}")
    n_gender, n_age, n_accent = _from_words(notes, "notes")
    _, name_age, name_accent = _from_words(_words(character.name), "name")
    name_gender = None
    if not character.is_narrator:  # the script import's guess: cue words (MOTHER, MR.), pronouns near the name
        guessed = guess_gender(character.name, ActionMentions(shot.prompt for shot in project.shots))
        name_gender = Trait({"f": "female", "m": "male"}[guessed], "name") if guessed else None
    return Wish(
        narrator=character.is_narrator,
        gender=Trait(hints.gender, "hint") if hints.gender else n_gender or name_gender,
        age=Trait(hints.age, "hint") if hints.age else n_age or name_age,
        accent=Trait(hints.accent.casefold(), "hint") if hints.accent else n_accent or name_accent,
        words=frozenset(w for w in notes if w not in _STOP and len(w) > 2),
    )


# --- scoring a voice -------------------------------------------------------------------------------------

def _label(voice: VoiceInfo, *names: str) -> str:
    for name in names:
        value = voice.labels.get(name)
        if value:
            return str(value).casefold().replace("-", "_").replace(" ", "_")
    return ""


def score(voice: VoiceInfo, wish: Wish) -> tuple[float, tuple[str, ...]]:
    """How well ``voice`` fits ``wish`` (higher is better) and what matched."""
    total, matched = 0.0, []
    gender = _label(voice, "gender") or voice.gender.casefold()
    if wish.gender is not None and gender:
        weight = WEIGHTS[wish.gender.source]
        if gender == wish.gender.value:
            total += weight
            matched.append(f"{gender} ({wish.gender.source})")
        else:
            total -= weight
    age = _label(voice, "age")
    if wish.age is not None and age in AGES:
        weight = WEIGHTS[wish.age.source] * 0.6
        distance = abs(AGES.index(age) - AGES.index(wish.age.value))
        if distance == 0:
            total += weight
            matched.append(f"{age.replace('_', ' ')} ({wish.age.source})")
        else:
            total -= weight * distance / 2
    accent = _label(voice, "accent").replace("_", " ")
    if wish.accent is not None and accent:
        weight = WEIGHTS[wish.accent.source] * 0.5
        if wish.accent.value in accent or accent in wish.accent.value:
            total += weight
            matched.append(f"{accent} ({wish.accent.source})")
        else:
            total -= weight / 2
    use = " ".join(_label(voice, k) for k in ("use_case", "use case")).replace("_", " ")
    described = f"{voice.description} {_label(voice, 'description')}".casefold().replace("_", " ")
    if wish.narrator and any(u in f"{use} {described}" for u in NARRATION_USES):
        total += 3.0
        matched.append("narration")
    elif not wish.narrator and any(u in use for u in CHARACTER_USES):
        total += 1.0
    shared = sorted(wish.words & set(_words(described)))[:3]
    if shared:
        total += len(shared)
        matched.append(f"notes: {' '.join(shared)}")
    return total, tuple(matched)


# --- casting ---------------------------------------------------------------------------------------------

def characters_to_cast(project: Project, line_ids: list[str] | None = None, provider: str = "elevenlabs") -> list[Character]:
    """Cast members who speak (one of ``line_ids``) and are not on ``provider`` yet: narrator first, then by lines."""
    wanted = set(line_ids) if line_ids is not None else None
    counts: dict[str, int] = {}
    for line in project.lines:
        if wanted is None or line.id in wanted:
            for character_id in cmd.speakers_of(project, line):
                counts[character_id] = counts.get(character_id, 0) + 1
    order = {c.id: i for i, c in enumerate(project.cast)}
    speaking = [c for c in project.cast if c.id in counts and c.voice.provider != provider]
    return sorted(speaking, key=lambda c: (not c.is_narrator, -counts[c.id], order[c.id]))


def fetch_library(provider: VoiceProvider, *, limit: int = MAX_LIBRARY) -> list[VoiceInfo]:
    """Every voice of the account (paged; 429/5xx are retried by the provider like speech)."""
    voices: list[VoiceInfo] = []
    token: str | None = None
    while len(voices) < limit:
        page = provider.list_voices(page_size=PAGE_SIZE, page_token=token)
        voices.extend(page.voices)
        if not page.has_more or not page.next_page_token or page.next_page_token == token:
            break
        token = page.next_page_token
    return voices[:limit]


def plan_casting(project: Project, library: list[VoiceInfo], characters: list[Character], *,
                 model_id: str | None = None) -> Casting:
    """A distinct, best-matching library voice for each of ``characters`` (in that order)."""
    if not characters:
        return Casting()
    if not library:
        raise VoiceSettingsError("your ElevenLabs account has no voices to cast; add some from the Voice Library "
                                 "at elevenlabs.io, then run this again")
    casting = Casting()
    used: dict[str, int] = {}  # voice id -> how many cast members speak with it
    casting_ids = {c.id for c in characters}
    for member in project.cast:
        if member.id not in casting_ids and member.voice.provider == "elevenlabs":
            used[member.voice.voice_id] = used.get(member.voice.voice_id, 0) + 1
    reusers: list[str] = []
    too_few = len(library) < len(characters) + len(used)
    for character in characters:
        wish = wish_for(project, character)
        pool = [i for i, v in enumerate(library) if not used.get(v.voice_id)]
        if too_few or not pool:
            pool = list(range(len(library)))  # distinct voices are impossible: reuse falls on voices that fit
        best = max(pool, key=lambda i: (score(library[i], wish)[0] - REUSE_PENALTY * used.get(library[i].voice_id, 0),
                                        -i))
        voice_info = library[best]
        times = used.get(voice_info.voice_id, 0)
        used[voice_info.voice_id] = times + 1
        settings: dict[str, Any] = {}
        if times:
            settings = dict(REUSE_SETTINGS[(times - 1) % len(REUSE_SETTINGS)])
            settings["speed"] = round(settings["speed"] - 0.03 * ((times - 1) // len(REUSE_SETTINGS)), 2)
            reusers.append(character.name)
        voice = Voice(provider="elevenlabs", voice_id=voice_info.voice_id, model_id=model_id, settings=settings)
        casting.choices.append(CastChoice(character.id, character.name, voice, voice_info.name,
                                          dict(voice_info.labels), score(voice_info, wish)[1], reused=bool(times)))
    if reusers:
        casting.notes.append(
            f"your ElevenLabs library has {len(library)} voice(s) for {len(characters)} cast member(s) to voice: "
            f"{', '.join(reusers)} reuse{'s' if len(reusers) == 1 else ''} a voice with other settings "
            "(stability, style, speed) so each still sounds apart; add voices to your library for more variety")
    return casting


def cast_voices(document: ProjectDocument, provider: VoiceProvider, *, line_ids: list[str] | None = None,
                model_id: str | None = None) -> Casting:
    """Cast the library voices of ``provider`` for the cast members still on offline voices, as one command on
    ``document``; nothing is listed when nobody needs casting. The caller saves."""
    characters = characters_to_cast(document.project, line_ids, provider.name)
    if not characters:
        return Casting()
    casting = plan_casting(document.project, fetch_library(provider), characters, model_id=model_id)
    command = casting.command(document.project)
    if command is not None:
        document.execute(command)
    return casting
