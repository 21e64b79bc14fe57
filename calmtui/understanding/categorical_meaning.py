"""A categorical value that a message *means* without naming it: "someone crashed into my car"
-> `car_accident`, "it's way too expensive" -> `price` (button "It's too expensive").

Each allowed value is described by its own words (`water_damage` -> "water damage") and by the
titles of the question's buttons that set it. The message is cut into short spans (one to four
words, not only function words, words for no one in particular or letters alone), and a value scores the best cosine between one of its
descriptions and one span, in the embedded model (`semantic_model`). The best value is taken
only when it is clearly meant: at least `MIN_SIMILARITY`, `MIN_MARGIN` ahead of the other
values on the span that means it, and still ahead (by a quarter of that) of any value another
span means — "I have to put in a claim" names no kind of claim, and nothing is set. The contrast
is measured on the span because generic words ("specialist", "doctor") mean every value a little:
in "a heart specialist", 'heart' means cardiology clearly while 'specialist' is closest to the
dentist's button; a margin over the best of all spans would reject the value 'heart' states.
A value taken on a wide lead alone (`min_similarity` 1: stated along with a flow start) needs
the sentence encoder (`sentence_model`) to find it the closest too: word vectors put "shoes"
near "store credit". An answer to the slot's own question needs no second opinion.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from calmtui.core.model.slots import Slot
from calmtui.understanding.semantic_model import shared_model
from calmtui.understanding.sentence_model import shared_encoder
from calmtui.understanding.slot_filling import Filled
from calmtui.understanding.text import STOPWORDS, identifier_words, stem, words

MIN_SIMILARITY = 0.35
MIN_MARGIN = 0.2
# An answer to the slot's own question ("the zip is broken" -> damaged).
ANSWER_SIMILARITY = 0.25
ANSWER_MARGIN = 0.05
# ...or, less closely, when it leads the other values on its span widely ("great service!" at
# "How satisfied are you?": 'great' is 0.24 from "Satisfied", 0.04 from "unsatisfied").
ANSWER_WIDE_LEAD = (0.2, 0.17)
MAX_SPAN = 4
# Words that mean nothing in particular ("something's covered" names no kind of cover; "can you
# help me" no home improvement).
_VAGUE = frozenset(
    {"something", "something's", "anything", "thing", "things", "stuff", "whether", "can", "you",
     "help", "need", "want", "get", "give", "make", "let", "know", "tell", "please"}
)  # fmt: skip
# Words that point at no one and nothing in particular, and chat letters ("r u open"): a span
# of these alone means no value ("see someone" is no "In person", "r" no "Riverside").
_NOBODY = frozenset(
    {"someone", "somebody", "anyone", "anybody", "everyone", "everybody", "nobody", "noone",
     "something", "anything", "everything", "nothing", "somewhere", "anywhere", "everywhere"}
)  # fmt: skip
MAX_WORDS = 40  # a long message is read from its start only
MAX_CLAUSES = 4


def spans(
    text: str, ignore: frozenset[str] = frozenset(), exclude: frozenset[str] = frozenset()
) -> list[str]:
    """Runs of one to four words, except those made only of function words or `ignore`d
    (stemmed) words, and those with an `exclude`d (stemmed) word or a vague one."""
    tokens = words(text)[:MAX_WORDS]
    joined = _hyphen_joined(text, len(tokens))
    found: dict[str, None] = {}
    for i in range(len(tokens)):
        if i in joined:
            continue  # "bikes" of "e-bikes" is no span of its own
        for j in range(i + 1, min(len(tokens), i + MAX_SPAN) + 1):
            if j in joined:
                continue  # nor is "e" of "e-bikes"
            part = tokens[i:j]
            if all(_says_nothing(t, ignore) for t in part):
                continue  # ("1 ticket": a number means no kind of ticket)
            if exclude and any(stem(t) in exclude or t in _VAGUE for t in part):
                continue
            found[" ".join(part)] = None
    return list(found)


def _says_nothing(token: str, ignore: frozenset[str]) -> bool:
    """A function word, a number, an ignored word, a word for no one in particular or a letter
    alone."""
    return (
        token in STOPWORDS
        or token.isdigit()
        or stem(token) in ignore
        or token in _NOBODY
        or (len(token) == 1 and token.isalpha())
    )


_HYPHENATED = re.compile(r"^[^\W\d_]+(?:-[^\W\d_]+)+\W*$")


def _hyphen_joined(text: str, count: int) -> set[int]:
    """Positions of the words that a hyphen joins to the word before ("e-bike", "x-ray",
    "check-up"): a span neither starts nor ends inside such a word. Nothing when the words
    cannot be lined up with the text."""
    joined: set[int] = set()
    position = 0
    for chunk in text.split():
        size = len(words(chunk))
        if size > 1 and _HYPHENATED.match(chunk.lstrip("\"'(")):
            joined.update(range(position + 1, position + size))
        position += size
    return {j for j in joined if j < count} if position >= count else set()


def value_by_meaning(
    text: str,
    slot: Slot,
    buttons: Sequence[tuple[str, Any]] = (),
    *,
    ignore: frozenset[str] = frozenset(),
    exclude: frozenset[str] = frozenset(),
    min_similarity: float = MIN_SIMILARITY,
    min_margin: float = MIN_MARGIN,
    wide_lead: tuple[float, float] | None = None,
    sentences: bool = False,
) -> Filled | None:
    """The value the message means; `ignore`: words that asked for the flow ("pay my bill" is
    not the PayPal payment method). An answer to the slot's own question is surely one of the
    values, so it is read with lower bars (`ANSWER_SIMILARITY`, `ANSWER_MARGIN`, or
    `ANSWER_WIDE_LEAD` given as `wide_lead`: a similarity and a lead over the other values on
    the span that together also suffice) than a value stated along with a flow start. With
    `sentences`, a clause the words do not place is read whole by the sentence encoder
    (`_by_sentence`; clauses with an `ignore`d or `exclude`d word are not read)."""
    model = shared_model()
    if model is None or not slot.values:
        return None
    options = [(value, identifier_words(str(value))) for value in slot.values]
    allowed = {str(v) for v in slot.values}
    options += [(value, title) for title, value in _distinct(buttons) if str(value) in allowed]
    parts = spans(text, ignore, exclude)
    if not parts:
        return None
    found = _by_words(text, slot, options, parts, model, (min_similarity, min_margin, wide_lead))
    if found is not None or not sentences:
        return found
    return _by_sentence(text, slot, options, ignore | exclude)


def _by_words(
    text: str,
    slot: Slot,
    options: list[tuple[Any, str]],
    parts: list[str],
    model: Any,
    bars: tuple[float, float, tuple[float, float] | None],
) -> Filled | None:
    """The value the spans mean in the static word vectors, if one is clearly meant."""
    del text
    min_similarity, min_margin, wide_lead = bars
    similarity = model.embed(parts) @ model.embed([label for _, label in options]).T
    best: dict[str, tuple[float, str, str]] = {}
    for column, (value, label) in enumerate(options):
        row = int(similarity[:, column].argmax())
        score = round(float(similarity[row, column]), 4)
        if score > best.get(str(value), (-1.0, "", ""))[0]:
            best[str(value)] = (score, parts[row], label)
    ranked = sorted(best.items(), key=lambda item: -item[1][0])
    top_value, (score, span, label) = ranked[0]
    runner = ranked[1][1][0] if len(ranked) > 1 else 0.0

    def clear(value: str, found: tuple[float, str, str]) -> bool:
        """Is `value` meant clearly by its span: similar enough, and ahead of the others there?"""
        row = parts.index(found[1])
        rivals = [float(similarity[row, c]) for c, (v, _) in enumerate(options) if str(v) != value]
        lead = found[0] - max(rivals, default=0.0)
        if wide_lead is not None and found[0] >= wide_lead[0] and lead >= wide_lead[1]:
            return True  # a weaker likeness with a wide lead ("great" / "Satisfied")
        return found[0] >= min_similarity and lead >= min_margin

    if not clear(top_value, ranked[0][1]) or score - runner < min_margin / 4:
        return None
    if min_similarity >= 1.0 and not _encoder_agrees(span, top_value, options):
        return None  # a weak likeness of words ("shoes" / "store credit") the encoder denies
    value = next(v for v in slot.values if str(v) == top_value)
    return Filled(
        value,
        f"the value {value!r}: {span!r} means {label!r} ({score:.2f}, next {runner:.2f})",
        similarity=score,
        span=span,
    )


# The sentence encoder reads a clause as a whole ("they don't fit" -> wrong_size, "it arrived
# torn" -> damaged) where no span's words are near a value's: only a close and clear likeness.
SENTENCE_SIMILARITY = 0.4
SENTENCE_LEAD = 0.15
_CLAUSES = re.compile(
    r"[,.;:!?()\u2013\u2014]+|\s+-\s+|\s+(?:but|because|so|and)\s+", re.IGNORECASE
)


def _by_sentence(
    text: str, slot: Slot, options: list[tuple[Any, str]], skip: frozenset[str]
) -> Filled | None:
    """The value a clause of the message means, read as a sentence by the encoder: at least
    `SENTENCE_SIMILARITY`, and `SENTENCE_LEAD` ahead of every other value."""
    encoder = shared_encoder()
    if encoder is None:
        return None
    clauses = [
        c.strip()
        for c in _CLAUSES.split(text)
        if c.strip()
        and not all(t in STOPWORDS for t in words(c))
        and not any(stem(t) in skip for t in words(c))  # "items missing from order" asks
    ][:MAX_CLAUSES]
    if not clauses:
        return None
    similarity = encoder.embed(clauses) @ encoder.embed([label for _, label in options]).T
    best: tuple[float, str, str, float] | None = None  # (score, value, clause, lead)
    for row, clause in enumerate(clauses):
        per_value: dict[str, float] = {}
        for column, (option, _) in enumerate(options):
            per_value[str(option)] = max(
                per_value.get(str(option), -1.0), float(similarity[row, column])
            )
        ranked = sorted(per_value.items(), key=lambda item: -item[1])
        lead = ranked[0][1] - (ranked[1][1] if len(ranked) > 1 else 0.0)
        if best is None or ranked[0][1] > best[0]:
            best = (ranked[0][1], ranked[0][0], clause, lead)
    if best is None or best[0] < SENTENCE_SIMILARITY or best[3] < SENTENCE_LEAD:
        return None
    score, top, clause, lead = best
    value = next(v for v in slot.values if str(v) == top)
    return Filled(
        value,
        f"the value {value!r}: {clause!r} means it, read as a sentence ({score:.2f}, lead "
        f"{lead:.2f})",
        similarity=score,
        span=clause,
    )


def _encoder_agrees(span: str, value: str, options: Sequence[tuple[Any, str]]) -> bool:
    """Does the sentence encoder, too, find `value` the closest to the span (by its nearest
    label)? Without the encoder there is no second opinion, and the word vectors decide."""
    encoder = shared_encoder()
    if encoder is None:
        return True
    similarity = encoder.embed([span]) @ encoder.embed([label for _, label in options]).T
    best: dict[str, float] = {}
    for column, (option, _) in enumerate(options):
        best[str(option)] = max(best.get(str(option), -1.0), float(similarity[0, column]))
    return max(best, key=lambda v: best[v]) == value


def _distinct(buttons: Sequence[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """Button titles without the words they all share: in "Add a card" / "Remove a card" /
    "Change my default card", "card" tells no option apart, and "delete a saved card" would
    mean all three about equally."""
    if len(buttons) < 2:
        return list(buttons)
    titles = [set(words(title)) for title, _ in buttons]
    shared: set[str] = titles[0].intersection(*titles[1:])
    if not shared:
        return list(buttons)
    kept: list[tuple[str, Any]] = []
    for title, value in buttons:
        rest = " ".join(w for w in words(title) if w not in shared)
        kept.append((rest if rest else title, value))
    return kept
