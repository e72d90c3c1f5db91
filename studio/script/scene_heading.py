"""A scene heading as words a video model understands: 'INT. LIGHTHOUSE - LAMP ROOM - NIGHT' ->
'Interior, lighthouse, lamp room, night.'"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIXES = (
    (re.compile(r"^(?:INT\.?\s*/\s*EXT|EXT\.?\s*/\s*INT|I\s*/\s*E)\.?\s+"), "Interior and exterior"),
    (re.compile(r"^INT\.?\s+"), "Interior"),
    (re.compile(r"^EXT\.?\s+"), "Exterior"),
    (re.compile(r"^EST\.?\s+"), "Establishing shot, exterior"),
)
# Times of day a picture shows; "CONTINUOUS", "LATER" and the like say nothing visual and are dropped.
_VISUAL_TIMES = {
    "DAY", "NIGHT", "DAWN", "DUSK", "MORNING", "EVENING", "AFTERNOON", "NOON", "MIDNIGHT", "SUNSET",
    "SUNRISE", "TWILIGHT", "EARLY MORNING", "LATE NIGHT", "MAGIC HOUR", "GOLDEN HOUR", "PRE-DAWN",
}
_NON_VISUAL_TIMES = {"CONTINUOUS", "LATER", "MOMENTS LATER", "SAME", "SAME TIME", "CONT'D", "CONTINUED"}
_SEPARATOR = re.compile(r"\s+[-–—]+\s+|\s*[-–—]{2,}\s*")


@dataclass(frozen=True)
class SceneSetting:
    interior: str | None  # "Interior", "Exterior", ... or None for a forced heading without one
    places: tuple[str, ...]
    time_of_day: str | None

    def describe(self) -> str:
        """One sentence for the start of a prompt."""
        words = [w for w in (self.interior, *self.places, self.time_of_day) if w]
        if not words:
            return ""
        sentence = ", ".join(words)
        return sentence[0].upper() + sentence[1:] + "."


def parse_heading(heading: str) -> SceneSetting:
    text = " ".join(heading.split()).upper()
    interior = None
    for pattern, label in _PREFIXES:
        match = pattern.match(text)
        if match:
            interior, text = label, text[match.end():]
            break
    parts = [p.strip(" .,") for p in _SEPARATOR.split(text) if p.strip(" .,")]
    time_of_day = None
    while parts and parts[-1] in _NON_VISUAL_TIMES:
        parts.pop()
    if len(parts) > 1 and (parts[-1] in _VISUAL_TIMES or parts[-1].split()[-1] in _VISUAL_TIMES):
        time_of_day = parts.pop().lower()
    places = tuple(_place_words(p) for p in parts)
    return SceneSetting(interior, places, time_of_day)


def describe_heading(heading: str | None) -> str:
    return parse_heading(heading).describe() if heading else ""


def _place_words(place: str) -> str:
    # Screenplays shout their locations; a prompt reads better in lower case ("MARA'S BOAT" -> "mara's boat").
    return place.lower()
