"""A yes or a no said without the words yes or no: after a short remark ("perfect - no
thanks"), with the question's own verb ("I did", "we didn't"), said back with a subject and the
question's auxiliary ("they're not", "he does"), or hedged ("I think so", "probably not").

An LLM reads all of these as answers to a yes/no question; the offline generator tries them,
in this order, only after the plain yes/no words and the question's echo found nothing.
"""

from __future__ import annotations

import re

from calmtui.understanding import lexicon
from calmtui.understanding.slot_filling import Filled
from calmtui.understanding.text import word_set, words

# Words that open a reply without saying anything yet ("oh, they are", "hmm no").
OPENING_WORDS = word_set("ah oh wait hmm hm um erm er actually sorry oops ok okay right no well")


def yes_no_said(message: str, question: str) -> Filled | None:
    """The yes or no `message` says to `question` in one of the phrasings above, if any."""
    return (
        _after_a_remark(message)
        or _restated(message, question)
        or _said_back(message, question)
        or _thinks_so(message)
    )


def _after_a_remark(message: str) -> Filled | None:
    """ "oh amazing, yes please hold it!", "perfect - no thanks": a short remark, then the
    yes or no as the next clause."""
    parts = re.split(r"[,;:.!]|\s[-\u2013\u2014]\s", message.strip(), maxsplit=1)
    if len(parts) < 2 or not 0 < len(words(parts[0])) <= _REMARK_WORDS:
        return None
    rest = words(parts[1])
    answer = lexicon.yes_no(rest) if lexicon.starts_with_yes_or_no(rest) else None
    if answer is None:
        return None
    return Filled(answer[0], f"yes/no phrasing after the remark {parts[0].strip()!r}")


_REMARK_WORDS = 3
# A yes/no question's opening and the words that answer it back: "Did you ...?" - "I did".
_ASKED_BY = {
    "did": "did", "do": "do", "have": "have", "are": "am", "were": "was", "will": "will",
    "would": "would", "can": "can", "could": "could",
}  # fmt: skip
_UNSURE = word_set("know remember recall think sure idea mind")
_NEGATED_AFTER = re.compile(r"^(?:n'?t|\s+not|\s+never)\b", re.IGNORECASE)


def _restated(message: str, question: str) -> Filled | None:
    """ "I'm afraid I did give them my bank details" at "Did you give them any bank details?":
    the user answers with the question's own verb — a yes, or a no when negated ("we didn't")."""
    if message.strip().endswith("?"):
        return None
    opening = re.search(r"(?:^|[.!?]\s+)(\w+)\s+you\b", question, re.IGNORECASE)
    said = _ASKED_BY.get(opening.group(1).lower()) if opening is not None else None
    if said is None:
        return None
    text = message.replace("\u2019", "'")
    found = re.search(rf"\b(?:i|we)\s+(?:really\s+|actually\s+|definitely\s+)?{said}", text, re.I)
    if found is None:
        return None
    after = text[found.end() :]
    if re.match(r"^\w", after) and not re.match(r"^n'?t\b", after, re.IGNORECASE):
        return None  # "I doubt", "we haven't"... only the verb itself
    negated = _NEGATED_AFTER.match(after) is not None
    following = words(after)
    if following[:1] in (["to"], ["no"]) or set(following[:3]) & _UNSURE:
        return None  # "I have to check", "I have no idea", "I do not remember"
    return Filled(not negated, f"answers with the question's verb {said!r}")


