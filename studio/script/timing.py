"""How long things take on screen: speech at a speaking rate, action at a reading/visual pace, sentence groups.

Latin-script text is counted in words; Chinese, Japanese and Korean in characters (each is about a syllable).
"""

from __future__ import annotations

import re

SPEAKING_WORDS_PER_SECOND = 2.6  # conversational English, a little slower than news reading
CJK_CHARS_PER_SECOND = 4.5  # Mandarin runs ~4-5 syllables per second
LINE_GAP_SECONDS = 0.35  # breath between two lines in one shot
LEAD_IN_SECONDS = 0.25  # the first line starts just after the cut, never on it
TAIL_SECONDS = 0.6  # the shot holds a moment after the last word
MIN_LINE_SECONDS = 0.6
ACTION_BASE_SECONDS = 1.5  # even a two-word action needs time to read on screen
ACTION_SECONDS_PER_WORD = 0.3  # ~1 page a minute: a screenplay's own rule of thumb
MIN_SHOT_SECONDS = 2.0
MAX_SHOT_SECONDS = 12.0

SENTENCES_PER_GROUP = 2
WORDS_PER_GROUP = 25
MIN_GROUP_WORDS = 5  # a shorter last group joins the one before
LONG_PARAGRAPH_WORDS = 60  # in "paragraph" mode a longer action paragraph is split into sentence groups

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+|(?<=[。！？])")
_ABBREVIATION = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|vs|etc|Lt|Capt|Sgt|No)\.|\b[A-Z]\.)$")


def cjk_chars(text: str) -> int:
    return len(_CJK.findall(text))


def word_count(text: str) -> float:
    """Words, where a CJK character counts as ~0.6 of an English word (both by speaking time)."""
    latin = len(_WORD.findall(_CJK.sub(" ", text)))
    return latin + cjk_chars(text) * SPEAKING_WORDS_PER_SECOND / CJK_CHARS_PER_SECOND


def speech_seconds(text: str) -> float:
    return max(MIN_LINE_SECONDS, word_count(text) / SPEAKING_WORDS_PER_SECOND)


def action_seconds(text: str) -> float:
    return ACTION_BASE_SECONDS + word_count(text) * ACTION_SECONDS_PER_WORD if text.strip() else MIN_SHOT_SECONDS


def split_sentences(text: str) -> list[str]:
    pieces = [p.strip() for p in _SENTENCE_END.split(text) if p and p.strip()]
    sentences: list[str] = []
    for piece in pieces:
        if sentences and _ABBREVIATION.search(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"  # "Mr. Hale" is one sentence
        else:
            sentences.append(piece)
    return sentences


def sentence_groups(text: str, *, sentences: int = SENTENCES_PER_GROUP, words: int = WORDS_PER_GROUP) -> list[str]:
    """Consecutive sentences grouped into beats of about ``sentences`` sentences or ``words`` words."""
    groups: list[str] = []
    current: list[str] = []
    current_words = 0.0
    for sentence in split_sentences(text):
        count = word_count(sentence)
        if current and (len(current) >= sentences or current_words + count > words):
            groups.append(_join(current))
            current, current_words = [], 0.0
        current.append(sentence)
        current_words += count
    if current:
        if groups and current_words < MIN_GROUP_WORDS:
            groups[-1] = _join([groups[-1], *current])  # "His daughter." alone is no shot
        else:
            groups.append(_join(current))
    return groups


def _join(sentences: list[str]) -> str:
    text = sentences[0]
    for sentence in sentences[1:]:
        text += ("" if text[-1] in "。！？" else " ") + sentence  # CJK sentences run on without spaces
    return text
