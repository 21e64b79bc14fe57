"""Yes/no slots that a message settles by saying what the slot is about: "book a room for 8 on
Wednesday with a projector" -> `needs_projector` true, "broken desk lamp, not urgent" ->
`is_urgent` false, "I've reported it to the police" -> `police_report_filed` true.

An LLM sets such slots along with the flow it starts. A bool slot's name says what it is about
(`needs_projector`, `has_allergies`, `is_urgent`); its telling words are the name's words without
the words every yes/no slot may use ("needs", "has", "is", "wants", "tried", ...). The message
states the slot when it uses every telling word (two of them when the name has more): true, or
false when a negation comes just before ("not urgent", "don't need a courtesy car", "without a
projector"); a name's last telling word denied alone is false too ("couldn't find a bay" ->
`parked_in_bay` false). Never read: confirmations (`confirm_*`, "sure", "agree": the user answers those when
the flow asks), slots whose telling words ask for the flow itself ("cancel my policy" is no
answer to `cancel_policy_confirmed`), and yes/no questions ("do you have parking?" states
nothing).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from calmtui.understanding.slot_filling import Filled
from calmtui.understanding.text import STOPWORDS, identifier_words, stem, word_set, words

# Words any yes/no slot may use in its name: they tell nothing about what it is about.
_GENERIC = word_set(
    """
    is are was has have had needs need needed wants want wanted wish would like do does did can
    should will any ok okay ready found available verified valid eligible possible successful
    success resolved fixed same other user customer tried try add added keep join opt requested
    required request include included includes use uses using already still now yes no true
    false flag flagged allowed able new current existing set selected chosen
    """
)
# A slot about agreeing to what the flow is about to do: answered when asked, never stated.
_CONFIRMING = word_set(
    "confirm confirmed confirmation confirms sure agree agreed agrees accept accepted proceed "
    "approve approved consent consented"
)
_NEGATIONS = word_set("no not never without nothing none nor neither")
# Verbs that deny what follows, a little further on ("stop sending me the newsletter").
_STOPPING = word_set("stop unsubscribe")
_STOPPING_REACH = 5
_NEGATION_REACH = 3  # "not urgent", "don't need a courtesy car"
_QUESTION_OPENERS = word_set("do does did is are was were has have had can could will would")


def telling_words(slot: str) -> list[str]:
    """The stems of the words of the slot's name that say what it is about."""
    return [
        stem(w)
        for w in words(identifier_words(slot))
        if w not in _GENERIC and w not in STOPWORDS and (len(w) > 2 or _has_digit(w))  # "3d"
    ]


def stated_flag(
    text: str, slot: str, request_words: frozenset[str] = frozenset(), about: Sequence[str] = ()
) -> Filled | None:
    """True / False when the message says what the bool slot is about, else None. `about`:
    the slot's description and question, whose two-word terms also tell ("is this your first
    visit?" -> "not my first visit" is false)."""
    names = set(words(identifier_words(slot)))
    if names & _CONFIRMING:
        return None
    found = _by_name(text, slot, request_words)
    if found is None and about:
        found = _by_term(text, about, request_words)
    return found


def _by_name(text: str, slot: str, request_words: frozenset[str]) -> Filled | None:
    # "repair_urgent" in the repair flow: "repair" asks for the flow, "urgent" tells; a word of
    # the flow's own request ("offer the waitlist" in its description) tells nothing either
    telling = [w for w in telling_words(slot) if w not in request_words]
    tokens = words(text)
    if not tokens or (text.rstrip().endswith("?") and tokens[0] in _QUESTION_OPENERS):
        return None
    stems = [stem(t) for t in tokens]
    if not telling:
        # a denied word asks for no flow: "I'm not a taxpayer" tells even where the flow's
        # description speaks of taxpayers
        return _negated_head(tokens, stems, telling_words(slot))
    positions = [stems.index(w) for w in dict.fromkeys(telling) if w in stems]
    needed = len(set(telling)) if len(set(telling)) <= 2 else 2
    if len(positions) < needed:
        return _negated_head(tokens, stems, telling_words(slot))
    first = min(positions)
    negated = _negated(tokens, first)
    said = " ".join(tokens[p] for p in sorted(positions))
    return Filled(not negated, f"says {said!r}" + (", negated" if negated else ""))


def _negated_head(
    tokens: Sequence[str], stems: Sequence[str], telling: Sequence[str]
) -> Filled | None:
    """A name of one or two telling words whose last one, the thing it is about, is denied:
    "couldn't find a bay" -> `parked_in_bay` false, "I'm not a taxpayer" -> `uk_taxpayer` false.
    Said without a negation, the head alone tells too little ("a seat" is no `window_seat`)."""
    if len(set(telling)) not in (1, 2) or telling[-1] not in stems:
        return None
    position = stems.index(telling[-1])
    if not _negated(tokens, position):
        return None
    return Filled(False, f"says {tokens[position]!r}, negated")


def _negated(tokens: Sequence[str], position: int) -> bool:
    before = tokens[max(0, position - _NEGATION_REACH) : position]
    further = tokens[max(0, position - _STOPPING_REACH) : position]
    return any(t in _NEGATIONS or t.endswith("n't") for t in before) or any(
        t in _STOPPING for t in further
    )


def _has_digit(word: str) -> bool:
    return any(c.isdigit() for c in word)


def _by_term(text: str, about: Sequence[str], request_words: frozenset[str]) -> Filled | None:
    """Two content words side by side in the slot's description or question, said side by side
    in the message ("first visit", "checked luggage"), neither of them a word of the flow's
    request nor one any yes/no slot uses: true, or false after a negation."""
    tokens = words(text)
    if not tokens or text.rstrip().endswith("?"):
        return None
    terms = {
        pair
        for said in about
        for pair in itertools.pairwise(stem(w) for w in words(said))
        if all(_telling(w, request_words) for w in pair)
    }
    stems = [stem(t) for t in tokens]
    for i, pair in enumerate(itertools.pairwise(stems)):
        if pair in terms:
            negated = _negated(tokens, i)
            said = f"{tokens[i]} {tokens[i + 1]}"
            return Filled(not negated, f"says {said!r}" + (", negated" if negated else ""))
    return None


def _telling(word: str, request_words: frozenset[str]) -> bool:
    return (
        word not in STOPWORDS
        and word not in _GENERIC
        and word not in request_words
        and len(word) > 2
        and not word.isdigit()
    )
