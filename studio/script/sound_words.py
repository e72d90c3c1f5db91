"""Sound prompts from a screenplay: the sounds an action line writes in CAPS (``The SCREEN DOOR slides open``,
``THUNDER``), as Fountain scripts do, and the ambience a scene heading's place implies (``EXT. BEACH``).

Character introductions are in caps too (``MARA (40) steps in``): a caps phrase counts as a sound only when one
of its words is a sound word, and never when it is a name in the cast.
"""

from __future__ import annotations

import re

from studio.sound.keywords import WORDS as AMBIENCE_WORDS

# Things that make a sound, or sounds themselves, as scripts write them in caps.
_SOUND_WORDS_TEXT = """
    bang bangs banging beep beeps bell bells boom booms buzz buzzes buzzing chime chimes clang clanks clank
    clatter click clicks clock creak creaks creaking crash crashes crunch door doors engine engines explosion
    explosions footsteps gunshot gunshots hiss hisses honk honks horn horns howl howls hum hums knock knocks
    knocking ring rings ringing roar roars rumble rumbles rustle scream screams screech screeches shatter
    shatters siren sirens slam slams snap snaps splash splashes squeak squeaks static thud thuds thump thumps
    thunder tick ticks ticking whistle whistles whine whirr whoosh wind rain waves phone telephone alarm
    radio bark barks barking gulls gull dog thunderclap crackle crackles drip drips
"""
SOUND_WORDS = frozenset(_SOUND_WORDS_TEXT.split()) | frozenset(AMBIENCE_WORDS)

_CAPS_PHRASE = re.compile(r"\b[A-Z][A-Z'\-]+(?:\s+[A-Z][A-Z'\-]+)*\b")
_FOLLOWING_VERB = re.compile(r"\s+([a-z]+(?:s|es|ing))\b")
_HEADING = re.compile(r"^(?:INT|EXT|EST|INT\./EXT|I/E)[./\s]+(?P<place>[^-–]+)", re.IGNORECASE)
MAX_PROMPT = 300


def caps_sounds(text: str, names: frozenset[str] = frozenset()) -> list[str]:
    """Sound phrases written in caps in ``text``, lower-cased, each with the verb that follows it if any
    (``The SCREEN DOOR slides open`` -> ``screen door slides``)."""
    found: list[str] = []
    for match in _CAPS_PHRASE.finditer(text):
        phrase = match.group(0)
        words = [w.casefold() for w in phrase.split()]
        if phrase.casefold() in names or not any(w.strip("'-") in SOUND_WORDS for w in words):
            continue
        verb = _FOLLOWING_VERB.match(text, match.end())
        sound = " ".join(words) + (f" {verb.group(1)}" if verb else "")
        if sound not in found:
            found.append(sound)
    return found


def heading_ambience(heading: str | None) -> str:
    """The place of a scene heading when it names an ambience (``EXT. HARBOUR - DAWN`` -> ``harbour``)."""
    if not heading:
        return ""
    match = _HEADING.match(heading.strip())
    if match is None:
        return ""
    place = match.group("place").strip().casefold()
    return place if any(word in AMBIENCE_WORDS for word in re.findall(r"[^\W\d_]+", place)) else ""


def sound_prompt(action_text: str, heading: str | None = None, names: frozenset[str] = frozenset()) -> str:
    """A shot's sound prompt from its action text and scene heading; "" when the script names no sound."""
    parts = caps_sounds(action_text, names)
    place = heading_ambience(heading)
    if place and place not in parts:
        parts.append(place)
    return ", ".join(parts)[:MAX_PROMPT]
