"""Default neural voices for a cast: the narrator's, and a distinct one for every other character.

Used by ``cast_voices`` once the neural voice is on disk. Voices come from the voices file that is actually
there, in an order that alternates male and female voices of the cast's language, best-rated first.
"""

from __future__ import annotations

from studio.project.model import Voice

from .kokoro_provider import LANGUAGES

NARRATOR_VOICES = {"a": "af_heart", "b": "bf_emma"}
# Alternating male/female, the voices Kokoro's model card grades highest first.
CAST_ORDER = ("am_michael", "af_bella", "am_fenrir", "af_nicole", "am_puck", "af_aoede", "bm_george", "bf_emma",
              "am_adam", "af_sarah", "bm_fable", "af_kore", "am_echo", "bf_isabella", "bm_lewis", "af_sky",
              "am_eric", "bf_alice", "am_liam", "af_jessica", "bm_daniel", "bf_lily", "am_onyx", "af_alloy")
REUSE_SPEEDS = (0.92, 1.08, 0.85, 1.15)  # a cast larger than the voices file: the same voices at other paces


def language_prefix(language: str) -> str:
    """An espeak language ('en-gb') -> the voices' name prefix ('b'); American English for others."""
    base = language.split("+", 1)[0].casefold()
    return next((prefix for prefix, (code, _name) in LANGUAGES.items() if code == base), "a")


def narrator_voice(language: str, available: tuple[str, ...]) -> Voice:
    prefix = language_prefix(language)
    wanted = NARRATOR_VOICES.get(prefix)
    if wanted not in available:
        wanted = next((name for name in available if name.startswith(prefix)), available[0])
    return Voice(provider="kokoro", voice_id=wanted)


def cast_voice(language: str, available: tuple[str, ...], taken: set[str], index: int) -> Voice:
    """A voice no one in ``taken`` uses, of the cast's language where possible; ``index``: the character's
    place among the cast (for reuse once every voice is taken)."""
    prefix = language_prefix(language)
    ranked = [name for name in CAST_ORDER if name in available and name.startswith(prefix)]
    ranked += sorted(name for name in available if name.startswith(prefix) and name not in ranked)
    ranked += [name for name in CAST_ORDER if name in available and name not in ranked]
    ranked += sorted(name for name in available if name not in ranked)
    narrator = NARRATOR_VOICES.get(prefix)
    ranked = [name for name in ranked if name != narrator] or ranked
    for name in ranked:
        if name not in taken:
            return Voice(provider="kokoro", voice_id=name)
    name = ranked[index % len(ranked)]
    return Voice(provider="kokoro", voice_id=name,
                 settings={"speed": REUSE_SPEEDS[(index // len(ranked)) % len(REUSE_SPEEDS)]})
