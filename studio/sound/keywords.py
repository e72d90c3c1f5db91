"""A sound prompt -> the offline ambiences that make it: "waves on rocks, gulls, wind" -> sea, gulls, wind."""

from __future__ import annotations

import re

from .ambience import KINDS

FALLBACK = "room"  # a prompt with no word we know still gets air, never silence

# Words (lower case) that call for each ambience; a word may call for several ("storm": rain and wind).
WORDS: dict[str, tuple[str, ...]] = {}
for _kind, _words in {
    "rain": "rain rains raining rainy drizzle downpour shower showers raindrops drops drip dripping wet "
            "thunderstorm thunder storm stormy",
    "sea": "sea seas ocean waves wave surf shore shoreline beach tide tides swell swells breakers coast coastal "
           "harbour harbor jetty pier rocks surge splash lapping",
    "wind": "wind winds windy gust gusts gusting breeze gale howling blowing blustery storm stormy thunder draught draft "
            "headland cliff clifftop moor",
    "fire": "fire fires fireplace hearth flames flame crackling crackle campfire bonfire stove embers burning",
    "room": "room interior indoors inside hum humming quiet silence still stillness tone kitchen office "
            "bedroom hall lamp lamplight clock",
    "crowd": "crowd crowds murmur murmuring chatter chattering people voices talking market cafe café bar pub "
             "restaurant party audience busy",
    "traffic": "traffic street streets cars car road roads city highway motorway engines town avenue "
               "bus buses",
    "gulls": "gull gulls seagull seagulls seabirds seabird",
    "birds": "bird birds birdsong chirping chirp tweeting songbirds forest woods garden dawn",
}.items():
    for _word in _words.split():
        WORDS[_word] = (*WORDS.get(_word, ()), _kind)

assert {k for kinds in WORDS.values() for k in kinds} <= set(KINDS), "a word calls for an unknown ambience"


def layers_for(prompt: str) -> list[str]:
    """The ambiences a prompt's words call for, in the order they first appear; the fallback when none match."""
    found: list[str] = []
    for word in re.findall(r"[^\W\d_]+", prompt.casefold()):
        for kind in WORDS.get(word, ()):
            if kind not in found:
                found.append(kind)
    return found or [FALLBACK]


def matched_words(prompt: str) -> bool:
    """Whether any word of ``prompt`` names an ambience (else ``layers_for`` falls back to room tone)."""
    return any(word in WORDS for word in re.findall(r"[^\W\d_]+", prompt.casefold()))
