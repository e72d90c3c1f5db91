"""Character alignments -> word timings (for subtitles and for fitting lines to shots)."""

from __future__ import annotations

from collections.abc import Sequence

from .provider import Timing


def characters_from_alignment(characters: Sequence[str], starts: Sequence[float],
                              ends: Sequence[float]) -> tuple[Timing, ...]:
    """Zip the three parallel lists a service returns; a ragged alignment is cut to its shortest list."""
    count = min(len(characters), len(starts), len(ends))
    return tuple(Timing(characters[i], float(starts[i]), max(float(starts[i]), float(ends[i]))) for i in range(count))


def words_from_characters(characters: Sequence[Timing]) -> tuple[Timing, ...]:
    """Group characters between whitespace into words: a word runs from its first to its last character."""
    words: list[Timing] = []
    current: list[Timing] = []
    for char in (*characters, Timing(" ", 0.0, 0.0)):
        if char.text.isspace() or not char.text:
            if current:
                words.append(Timing("".join(c.text for c in current), current[0].start, current[-1].end))
                current = []
        else:
            current.append(char)
    return tuple(words)
