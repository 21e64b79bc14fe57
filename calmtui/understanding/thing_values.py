"""The thing a request is about, for a text slot that names a thing: "refill my metformin" ->
medication_name "metformin", "I need photoshop installed" -> sw_name "photoshop".

An LLM reads such values from the request that starts a flow; words alone cannot tell a
medicine from a verb. Here the candidates are the runs of the message's own words — what is
left once function words, the flow's request words ("refill", "install", "return"), vague
words ("something", "stuff") and the values already taken (dates, references, names) are
removed. A thing is usually named right after a determiner ("my metformin", "a jacket", "the
trail shoes"), so the first such run is taken; without one, the only run there is. A verb form
that ends a run is left out ("my monitor died" -> "monitor"). The embedded model does not help
here: it knows common words, not the names of medicines or products.
"""

from __future__ import annotations

import re

from calmtui.understanding.slot_filling import Filled
from calmtui.understanding.text import STOPWORDS, content_tokens, stem, word_set

MAX_RUN = 4
# Words that name no particular thing.
_VAGUE = word_set(
    """
    something something's anything nothing stuff thing things one ones item items everything
    help hi hello thanks thank please sort way lot bit kind sure right now today new old
    someone somebody anyone guys hey yeah yes nope nah also again soon asap quickly
    near around via about behind outside inside across along past towards toward within
    without between beside opposite
    problem problems issue issues question questions query enquiry request matter
    ok okay well hmm um uh erm actually basically anyway alright
    """
)
# A thing is usually named right after one of these ("refill my metformin").
_DETERMINERS = word_set("my the a an some our your his her their this that these those")
_TOKEN = re.compile(r"[A-Za-z0-9][\w'&+-]*")


def runs(text: str, flow_words: frozenset[str]) -> tuple[list[str], list[str]]:
    """Runs of the message's own words (see the module docstring): those right after a
    determiner, and all of them."""
    after_determiner: list[str] = []
    every: list[str] = []
    current: list[str] = []
    led = False
    previous = ""
    previous_word = ""
    last_end = 0
    for match in _TOKEN.finditer(text):
        word = match.group(0)
        lower = word.lower()
        free = (
            lower not in STOPWORDS
            and not lower.endswith("n't")  # "isn't working" names no thing
            and lower not in _VAGUE
            and stem(lower) not in flow_words
            and not lower.isdigit()
        )
        joined = not text[last_end : match.start()].strip()  # only spaces in between
        if current and (not free or not joined):
            _close(current, led, after_determiner, every)
            current = []
        if free:
            if not current:
                led = previous in _DETERMINERS and joined
                if led and previous_word == "The" and match.start() > 4 and word[:1].isupper():
                    current.append(previous_word)  # a title keeps its article: "The Hobbit"
            current.append(word)
        previous = lower
        previous_word = word
        last_end = match.end()
    if current:
        _close(current, led, after_determiner, every)
    return after_determiner, every


def _close(words: list[str], led: bool, after_determiner: list[str], every: list[str]) -> None:
    """A run ends; a verb form that ends it ("my monitor died") is not part of the thing."""
    while words and len(words[-1]) > 3 and words[-1].lower().endswith("ed"):  # not "red"
        words = words[:-1]
    if not words:
        return
    text = " ".join(words[:MAX_RUN])
    every.append(text)
    if led:
        after_determiner.append(text)


_EXAMPLES = re.compile(
    r"\(([^()]*)\)|\b(?:e\.g\.|for example|such as|like)\s+([^.;:()]*)", re.IGNORECASE
)


def example_words(description: str) -> frozenset[str]:
    """Words a description gives as examples ("faulty hardware (monitor, dock, keyboard)"):
    things a user may name, not words that ask for the flow."""
    found = " ".join(m.group(1) or m.group(2) or "" for m in _EXAMPLES.finditer(description))
    return frozenset(content_tokens(found))


def example_names(description: str) -> list[str]:
    """The names a description gives as examples ("the stylist (Mia, Jonas or Priya)")."""
    found = " ".join(m.group(1) or m.group(2) or "" for m in _LISTS.finditer(description))
    names = re.findall(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*", found)
    return [n for n in names if n.lower() not in STOPWORDS]


def shows_digits(description: str) -> bool:
    """Are all the examples the description gives written with digits ("the tax year, e.g.
    2024/25")? Then a value without digits is none of its kind ("my tax docs")."""
    found = [m.group(1) or m.group(2) or "" for m in _LISTS.finditer(description)]
    return bool(found) and all(any(c.isdigit() for c in f) for f in found)


# Examples given in parentheses or after "e.g." ("like" also opens "would you like to").
_LISTS = re.compile(r"\(([^()]*)\)|\b(?:e\.g\.|for example|such as)\s+([^.;:()]*)", re.I)


def thing_value(text: str, flow_words: frozenset[str]) -> Filled | None:
    """The thing the message names: the first run right after a determiner, else the only run."""
    after_determiner, every = runs(text, flow_words)
    if after_determiner:
        return Filled(
            after_determiner[0], f"the thing {after_determiner[0]!r} (after a determiner)"
        )
    if len(every) == 1 and not _in_verb_position(text, every[0]):
        return Filled(every[0], f"the thing {every[0]!r} (the only words of its own)")
    return None


# After these a word is a verb ("can you ping me", "I want to renew"), not a thing.
_VERB_CUES = word_set("to you can could would will please i we let's lets")


def _in_verb_position(text: str, run: str) -> bool:
    """Does the run open the message or follow, with only a space, a word after which a verb
    comes ("can you ping me"; not "please: lasagne x2")?"""
    tokens = list(_TOKEN.finditer(text))
    first = run.split()[0]
    for i, token in enumerate(tokens):
        if token.group(0) != first:
            continue
        if i == 0:
            return True
        previous = tokens[i - 1]
        joined = not text[previous.end() : token.start()].strip()
        return joined and previous.group(0).lower() in _VERB_CUES
    return False
