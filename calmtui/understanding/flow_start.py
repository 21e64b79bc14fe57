"""Rule 7 of the offline understanding: start a flow, ask which one, or none.

The ranked candidates (`flow_matching`) become a decision (`flow_choice`), with three pieces of
evidence an LLM would use too:

* a digression from a running flow asks for another flow — the running one is not restarted;
* when no flow is good enough, naming or meaning one of a flow's categorical values is evidence
  for that flow ("someone stole my phone" describes the SIM flow's reason `stolen`);
* of flows that match about equally, the one the message states clearly more values for starts
  ("flight to Tokyo": a destination for booking, nothing for changing a booking);
* right after a clarification ("which of these did you mean: ...?"), the answer picks among the
  options offered.

Nothing good enough: a question in a project with knowledge search is `search and reply`,
small talk and requests for help are chit-chat, anything else is `cannot handle`. The flow that
starts gets the values stated in the same message (`stated_values`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from calmtui.core.commands import (
    CannotHandle,
    ChitChat,
    Clarify,
    Command,
    KnowledgeAnswer,
    SetSlot,
    StartFlow,
)
from calmtui.core.model.flows import ActionStep
from calmtui.core.model.project import Project
from calmtui.understanding import entities, lexicon
from calmtui.understanding.base import UnderstandingContext
from calmtui.understanding.decision import Decision
from calmtui.understanding.flow_catalog import FlowCatalog
from calmtui.understanding.flow_choice import (
    MAX_CLARIFY_OPTIONS,
    TELLS_APART_CLOSE,
    TELLS_APART_MARGIN,
    Choice,
    choose,
    describe,
    thresholds_for,
)
from calmtui.understanding.flow_matching import (
    CANCEL,
    CLAUSE_BREAK,
    DETERMINERS,
    REQUEST_VERBS,
    Candidate,
    rank_flows,
    same_request_verb,
    tells_fault,
    verbs_in,
)
from calmtui.understanding.reference_shapes import flows_for
from calmtui.understanding.situation import AskedSlot, Situation
from calmtui.understanding.slot_filling import Filled
from calmtui.understanding.stated_values import stated_values
from calmtui.understanding.text import (
    content_tokens,
    identifier_words,
    is_stopword,
    normalize,
    stem,
    word_set,
    words,
)
from calmtui.understanding.thing_values import example_words


def start_or_give_up(
    message: str,
    tokens: list[str],
    candidates: list[Candidate],
    catalog: FlowCatalog,
    situation: Situation,
) -> Decision:
    asks_a_task = lexicon.asks_you_to_do(message)  # before "can you help me" is taken off
    core = lexicon.without_pleasantries(message)  # "hi, ...": the request, not its wrapping
    if core != message:
        message, tokens = core, words(core)
    kind = lexicon.question_kind(message) if knowledge_search(situation.index.project) else None
    if situation.active_flow is not None:
        # A digression from a running flow asks for another one: starting the flow that is
        # already running would only restart it.
        candidates = [c for c in candidates if c.flow_id != situation.active_flow]
    candidates = _with_reference_evidence(message, candidates, catalog, situation)
    candidates = _with_value_evidence(message, candidates, catalog, situation)
    decision = _decide(
        message, tokens, candidates, catalog, situation, question=kind, asks_a_task=asks_a_task
    )
    decision.candidates = candidates
    return decision


def _decide(
    message: str,
    tokens: list[str],
    candidates: list[Candidate],
    catalog: FlowCatalog,
    situation: Situation,
    *,
    question: str | None,
    asks_a_task: bool = False,
) -> Decision:
    """`question`: the message's `lexicon.question_kind` in a project with knowledge search
    (None without one): an information question starts a flow only when one matches about as
    clearly as words alone would need; any question no flow handles is searched.
    `asks_a_task`: the message asks the assistant to do something (`lexicon.asks_you_to_do`):
    when no flow does it, the assistant cannot handle it (no small talk)."""
    social = lexicon.small_talk_kind(tokens)
    if social == "asks to wait":
        # "hold on" asks for nothing, whatever flow shares its words ("hold a table").
        return Decision([ChitChat()], ["asks to wait: no request"])
    if social in _SOCIAL and not (candidates and _asked_in_words(candidates[0])):
        # "hi" is a greeting, whatever it looks like ("hi" / the class "HIIT") — unless a flow
        # is asked for in its own words (a greeting flow: "Say hello ...", "hallo").
        return Decision([ChitChat()], [f"{social}: no request"])
    remark = _remark(message, candidates)
    if remark is not None:
        return Decision([ChitChat()], [f"a remark after laughter, asking nothing: {remark!r}"])
    choice = choose(candidates, searchable_question=question == "information")
    bare = _only_a_thing(message, choice, candidates, catalog)
    if bare is not None:
        return Decision([Clarify(options=tuple(c.flow_id for c in bare.flows))], [bare.note])
    choice = _reconsidered(message, choice, candidates, catalog)
    if choice.kind == "none":
        # Asked during a flow, the same task is an aside answered politely before the flow
        # goes on (the one such case the tune oracles label says `offtopic reply`).
        task = asks_a_task and situation.active_flow is None
        return _no_flow(tokens, choice, catalog, question=question, asks_a_task=task)
    vague = _vague_choice(message, choice.flows[0], candidates, catalog)
    if vague is not None:
        return Decision([Clarify(options=tuple(c.flow_id for c in vague.flows))], [vague.note])
    values = {c.flow_id: _values_for(message, c, catalog, situation) for c in choice.flows}
    top = choice.flows[0]
    notes = [choice.note]
    if choice.kind == "clarify":
        picked, why = _one_of_close(message, tokens, choice.flows, candidates, catalog, values)
        notes += [why] if why else []
        if isinstance(picked, Clarify):
            return Decision([picked], notes)
        top = picked
    if top.flow_id not in values:
        values[top.flow_id] = _values_for(message, top, catalog, situation)
    commands: list[Command] = [StartFlow(flow=top.flow_id)]
    for name, filled in values[top.flow_id]:
        commands.append(SetSlot(name=name, value=filled.value))
        notes.append(f"{name} = {filled.value!r}: {filled.how}")
    return Decision(commands, notes)


def _no_flow(
    tokens: list[str],
    choice: Choice,
    catalog: FlowCatalog,
    *,
    question: str | None,
    asks_a_task: bool,
) -> Decision:
    """What a message no flow matches well enough is: a question to search, small talk, a task
    the assistant cannot handle, off topic in words, or not words at all."""
    if question is not None:
        return Decision(
            [KnowledgeAnswer()],
            [f"a question no flow handles ({question}): knowledge search; {choice.note}"],
        )
    if lexicon.small_talk_kind(tokens) is not None:
        return Decision([ChitChat()], [f"{lexicon.small_talk_kind(tokens)}: {choice.note}"])
    if asks_a_task:
        # "can you call me a taxi", "could you help me renew my passport?": a task no flow
        # does is not small talk to answer politely; the assistant cannot handle it.
        return Decision([CannotHandle()], [f"a task no flow does: {choice.note}"])
    if in_words(tokens, catalog):
        # "is it going to rain tonight?", "do you sell used cars?": off topic, in words an
        # assistant can answer politely (Rasa's `offtopic reply`); "asdfjkl" is not.
        return Decision([ChitChat()], [f"off topic: {choice.note}"])
    return Decision([CannotHandle()], [choice.note])


def _one_of_close(
    message: str,
    tokens: list[str],
    close: Sequence[Candidate],
    candidates: Sequence[Candidate],
    catalog: FlowCatalog,
    values: dict[str, list[tuple[str, Filled]]],
) -> tuple[Candidate | Clarify, str | None]:
    """Of flows that match about equally, the one the message tells apart, or the clarification
    that offers them; and why."""
    richest = _states_most(values)
    withdrawn = _withdrawn(message, close, catalog)
    if withdrawn is not None:
        return withdrawn, (
            f"the message says something is no longer wanted: {withdrawn.flow_id!r}, the one of "
            "them that cancels, starts"
        )
    said = _said_verbs(message, close, candidates)
    if said is not None and len(said) > 1:
        named = ", ".join(repr(c.flow_id) for c in said)
        return Clarify(options=tuple(c.flow_id for c in said)), (
            f"the message says the verb of {named}, not of the others: they are offered"
        )
    if said is not None:
        return said[0], (
            f"the message says the verb of {said[0].flow_id!r}, not of the others: it starts"
        )
    if richest is None and _tells_apart(tokens, close, catalog):
        return close[0], (
            f"the message has words of {close[0].flow_id!r} that the others lack, and it leads: "
            "it starts"
        )
    if richest is None:
        return Clarify(options=tuple(values)), None
    return next(c for c in close if c.flow_id == richest), (
        f"the message states values for {richest!r} ({len(values[richest])}) more than "
        "for the others: it starts"
    )


_SOCIAL = frozenset({"greeting", "thanks", "small talk"})


def _remark(message: str, candidates: Sequence[Candidate]) -> str | None:
    """ "haha your orange bikes are the cutest thing in town" (`lexicon.remark_after_laughter`)
    is small talk, though the finder of bikes knows its words — unless it is word for word one of
    a flow's phrases, the remark says a request verb ("lol just book it") or tells of a fault
    ("haha great, the app crashed again")."""
    remark = lexicon.remark_after_laughter(message)
    if remark is None or (candidates and candidates[0].exact):
        return None
    if any(stem(v) in REQUEST_VERBS for v in verbs_in(remark)) or tells_fault(remark):
        return None
    return remark


def _asked_in_words(candidate: Candidate) -> bool:
    """Does the message ask for the flow in the words of one of its request phrases?"""
    if candidate.exact:
        return True
    phrase = candidate.phrase
    return bool(candidate.words) and phrase is not None and phrase.is_request


VALUE_EVIDENCE = 0.15  # what naming (or meaning) one of a flow's categorical values adds
EVIDENCE_SIMILARITY = 0.45  # a value meant only this clearly counts as evidence
_EVIDENCE_CANDIDATES = 5


def _with_value_evidence(
    message: str, candidates: list[Candidate], catalog: FlowCatalog, situation: Situation
) -> list[Candidate]:
    """A message that names or means one of a flow's categorical values is about that flow:
    "someone stole my phone" describes the SIM flow's reason `stolen`, though few of its words
    are the flow's. Only when no flow is good enough on its own (a value must not outvote a clear
    match: "hire a car" is not about a damaged car), the best few candidates get
    `VALUE_EVIDENCE` for it, then are ranked again."""
    if not candidates or candidates[0].exact or candidates[0].meaning is None:
        return candidates
    if candidates[0].score >= thresholds_for(candidates).start:
        return candidates
    asked = situation.asked.slot if situation.asked is not None else None
    # A value of the question being asked is about that question ("what does physiotherapy
    # mean?" at "what kind of appointment?"), not evidence for another flow offering it too.
    answers: set[str] = {normalize(str(v)) for v in asked.values} if asked is not None else set()
    boosted: list[Candidate] = []
    for position, candidate in enumerate(candidates):
        if position < _EVIDENCE_CANDIDATES and candidate.score > 0:
            meant = [
                filled
                for name, filled in _values_for(message, candidate, catalog, situation)
                if situation.index.slots[name].type == "categorical"
                and (filled.similarity is None or filled.similarity >= EVIDENCE_SIMILARITY)
                and normalize(str(filled.value)) not in answers
            ]
            if meant:
                candidate = replace(
                    candidate,
                    score=round(min(1.0, candidate.score + VALUE_EVIDENCE), 4),
                    reason=f"{candidate.reason}, and names one of its values (+{VALUE_EVIDENCE})",
                )
        boosted.append(candidate)
    boosted.sort(key=lambda c: (-c.score, catalog.position[c.flow_id]))
    return boosted


REFERENCE_EVIDENCE = 0.2  # what a reference shaped like the ones a flow asks for adds


def _with_reference_evidence(
    message: str, candidates: list[Candidate], catalog: FlowCatalog, situation: Situation
) -> list[Candidate]:
    """ "what's happening with INC0012345?": the flows that ask for references shaped like it
    get `REFERENCE_EVIDENCE` (or start with it), when no flow is good enough on its own."""
    if candidates and (candidates[0].exact or candidates[0].meaning is None):
        return candidates
    if candidates and candidates[0].score >= thresholds_for(candidates).start:
        return candidates
    if not entities.codes(message):
        return candidates  # no reference: the flows' shapes are not even needed
    pointed = [
        f
        for f in flows_for(message, catalog.reference_shapes())
        if situation.can_start(f) and f != situation.active_flow
    ]
    if not pointed:
        return candidates
    why = f"asks for references like the one in the message (+{REFERENCE_EVIDENCE})"
    boosted = [
        replace(
            c, score=round(min(1.0, c.score + REFERENCE_EVIDENCE), 4), reason=f"{c.reason}, {why}"
        )
        if c.flow_id in pointed
        else c
        for c in candidates
    ]
    known = {c.flow_id for c in candidates}
    boosted += [
        Candidate(flow_id=f, score=REFERENCE_EVIDENCE, reason=why, words=0.0, meaning=0.0)
        for f in pointed
        if f not in known
    ]
    boosted.sort(key=lambda c: (-c.score, catalog.position[c.flow_id]))
    return boosted


def _values_for(
    message: str, candidate: Candidate, catalog: FlowCatalog, situation: Situation
) -> list[tuple[str, Filled]]:
    """The values the message states for the slots of the candidate flow."""
    if (
        candidate.exact
        and candidate.phrase is not None
        and candidate.phrase.kind in ("example", "intent example")
    ):
        return []  # one of the flow's examples: a way to ask for the flow, not a value
    entry = catalog.by_id[candidate.flow_id]
    return stated_values(
        message,
        situation.index.collect_steps(candidate.flow_id),
        situation.index.slots,
        entry.identity_numbers,
        situation.index.project.domain.responses,
        entry.name_words,
        flow_words=entry.vocabulary - example_words(entry.flow.description),
    )


def lead_word(flow_id: str) -> str | None:
    """The request verb a flow's id starts with (`cancel_membership`: cancel); None for an id
    of one word or one that starts with another word (`gas_emergency`)."""
    parts = identifier_words(flow_id).lower().split()
    return parts[0] if len(parts) > 1 and parts[0] in REQUEST_VERBS else None


def _said_verbs(
    message: str, close: Sequence[Candidate], candidates: Sequence[Candidate]
) -> list[Candidate] | None:
    """Of flows that match about equally, those whose id leads with the verb the message says
    ("I want to quit the gym": `cancel_membership`, not `join_gym`; "purchase 20 shares":
    `buy_shares`, not `sell_shares`), when that tells them apart: some close flows lead with it
    and others with another word. With several, the candidates that lead with it (from
    `clarify_floor`) are offered: "I want to book my car in" is a service or an MOT, not
    collecting the car."""
    leads = [lead_word(c.flow_id) for c in close]
    if None in leads or len(set(leads)) < 2:
        return None
    said = verbs_in(message)

    def says(candidate: Candidate) -> bool:
        lead = lead_word(candidate.flow_id)
        return lead is not None and any(same_request_verb(t, lead) for t in said)

    if not any(says(c) for c in close) or all(says(c) for c in close):
        return None
    floor = thresholds_for(candidates).clarify_floor
    chosen = [c for c in candidates if c.score >= floor and says(c)] or [
        c for c in close if says(c)
    ]
    return chosen[:MAX_CLARIFY_OPTIONS]


def _only_a_thing(
    message: str, choice: Choice, candidates: Sequence[Candidate], catalog: FlowCatalog
) -> Choice | None:
    """The flows to offer when the message says only a thing several flows act on
    (`_bare_object`), or only their shared verb (`_verb_without_its_thing`)."""
    if choice.flows and choice.flows[0].exact:
        return None
    if choice.kind == "none" and _thing_talked_about(message) is None:
        return None  # ...but "something's wrong with our application" says what it is about
    return _bare_object(message, candidates, catalog) or _verb_without_its_thing(
        message, choice, candidates, catalog
    )


def _reconsidered(
    message: str, choice: Choice, candidates: Sequence[Candidate], catalog: FlowCatalog
) -> Choice:
    """The start chosen by scores, reconsidered for the verb of a flow behind the best
    (`_verb_said_instead`)."""
    if choice.kind == "none" or choice.flows[0].exact:
        return choice
    priced = _price_flow_instead(message, choice, candidates, catalog)
    if priced is not None:
        return Choice(
            "start",
            (priced,),
            f"{choice.note}; the message asks what something costs, and {priced.flow_id!r} is "
            "named for prices: it starts",
        )
    if choice.kind != "start":
        return choice
    instead = _verb_said_instead(message, candidates, catalog)
    if instead is None:
        return choice
    return Choice(
        "start",
        (instead,),
        f"{choice.note}; the message says the verb of {instead.flow_id!r}, not of "
        f"{choice.flows[0].flow_id!r}: it starts",
    )


INSTEAD_SHARE = 0.6  # a flow whose verb is said starts instead of the best from this share of it


PRICE_SHARE = 0.4  # a flow named for prices starts instead of the best from this share of it


def _price_flow_instead(
    message: str, choice: Choice, candidates: Sequence[Candidate], catalog: FlowCatalog
) -> Candidate | None:
    """ "how much for a men's haircut?", "what do you charge for kids cuts": a question about
    what something costs asks the flow named for prices ("ask for a price", "get a quote"), not
    the one that books the thing, though the thing is one of the booking's values. Chosen from
    the flows offered, or instead of the best from `PRICE_SHARE` of its score, when the best
    is not named for prices and one flow is."""
    if not lexicon.asks_price(message):
        return None
    top = choice.flows[0]

    def priced(candidate: Candidate) -> bool:
        return bool(catalog.by_id[candidate.flow_id].name_words & lexicon.PRICE_WORDS)

    if priced(top):
        return None
    pool = (
        choice.flows
        if choice.kind == "clarify"
        else [c for c in candidates if c.score >= top.score * PRICE_SHARE]
    )
    found = [c for c in pool if priced(c)]
    return found[0] if len(found) == 1 else None


def _verb_said_instead(
    message: str, candidates: Sequence[Candidate], catalog: FlowCatalog
) -> Candidate | None:
    """The best flow leads with a request verb the message does not say, and another candidate,
    not far behind, leads with the one it says: that one is asked for ("cant instal zoom on my
    laptop" installs software rather than requesting a laptop; "I'd like to rent KL-2041, how
    do I apply?" applies rather than paying rent)."""
    top = candidates[0]
    lead = lead_word(top.flow_id)
    said = verbs_in(message)
    if lead is None or not said or any(same_request_verb(t, lead) for t in said):
        return None
    entry = catalog.by_id[top.flow_id]
    # ...unless the best flow's own words say that verb too ("What would you like to reserve?")
    said = [t for t in said if t not in entry.vocabulary and t not in entry.detail_vocabulary]
    for candidate in candidates[1:]:
        if candidate.score < top.score * INSTEAD_SHARE:
            break
        other = lead_word(candidate.flow_id)
        if other is not None and any(same_request_verb(t, other) for t in said):
            return candidate
    return None


_BARE = "names only a thing several flows act on"
BARE_OBJECT_WORDS = 3  # "my holds", "charging session": no more content words than this


def _bare_object(
    message: str, candidates: Sequence[Candidate], catalog: FlowCatalog
) -> Choice | None:
    """A message that only names a thing, with no verb ("my holds", "my appointment"), when
    several flows do different things with it (their names have its words, their ids lead with
    different verbs): the flows are offered, as an LLM asks what the user wants done with it."""
    known = set[str]().union(*(catalog.by_id[c.flow_id].vocabulary for c in candidates))
    about = [p for p in CLAUSE_BREAK.split(message) if p and set(content_tokens(p)) & known]
    # One clause about the flows, and only a thing: "My name is Tom. my holds" (the rest is
    # wrapping); "I'd like a membership" asks to join. "it's about my tax return", "a problem
    # with my scooter" say only the thing too, in so many words — also after clauses that ask
    # for nothing ("I've been a customer for years. it's about my tax return").
    thing = _thing_talked_about(message)
    if thing is not None:
        about = [thing]
    if len(about) != 1 or not _is_bare(about[0]):
        return None
    said = set(content_tokens(about[0]))
    if len(said) > BARE_OBJECT_WORDS:
        return None
    said_words = words(about[0])
    if any(
        stem(w) in REQUEST_VERBS
        and (i == 0 or (said_words[i - 1] not in DETERMINERS and is_stopword(said_words[i - 1])))
        for i, w in enumerate(said_words)
    ):
        # a verb is said ("cancel hold"; not "my order", nor the noun of "my tax return"): the
        # choice stands
        return None
    if thing is not None:
        # Said to be only about it: a word none of the flows knows says whose thing it is
        # ("it's about my son's application"), not which thing.
        said &= known
    acting = [
        c
        for c in candidates
        if lead_word(c.flow_id) is not None
        and said <= catalog.by_id[c.flow_id].vocabulary
        and said & catalog.by_id[c.flow_id].name_words
    ]
    if thing is not None and lexicon.tells_a_problem(message):
        # "a problem with my tickets": they exist, and buying tickets is not what is wrong; a
        # flow that sorts out something wrong with them need not name them ("report a missing
        # item" of an order)
        fixing = [
            c
            for c in candidates
            if lead_word(c.flow_id) not in (None, *_GETS_A_NEW_ONE)
            and said
            <= catalog.by_id[c.flow_id].vocabulary | catalog.by_id[c.flow_id].detail_vocabulary
        ]
        acting = fixing if len({lead_word(c.flow_id) for c in fixing}) >= 2 else acting
    acting = acting[:MAX_CLARIFY_OPTIONS]
    if len({lead_word(c.flow_id) for c in acting}) < 2:
        return None
    scores = ", ".join(describe(c) for c in acting)
    return Choice("clarify", tuple(acting), f"{_BARE}: {scores}")


# Request verbs that get a new thing (`buy_tickets`, `book_visit`), not act on one the user has.
_GETS_A_NEW_ONE = word_set(
    "buy purchase book order place apply get find join register subscribe open create make rent "
    "hire reserve"
)


def _thing_talked_about(message: str) -> str | None:
    """The thing of the one clause that says only what the message is about
    (`lexicon.thing_talked_about`), when no other clause says a request verb."""
    parts = [p for p in CLAUSE_BREAK.split(message) if p]
    things = [(p, lexicon.thing_talked_about(p)) for p in parts]
    said = [(p, t) for p, t in things if t is not None]
    if len(said) != 1:
        return None
    others = (p for p in parts if p is not said[0][0])
    if any(stem(v) in REQUEST_VERBS for p in others for v in verbs_in(p)):
        return None  # "I want to cancel, it's about my order": the request is said
    return said[0][1]


def _verb_without_its_thing(
    message: str, choice: Choice, candidates: Sequence[Candidate], catalog: FlowCatalog
) -> Choice | None:
    """ "I'd like to book a trip": the verb of several flows (`book_flight`, `book_hotel`), and a
    thing none of their request phrases says: the flows with that verb are offered, as an LLM
    asks which is meant, rather than the one that scored a little better."""
    if choice.kind != "start":
        return None
    top = choice.flows[0]
    lead = lead_word(top.flow_id)
    verbs = verbs_in(message)
    if lead is None or not any(same_request_verb(t, lead) for t in verbs):
        return None
    things = set(content_tokens(message)) - set(verbs)
    floor = thresholds_for(candidates).clarify_floor
    same = [
        c
        for c in candidates
        if c.score >= floor
        and lead_word(c.flow_id) == lead
        and not things & catalog.by_id[c.flow_id].vocabulary
    ]
    if not things or len(same) < 2 or same[0] is not top:
        return None
    scores = ", ".join(describe(c) for c in same[:MAX_CLARIFY_OPTIONS])
    return Choice(
        "clarify", tuple(same[:MAX_CLARIFY_OPTIONS]), f"{_BARE}, by its verb only: {scores}"
    )


def _is_bare(part: str) -> bool:
    """Only a thing: content words, with determiners or possessives ("my holds")."""
    said = set(content_tokens(part))
    return bool(said) and all(
        w in DETERMINERS or stem(w) in said or (i == 0 and w in _CONJUNCTIONS)
        for i, w in enumerate(words(part))
    )


_CONJUNCTIONS = frozenset(["but", "and", "so", "then", "oh", "ok", "okay", "also"])


def _tells_apart(tokens: list[str], close: Sequence[Candidate], catalog: FlowCatalog) -> bool:
    """Of flows that match about equally, does the best one still lead, and does the message use
    a word that it knows and the runner-up does not? "money" fits both the balance and the
    transfer flow: ask which; "whats my phone bill looking like" has "look" of checking a bill."""
    top, second = close[0], close[1]
    if (
        second.score >= top.score - TELLS_APART_MARGIN
        or second.score >= top.score * TELLS_APART_CLOSE
    ):
        return False
    own, other = catalog.by_id[top.flow_id], catalog.by_id[second.flow_id]
    said = set(content_tokens(" ".join(tokens)))
    mine = said & (own.vocabulary | own.detail_vocabulary)
    if mine - other.vocabulary - other.detail_vocabulary:
        return True
    # ...or a word of its name that the runner-up's name lacks, and none the other way round:
    # "freeze my gym membership" names `freeze my membership`, though `cancel my membership`
    # mentions a freeze in its description.
    return bool(said & own.name_words - other.name_words) and not (
        said & other.name_words - own.name_words
    )


VAGUE_FLOOR = 0.2  # a flow a vague request may mean is offered from this score


def _vague_choice(
    message: str, top: Candidate, candidates: Sequence[Candidate], catalog: FlowCatalog
) -> Choice | None:
    """ "I need to change something on my policy" shares only a verb with "change my address":
    the flows it may mean are offered (clarify), unless it names the best one."""
    if top.exact or not lexicon.is_vague_request(message):
        return None
    said = set(content_tokens(message)) - lexicon.VAGUE_VERBS
    if said & catalog.by_id[top.flow_id].name_words:
        return None  # "change something on my address": the address flow is named
    options = tuple(c for c in candidates if c.score >= VAGUE_FLOOR)[:MAX_CLARIFY_OPTIONS]
    if len(options) < 2:
        return None
    scores = ", ".join(describe(c) for c in options)
    return Choice("clarify", options, f"a change without saying which; it may mean: {scores}")


def _withdrawn(message: str, close: Sequence[Candidate], catalog: FlowCatalog) -> Candidate | None:
    """ "I sold my house so I don't need the home insurance anymore": of flows that match about
    equally, the one that cancels (its name says so) is meant when the message says that
    something is no longer wanted."""
    if not lexicon.withdraws(message):
        return None
    cancelling = [c for c in close if CANCEL in catalog.by_id[c.flow_id].name_words]
    return cancelling[0] if len(cancelling) == 1 else None


def _states_most(values: dict[str, list[tuple[str, Filled]]]) -> str | None:
    """Of flows that match about equally, the one the message gives clearly more values for
    ("flight to Tokyo": a destination for booking, nothing for changing a booking)."""
    counts = sorted(((len(v), f) for f, v in values.items()), reverse=True)
    if not counts or counts[0][0] == 0 or (len(counts) > 1 and counts[1][0] == counts[0][0]):
        return None
    return counts[0][1]


CLARIFICATION_UTTER = "utter_clarification_options_rasa"


def answer_to_clarification(
    message: str, context: UnderstandingContext, catalog: FlowCatalog, situation: Situation
) -> Decision | None:
    """After "which of these did you mean: check my bill or pay my bill?", the answer picks
    among the options offered, even with a score that would not start a flow on its own."""
    asked = [m for m in context.state.last_bot_messages if m.utter_action == CLARIFICATION_UTTER]
    if not asked:
        return None
    text = normalize(asked[-1].text or "")
    options = {
        e.id
        for e in catalog.entries
        if f" {normalize(e.flow.readable_name)} " in f" {text} " and situation.can_start(e.id)
    }
    if len(options) < 2:
        return None
    ranked = rank_flows(message, catalog, allowed=lambda flow_id: flow_id in options)
    if not ranked or ranked[0].score <= 0:
        return None
    if len(ranked) > 1 and ranked[1].score >= ranked[0].score * 0.95:
        return None
    top = ranked[0]
    values = _values_for(message, top, catalog, situation)
    note = f"answer to the clarification ({', '.join(sorted(options))}): {describe(top)}"
    return Decision(
        [StartFlow(flow=top.flow_id), *(SetSlot(name=n, value=f.value) for n, f in values)],
        [note, *(f"{n} = {f.value!r}: {f.how}" for n, f in values)],
        candidates=ranked,
    )


def knowledge_search(project: Project) -> bool:
    """Does the project answer questions from documents (pattern_search runs the search action,
    or EnterpriseSearchPolicy is configured)? Then an unmatched question is `search and reply`."""
    if any(p.name == "EnterpriseSearchPolicy" for p in project.config.policies):
        return True
    search = project.flows.get("pattern_search")
    return search is not None and any(
        isinstance(step, ActionStep) and step.action == "action_trigger_search"
        for step in search.steps
    )


def in_words(tokens: Sequence[str], catalog: FlowCatalog) -> bool:
    """Is the message written in words (most of its words are English words — the embedded
    model's vocabulary, the stopwords, the project's or conversation's words), not keyboard mash,
    emoji or another script?"""
    said = [t for t in tokens if t.isalpha()]
    if not said:
        return False
    index = catalog.semantic()
    model = index.model if index is not None else None
    conversation = lexicon.phrase_words()

    def known(word: str) -> bool:
        if is_stopword(word) or word in conversation or stem(word) in catalog.known_words:
            return True
        return model is not None and model.is_wordlike(word)

    return sum(map(known, said)) * 2 >= len(said)


def names_the_asked_slot(message: str, asked: AskedSlot, project: Project) -> bool:
    """Does the message say nothing but the asked slot's own words and its value ("order number
    is 31872" at "What's your order number?")? Then it answers; a flow that shares those words
    ("cancel an order: the 5-digit order number") is not asked for."""
    said = set(content_tokens(entities.without_values(message)))
    if not said:
        return False
    own = [identifier_words(asked.name)]
    if asked.step is not None and asked.step.description:
        own.append(asked.step.description)
    response = project.domain.responses.get(asked.utter) if asked.utter else None
    own += [v.text or "" for v in response.variations] if response is not None else []
    return said <= set(content_tokens(" ".join(own)))