# The auxiliaries a yes/no question opens with, by family: "Are the frames broken?" is answered
# "they are" / "they're not", "Does he need ...?" "he does" / "he doesn't".
_AUXILIARY_FAMILY = {
    **dict.fromkeys(("is", "are", "was", "were", "am", "'s", "'re", "'m"), "be"),
    **dict.fromkeys(("do", "does", "did"), "do"),
    **dict.fromkeys(("has", "have", "had", "'ve"), "have"),
    **dict.fromkeys(("will", "'ll"), "will"), **dict.fromkeys(("would", "'d"), "would"),
    "can": "can", "could": "could", "should": "should",
}  # fmt: skip
_NEGATED_AUXILIARY = {
    "isn't": "be", "aren't": "be", "wasn't": "be", "weren't": "be", "don't": "do",
    "doesn't": "do", "didn't": "do", "hasn't": "have", "haven't": "have", "hadn't": "have",
    "won't": "will", "wouldn't": "would", "can't": "can", "cannot": "can", "couldn't": "could",
    "shouldn't": "should",
}  # fmt: skip
_PRONOUN_ANSWER = re.compile(
    r"^(?P<subject>i|we|he|she|it|they|you|that|there)\b\s*(?P<aux>'s|'re|'m|'ve|'ll|'d|\w+n't|\w+)"
    r"(?P<negation>\s+not\b|\s+never\b)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_FUNCTION_WORDS = word_set(
    "a an the my your his her their our its this that in on at to for of with by from as so"
)
_HEDGE = re.compile(
    r"^(?:(?:i'?m\s+|i\s+am\s+)?(?:pretty|fairly|quite|almost)\s+sure"
    r"|i\s+(?:think|believe|guess|reckon)|probably|i'?m\s+sure)[,\s]+",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"^\s*(?:[,;:.!\u2013\u2014-]|$)")


def _said_back(message: str, question: str) -> Filled | None:
    """ "they're not, just loose" at "Are the frames broken?", "he does, twice a day" at "Does
    Rex need any medication?", "it isn't" at "Is the shop still open?": a subject and the
    question's own auxiliary, negated or not — the clause ends there or goes on with a word of
    the question ("they are broken at the hinge"), as "they are closed" does not."""
    if message.strip().endswith("?"):
        return None
    opening = re.search(r"(?:^|[.!?]\s+)(\w+)\s", question.strip())
    family = _AUXILIARY_FAMILY.get(opening.group(1).lower()) if opening is not None else None
    if family is None:
        return None
    text = _HEDGE.sub("", message.replace("\u2019", "'").strip())  # "pretty sure it is"
    said = words(text)
    while said and said[0] in OPENING_WORDS and said[0] not in ("no", "right", "ok", "okay"):
        said = said[1:]  # "oh, they are"
    start = re.search(rf"\b{re.escape(said[0])}", text, re.IGNORECASE) if said else None
    found = _PRONOUN_ANSWER.match(text[start.start() :]) if start is not None else None
    if found is None:
        return None
    aux = found["aux"].lower()
    negated = aux in _NEGATED_AUXILIARY or found["negation"] is not None
    if (_NEGATED_AUXILIARY.get(aux) or _AUXILIARY_FAMILY.get(aux)) != family:
        return None
    rest = found["rest"]
    if not _CLAUSE_END.match(rest):
        clause = re.split(r"[,;:.!]|\s[-\u2013\u2014]\s", rest, maxsplit=1)[0]
        said_words = words(clause)
        if (
            not said_words
            or said_words[0] in _FUNCTION_WORDS
            or said_words[0] not in words(question)
        ):
            return None  # "they are closed on Mondays": says something else
    verb = found.group("aux")
    return Filled(
        not negated, f"says the question's {verb!r} back" + (", negated" if negated else "")
    )


# "I think so", "I hope not": a yes or a no, hedged.
_THINKS_SO = re.compile(
    r"^(?:(?:um|erm|hmm|well|yes|yeah|no)[,\s]+)?(?:(?:i|we)\s+(?:think|believe|hope|reckon"
    r"|expect|imagine|suppose|guess)\s+(?P<answer>so|not)\b"
    r"|(?:probably|hopefully|presumably)(?P<hedged>\s+not)?)[\s,.!]*(?:yes|yeah|no)?[.!]*$",
    re.IGNORECASE,
)


def _thinks_so(message: str) -> Filled | None:
    """ "I think so" and "probably" are a yes, "I believe not" and "probably not" a no."""
    found = _THINKS_SO.match(message.strip())
    if found is None:
        return None
    value = (found["answer"] or "so").lower() == "so" and found["hedged"] is None
    return Filled(value, f"{'a yes' if value else 'a no'}, hedged")
