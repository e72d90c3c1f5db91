"""A light, honest guess of a character's gender from the screenplay: the cue's own words (MOTHER, MR.), else
the pronouns and nouns in the action sentences that name the character. The script import uses it to pick an
offline variant; library casting uses it as its weakest hint (below the filmmaker's hints and the notes).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_FEMALE_WORDS = {
    "MOTHER", "MOM", "MUM", "MA", "DAUGHTER", "WOMAN", "GIRL", "SISTER", "AUNT", "GRANDMA", "GRANDMOTHER",
    "WIFE", "QUEEN", "LADY", "MRS", "MRS.", "MS", "MS.", "MISS", "NUN", "PRINCESS", "MADAM", "WAITRESS",
    "ACTRESS", "NIECE", "BRIDE", "GIRLFRIEND", "HOSTESS", "DUCHESS", "WITCH", "MAID",
}
_MALE_WORDS = {
    "FATHER", "DAD", "PA", "SON", "MAN", "BOY", "BROTHER", "UNCLE", "GRANDPA", "GRANDFATHER", "HUSBAND",
    "KING", "MR", "MR.", "SIR", "PRIEST", "PRINCE", "LORD", "WAITER", "NEPHEW", "GROOM", "BOYFRIEND",
    "DUKE", "MONK", "FISHERMAN",
}
_SHE = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
_HE = re.compile(r"\b(?:he|him|his|himself)\b", re.IGNORECASE)
# Nouns say more than pronouns ("lands in his arms. MARA. His daughter."), so they weigh double.
_FEMALE_NOUNS = re.compile(r"\b(?:woman|girl|daughter|mother|wife|sister|aunt|grandmother|lady|widow)\b", re.IGNORECASE)
_MALE_NOUNS = re.compile(r"\b(?:man|boy|son|father|husband|brother|uncle|grandfather|gentleman|widower)\b", re.IGNORECASE)


class ActionMentions:
    """The action paragraphs split into sentences once, with an index from each word to the sentences holding
    it: guessing every character's gender reads only the sentences that name them (linear in the script)."""

    def __init__(self, action_texts: Iterable[str]) -> None:
        self.texts = [re.split(r"(?<=[.!?])\s+", text) for text in action_texts]
        self.by_word: dict[str, list[tuple[int, int]]] = {}
        for t, sentences in enumerate(self.texts):
            for i, sentence in enumerate(sentences):
                for word in set(_WORD.findall(sentence.casefold())):
                    self.by_word.setdefault(word, []).append((t, i))

    def sentences_naming(self, name: str) -> list[tuple[int, int]]:
        words = _WORD.findall(name.casefold())
        if not words:
            return [(t, i) for t, sentences in enumerate(self.texts) for i in range(len(sentences))]
        return self.by_word.get(words[0], [])


_WORD = re.compile(r"\w+")


def guess_gender(name: str, action_texts: Iterable[str] | ActionMentions) -> str | None:
    """'f', 'm' or None: the cue's words (DAUGHTER, MR.), else pronouns and nouns around the character's name."""
    words = set(name.upper().split())
    if words & _FEMALE_WORDS:
        return "f"
    if words & _MALE_WORDS:
        return "m"
    mentions = action_texts if isinstance(action_texts, ActionMentions) else ActionMentions(action_texts)
    mention = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
    counts: Counter[str] = Counter()
    for t, index in mentions.sentences_naming(name):
        sentences = mentions.texts[t]
        if mention.search(sentences[index]):
            window = " ".join(sentences[max(0, index - 1):index + 2])  # the naming sentence and its neighbours
            counts["f"] += len(_SHE.findall(window)) + 2 * len(_FEMALE_NOUNS.findall(window))
            counts["m"] += len(_HE.findall(window)) + 2 * len(_MALE_NOUNS.findall(window))
    if counts["f"] > counts["m"]:
        return "f"
    if counts["m"] > counts["f"]:
        return "m"
    return None
