"""Words, content tokens and normalised phrases: the one tokenizer of understanding.

Flow retrieval (for prompts) and the offline matcher must split text the same way, or a flow
that matches in one would not match in the other. Tokens are lower-case words and numbers;
*content* tokens also drop function words and are lightly stemmed ("cards" -> "card",
"transferring" -> "transfer"), so "send money" meets "sending some money". The stemmer is a
handful of suffix rules, not Porter: it only has to map both sides of a comparison alike.

Words are folded first (lower case, accents removed, `ß` -> `ss`), so text in any Latin-script
language has words; in a conversation in another language `calmtui.understanding.languages`
sets `ANALYZER` to that language's stemmer and function words while a message is understood.
"""

from __future__ import annotations

import re
import unicodedata
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calmtui.understanding.languages import Analyzer

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_ANY_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_FOLD_EXTRA = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d"})
# The analyzer of the conversation's language while a message is understood (None: English).
ANALYZER: ContextVar[Analyzer | None] = ContextVar("calmtui_analyzer", default=None)


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


def fold(text: str) -> str:
    """Lower case without accents: "Überweisung" -> "uberweisung", "Straße" -> "strasse"."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Lower-case words and numbers, accents folded, apostrophes kept inside words ("don't")."""
    folded = fold(text).translate(_APOSTROPHES)
    return (_WORD if folded.isascii() else _ANY_WORD).findall(folded)


def normalize(text: str) -> str:
    """A phrase reduced to its words: case, punctuation and spacing no longer matter."""
    return " ".join(words(text))


def stem(word: str) -> str:
    """A light stem, identical for a word's common inflections (the conversation language's
    Snowball stem outside English)."""
    analyzer = ANALYZER.get()
    return _english_stem(word) if analyzer is None else analyzer.stem(word)


def is_stopword(word: str) -> bool:
    analyzer = ANALYZER.get()
    return word in STOPWORDS if analyzer is None else analyzer.is_stopword(word)


@lru_cache(maxsize=8192)
def _english_stem(word: str) -> str:
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
    analyzer = ANALYZER.get()
    if analyzer is None:
        return [_english_stem(w) for w in words(text) if w not in STOPWORDS]
    return [analyzer.stem(w) for w in words(text) if not analyzer.is_stopword(w)]


_CONTRACTIONS = {
    w.replace("'", ""): w
    for w in word_set(
        """
        don't doesn't didn't isn't wasn't weren't won't can't couldn't wouldn't shouldn't
        haven't hasn't hadn't aren't that's let's i'm i've what's there's where's who's how's
        you're they're we've you've they've
        """
    )
}
_UNAPOSTROPHED = re.compile(rf"\b(?:{'|'.join(_CONTRACTIONS)})\b", re.IGNORECASE)
_ID_LIKE = re.compile(r"\b(i)d(?=\s+(?:like|love|prefer|rather)\b)", re.IGNORECASE)


def with_apostrophes(text: str) -> str:
    """Contractions typed without their apostrophe written with it ("i dont think so", "cant
    log in", "wheres my order", "id like a table"), so that they read as the words they are."""

    def restore(match: re.Match[str]) -> str:
        word = match.group(0)
        full = _CONTRACTIONS[word.lower()]
        return full[0].upper() + full[1:] if word[0].isupper() else full

    return _ID_LIKE.sub(r"\1'd", _UNAPOSTROPHED.sub(restore, text))


def identifier_words(identifier: str) -> str:
    """`transfer_money` -> "transfer money": ids are phrases too."""
    return identifier.replace("_", " ").replace("-", " ")
