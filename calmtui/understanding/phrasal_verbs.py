"""English phrasal verbs said as the one verb a flow's description uses.

"send them back" is *return*, "sign up" is *register*, "it was dropped off" is *delivered*: the
meaning is in the verb and its particle together, and neither word alone finds the flow — "send"
even points to the wrong one ("Send an order to a different address"). Flow matching reads the
message with each phrasal verb replaced by its one-word verb, when the project uses that verb
(its vocabulary says so); otherwise the message is left as written.

The list is of everyday verbs of customer service, not of any project; the object may stand
between the verb and its particle ("send the jeans back"), up to `GAP` words. English only: in
another conversation language the message is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from calmtui.understanding.text import ANALYZER, stem, word_set

GAP = 3  # words allowed between a verb and its particle ("send the blue jeans back")


def _forms(*verbs: str) -> str:
    return "|".join(verbs)


_RETURNED = "|".join(
    word_set(
        "send sends sent sending take takes took taken taking bring brings brought bringing "
        "give gives gave given giving ship shipped post posted mail mailed"
    )
)
# (verb forms, particles, the one verb). Order matters: "call back" before "<verb> back".
_PHRASAL: tuple[tuple[str, str, str], ...] = (
    (_forms("call", "calls", "called", "calling", "ring", "rang", "phone"), "back", "callback"),
    (_RETURNED, "back", "return"),
    (_forms("sign", "signs", "signed", "signing"), "up", "register"),
    (
        _forms("hand", "hands", "handed", "handing", "turn", "turned", "send", "sent"),
        "in",
        "submit",
    ),
    (_forms("fill", "fills", "filled", "filling"), "in|out", "complete"),
    (_forms("drop", "drops", "dropped", "dropping"), "off", "deliver"),
    (_forms("pick", "picks", "picked", "picking"), "up", "collect"),
    (_forms("look", "looks", "looked", "looking"), "up", "find"),
    (_forms("find", "finds", "found", "finding"), "out", "check"),
    (_forms("hook", "hooked", "hooking"), "up", "connect"),
    (_forms("log", "logs", "logged", "logging"), "in|on", "login"),
    (_forms("put", "puts", "putting"), "through", "connect"),
)
_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (
        re.compile(
            rf"\b(?:{verbs})\b(?P<object>(?:\s+(?!(?:{particles})\b)[\w'-]+){{0,{GAP}}}?)"
            rf"\s+(?:{particles})\b",
            re.IGNORECASE,
        ),
        verb,
    )
    for verbs, particles, verb in _PHRASAL
)


def one_verb(text: str, known: Callable[[str], bool]) -> str:
    """The message with each phrasal verb whose one-word verb the project `known`s replaced by
    it ("send the jeans back" -> "return the jeans"); the message itself otherwise."""
    if ANALYZER.get() is not None:
        return text
    for pattern, verb in _RULES:
        if not known(stem(verb)):
            continue
        text = pattern.sub(lambda m, verb=verb: f"{verb}{m.group('object')}", text)
    return text
