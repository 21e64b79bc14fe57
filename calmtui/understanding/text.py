"""Words, content tokens and normalised phrases: the one tokenizer of understanding.

Flow retrieval (for prompts) and the offline matcher must split text the same way, or a flow
that matches in one would not match in the other. Tokens are lower-case words and numbers;
*content* tokens also drop function words and are lightly stemmed ("cards" -> "card",
"transferring" -> "transfer"), so "send money" meets "sending some money". The stemmer is a
handful of suffix rules, not Porter: it only has to map both sides of a comparison alike.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated block (readable long lists)."""
    return frozenset(text.split())


# Function words and request fillers: they say nothing about which flow a user means.
STOPWORDS = word_set(
    """
    a an the and or but if so than then too very also just only even still
    i me my mine myself we us our ours you your yours he him his she her it its they them their
    this that these those there here
    is am are was were be been being do does did doing done have has had having
    to of in on at by for with from into onto about as up out over off
    can could would should will shall may might must
    want wanna wants wanted like need needs please pls plz kindly
    what how which who whom where when why whats
    some any all get got go going let lets make
    i'd i'm i've i'll it's that's what's there's let's you're we're can't don't
    no not yes ok okay
    """
)

_DOUBLE_END = re.compile(r"([b-df-hj-km-np-rtvx-z])\1$")


def words(text: str) -> list[str]:
    """Lower-case words and numbers, apostrophes kept inside words ("don't")."""
    return _WORD.findall(text.lower().translate(_APOSTROPHES))


def normalize(text: str) -> str:
    """A phrase reduced to its words: case, punctuation and spacing no longer matter."""
    return " ".join(words(text))


@lru_cache(maxsize=8192)
def stem(word: str) -> str:
    """A light stem, identical for a word's common inflections."""
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) <= 3 or word.isdigit():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ing") and len(word) > 5:
        return _undouble(word[:-3])
    if word.endswith("ed") and len(word) > 4:
        return _undouble(word[:-2])
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _undouble(word: str) -> str:
    return word[:-1] if _DOUBLE_END.search(word) else word


def content_tokens(text: str) -> list[str]:
    """Stemmed words without stopwords, in order (duplicates kept)."""
    return [stem(w) for w in words(text) if w not in STOPWORDS]


def identifier_words(identifier: str) -> str:
    """`transfer_money` -> "transfer money": ids are phrases too."""
    return identifier.replace("_", " ").replace("-", " ")
