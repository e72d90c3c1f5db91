"""Word timings from phonemes: which stretch of a neural voice's audio each word of the text occupies.

espeak-ng (which phonemizes for the neural voice) joins some words into one phoneme word ("of the" -> "ʌvðə")
and splits others ("42" -> "fˈɔːɹɾi tˈuː"), so words are not matched to phoneme words one to one. Instead each
text word is phonemized on its own for its *share* of phonemes, and the shares are laid along the phonemes that
were spoken: a word runs from the start of its first phoneme to the end of its last. The phonemes' times come
from the model's durations when it reports them, else they are spread evenly over the take.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .provider import Timing

# Marks the phonemizer keeps and spaces: they are pauses, not sounds of a word.
SILENT_MARKS = frozenset(" ;:,.!?¡¿—…\"«»“”()-")
_WORD = re.compile(r"\S+")


def sounded(phonemes: str) -> int:
    """How many phonemes of ``phonemes`` are sounds (not spaces or punctuation)."""
    return sum(1 for p in phonemes if p not in SILENT_MARKS)


def even_phonemes(count: int, duration: float) -> list[Timing]:
    """``count`` phonemes spread evenly over ``duration`` seconds (a model that reports no durations)."""
    step = duration / max(1, count)
    return [Timing("", i * step, (i + 1) * step) for i in range(count)]


def spoken_phonemes(timings: Sequence[tuple[str, float, float]]) -> list[Timing]:
    """The sounded phonemes of a model's (phoneme, start, end) list, in order."""
    return [Timing(p, float(start), float(end)) for p, start, end in timings if p not in SILENT_MARKS]


def word_timings(text: str, phonemize: Callable[[str], str], phonemes: Sequence[Timing]) -> tuple[Timing, ...]:
    """Each whitespace-separated word of ``text`` with the span of ``phonemes`` its share covers.

    ``phonemize`` turns one word into phonemes (its length is the word's share). A word with no sound of its own
    (a dash) gets an empty span where it falls.
    """
    words = _WORD.findall(text)
    if not words or not phonemes:
        return ()
    shares = [sounded(phonemize(word)) for word in words]
    total = sum(shares) or len(words)
    if not sum(shares):
        shares = [1] * len(words)
    count = len(phonemes)
    timings: list[Timing] = []
    before = 0
    for word, share in zip(words, shares, strict=True):
        first = min(count - 1, round(before / total * count))
        before += share
        last = max(first + 1, min(count, round(before / total * count)))
        if share == 0:
            at = timings[-1].end if timings else phonemes[0].start
            timings.append(Timing(word, at, at))
            continue
        timings.append(Timing(word, phonemes[first].start, max(phonemes[first].start, phonemes[last - 1].end)))
    return tuple(timings)
