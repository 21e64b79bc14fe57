"""Misspelt words put right before a message is read: "we're moivng out", "my meter redaing",
"next Thusrday", "yes plaese".

A word is only corrected when it is no word at all — neither a whole word of the embedded
model's vocabulary (in lower case or capitalised, or an inflection of one) nor a word the
project uses — and exactly one word of the *dictionary* is one edit away (a letter added,
dropped, changed, or two letters swapped; two edits for words of `LONG_WORD` letters or more),
with the same first letter. The dictionary is what the project says (its flows' phrases,
questions, buttons and values: `FlowCatalog.spelling`) and the closed words of conversation
(days, months, "tomorrow", the yes/no, cancel and thanks phrasing of `lexicon`). Names and
references are no dictionary word's neighbours, so they stay as typed ("Glsagow" is left
alone when the project never says Glasgow), and a capitalised word is only put right as a day
or a month ("Thusrday"; "Dune" is a title, not "done"); a word can be two dictionary words'
neighbour ("bock": book, back) and is then left alone too.

Both the matching and the values read the corrected message: "tomrorow morning" is tomorrow
morning, as an LLM would read it. Without the embedded model nothing is corrected (the word
matcher has its own misspelling lookup).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence

from rapidfuzz import process
from rapidfuzz.distance import OSA

from calmtui.understanding import lexicon
from calmtui.understanding.semantic_model import SemanticModel
from calmtui.understanding.text import stem, words

MIN_LENGTH = 4  # shorter words have too many neighbours
LONG_WORD = 8  # from this length two edits are still one word mistyped
_WORD = re.compile(r"(?<![\w@.'-])[A-Za-z]+(?![\w@'-]|\.\w)")
# Days and months: the only words put right when typed capitalised ("Thusrday").
_AFTER_A_NUMBER = re.compile(r"\d\s*$")
CAPITALISED_WORDS = frozenset(
    {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "january", "february", "march", "april", "june", "july", "august", "september",
        "october", "november", "december",
    }
)  # fmt: skip
# The closed words of conversation: said in every project, whatever its flows.
CONVERSATION_WORDS = CAPITALISED_WORDS | frozenset(
    {
        "today", "tomorrow", "tonight", "yesterday",
        "morning", "afternoon", "evening", "weekend", "week", "month", "please", "thanks",
        "thank", "perfect", "actually", "forget", "never", "mind", "cancel", "correct",
        "sorry", "something", "someone", "anything", "nothing", "everything", "anymore",
        "happening", "happened", "worked", "working", "helpful", "change", "delete",
        "remove", "update", "order", "check", "report", "replace", "reset", "return",
        "track", "renew", "refund", "transfer", "register", "request", "booking",
        "three", "four", "five", "seven", "eight", "nine", "eleven", "twelve", "thirteen",
        "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
        "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
        "thousand",
    }
)  # fmt: skip


def dictionary_by_initial(texts: Iterable[str]) -> dict[str, list[str]]:
    """The dictionary of a project: the words of `texts` and the conversation words, by their
    first letter."""
    known = {w for text in texts for w in words(text) if len(w) >= MIN_LENGTH and w.isalpha()}
    known |= CONVERSATION_WORDS | lexicon.phrase_words()
    table: dict[str, list[str]] = {}
    for word in sorted(known):
        table.setdefault(word[:1], []).append(word)
    return table


def corrected(
    text: str, dictionary: Mapping[str, Sequence[str]], model: SemanticModel | None
) -> tuple[str, list[tuple[str, str]]]:
    """The message with its misspelt words put right, and the (typed, read as) pairs."""
    if model is None:
        return text, []
    fixes: list[tuple[str, str]] = []

    def fix(match: re.Match[str]) -> str:
        typed = match.group(0)
        word = typed.lower()
        if len(word) < MIN_LENGTH or _is_a_word(word, model, dictionary):
            return typed
        if _AFTER_A_NUMBER.search(text, 0, match.start()):
            return typed  # "400 quid": the unit the user chose, not "quit"
        right = _one_neighbour(word, dictionary.get(word[:1], ()))
        if right is None or (typed[:1].isupper() and right not in CAPITALISED_WORDS):
            return typed  # "Dune" is a title, not "done"; "Thusrday" is Thursday
        fixes.append((typed, right))
        return right.capitalize() if typed[:1].isupper() else right

    return _WORD.sub(fix, text), fixes


@functools.cache
def encoder_words() -> frozenset[str]:
    """The whole words of the sentence encoder's vocabulary (the WordPiece vocabulary that ships
    with calmtui, `sentence_model.TOKENIZER`): English words the static model may lack ("coke"
    is no misspelt "come")."""
    from calmtui.understanding.sentence_model import TOKENIZER

    try:
        vocabulary = json.loads(TOKENIZER.read_text(encoding="utf-8"))["model"]["vocab"]
    except (OSError, ValueError, KeyError, TypeError):
        return frozenset()
    return frozenset(
        w for w in vocabulary if isinstance(w, str) and w.isalpha() and len(w) >= MIN_LENGTH
    )


def _is_a_word(word: str, model: SemanticModel, dictionary: Mapping[str, Sequence[str]]) -> bool:
    if word in dictionary.get(word[:1], ()) or word in encoder_words():
        return True
    if model.is_word(word) or model.is_word(word.capitalize()):
        return True
    root = stem(word)
    return root != word and (
        model.is_word(root) or model.is_word(root + "e") or root in dictionary.get(word[:1], ())
    )


def _one_neighbour(word: str, candidates: Sequence[str]) -> str | None:
    limit = 2 if len(word) >= LONG_WORD else 1
    close = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=limit, limit=2)
    if not close:
        return None
    if len(close) > 1 and close[1][1] == close[0][1]:
        return None  # two words as near: which one was meant is not clear
    return close[0][0]
