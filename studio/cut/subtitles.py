"""Subtitle cues from the narration/dialogue lines, written as SRT or WebVTT.

Timing comes, best first, from the audio take's word/character alignment, else the audio take's span, else an
estimate from the text's length (lines not voiced yet). Long lines are split into readable cues.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import srt

from .plan import CutPlan, PlannedVoice

MAX_LINE_CHARS = 42
MAX_CUE_CHARS = 2 * MAX_LINE_CHARS
MAX_CUE_SECONDS = 6.0
READING_CPS = 15.0  # characters per second for lines with no audio yet
MIN_CUE_SECONDS = 0.7


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    line_id: str


def cues_for(plan: CutPlan) -> list[Cue]:
    cues: list[Cue] = []
    for voice in plan.voices:
        cues.extend(_voice_cues(voice))
    cues.sort(key=lambda c: (c.start, c.end))
    film_end = plan.duration_seconds
    tidy: list[Cue] = []
    for i, cue in enumerate(cues):
        end = min(cue.end, film_end)
        if i + 1 < len(cues):
            end = min(end, max(cues[i + 1].start, cue.start + 0.05))  # no stacked cues
        if end > cue.start:
            tidy.append(Cue(cue.start, end, cue.text, cue.line_id))
    return tidy


def _voice_cues(voice: PlannedVoice) -> list[Cue]:
    return _name_joint_speakers(voice, _spoken_cues(voice))


def _name_joint_speakers(voice: PlannedVoice, cues: list[Cue]) -> list[Cue]:
    """A line several characters speak together says who, in its first cue ("BRICK & STEEL: Let's go!"):
    two voices at once are hard to tell apart by ear."""
    if len(voice.speakers) < 2 or not cues:
        return cues
    first = cues[0]
    named = f"{' & '.join(voice.speakers).upper()}: {first.text.replace(chr(10), ' ')}"
    return [Cue(first.start, first.end, _wrap(named), first.line_id), *cues[1:]]


def _spoken_cues(voice: PlannedVoice) -> list[Cue]:
    words = _align(voice.text, _timed_words(voice.timings))
    if words:
        return [Cue(voice.start_seconds + a, voice.start_seconds + max(b, a + MIN_CUE_SECONDS), _wrap(text), voice.line_id)
                for text, a, b in _group_timed(words)]
    span = voice.duration_seconds or max(1.0, len(voice.text) / READING_CPS)
    chunks = _chunks(voice.text.split())
    total = sum(len(c) for c in chunks) or 1
    cues, at = [], voice.start_seconds
    for chunk in chunks:
        length = span * len(chunk) / total
        cues.append(Cue(at, at + length, _wrap(chunk), voice.line_id))
        at += length
    return cues


def _timed_words(timings: tuple[dict, ...]) -> list[tuple[str, float, float]]:
    """Word timings; character timings (one entry per character, as ElevenLabs gives) are joined into words."""
    items = [(str(t.get("text", "")), float(t.get("start", 0)), float(t.get("end", 0))) for t in timings
             if isinstance(t, dict) and "start" in t and "end" in t]
    if not items:
        return []
    if sum(len(text) <= 1 for text, _, _ in items) < len(items) * 0.8:
        return [(text.strip(), a, b) for text, a, b in items if text.strip()]
    words: list[tuple[str, float, float]] = []
    current, start, end = "", 0.0, 0.0
    for char, a, b in items:
        if char.isspace() or not char:
            if current:
                words.append((current, start, end))
            current = ""
            continue
        if not current:
            start = a
        current += char
        end = b
    if current:
        words.append((current, start, end))
    return words


def _norm(token: str) -> str:
    return "".join(ch for ch in token.casefold() if ch.isalnum())


def _align(text: str, words: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """The line's own words (with their punctuation) timed by the aligned words of the audio.

    Aligners drop punctuation and sometimes words ("forty-one" -> "forty"); text words without a match take
    the time between their neighbours. When most words do not match (the audio says something else), the
    aligned words are used as they are.
    """
    tokens = text.split()
    if not words or not tokens:
        return words
    timed: list[list] = []
    j = matched = 0
    for token in tokens:
        key = _norm(token)
        hit = None
        for k in range(j, min(j + 3, len(words))):
            other = _norm(words[k][0])
            if key and other and (key == other or key.startswith(other) or other.startswith(key)):
                hit = k
                break
        if hit is None:
            timed.append([token, None, None])
        else:
            timed.append([token, words[hit][1], words[hit][2]])
            j, matched = hit + 1, matched + 1
    if matched < len(tokens) / 2:
        return words
    for i, item in enumerate(timed):
        if item[1] is None:
            before = timed[i - 1][2] if i else words[0][1]
            after = next((t[1] for t in timed[i + 1:] if t[1] is not None), before)
            item[1], item[2] = before, max(before, after)
    return [(token, start, end) for token, start, end in timed]


def _group_timed(words: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    groups: list[tuple[str, float, float]] = []
    text, start, end = "", 0.0, 0.0
    for word, a, b in words:
        if text and (len(text) + 1 + len(word) > MAX_CUE_CHARS or b - start > MAX_CUE_SECONDS
                     or (text[-1] in ".!?" and len(text) > MAX_LINE_CHARS // 2)):
            groups.append((text, start, end))
            text = ""
        if not text:
            start = a
        text = f"{text} {word}" if text else word
        end = b
    if text:
        groups.append((text, start, end))
    return groups


def _chunks(words: list[str]) -> list[str]:
    chunks: list[str] = []
    current = ""
    for word in words:
        if current and (len(current) + 1 + len(word) > MAX_CUE_CHARS
                        or (current[-1] in ".!?" and len(current) > MAX_LINE_CHARS // 2)):
            chunks.append(current)
            current = ""
        current = f"{current} {word}" if current else word
    if current:
        chunks.append(current)
    return chunks


def _wrap(text: str) -> str:
    """At most two lines of about MAX_LINE_CHARS, split at the space nearest the middle."""
    if len(text) <= MAX_LINE_CHARS or " " not in text:
        return text
    middle = len(text) // 2
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    cut = min(spaces, key=lambda i: abs(i - middle))
    return text[:cut] + "\n" + text[cut + 1:]


def srt_text(cues: list[Cue]) -> str:
    def ms(seconds: float) -> dt.timedelta:  # srt truncates; round to the nearest millisecond instead
        return dt.timedelta(milliseconds=round(seconds * 1000))

    subs = [srt.Subtitle(i + 1, ms(c.start), ms(c.end), c.text) for i, c in enumerate(cues)]
    return srt.compose(subs, reindex=False)


def vtt_text(cues: list[Cue]) -> str:
    parts = ["WEBVTT", ""]
    for cue in cues:
        parts += [f"{_vtt_time(cue.start)} --> {_vtt_time(cue.end)}", cue.text, ""]
    return "\n".join(parts)


def _vtt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"
