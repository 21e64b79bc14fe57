"""Conversation-repair phrasing the offline generator recognises without any model.

Each detector takes the message's words (`text.words`) and answers a narrow question: does this
read as "cancel", "skip", "say that again", "let me talk to a human", small talk, yes/no, or a
correction ("actually make it 80")? The lists are deliberately short and literal; a project that
needs more phrasing adds `metadata.examples` to its flows, or uses an LLM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from calmtui.understanding.text import content_tokens, word_set, words

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})

# Words that may surround an otherwise recognised phrase without changing it.
FILLERS = word_set("please pls plz thanks now then just ok okay oh um uh hmm well so")

_CANCEL_PHRASES = frozenset(
    {
        "cancel", "stop", "abort", "quit", "never mind", "nevermind", "forget it",
        "forget about it", "forget that", "cancel that", "cancel it", "cancel this", "stop it",
        "stop that", "stop this", "i changed my mind", "changed my mind", "don't bother",
        "i don't want to do this", "i don't want this anymore", "leave it", "scratch that",
    }
)  # fmt: skip
# "stop, I don't want to pay now": a cancel phrase as the first clause of a longer message.
CLAUSE_BREAK = re.compile(r"[,;:.!?]|\s[-\u2013\u2014]\s")
_CANCEL_WORDS = ("cancel", "never mind", "nevermind", "forget it", "abort", "changed my mind")
_SKIP_PHRASES = frozenset(
    {
        "skip", "skip it", "skip this", "skip that", "skip this question", "skip the question",
        "next question", "pass", "i don't know", "don't know", "dont know", "i dont know",
        "dunno", "no idea", "i have no idea", "not sure", "i'm not sure", "i am not sure",
        "rather not say", "i'd rather not say", "i'd rather not",
    }
)  # fmt: skip
_REPEAT_PHRASES = frozenset(
    {
        "repeat", "repeat that", "repeat it", "repeat please", "say that again", "say it again",
        "can you say that again", "could you say that again", "can you repeat that",
        "could you repeat that", "come again", "what did you say", "pardon", "pardon me",
        "sorry what", "what was that", "again please", "one more time",
    }
)  # fmt: skip
_QUESTION_WORDS = word_set(
    "what what's whats how how's when where where's why which who who's whom whose "
    "can could do does did is are was were will would should may"
)
_HANDOFF_NOUNS = word_set("human agent person operator representative someone somebody staff")
_HANDOFF_VERBS = word_set("talk speak connect chat transfer put get want need")
_GREETINGS = frozenset(
    {
        "hi", "hello", "hey", "hey there", "hi there", "hello there", "howdy", "yo",
        "good morning", "good afternoon", "good evening", "morning", "greetings",
    }
)  # fmt: skip
_THANKS = frozenset(
    {"thanks", "thank you", "thx", "cheers", "thanks a lot", "thank you very much", "great thanks"}
)
_SMALL_TALK = frozenset(
    {
        "bye", "goodbye", "see you", "see you later", "how are you", "how are you doing",
        "how's it going", "what's up", "who are you", "are you a bot", "are you human",
        "you're great", "nice", "cool", "great", "awesome", "lol", "haha",
    }
)  # fmt: skip
# Asking the assistant to wait: no request, and never an answer ("hold on" is not a request to
# hold a table, "one moment please" is not one guest).
_HOLD = frozenset(
    {
        "hold on", "hang on", "one sec", "one second", "one moment", "just a sec",
        "just a second", "just a moment", "just a minute", "give me a sec", "give me a second",
        "give me a moment", "give me a minute", "wait a sec", "wait a second", "wait a moment",
        "wait a minute", "bear with me", "hold on a sec", "hang on a sec", "hold on a second",
        "hang on a second", "hold on a moment", "hang on a moment",
    }
)  # fmt: skip
# Asking what the assistant can do: at a question, a digression (the capabilities flow, or the
# chit-chat pattern), never an answer.
_HELP = frozenset(
    {
        "help", "help me", "help please", "i need help", "can you help me", "can you help",
        "what can you do", "what else can you do", "what can i do", "what are my options",
        "what are the options", "options", "menu", "show me the menu", "what do you do",
        "how does this work", "what can you help me with", "what can you help with",
    }
)  # fmt: skip
_YES_PHRASES = frozenset(
    {
        "yes", "y", "yeah", "yea", "yep", "yup", "sure", "ok", "okay", "of course",
        "definitely", "absolutely", "correct", "right", "that's right", "that is right",
        "that's correct", "that is correct", "affirmative", "please do", "go ahead", "do it",
        "sounds good", "true", "yes please", "indeed", "certainly", "alright", "all right",
        "perfect", "confirm", "confirmed", "exactly", "i do", "it is", "it was", "yes it was",
        "yes it is", "go for it", "let's do it", "why not", "i'd like that", "sure thing",
        "fine", "that's fine", "that is fine", "i guess so", "i suppose so", "i suppose",
        "proceed", "please proceed", "i agree", "agreed", "i would", "yes i would",
        "i'd love to", "i'd love that", "i have", "yes i have", "i am", "yes i am", "we are",
        "yes we are", "we do", "yes we do", "i did", "yes i did", "do that", "do so",
    }
)  # fmt: skip
_NO_PHRASES = frozenset(
    {
        "no", "n", "nope", "nah", "not really", "no thanks", "no thank you", "not now",
        "negative", "false", "don't", "do not", "no way", "never", "not at all",
        "i don't think so", "wrong", "incorrect", "absolutely not", "not yet", "it wasn't",
        "it was not", "it isn't", "it is not", "no it wasn't", "no it isn't", "i don't",
        "i do not", "no need", "nothing", "nothing else", "that's all", "that is all",
        "i'm good", "i'm done", "all good", "not needed",
        "maybe later", "not this time", "i do not think so", "i would not",
        "i wouldn't", "no i wouldn't", "i'd rather not", "rather not", "i have not",
        "i haven't", "no i haven't", "i am not", "i'm not", "no i'm not", "we are not",
        "we aren't", "we don't", "i did not", "i didn't", "no i didn't", "not interested",
        "don't bother",
    }
)  # fmt: skip
# Answers that may open a longer reply ("that's right, send it", "not really, I'm fine").
_YES_OPENERS = frozenset(
    {"that's right", "that is right", "that's correct", "that is correct", "sounds good",
     "go ahead", "of course", "please do", "yes please", "sure thing"}
)  # fmt: skip
_NO_OPENERS = frozenset({"not really", "no thanks", "no thank you", "not now", "not yet"})
_NOT_NO = word_set("sure only just bad quite")  # "not sure", "not only ...": no answer
_YES_FIRST = word_set(
    "yes yeah yea yep yup sure ok okay absolutely definitely correct perfect great"
)
_NO_FIRST = word_set("no nope nah")
# A short reply that ends with its answer ("hmm that's too pricey, no"), or says that something
# worked ("that worked, thanks!") / still does not ("still the same").
_YES_LAST = word_set("yes yeah yep yup please")
_NO_LAST = word_set("no nope nah")
_SUCCESS = word_set("worked works working fixed sorted solved resolved")
_NEGATIONS = word_set(
    "not no never still nothing isn't wasn't doesn't didn't hasn't won't can't "
    "isnt wasnt doesnt didnt hasnt wont cant dont don't"
)
_STILL_BROKEN = ("still the same", "still not", "still broken", "didn't work", "did not work")
_SHORT_REPLY = 8
_HEDGES = word_set("actually hmm hm ah wait erm er honestly")

# "actually ...", "I meant ...", "make it ...", "change the amount to ...", "... instead".
_CORRECTION_MARKER = re.compile(
    r"\b(actually|i\s+meant|i\s+mean|meant|make\s+it|make\s+that|change\s+it\s+to|"
    r"change\s+that\s+to|it\s+should\s+be|should\s+be|rather|instead|correction|"
    r"(?:change|update|set|switch)\s+(?:the\s+|my\s+)?[\w ]+?\s+to)\b",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?:\s*(?:no|nope|sorry|oh|oops|wait|hmm|um|uh|well|actually|i\s+meant|i\s+mean|meant|it's|"
    r"make\s+it|make\s+that|change\s+it\s+to|change\s+that\s+to|it\s+should\s+be|should\s+be|"
    r"rather|correction|please)\b[\s,.:;!-]*)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:[\s,.!]*\b(?:instead|please|then|actually|thanks)\b)+[\s,.!?]*$", re.IGNORECASE
)
# "the grey hoodie, not the blue one": a correction only if a slot holds what is contradicted.
_CONTRAST = re.compile(r",\s*not\s+(?:the|my|a|an|that|this)\b", re.IGNORECASE)
_WRONG = re.compile(
    r"\bwrong\s+(?P<slot>[a-z][\w ]{0,20}?)\s*(?:[-,:;.!]+\s*|\s(?=it))"
    r"(?:it'?s\s+|it\s+is\s+|should\s+be\s+|is\s+)?(?P<value>\S.*)$",
    re.IGNORECASE,
)
_CHANGE_TO = re.compile(
    r"\b(?:change|update|set|switch|make)\s+(?:the\s+|my\s+)?(?P<slot>[\w ]+?)\s+to\s+(?P<value>.+)$",
    re.IGNORECASE,
)
_IS_VALUE = re.compile(
    r"^(?:the\s+|my\s+)?(?P<slot>[a-z][\w ]{0,30}?)\s+(?:is|should\s+be|was)\s+(?P<value>.+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Correction:
    """A correction: the value text, and the words that name the slot if the user said them."""

    value: str
    slot_words: str | None = None
    contrast: bool = False  # only "X, not Y" says so: Y must be a value the flow holds


# Contractions typed without their apostrophe ("dont", "thats right", "lets do it").
_UNAPOSTROPHED = {
    w.replace("'", ""): w
    for w in [
        "don't",
        "doesn't",
        "didn't",
        "isn't",
        "wasn't",
        "won't",
        "can't",
        "couldn't",
        "wouldn't",
        "shouldn't",
        "haven't",
        "hasn't",
        "aren't",
        "that's",
        "it's",
        "let's",
        "i'm",
        "i've",
        "what's",
        "there's",
    ]
}


def _core(words: list[str]) -> str:
    """The message without filler words at either end (all of it when it is only fillers)."""
    words = [_UNAPOSTROPHED.get(w, w) for w in words]
    if len(words) > 2 and words[-2:] == ["thank", "you"]:
        words = words[:-2]
    start, end = 0, len(words)
    while start < end and words[start] in FILLERS:
        start += 1
    while end > start and words[end - 1] in FILLERS:
        end -= 1
    return " ".join(words[start:end] if start < end else words)


# The words that make a message a repair request (stemmed as `text.content_tokens` does).
REPAIR_STEMS = word_set("cancel stop abort quit forget drop scrap ditch skip repeat")
# "forget the flight", "forget about my booking": dropping what is under way.
_FORGET = re.compile(r"^(?:forget|drop|scrap|ditch)\s+(?:about\s+)?(?:the|my|this|that)\s+\w+$")


def is_cancel(words: list[str]) -> bool:
    core = _core(words)
    if core in _CANCEL_PHRASES or _FORGET.match(core):
        return True
    joined = " ".join(words)
    return len(words) <= 8 and any(f" {w} " in f" {joined} " for w in _CANCEL_WORDS)


def cancels_first(text: str) -> bool:
    """'Stop, I don't want to pay now', 'never mind - I'll call you': the first clause cancels."""
    parts = CLAUSE_BREAK.split(text.strip(), maxsplit=1)
    if len(parts) < 2 or not parts[1].strip():
        return False
    said = words(parts[0])
    while len(said) > 1 and said[0] in _HEDGES:
        said = said[1:]  # "actually never mind, I still have a few left"
    return _core(said) in _CANCEL_PHRASES


def cancels_last(text: str) -> bool:
    """ "ugh, I don't have it with me, forget it": the last clause cancels."""
    parts = CLAUSE_BREAK.split(text.strip().rstrip(".!"))
    if len(parts) < 2:
        return False
    last = _core(words(parts[-1]))
    return last in _CANCEL_PHRASES and last not in ("stop", "quit", "cancel")


# Saying that something planned or owned is no longer wanted: "we can't make it tonight
# anymore", "I don't want my order anymore", "I won't be able to make it to my visit".
_WITHDRAWS = re.compile(
    r"\b(?:can'?t|cannot|won'?t(?:\s+be\s+able\s+to)?|not\s+going\s+to|unable\s+to)\s+"
    r"make\s+it\b"
    r"|\b(?:don'?t|do\s+not)\s+(?:want|need)\b.*\bany\s?more\b"
    r"|\bno\s+longer\s+(?:want|need)\b"
    r"|\b(?:can'?t|cannot)\s+\w+\s+any\s?more\b",
    re.IGNORECASE,
)


# A request that does not say what it is about: "I need to change something on my policy", "I
# want to make a change to my order", "I have a few changes to my booking".
_VAGUE = re.compile(
    r"\b(?:change|update|modify|amend|fix|sort)\s+(?:something|some\s+things|a\s+few\s+things)\b"
    r"|\b(?:something|anything)\s+(?:on|with|about|in|to)\s+(?:my|our|the)\b"
    r"|\b(?:a|some|few|couple\s+of)\s+changes?\s+(?:to|on|in|with)\b",
    re.IGNORECASE,
)
# The verbs of such a request: they name no flow by themselves.
VAGUE_VERBS = frozenset({"change", "update", "modify", "amend", "fix", "sort", "make"})


def is_vague_request(text: str) -> bool:
    """Does the message ask for a change without saying which ("change something on my
    policy")? Then the flows it may mean are offered, not the first that shares a verb."""
    return _VAGUE.search(text.translate(_APOSTROPHES)) is not None


def withdraws(text: str) -> bool:
    """Does the message say that something is no longer wanted (a request to cancel it, in
    other words)? Not a conversation repair: "cancel" is added to the words that look for a
    flow, so a project's cancel flow can match."""
    return _WITHDRAWS.search(text.translate(_APOSTROPHES)) is not None


# Giving up what is being done right now: "I don't want to do this anymore", "I don't want to
# continue", "I'd rather not go on with it". "this", "it", "continue" point at the running flow,
# not at one of the user's things ("I don't want my order anymore" asks a cancel flow).
_QUITS = re.compile(
    r"\b(?:don'?t|do\s+not|no\s+longer|not)\s+(?:want|wish|need)\s+to\s+"
    r"(?:do\s+(?:this|it|that)|continue|go\s+on|carry\s+on|proceed|finish\s+(?:this|it))\b"
    r"|\b(?:don'?t|do\s+not)\s+want\s+(?:this|it|that)\s+any\s?more\b"
    r"|\b(?:rather|prefer)\s+not\s+(?:to\s+)?(?:continue|go\s+on|proceed|do\s+(?:this|it))\b",
    re.IGNORECASE,
)


def quits_current(text: str) -> bool:
    """Does the message give up what is being done now ("I don't want to do this anymore")?"""
    return _QUITS.search(text.translate(_APOSTROPHES)) is not None


# Asking what may be answered, while a question with options is asked: "what are the options?",
# "what options are there", "which ones can I choose from?".
_ASKS_OPTIONS = re.compile(
    r"^\s*(?:so\s+|and\s+|um+\s+|hmm+\s+)?(?:what|which)\s+(?:are\s+)?(?:the\s+|my\s+|your\s+)?"
    r"(?:options|choices|ones)\b"
    r"|^\s*what\s+(?:options|choices)\s+(?:are\s+there|do\s+i\s+have|have\s+i\s+got)\b"
    r"|^\s*what\s+can\s+i\s+(?:choose|pick|select)\b"
    r"|^\s*(?:which|what)\s+(?:ones?\s+)?(?:can|do)\s+i\s+(?:choose|pick)\s+from\b"
    r"|^\s*(?:what|which)\s+(?:are\s+)?(?:the\s+)?(?:options|choices)\s+again\b",
    re.IGNORECASE,
)


def asks_for_options(text: str) -> bool:
    """Does the message ask which answers there are ("what are the options?")?"""
    return _ASKS_OPTIONS.search(text.translate(_APOSTROPHES)) is not None


# Saying any answer will do: "I don't mind", "either is fine", "whatever is free".
_INDIFFERENT = re.compile(
    r"^\s*(?:(?:oh|um+|hmm+|well|honestly|tbh)[\s,]+)?"
    r"(?:i\s+)?(?:(?:do\s+not|don'?t|dont)\s+(?:mind|care)|(?:it\s+)?(?:does\s+not|doesn'?t|doesnt)\s+"
    r"matter|no\s+preference|not\s+fussed|either(?:\s+(?:one|way))?|any(?:\s+(?:one|of\s+them))?"
    r"|whatever|whichever|up\s+to\s+you|you\s+(?:choose|pick|decide)|surprise\s+me|no\s+matter)"
    r"(?:[\s,]+(?:is|are|would\s+be|will\s+do|works?)?\s*(?:fine|ok|okay|good|great|free|available|"
    r"really|at\s+all|either\s+way|thanks|thank\s+you|please|one|of\s+them|to\s+me|is\s+fine)?)*"
    r"[\s.!]*$",
    re.IGNORECASE,
)
# Categorical values that mean "any will do".
_ANY_VALUES = frozenset(
    {"no preference", "any", "either", "flexible", "anytime", "any time", "anywhere",
     "whichever", "no matter", "dont mind", "doesnt matter", "not fussed", "whatever",
     "any available", "first available"}
)  # fmt: skip


def is_indifferent(text: str) -> bool:
    """Does the whole message say that any answer will do?"""
    return _INDIFFERENT.match(text.translate(_APOSTROPHES)) is not None


def means_any(value: str) -> bool:
    """Is a categorical value (its words) the one for "any will do" ("no_preference", "any")?"""
    return " ".join(words(value.replace("_", " ").replace("'", ""))) in _ANY_VALUES


_ABOUT_A_VALUE = re.compile(r"^\s*(?:what|how)\s+about\b|^\s*what\s+if\b", re.IGNORECASE)


def asks_wh_question(text: str) -> bool:
    """A wh-question about something ("what does physiotherapy mean?", "which is cheaper?"):
    asking, not answering — unlike "what about Friday?" / "how about video?", which offer a
    value."""
    tokens = words(text)
    return (
        len(tokens) >= 2
        and tokens[0] in _WH_WORDS
        and _ABOUT_A_VALUE.match(text.translate(_APOSTROPHES)) is None
        and question_kind(text) == "information"
    )


# Asking how something stands: "where's my claim at?", "what's happening with my flight",
# "any news on INC0012345?", "has my order shipped?".
_ASKS_STATUS = re.compile(
    r"\b(?:where(?:'s|\s+is|\s+are)\s+(?:my|our|the)\b|what'?s\s+happening\s+with\b"
    r"|any\s+(?:news|updates?|word)\s+(?:on|about|with)\b|what'?s\s+the\s+status\b"
    r"|(?:has|have)\s+(?:my|our|the)\s+[\w ]{1,30}?\s+(?:been|arrived|shipped|come)\b"
    r"|what'?s\s+(?:my|our|the)\s+[\w ]{1,30}?\s+looking\s+like\b"
    r"|how(?:'s|\s+is|\s+are)\s+(?:my|our)\s+[\w ]{1,30}?\s+(?:looking|doing|going)\b"
    r"|(?:show|let)\s+me\s+(?:see\s+)?(?:my|our)\b|can\s+i\s+see\s+(?:my|our)\b"
    r"|how\s+long\s+(?:until|till|before|will)\s+(?:my|our|the)\b"
    r"|when\s+(?:is|are|will|does|do)\s+(?:my|our|the)\s+[\w ]{1,30}?\s+(?:com(?:e|ing)"
    r"|arriv(?:e|ing)|get(?:ting)?\s+here|be\s+(?:here|ready|delivered|done|back|fixed)|ready|due)\b"
    r"|(?:is|are)\s+(?:my|our|the)\s+[\w ]{1,30}?\s+on\s+(?:its|their|the)\s+way\b"
    # whether it is ready or still coming: "is my order ready yet?", "is my cleaner still coming?"
    r"|(?:is|are|isn't|aren't)\s+(?:my|our|the)\s+[\w' -]{1,30}?\s+(?:ready|done|finished"
    r"|still\s+(?:coming|on|happening)|coming|arriving|running\s+late|delayed)\b)",
    re.IGNORECASE,
)


def asks_status(text: str) -> bool:
    """Does the message ask how something stands (a status question)? Then "status" and
    "check" join the words that look for a flow."""
    return _ASKS_STATUS.search(text.translate(_APOSTROPHES)) is not None


def is_question(text: str) -> bool:
    """A question ('How long does delivery take?', 'before I book, is my flight on time?'):
    a '?' at the end and a question word first — in the message or in its last clause."""
    stripped = text.strip()
    if not stripped.endswith("?"):
        return False
    tokens = words(stripped)
    if tokens and tokens[0] in _QUESTION_WORDS:
        return True
    last = words(CLAUSE_BREAK.split(stripped.rstrip("?"))[-1])
    return bool(last) and last[0] in _QUESTION_WORDS


_WH_WORDS = word_set("what what's whats how how's when where where's why which who who's")


def asks_something(text: str) -> bool:
    """A question even without its '?' ("what can you do"): a wh-word and more words, or any
    question word first and a '?' at the end. Names and other short answers are not."""
    if text.strip().endswith("?"):
        return is_question(text)
    tokens = words(text)
    return len(tokens) >= 2 and tokens[0] in _WH_WORDS


# Words that make a question about the user's own things ("where is my order?"): a request for a
# flow that looks it up, not a question for the knowledge base.
_PERSONAL = word_set("my me mine our ours myself i'm i've i'd")
_AUXILIARIES = word_set("do does did is are was were will can could would should may have has")
# "is there parking", "do you ship to Canada", "can I pay by card": an auxiliary, then a subject.
_SUBJECTS = word_set("you there it the they we i this that your any")
# "can you reset ...", "could I get ...": requests written as questions.
_REQUEST_MODALS = word_set("can could would will may")
_REQUEST_SUBJECTS = word_set("you i we")


def question_kind(text: str) -> str | None:
    """What kind of question the message is, with or without its '?':

    * 'information' — about the business or the world ("what are your opening hours",
      "do you ship to Canada?", "is there parking"): a knowledge base answers it;
    * 'request' — about the user's own things or a request phrased as a question ("where is my
      order?", "can you reset my password", "could I get a refund?"): a flow should;
    * None — not a question ("I want to return a jacket").
    """
    tokens = words(text)
    if not tokens:
        return None
    aux_question = (
        len(tokens) >= 3 and tokens[0] in _AUXILIARIES and tokens[1] in _SUBJECTS
    )  # "do you ship to Canada" needs no '?'
    if not (is_question(text) or asks_something(text) or aux_question):
        return None
    if _PERSONAL & set(tokens):
        return "request"
    if tokens[0] in _REQUEST_MODALS and len(tokens) > 1 and tokens[1] in _REQUEST_SUBJECTS:
        return "request"
    return "information"


# Text slots that may well be answered with a question ("what is your question?").
_FREE_TEXT_WORDS = word_set(
    "question questions query message feedback comment comments issue problem reason details "
    "description note notes request text answer topic concern"
)


def expects_free_text(*labels: str | None) -> bool:
    """Do the slot's name or descriptions say that any sentence, a question included, fits?"""
    return any(t in _FREE_TEXT_WORDS for label in labels if label for t in words(label))


def is_skip(words: list[str]) -> bool:
    return _core(words) in _SKIP_PHRASES


def is_repeat(words: list[str]) -> bool:
    return _core(words) in _REPEAT_PHRASES


def is_handoff(words: list[str]) -> bool:
    """'talk to a human', 'a real person please', 'agent'."""
    nouns = [w for w in words if w in _HANDOFF_NOUNS]
    if not nouns or len(words) > 12:
        return False
    if len(words) <= 3:
        return True
    return any(w in _HANDOFF_VERBS for w in words) or "real" in words


_ECHO_WORDS = 4  # an echo of the question is short ("go on then, send it")


def echoes_question(message: str, question: str) -> bool | None:
    """A short reply that repeats the yes/no question's own words, "send it" at "Shall I send
    it?" / "book it" at "Would you like me to book it?": True (a yes), False when negated
    ("don't send it"), None when it says anything else. `question`: the question as written,
    placeholders taken out, so that a value it shows ("to Anna?") is no echo."""
    if message.strip().endswith("?"):
        return None
    said = content_tokens(message)
    if not said or len(said) > _ECHO_WORDS or not set(said) <= set(content_tokens(question)):
        return None
    return not (_NEGATIONS & set(words(message)))


def phrase_words() -> frozenset[str]:
    """Every word of the phrasing above (yes/no, cancel, thanks, ...): the closed words of
    conversation, for putting misspellings right (`spelling`)."""
    groups = (
        _CANCEL_PHRASES, _SKIP_PHRASES, _REPEAT_PHRASES, _GREETINGS, _THANKS, _SMALL_TALK,
        _HOLD, _HELP, _YES_PHRASES, _NO_PHRASES, _YES_OPENERS, _NO_OPENERS, FILLERS, _HEDGES,
        _SUCCESS,
    )  # fmt: skip
    return frozenset(
        w for group in groups for phrase in group for w in words(phrase) if w.isalpha()
    )


def small_talk_kind(words: list[str]) -> str | None:
    """'greeting', 'thanks', 'small talk' or 'asks for help' for short social messages."""
    core = _core(words)
    if core in _GREETINGS:
        return "greeting"
    if core in _THANKS or " ".join(words) in _THANKS:
        return "thanks"
    if core in _SMALL_TALK:
        return "small talk"
    if core in _HOLD:
        return "asks to wait"
    if core in _HELP:
        return "asks for help"
    return None


def yes_no(words: list[str]) -> tuple[bool, bool] | None:
    """(value, whole_message): True/False for yes/no phrasing, and whether the whole message was
    the answer (False when only its first word was, as in "yes, and also ...")."""
    words = [_UNAPOSTROPHED.get(w, w) for w in words]
    core = _core(words)
    whole = " ".join(words)
    if core in _YES_PHRASES or whole in _YES_PHRASES:
        return True, True
    if core in _NO_PHRASES or whole in _NO_PHRASES:
        return False, True
    if 1 < len(words) <= _SHORT_REPLY:
        if words[-1] in _NO_LAST:
            return False, False
        if words[-1] in _YES_LAST and not _NEGATIONS & set(words):
            return True, False
        joined = " ".join(words)
        if any(phrase in joined for phrase in _STILL_BROKEN):
            return False, False
        if _SUCCESS & set(words) and not _NEGATIONS & set(words):
            return True, False
    opened = _opener(words)
    if opened is not None:
        return opened, False
    first = words[0] if words and words[0] in _YES_FIRST | _NO_FIRST else ""
    first = first or next((w for w in words if w not in FILLERS and w not in _HEDGES), "")
    if first in _YES_FIRST:
        return True, False
    if first in _NO_FIRST:
        return False, False
    return None


def _opener(words: list[str]) -> bool | None:
    """ "that's right, send it": a yes/no phrase that opens a longer reply; "not damaged, just
    black" is a no."""
    if len(words) > 1 and words[0] == "not" and words[1] not in _NOT_NO:
        return False
    for size in (3, 2):
        head = " ".join(words[:size])
        if len(words) > size and head in _YES_OPENERS and words[size] not in _NEGATIONS:
            return True
        if len(words) > size and head in _NO_OPENERS:
            return False
    return None


def starts_with_yes_or_no(words: list[str]) -> bool:
    """ "no, leave it", "yes, go ahead": the first word answers a yes/no question."""
    return bool(words) and words[0] in _YES_FIRST | _NO_FIRST


def correction(text: str) -> Correction | None:
    """The correction in a message like "actually make it 80" or "change the amount to 80"."""
    wrong = _WRONG.search(text.strip())
    if wrong is not None:
        # "sorry, wrong address - it's 21 Oak Avenue"
        value = _TRAILING.sub("", wrong["value"]).strip(" ,.!?\"'")
        return Correction(value=value, slot_words=wrong["slot"]) if value else None
    contrast = _CORRECTION_MARKER.search(text) is None
    if contrast and not _CONTRAST.search(text):
        return None
    stripped = text.strip()
    change = _CHANGE_TO.search(stripped)
    if change is not None:
        value = _TRAILING.sub("", change["value"]).strip(" ,.!?\"'")
        slot = change["slot"].strip()
        if slot.lower() in ("it", "that", "this"):
            return Correction(value=value) if value else None
        return Correction(value=value, slot_words=slot) if value else None
    rest = _TRAILING.sub("", _LEADING.sub("", stripped)).strip(" ,.!?\"'")
    if not rest:
        return None
    named = _IS_VALUE.match(rest)
    if named is not None and named["slot"].lower() not in ("it", "that", "this"):
        return Correction(value=named["value"].strip(" ,.!?\"'"), slot_words=named["slot"].strip())
    return Correction(value=rest, contrast=contrast)


# What people wrap a request in: a greeting, a call for help, a hedge before it; thanks or
# "please" after it. None of it says which flow is meant, and its words and meaning only blur
# the request ("Good morning. I want to leave Nimbus": "morning" is no word of any flow).
_OPENING = re.compile(
    r"^\s*(?:"
    r"(?:(?:hi|hello|hey|hiya|howdy|greetings|good\s+(?:morning|afternoon|evening|day))"
    r"(?:\s+(?:there|team|all|everyone|folks|guys|again))?"
    r"|(?:morning|afternoon|evening)(?=\s*[,.!]))"
    r"|(?:um+|uh+|erm|er|hmm+|so|well|oh|ok(?:ay)?\s+so|right\s+so|excuse\s+me|sorry to bother you)"
    r"|(?:(?:i|we)\s+(?:need|want|would\s+like|'d\s+like)\s+(?:some\s+)?help(?:\s+please)?"
    r"|(?:can|could|would)\s+(?:you|somebody|someone)\s+(?:please\s+)?help(?:\s+(?:me|us))?"
    r"(?:\s+(?:out|please))?|please\s+help(?:\s+(?:me|us))?|help\s+(?:me|us)(?:\s+please)?)"
    r"(?=\s*[,.!?:;]|\s+(?:with|to)\b)(?:\s+with\b)?"
    r"|(?:(?:can|could|would)\s+you\s+(?:please\s+)?|please\s+)?help\s+(?:me|us)(?:\s+to)?"
    r"(?=\s+[a-z])"
    r"|(?:i\s+was|i'm|i\s+am|just)\s+wondering(?:\s+(?:if|whether))?"
    r"|quick\s+question|a\s+quick\s+one"
    r")(?:\s*[,.!?:;\u2013\u2014-]+\s*|\s+)",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"(?:[\s,.!;:\u2013\u2014-]+|^)(?:please|pls|plz|thanks|thank\s+you|thanks\s+a\s+lot"
    r"|thank\s+you\s+(?:so|very)\s+much|thanks\s+(?:so|very)\s+much|thanks\s+in\s+advance"
    r"|cheers|thx|ta|asap|as\s+soon\s+as\s+(?:possible|you\s+can)|if\s+possible|if\s+you\s+can"
    r"|if\s+you\s+could|if\s+(?:that's|that\s+is)\s+(?:ok|okay|alright|all\s+right|possible)"
    r"|much\s+appreciated)"
    r"[\s.!]*$",
    re.IGNORECASE,
)


def without_pleasantries(text: str) -> str:
    """The request without the greeting, call for help or hedge before it and the thanks or
    "please" after it ("hi, I want to leave Nimbus" -> "I want to leave Nimbus", "can you help
    me with my bill?" -> "my bill?"); the message as it is when nothing else would be left."""
    core = text
    for _ in range(4):
        shorter = _CLOSING.sub("", _OPENING.sub("", core, count=1), count=1)
        if shorter == core:
            break
        core = shorter
    return core.strip() if content_tokens(core) else text


# "can you call me a taxi", "could you help me renew my passport", "I need you to fix my car":
# the assistant is asked to do something. When no flow does it, that is a task the assistant
# cannot handle — not small talk to answer politely ("can you hear me?", "can you tell me a
# joke": verbs of conversation, or no thing to act on).
_ASKS_YOU_TO = re.compile(
    r"^\s*(?:please\s+)?(?:(?:can|could|would|will)\s+(?:you|u|ya)"
    r"|(?:i|we)\s+(?:need|want|would\s+like|'d\s+like)\s+you\s+to)"
    r"\s+(?:please\s+|pls\s+|plz\s+|possibly\s+|maybe\s+|just\s+)*"
    r"(?:help\s+(?:me|us)\s+(?:to\s+)?|go\s+and\s+)?(?P<verb>[a-z]+)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
_CONVERSATION_VERBS = word_set(
    "help tell say talk chat speak hear understand repeat explain be believe guess imagine feel "
    "think know remember like love hate stop wait hold hang answer reply respond"
)


def asks_you_to_do(text: str) -> bool:
    """Does the message ask the assistant to do something to a thing ("can you call me a taxi to
    the airport", "could you help me file my tax return?", "I need you to fix my car")? Not the
    verbs of conversation ("can you tell me a joke", "can you hear me?", "can you help me?")."""
    asked = _ASKS_YOU_TO.match(text.translate(_APOSTROPHES))
    if asked is None or asked["verb"].lower() in _CONVERSATION_VERBS:
        return False
    return bool(content_tokens(asked["rest"]))


# "it's about my tax return", "problem with my scooter", "I want to do something about our
# subscription": the message says what it is about, not what is wanted done with it.
_ABOUT_A_THING = re.compile(
    r"^\s*(?:(?:but|and|so|oh|ok|okay|well)[\s,]+)?(?:"
    r"(?:it's|it\s+is|this\s+is|that's|i'm|i\s+am|we're|we\s+are)\s+"
    r"(?:(?:calling|writing|messaging|contacting\s+you|getting\s+in\s+touch|here)\s+)?"
    r"(?:about|regarding|concerning|re)"
    r"|(?:about|regarding|concerning|re:?)"
    r"|(?:(?:i|we)(?:'ve\s+got|\s+have\s+got|\s+have|\s+got)\s+)?(?:a\s+|an\s+|some\s+)?"
    r"(?:small\s+|quick\s+|little\s+)?(?:problem|problems|issue|issues|question|questions|query"
    r"|queries|trouble|something)\s+(?:with|about|regarding|concerning|on)"
    r"|(?:i|we)\s+(?:want|need|would\s+like|'d\s+like)\s+(?:to\s+)?(?:do|ask)\s+"
    r"(?:something|a\s+thing)\s+(?:about|with|regarding)"
    r"|(?:there's|there\s+is|something's|something\s+is|something|what's|what\s+is)\s+"
    r"(?:a\s+|an\s+|some\s+)?(?:problem|issue|trouble|wrong|not\s+right)\s+(?:with|about)"
    r")\s+(?P<thing>.+?)[\s.!?]*$",
    re.IGNORECASE,
)


_A_PROBLEM = re.compile(r"\b(?:problems?|issues?|trouble|wrong|not\s+right)\b", re.IGNORECASE)


def tells_a_problem(text: str) -> bool:
    """Does the message say something is wrong ("a problem with my tickets", "something's wrong
    with my order")? Then the thing exists already: no flow that gets a new one is meant."""
    return _A_PROBLEM.search(text) is not None


def thing_talked_about(text: str) -> str | None:
    """The thing a message only says it is about ("it's about my tax return" -> "my tax
    return", "problem with my scooter" -> "my scooter"); None when it says more than that."""
    about = _ABOUT_A_THING.match(text.translate(_APOSTROPHES))
    if about is None:
        return None
    # whose it is or when, after "for", says no more about the thing ("my tax return for my
    # husband", "my return for 2025")
    return re.split(r"\s+for\s+", about["thing"], maxsplit=1, flags=re.IGNORECASE)[0]


# Laughter or amazement before a remark ("haha your bikes are the cutest", "wow you're quick"):
# the user is chatting, not asking — whatever flow the remark's words belong to.
_LAUGHTER = re.compile(
    r"^\s*(?:(?:ha(?:ha)+h?|he(?:he)+|hah|lol+|lmao|rofl|wow+|aww*|omg|ooh+)\b[\s,.!]*)+",
    re.IGNORECASE,
)
_SECOND_PERSON = re.compile(r"^\s*(?:you|you're|youre|you've|your|ur|u)\b", re.IGNORECASE)
_FIRST_PERSON = word_set("i i'm im i've ive i'd id me my mine we we're our ours us")


def remark_after_laughter(text: str) -> str | None:
    """The remark after laughter or amazement that asks nothing: about the assistant or the
    business ("haha your orange bikes are the cutest", "lol you're quicker than my agent"), or
    not about the user at all ("hehe that dog in the photo is adorable"); None when the message
    does not open so, asks a question, denies something ("wow, your app still isn't working")
    or is about the user's own things ("lol my card got stolen")."""
    opener = _LAUGHTER.match(text.replace("\u2019", "'"))
    if opener is None:
        return None
    rest = text[opener.end() :]
    said = words(rest)
    if not said or "?" in rest or _NEGATIONS & set(said):
        return None
    if _SECOND_PERSON.match(rest) is None and _FIRST_PERSON & set(said):
        return None
    return rest.strip()


# Asking what something costs ("how much is a contact lens fitting?", "what do you charge for
# a kids cut", "what does a full service cost", "prices for a bath and brush?"); not what the
# user owes or has ("how much do I owe", "how much is my bill", "how much data have I left").
_ASKS_PRICE = re.compile(
    r"\bhow\s+much\s+(?:is|are|'s|would|will|does|do\s+you|for|to)\b(?!\s+(?:my|our|i|we)\b)"
    r"|\bhow\s+much\s+(?:would|will|does|do)\s+(?:it|that|this|a|an|the)\b.*\bcost"
    r"|\bwhat\s+(?:do|does|would|will)\s+(?:you|it|that|this|a|an|the)\b(?:\s+\w+){0,4}?\s+"
    r"(?:charge|cost)\b"
    r"|\b(?:price|prices|pricing|cost|costs|fees?)\s+(?:of|for)\b"
    r"|\bwhat(?:'s|\s+is|\s+are|s)\s+(?:the|your)\s+(?:price|prices|pricing|cost|costs|fees?|rates)\b"
    r"|\bhow\s+expensive\b",
    re.IGNORECASE,
)
# The words a flow that tells prices is named with ("ask for a price", "get a quote").
PRICE_WORDS = frozenset({"price", "pric", "cost", "fee", "quote", "quotation", "estimate"})


def asks_price(text: str) -> bool:
    """Does the message ask what something costs?"""
    return _ASKS_PRICE.search(text.replace("\u2019", "'")) is not None
