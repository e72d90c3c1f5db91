"""Parentheticals as delivery: ``(whispering)`` becomes the audio tag ``[whispers]`` for models that read tags.

ElevenLabs v3 models act on bracketed audio tags in the text ("[whispers] Not here."); other models would read
the brackets aloud, so for them (and for the offline voices) the direction stays a note on the line. Only
directions with a matching tag are sent; "to Mara" or "beat" are stage directions, never spoken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from studio.project.model import Voice

from .provider import Timing

TAG_MODEL_PREFIXES = ("eleven_v3",)  # models that act on audio tags

# A direction's words -> the tag. Matched on whole words of each direction ("whispering to Mara" -> whispers).
_TAGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("whispers", ("whisper", "whispers", "whispering", "whispered", "under her breath", "under his breath",
                  "under their breath", "hushed", "sotto voce")),
    ("shouts", ("shout", "shouts", "shouting", "shouted", "yell", "yells", "yelling", "screaming", "screams")),
    ("laughs", ("laugh", "laughs", "laughing", "chuckling", "chuckles", "giggling")),
    ("sighs", ("sigh", "sighs", "sighing")),
    ("crying", ("crying", "cries", "sobbing", "sobs", "in tears", "tearful", "tearfully", "weeping")),
    ("sarcastic", ("sarcastic", "sarcastically", "dryly", "wryly")),
    ("excited", ("excited", "excitedly", "thrilled")),
    ("angry", ("angry", "angrily", "furious", "furiously", "seething")),
    ("nervous", ("nervous", "nervously", "anxious", "anxiously")),
    ("curious", ("curious", "curiously", "intrigued")),
    ("sad", ("sad", "sadly", "sorrowful", "mournful")),
    ("mischievously", ("mischievous", "mischievously", "slyly")),
)
_PATTERNS = tuple((tag, re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE))
                  for tag, words in _TAGS)
_TAG_WORD = re.compile(r"^\[[^\]]*\]$")


def supports_audio_tags(voice: Voice) -> bool:
    """True when ``voice`` speaks through a model that acts on audio tags (ElevenLabs v3)."""
    return voice.provider == "elevenlabs" and (voice.model_id or "").startswith(TAG_MODEL_PREFIXES)


def delivery_tags(delivery: str) -> list[str]:
    """The audio tags a line's delivery note asks for, in the order written, each once."""
    tags: list[str] = []
    for direction in re.split(r"[;,]", delivery):
        for tag, pattern in _PATTERNS:
            if pattern.search(direction) and tag not in tags:
                tags.append(tag)
    return tags


def spoken_text(text: str, delivery: str, voice: Voice) -> str:
    """What is sent to the voice: the line, led by its delivery's audio tags when the voice's model reads them."""
    if not supports_audio_tags(voice):
        return text
    tags = delivery_tags(delivery)
    return " ".join([*(f"[{tag}]" for tag in tags), text]) if tags else text


def without_tags(words: Iterable[Timing]) -> tuple[Timing, ...]:
    """Aligned words without the audio tags (subtitles show what is said, not how)."""
    return tuple(word for word in words if not _TAG_WORD.match(word.text.strip()))
