"""The embedded default: understanding without an LLM, a key or a network.

`OfflineGenerator` answers from the project alone — words (BM25, fuzzy matching) and meaning
(an embedded static-embedding model, `semantic_model`) — in about a millisecond. In order, the
first rule that applies decides the turn:

1. payloads: `/SetSlots(...)` and `/intent` (nlu_trigger); DSL typed by the user (`start flow x`);
2. a button of the bot's latest message, picked by number or title (`buttons`);
3. the question being asked, by its buttons or an exact categorical/yes-no value;
4. conversation repair: cancel, skip, "say that again", "talk to a human" (the project's own
   handoff flow if it has one) — unless a flow's own phrases use those words;
5. corrections of a slot the active flow already has ("actually make it 80", "I meant Anna");
6. the answer to the question, by slot type and role — a value of the wrong type is never
   coerced (a number at a yes/no question corrects the flow's number slot, or the question is
   asked again); a question or a request for help is a digression, not an answer (unless the
   slot asks for free text such as a question or feedback);
7. starting a flow with the values stated in the same message, asking which one, or chit-chat,
   knowledge search, cannot handle (`flow_start`).

Every trace lists the candidate flows with scores and a note saying which rule decided and why,
with the runner-up's score for flow decisions.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence
from typing import Any, cast

from calmtui.core.commands import (
    CancelFlow,
    CannotHandle,
    HumanHandoff,
    KnowledgeAnswer,
    RepeatBotMessages,
    SetSlot,
    SkipQuestion,
    StartFlow,
)
from calmtui.core.dsl import parse_dsl
from calmtui.core.model.project import Project
from calmtui.core.model.slots import Slot
from calmtui.core.payloads import parse_set_slots_payload
from calmtui.understanding import entities, lexicon
from calmtui.understanding.amounts import find_numbers, format_number, weeks_as_days
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace
from calmtui.understanding.buttons import Pick, pick_button, pick_ordinal, shown_buttons
from calmtui.understanding.categorical_meaning import (
    ANSWER_MARGIN,
    ANSWER_SIMILARITY,
    ANSWER_WIDE_LEAD,
    value_by_meaning,
)
from calmtui.understanding.corrections import (
    correction_by_value,
    resolve_correction,
    without_pronoun_one,
)
from calmtui.understanding.counts_said import counted_in_words, party_size
from calmtui.understanding.decision import Decision, set_slot
from calmtui.understanding.flow_catalog import FlowCatalog, catalog_for
from calmtui.understanding.flow_choice import Thresholds, thresholds_for
from calmtui.understanding.flow_matching import Candidate, rank_flows
from calmtui.understanding.flow_start import (
    answer_to_clarification,
    knowledge_search,
    names_the_asked_slot,
    start_or_give_up,
)
from calmtui.understanding.follow_up_values import more_in_a_yes, more_in_an_answer
from calmtui.understanding.languages import analysis, from_phrasebook, language_notes
from calmtui.understanding.listed_options import named_in_order, option_buttons
from calmtui.understanding.parsing import check_commands
from calmtui.understanding.question_alternatives import value_by_alternative, value_by_part
from calmtui.understanding.semantic_model import disabled, shared_model, unavailable_reason
from calmtui.understanding.sentence_model import load_failure as encoder_failure
from calmtui.understanding.situation import AskedSlot, Situation, situation_of
from calmtui.understanding.slot_filling import (
    Filled,
    button_match,
    button_values,
    categorical_value,
    clean_text_value,
    duration_in,
    fill_slot,
    part_of_day,
    slot_time_unit,
)
from calmtui.understanding.slot_roles import profile
from calmtui.understanding.spelling import corrected
from calmtui.understanding.text import (
    content_tokens,
    normalize,
    with_apostrophes,
    word_set,
    words,
)
from calmtui.understanding.text_answers import text_answer
from calmtui.understanding.triggers import intent_commands
from calmtui.understanding.user_input import max_characters, user_input_error
from calmtui.understanding.yes_no_phrasings import OPENING_WORDS, yes_no_said

MODE = "offline"
WARM_DELAY = 0.3  # seconds the background warm-up leaves to a UI's start before it loads
SHORT_ANSWER_WORDS = 4
DETAIL_WORDS = 0.5  # a flow whose words match this well is asked for, whatever its meaning  # an unreadable short answer is passed on for the slot's type check
# What the user may type as DSL directly (not the system's own commands).
TYPED_KINDS = frozenset(
    {"start_flow", "set_slot", "correct_slots", "clarify", "cancel_flow", "chitchat", "knowledge",
     "skip_question", "repeat", "human_handoff"}
)  # fmt: skip
_NONE_ANSWERS = word_set("none neither no nope nothing")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class OfflineGenerator:
    """Deterministic, local understanding (see the module docstring for the rules).

    Creating one starts a background thread that, after `WARM_DELAY` (or as soon as a message
    arrives), loads the embedded model and indexes the phrases of the `warm` project: a UI gets
    the processor first and opens at once; the first message waits for whatever is not ready.
    """

    mode = MODE

    def __init__(self, *, origin: str = "default", warm: Project | None = None) -> None:
        self.origin = origin
        self._needed = threading.Event()
        if not disabled():
            threading.Thread(
                target=self._warm, args=(warm,), name="calmtui-offline-warm", daemon=True
            ).start()

    def _warm(self, project: Project | None) -> None:
        self._needed.wait(WARM_DELAY)
        if project is not None:
            index = catalog_for(project).semantic()
            if index is not None:
                index.encode_sentences()
        else:
            shared_model()

    def describe(self) -> str:
        return "offline (no LLM)"

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        self._needed.set()
        started = time.perf_counter()
        # -- languages (docs/languages.md): the conversation's words, stems and phrases --------
        language = context.index.language_of(context.state.slots)
        read_as = from_phrasebook(text, language)
        with analysis(language) as analyzer:
            decision = understand(read_as or text, context)
        notes = decision.notes
        if analyzer is not None:
            notes = [*notes, *language_notes(analyzer, text, read_as)]
        # -- end of languages -------------------------------------------------------------------
        missing = unavailable_reason()
        if missing is not None and decision.candidates:
            notes = [
                *notes,
                f"matched by words only: the embedded model is unavailable ({missing})",
            ]
        elif decision.candidates and (no_encoder := encoder_failure()) is not None:
            notes = [
                *notes,
                f"meaning by word vectors only: the sentence model is unavailable ({no_encoder})",
            ]
        return UnderstandingTrace(
            mode=MODE,
            commands=tuple(decision.commands),
            retrieved_flows=tuple((c.flow_id, c.score) for c in decision.candidates),
            diagnostics=tuple(decision.diagnostics),
            dropped=tuple(decision.dropped),
            notes=tuple(notes),
            latency_ms=(time.perf_counter() - started) * 1000,
        )


def understand(text: str, context: UnderstandingContext) -> Decision:
    """The commands for one message (pure: the same inputs always give the same decision)."""
    rejected = user_input_error(text, max_characters(context.project))
    if rejected is not None:
        return Decision([rejected[0]], [rejected[1]])
    catalog = catalog_for(context.project)
    message, fixes = _spelled(with_apostrophes(text.strip()), catalog)  # "i dont", "redaing"
    situation = situation_of(context)
    direct = _payload_or_typed(text.strip(), context, situation)
    if direct is not None:
        return direct
    decision = _understand(message, context, catalog, situation)
    if fixes:
        decision.notes.append(
            "read " + ", ".join(f"{typed!r} as {right!r}" for typed, right in fixes)
        )
    return decision


def _spelled(message: str, catalog: FlowCatalog) -> tuple[str, list[tuple[str, str]]]:
    """The message with misspelt words put right (`spelling`), only with the embedded model."""
    if message.startswith("/"):
        return message, []
    index = catalog.semantic()
    return corrected(message, catalog.spelling(), index.model if index is not None else None)


def _understand(
    message: str, context: UnderstandingContext, catalog: FlowCatalog, situation: Situation
) -> Decision:
    asked = situation.asked if situation.asked is not None and situation.asked.fillable else None
    picked = _picked(message, context, asked)
    if picked is not None:
        chosen = _payload_or_typed(picked.button.payload, context, situation)
        if chosen is not None:
            chosen.notes.insert(0, f"picked {picked.how}: {picked.button.payload}")
            return chosen
    tokens = words(message)
    if asked is not None and (exact := _exact_answer(message, asked, context)) is not None:
        return set_slot(asked.name, exact)
    if asked is not None and (options := _about_the_options(message, asked, context)) is not None:
        return options
    candidates = rank_flows(message, catalog, allowed=situation.can_start)
    repair = _repair(message, tokens, candidates, catalog, situation)
    if repair is not None:
        repair.candidates = candidates
        return repair
    fixed = resolve_correction(message, situation)
    if fixed is not None:
        decision = Decision(
            [SetSlot(name=fixed[0], value=fixed[1].value)],
            [f"correction of {fixed[0]!r}: {fixed[1].how}"],
            candidates=candidates,
        )
        if asked is not None and fixed[0] != asked.name:
            _answer_beside(message, fixed, decision, (asked, candidates), situation, context)
        return decision
    if asked is not None and (both := _correction_and_answer(message, asked, situation)):
        decision = Decision([SetSlot(name=both[0], value=both[1].value)], candidates=candidates)
        decision.notes.append(f"correction of {both[0]!r}: {both[1].how}")
        _answer_beside(message, both, decision, (asked, candidates), situation, context)
        if len(decision.commands) > 1:
            return decision
    if asked is not None:
        answer = _answer(message, tokens, asked, candidates, situation, context)
        if answer is not None:
            answer.candidates = candidates
            return answer
    chosen = answer_to_clarification(message, context, catalog, situation)
    if chosen is not None:
        return chosen
    return start_or_give_up(message, tokens, candidates, catalog, situation)


def _picked(message: str, context: UnderstandingContext, asked: AskedSlot | None) -> Pick | None:
    """A button of the bot's latest message, else an option the question lists by number, else
    one it names in its text picked by position ("the second one" at "standard, deluxe or
    suite?")."""
    shown = context.state.last_bot_messages
    picked = pick_button(message, shown_buttons(shown))
    if picked is None and asked is not None and asked.slot is not None:
        picked = pick_button(message, option_buttons(shown, asked.utter, asked.slot))
        if picked is None:
            picked = pick_ordinal(message, named_in_order(shown, asked.utter, asked.slot))
    return picked


_SENTENCE_BREAK = re.compile(
    r"(?<=[.!;])\s+"
    # "deluxe, and actually it's Saturday not Friday": a comma before a clause that corrects
    r"|,\s*(?=(?:(?:and|but|oh|also|ah)\s+)*(?:actually|sorry|oops|wait|i\s+meant)\b)",
    re.IGNORECASE,
)


def _sentences(message: str) -> list[str]:
    """The message's sentences, and the clauses that open with a correction ("deluxe, and
    actually it's Saturday not Friday"); a part of opening words only ("no, I meant Ben")
    stays with what follows."""
    parts: list[str] = []
    opening = ""
    for part in _SENTENCE_BREAK.split(message.strip()):
        if not words(part):
            continue
        if set(words(part)) <= OPENING_WORDS | _YES_NO_OPENERS:
            opening = f"{opening}{part}, "
            continue
        parts.append(opening + part)
        opening = ""
    if opening and parts:
        parts[-1] = f"{parts[-1]}, {opening.rstrip(', ')}"
    return parts or ([opening.rstrip(", ")] if opening else [])


_YES_NO_OPENERS = word_set("yes yeah yep no nope")


def _correction_and_answer(
    message: str, asked: AskedSlot, situation: Situation
) -> tuple[str, Filled] | None:
    """The correction of another slot in one sentence of a longer message ("oops, it's unit 7
    not unit 4. yes, send it"); taken only if the rest answers the question (`_answer_beside`)."""
    sentences = _sentences(message)
    if len(sentences) < 2:
        return None
    for sentence in sentences:
        fixed = resolve_correction(sentence, situation)
        if fixed is not None and fixed[0] != asked.name:
            return fixed
    return None


def _answer_beside(
    message: str,
    fixed: tuple[str, Filled],
    decision: Decision,
    asked_and_ranked: tuple[AskedSlot, list[Candidate]],
    situation: Situation,
    context: UnderstandingContext,
) -> None:
    """ "sorry, I meant 130. ref is HB-6008" at the booking reference question: one sentence
    corrects another slot, another answers the question — both are taken."""
    asked, candidates = asked_and_ranked
    sentences = _sentences(message)
    if len(sentences) < 2:
        return
    for i, sentence in enumerate(sentences):
        alone = resolve_correction(sentence, situation)
        if alone is None or alone[0] != fixed[0]:
            continue
        rest = " ".join(sentences[:i] + sentences[i + 1 :])
        answer = _answer(rest, words(rest), asked, candidates, situation, context)
        if answer is None:
            return
        said = [c for c in answer.commands if isinstance(c, SetSlot) and c.name == asked.name]
        if said and all(isinstance(c, SetSlot) for c in answer.commands):
            # the correction as its own sentence says it, without the answer's words
            decision.commands[0] = SetSlot(name=alone[0], value=alone[1].value)
            decision.notes[0] = f"correction of {alone[0]!r}: {alone[1].how}"
            decision.commands.extend(said)
            decision.notes.append(f"and {rest!r} answers {asked.name!r}")
        return


# -- 1. payloads and typed commands -------------------------------------------------------------


def _payload_or_typed(
    message: str, context: UnderstandingContext, situation: Situation
) -> Decision | None:
    payload = parse_set_slots_payload(message)
    if payload is not None:
        return Decision(list(payload), ["button payload /SetSlots(...)"])
    triggered = (
        intent_commands(message, context.project, active_flow=situation.active_flow)
        if message.startswith("/")
        else None
    )
    if triggered is not None:
        return Decision(list(triggered.commands), [triggered.note])
    commands, unparsed = parse_dsl(message)
    if not commands or unparsed or any(c.kind not in TYPED_KINDS for c in commands):
        return None
    asked = situation.asked.name if situation.asked else None
    checked = check_commands(commands, context.index, asked_slot=asked)
    kept = checked.commands or [CannotHandle()]
    return Decision(
        kept,
        ["the message is written in the command language"],
        checked.diagnostics,
        dropped=checked.dropped,
    )


# -- 2. the question's buttons and exact values ---------------------------------------------------


def _exact_answer(message: str, asked: AskedSlot, context: UnderstandingContext) -> Filled | None:
    slot = asked.slot
    if slot is None:
        return None
    buttons = button_values(context.project.domain.responses, asked.utter, asked.name)
    by_button = button_match(message, buttons)
    if by_button is not None:
        return by_button
    normalized = normalize(message)
    if slot.type == "categorical":
        for value in slot.values:
            if normalize(str(value)) == normalized:
                return Filled(value, f"the value {value!r}")
    if slot.type == "bool":
        answer = lexicon.yes_no(words(message))
        if answer is not None and answer[1]:
            return Filled(answer[0], "yes/no phrasing")
        return _mistyped_yes_no(message)
    return None


_YES_NO_WORDS = {"yes": True, "yeah": True, "yep": True, "no": False, "nope": False}


def _mistyped_yes_no(message: str) -> Filled | None:
    """ "ys", "yse", "noo" at a yes/no question: a one-word reply that is no word, one letter
    away from exactly one of yes/yeah/yep or no/nope (and not from both), its last letter kept
    unless the letter was added or dropped at the end ("np" is no problem, not a no)."""
    said = normalize(message)
    if not said.isalpha() or len(said) > len("yeah") or lexicon.yes_no([said]) is not None:
        return None
    near = {
        value
        for word, value in _YES_NO_WORDS.items()
        if _one_edit(said, word)
        and (said[-1] == word[-1] or said.startswith(word) or word.startswith(said)
             or sorted(said) == sorted(word))
    }  # fmt: skip  # the last letter kept, or one added or dropped at the end: "np" is no no
    if len(near) != 1:
        return None
    value = near.pop()
    return Filled(value, f"{said!r} read as a {'yes' if value else 'no'}")


def _one_edit(typed: str, word: str) -> bool:
    """One letter added, dropped, changed, or two neighbours swapped (same first letter)."""
    if typed == word or typed[:1] != word[:1] or abs(len(typed) - len(word)) > 1:
        return False
    if len(typed) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == word[diff[1]]
            and typed[diff[1]] == word[diff[0]]
        )  # fmt: skip
    short, long = sorted((typed, word), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _about_the_options(
    message: str, asked: AskedSlot, context: UnderstandingContext
) -> Decision | None:
    """ "what are the options?" at a question with options asks to hear them again; "I don't
    mind" / "either is fine" picks the slot's value for any ("no_preference", "any")."""
    slot = asked.slot
    if slot is None:
        return None
    buttons = button_values(context.project.domain.responses, asked.utter, asked.name)
    if lexicon.asks_for_options(message) and (buttons or slot.type in ("categorical", "bool")):
        return Decision(
            [RepeatBotMessages()], [f"asked which answers there are for {asked.name!r}"]
        )
    if slot.type == "categorical" and lexicon.is_indifferent(message):
        anything = [v for v in slot.values if lexicon.means_any(str(v))]
        if len(anything) == 1:
            return set_slot(asked.name, Filled(anything[0], f"any will do: {anything[0]!r}"))
    return None


# -- 3. conversation repair -----------------------------------------------------------------------


def _repair(
    message: str,
    tokens: list[str],
    candidates: list[Candidate],
    catalog: FlowCatalog,
    situation: Situation,
) -> Decision | None:
    cancels = (
        lexicon.is_cancel(tokens) or lexicon.cancels_first(message) or lexicon.cancels_last(message)
    ) and not _answers_yes_no(message, tokens, situation)
    if cancels and not _flow_owns_words(candidates, catalog, tokens):
        return Decision([CancelFlow()], ["cancel phrasing"])
    if situation.active_flow is not None and _puts_off(message, candidates, situation):
        return Decision(
            [CancelFlow()], [f"puts off what is being done now ({situation.active_flow!r})"]
        )
    if situation.active_flow is not None and lexicon.quits_current(message):
        return Decision(
            [CancelFlow()], [f"gives up what is being done now ({situation.active_flow!r})"]
        )
    if situation.asked is not None and lexicon.is_skip(tokens):
        return Decision([SkipQuestion()], ["skip phrasing"])
    if lexicon.is_repeat(tokens):
        return Decision([RepeatBotMessages()], ["asked to repeat"])
    if lexicon.is_handoff(words(lexicon.without_pleasantries(message))) and not (
        _answers_yes_no(message, tokens, situation)
    ):  # "yes send someone asap" at "Shall I send someone?" answers it
        top = candidates[0] if candidates else None
        if (
            top is not None
            and top.flow_id not in catalog.handoff_flows()
            and _flow_owns_words(candidates, catalog, tokens)
        ):
            return Decision([StartFlow(flow=top.flow_id)], [f"flow {top.flow_id!r} {top.reason}"])
        flow = _handoff_flow(candidates, catalog)
        if flow is not None:
            return Decision(
                [StartFlow(flow=flow)], [f"asked for a human: the project's flow {flow!r}"]
            )
        return Decision([HumanHandoff()], ["asked for a human"])
    return None


# Clauses that only open a message: "ah wait", "oh sorry", "hmm, actually".
# Taking back what is under way: "scratch that", "hold off", "let's leave it for now".
_RETRACTS = re.compile(
    r"^(?:scratch|scrap|forget|cancel|drop)\s+(?:that|this|it|all\s+that)$"
    r"|^(?:hold|hang)\s+off(?:\s+(?:on\s+)?(?:that|this|it|for\s+now))?$"
    r"|^(?:let'?s\s+)?(?:leave|park|pause)\s+(?:it|this|that)(?:\s+(?:for\s+now|there))?$"
    r"|^not\s+(?:yet|now|right\s+now|today)$",
    re.IGNORECASE,
)
# Having to do something else first: "I need to check with my landlord first", "I'll have to
# ask my wife first", "let me sort out the dates first".
_FIRST = re.compile(
    r"\b(?:i|we)(?:\s+|(?='))(?:need|have|'ll\s+have|will\s+have|must|should|'?d\s+better|got)"
    r"\s*(?:to\s+)?"
    r"\w+\b.*\bfirst[.!]?$"
    r"|\blet\s+me\s+\w+\b.*\bfirst[.!]?$",
    re.IGNORECASE,
)


def _puts_off(message: str, candidates: list[Candidate], situation: Situation) -> bool:
    """Does the message take back what is under way ("ah wait, scratch that, ..."; "actually
    hold off, ...") or put it off until something else is done ("I need to check with my
    landlord first")? A request for another flow ("I need to check my balance first") is no
    putting off: a flow that matches clearly starts instead. At a yes/no question it is a no
    ("not now" at "Shall I book it?"), read there."""
    asked = situation.asked
    if asked is not None and asked.slot is not None and asked.slot.type == "bool":
        return False
    clauses = [c for c in lexicon.CLAUSE_BREAK.split(message.strip()) if c.strip()]
    while clauses and set(words(clauses[0])) <= OPENING_WORDS:
        clauses = clauses[1:]  # "ah wait, scratch that": the openers say nothing
    said = words(clauses[0]) if clauses else []
    while said and said[0] in OPENING_WORDS:
        said = said[1:]  # "actually hold off"
    if said and _RETRACTS.match(" ".join(said)):
        return True
    if not _FIRST.search(message.strip().replace("\u2019", "'")):
        return False
    other = [c for c in candidates if c.flow_id != situation.active_flow]
    return not other or other[0].score < thresholds_for(candidates).start


def _answers_yes_no(message: str, tokens: list[str], situation: Situation) -> bool:
    """ "no, leave it" at a yes/no question is a no, not a cancel; so is "cancel it" at "Do you
    really want to cancel reservation TB-1234?" (a yes: it echoes the question)."""
    asked = situation.asked
    if asked is None or asked.slot is None or asked.slot.type != "bool":
        return False
    template = _question_template(asked, situation.index.project)
    return (
        lexicon.starts_with_yes_or_no(tokens)
        or lexicon.echoes_question(message, template) is not None
    )


def _handoff_flow(candidates: list[Candidate], catalog: FlowCatalog) -> str | None:
    """The project's own flow for reaching a person (it links to pattern_human_handoff, or its
    name or description is about a human), if the project has one — the best-scored first."""
    flows = catalog.handoff_flows()
    if not flows:
        return None
    for candidate in candidates:
        if candidate.flow_id in flows:
            return candidate.flow_id
    return flows[0] if len(flows) == 1 else None


def _flow_owns_words(candidates: list[Candidate], catalog: FlowCatalog, tokens: list[str]) -> bool:
    """Does the best flow match because of the repair words themselves ("cancel my plan" in a
    project with a flow to cancel a plan; not "forget the flight" in one that books flights)?"""
    if not candidates or candidates[0].score < thresholds_for(candidates).digression:
        return False
    vocabulary = catalog.by_id[candidates[0].flow_id].vocabulary
    repair = [t for t in content_tokens(" ".join(tokens)) if t in lexicon.REPAIR_STEMS]
    return any(t in vocabulary for t in repair or content_tokens(" ".join(tokens)))


# -- 5. answering the question ------------------------------------------------------------------


def _answer(
    message: str,
    tokens: list[str],
    asked: AskedSlot,
    candidates: list[Candidate],
    situation: Situation,
    context: UnderstandingContext,
) -> Decision | None:
    slot = asked.slot
    if slot is None:
        return None
    other = _other_flow(candidates, situation)
    limits = thresholds_for(candidates)
    if asked.name == "interrupted_flow_to_continue":
        return _which_interrupted_flow(message, tokens, asked)
    if slot.type in ("text", "any"):
        if (
            other is not None
            and other.score >= limits.digression
            and not _by_detail(other, ("step", "question", "value"))
            and not names_the_asked_slot(message, asked, context.project)
        ):
            return None  # a digression: flow start below
        if _not_a_text_answer(message, tokens, asked, context) and not _proposes_when(
            message, asked, situation
        ):
            return None  # rule 6 decides
        return text_answer(message, asked, situation)
    return _typed_answer(message, tokens, asked, (slot, candidates, limits), situation, context)


def _typed_answer(
    message: str,
    tokens: list[str],
    asked: AskedSlot,
    match: tuple[Slot, list[Candidate], Thresholds],
    situation: Situation,
    context: UnderstandingContext,
) -> Decision | None:
    """An answer to a bool, float or categorical question — or why the message is not one.
    `match`: the asked slot, the ranked flows and the thresholds in force."""
    slot, candidates, limits = match
    other = _other_flow(candidates, situation)
    if lexicon.small_talk_kind(tokens) == "asks to wait":
        return None  # "one moment please" is not one of anything: chit-chat (rule 7)
    if slot.type != "bool" and lexicon.asks_wh_question(message):
        return _question_about_values(other, slot, asked, context)
    filled = _read_answer(message, slot, asked, context)
    if filled is not None and slot.type == "float" and _number_in_a_code(message, filled):
        filled = None  # "is flight SK 101 on time?" is not 101 passengers
    if filled is not None and slot.type == "float":
        filled = _in_days(message, filled, asked, situation)
    if filled is not None:
        asked_words = _asked_words(asked, context)
        if _another_flow_wins(tokens, other, candidates, situation, limits, asked_words):
            return None  # "no, I want to check my balance": the flow wins
        decision = set_slot(asked.name, filled)
        for name, more in _more_than_asked(message, slot, filled, asked, situation):
            decision.commands.append(SetSlot(name=name, value=more.value))
            decision.notes.append(f"{name} = {more.value!r}: {more.how}")
        return decision
    # Not a value of the asked type: never coerced ("5000" is not a no). It may be a question
    # (a digression: rule 7), or correct another slot of the flow ("oh wait, she's 27").
    if _asks(message) or lexicon.small_talk_kind(tokens) is not None:
        return None  # a digression: a flow, chit-chat or cannot handle (rule 7)
    fixed = correction_by_value(message, situation, exclude=asked.name)
    if fixed is not None:
        return Decision(
            [SetSlot(name=fixed[0], value=fixed[1].value)],
            [f"not a {slot.type} answer for {asked.name!r}; a correction of {fixed[0]!r}: "
             f"{fixed[1].how}"],
        )  # fmt: skip
    # At a choice among values, a short reply is an attempt to choose: another flow starts from
    # it only as clearly as from a reply to a free-text question ("I'll come in" at "come in, or
    # video?" is not a request to check test results that "come back").
    bar = limits.digression if slot.type == "categorical" else limits.start
    no_flow = other is None or other.score < bar
    if slot.type == "bool" and find_numbers(message):
        return Decision(
            [CannotHandle()],
            [f"{message!r} is not a yes or no for {asked.name!r}, and no slot of the flow takes "
             "a number: the question is asked again"],
        )  # fmt: skip
    if tokens and tokens[0] in _EXCLAMATIONS:
        return None  # "ugh I'm so hungry": a remark, not an attempt at an answer (rule 7)
    if no_flow and 0 < len(tokens) <= SHORT_ANSWER_WORDS:
        # Pass the unreadable answer on: the engine's type check explains what is expected
        # ("Sorry, 'lots' doesn't look like a number").
        return Decision(
            [SetSlot(name=asked.name, value=clean_text_value(message))],
            [f"no {slot.type} value found for {asked.name!r}: passed on for the slot's type check"],
        )
    return None


def _more_than_asked(
    message: str, slot: Slot, filled: Filled, asked: AskedSlot, situation: Situation
) -> list[tuple[str, Filled]]:
    """What an answer says besides the answer: a yes that answers the next question too, a
    number or a choice that names another value ("700 on my credit card")."""
    if slot.type == "bool":
        if filled.value is not True:
            return []
        return [
            (name, more)
            for name, more in more_in_a_yes(message, asked, situation)
            if not (isinstance(more.value, str) and words(more.value)[:1] in _SUBJECTS)
            and not (isinstance(more.value, str) and _only_how_many(more.value))
        ]  # "yes I pay tax" says why, not the next question's name; "yes, a few" says no more
    return more_in_an_answer(message, asked, situation)


# Words that say how many without saying what: "yes, a few", "yes, loads".
_QUANTIFIERS = word_set(
    "a an few several some many lots lot loads load couple handful bit plenty most all both of"
    " them those quite just only one two three very"
)


def _only_how_many(value: str) -> bool:
    said = words(value)
    return bool(said) and all(w in _QUANTIFIERS for w in said)


# Exclamations of feeling that open a remark rather than an answer.
_EXCLAMATIONS = word_set("ugh urgh argh haha hahaha lol lmao wow omg aww aw ooh yay phew meh")
_SUBJECTS = [[w] for w in ("i", "we", "it", "that", "this", "they", "you", "i'm", "it's")]


def _read_answer(
    message: str, slot: Slot, asked: AskedSlot, context: UnderstandingContext
) -> Filled | None:
    """The value of the asked slot's type in the message: by button or type; at a yes/no
    question also by echoing it ("send it"); at a categorical one also by meaning."""
    buttons = button_values(context.project.domain.responses, asked.utter, asked.name)
    if slot.type == "bool" and (declined := _declined(message, asked, context)) is not None:
        return declined
    # "the big one" counts nothing: "one" stands for a thing there
    filled = fill_slot(
        slot, without_pronoun_one(message) if slot.type == "float" else message, buttons
    )
    if slot.type == "categorical" and (other := _other_than_negated(message, slot)) is not None:
        return other if other.value is not None else None  # "not the morning"
    if slot.type == "float" and not (filled is not None and filled.how.startswith("the button")):
        filled = _duration(message, asked, context) or filled
    if filled is None and slot.type == "float":
        filled = _all_of_it(message, context) or counted_in_words(message)
    if filled is None and slot.type == "bool":
        echo = lexicon.echoes_question(message, _question_template(asked, context.project))
        if echo is not None:
            filled = Filled(echo, "repeats the question's words" + ("" if echo else ", negated"))
    if filled is None and slot.type == "bool":
        question = _question_template(asked, context.project)
        filled = yes_no_said(message, question)
    if filled is None and slot.type == "categorical":
        filled = _categorical_reading(message, slot, buttons, asked, context)
    if slot.type == "float" and (group := party_size(message)) is not None:
        filled = group  # "two adults, two children and a baby"
    return filled


# "not the morning", "anything but economy", "evening, not morning": a value said as not wanted.
_NOT_BEFORE = re.compile(
    r"\b(?:not|never|anything\s+but|except|rather\s+than|instead\s+of|don'?t\s+want)"
    r"\s+(?:(?:the|a|an|in\s+the|on\s+the|for\s+the)\s+)?$",
    re.IGNORECASE,
)


def _other_than_negated(message: str, slot: Slot) -> Filled | None:
    """A categorical answer that names a value only to rule it out: the one value named and not
    ruled out ("evening, not morning"), else — with two values — the other one ("not the
    morning" at "morning or afternoon?"). `Filled(None, ...)` when what is left is not one value
    (the answer says what is not wanted only); None when no named value is ruled out."""
    said = f" {normalize(message)} "
    negated: list[Any] = []
    named: list[Any] = []
    for value in slot.values:
        phrase = normalize(str(value))
        found = re.search(rf"(?<=\s){re.escape(phrase)}s?(?=\s)", said)
        if found is None:
            continue
        (negated if _NOT_BEFORE.search(said[: found.start()].rstrip() + " ") else named).append(
            value
        )
    if not negated:
        return None
    if len(named) == 1:
        return Filled(named[0], f"the value {named[0]!r}, not {negated[0]!r}")
    rest = [v for v in slot.values if v not in negated and not lexicon.means_any(str(v))]
    if not named and len(rest) == 1:
        return Filled(rest[0], f"not {negated[0]!r}: the other value, {rest[0]!r}")
    return Filled(None, f"rules out {negated[0]!r} only")


def _duration(message: str, asked: AskedSlot, context: UnderstandingContext) -> Filled | None:
    """ "an hour and a half" or "45 minutes" at a question counted in hours: 1.5, 0.75 — the
    unit is the one the slot's name, description or question counts in."""
    description = asked.step.description if asked.step else None
    unit = slot_time_unit(asked.name, description, _question_template(asked, context.project))
    return duration_in(message, unit) if unit is not None else None


# "ok, no that's everything": an acknowledgement, then the answer.
_ACKNOWLEDGED = word_set("ok okay alright right well hmm hm um erm so")
# "I'll think about it", "let me sleep on it": not now, a no.
_DEFERS = re.compile(
    r"\b(?:i'?ll|i\s+will|let\s+me|i\s+(?:need|want|have)\s+to|i'?d\s+like\s+to|i'?ll\s+have\s+to)"
    r"\s+(?:think\s+(?:about|it\s+over)|sleep\s+on|mull\s+(?:it\s+)?over|consider)\b",
    re.IGNORECASE,
)
# "I'll keep them", "leave it as it is": what the question offers to change stays as it is.
_KEEPS = re.compile(
    r"\b(?:keep|leave)\s+(?:it|them|that|this|those|my|the|everything)\b"
    r"|\bas\s+(?:it\s+is|they\s+are)\b",
    re.IGNORECASE,
)
_KEEP_WORDS = word_set("keep leave stay")


def _declined(message: str, asked: AskedSlot, context: UnderstandingContext) -> Filled | None:
    """A no that yes/no phrasing misses: an acknowledgement before a no ("ok, no that's
    everything"), putting it off ("that's a lot, I'll think about it"), or keeping what the
    question offers to change ("hmm actually I'll keep them" at "Shall I refund them?")."""
    tokens = words(message)
    if len(tokens) > 1 and tokens[0] in _ACKNOWLEDGED:
        rest = lexicon.yes_no(tokens[1:])
        if rest is not None and rest[0] is False and lexicon.starts_with_yes_or_no(tokens[1:]):
            return Filled(False, f"a no after {tokens[0]!r}")
    if message.strip().endswith("?"):
        return None
    if _DEFERS.search(message):
        return Filled(False, "puts it off: a no")
    question = set(words(_question_template(asked, context.project)))
    if _KEEPS.search(message) and not (question & _KEEP_WORDS):
        return Filled(False, "keeps things as they are: a no")
    return None


# How many, said with the closed words of English that count without a number word.
# "all of it", "the whole thing", "the full amount", "everything": the amount the question shows.
_ALL_OF_IT = re.compile(
    r"^(?:(?:just|um|ok|okay|well)\s+)?(?:all\s+of\s+it|all|the\s+(?:whole|full|total|entire)"
    r"(?:\s+(?:thing|amount|lot|balance|sum))?|everything|in\s+full|(?:the\s+)?full\s+amount"
    r"|all\s+(?:of\s+)?(?:it|that|the\s+balance))(?:\s+(?:please|thanks|of\s+it))?[.!]*$",
    re.IGNORECASE,
)


def _all_of_it(message: str, context: UnderstandingContext) -> Filled | None:
    """ "all of it" at "You owe $6.75. How much would you like to pay?": the one amount the
    bot's latest messages show."""
    if not _ALL_OF_IT.match(message.strip()):
        return None
    shown = " ".join(m.text or "" for m in context.state.last_bot_messages)
    mentions = entities.amounts(shown)
    money = [m for m in mentions if m.unit == "money"]
    if len(money or mentions) != 1:
        return None  # no amount shown, or several: which one is meant is not clear
    amount = (money or mentions)[0]
    numbers = find_numbers(amount.text)
    if len(numbers) != 1:
        return None
    return Filled(format_number(numbers[0].value), f"all of it: the amount shown, {amount.text!r}")


def _another_flow_wins(
    tokens: list[str],
    other: Candidate | None,
    candidates: list[Candidate],
    situation: Situation,
    limits: Thresholds,
    asked_words: set[str],
) -> bool:
    """An answer with more to it ("no, I want to check my balance") starts another flow when
    that flow matches clearly — better than the flow asking ("yes, book it" stays an answer),
    and through words of its own, not only words of the question asked (`asked_words`)."""
    if other is None or other.score < limits.digression or len(tokens) <= 2:
        return False
    opens = lexicon.starts_with_yes_or_no(tokens) or lexicon.yes_no(tokens[:1]) is not None
    rest = " ".join(tokens[1:])
    if opens and len(content_tokens(rest)) <= 2 and not _asks(rest):
        return False  # "great, book it": a yes, and what it is about
    if _by_detail(other, ("value",)):
        return False  # "apply my financial aid": a value another flow also offers
    if _only_the_questions_words(tokens, other, asked_words):
        return False  # "all day, like 5 hours" at "For how many hours?" is no opening hours
    asking = next((c for c in candidates if c.flow_id == situation.active_flow), None)
    return asking is None or other.score > asking.score


def _asks(text: str) -> bool:
    """A question, also after a hedge ("hmm what do I even have out?")."""
    return lexicon.asks_something(text) or lexicon.asks_something(
        lexicon.without_pleasantries(text)
    )


def _asked_words(asked: AskedSlot, context: UnderstandingContext) -> set[str]:
    """The content words of what is being asked: the slot's name, its step's description, the
    question and the values and buttons it offers."""
    slot = asked.slot
    buttons = button_values(context.project.domain.responses, asked.utter, asked.name)
    texts = [
        asked.name.replace("_", " "),
        asked.step.description or "" if asked.step else "",
        _question_template(asked, context.project),
        _question_text(asked, context),
        *(str(v) for v in (slot.values if slot is not None else ())),
        *(title for title, _ in buttons),
    ]
    return set(content_tokens(" ".join(texts)))


def _only_the_questions_words(
    tokens: list[str], other: Candidate | None, asked_words: set[str]
) -> bool:
    """Does the message share words with the other flow only where they are words of the
    question asked ("refund" at "replacement or refund?", "hours" at "how many hours?")?"""
    if other is None or other.exact:
        return False
    phrase = other.phrase
    if phrase is None:
        return False
    shared = set(content_tokens(" ".join(tokens))) & phrase.tokens
    return bool(shared) and shared <= asked_words


def _question_about_values(
    other: Candidate | None, slot: Slot, asked: AskedSlot, context: UnderstandingContext
) -> Decision | None:
    """ "what does physiotherapy mean?" names a value but asks: a digression (rule 7, None) —
    not to another flow that merely offers the same value."""
    if other is None or not _offers_an_asked_value(other, slot, asked, context):
        return None
    if knowledge_search(context.project):
        return Decision([KnowledgeAnswer()], ["a question about the values asked for"])
    return Decision(
        [CannotHandle()],
        [f"a question about the values asked for, not an answer for {asked.name!r}; "
         f"{other.flow_id!r} only offers one of them too"],
    )  # fmt: skip


def _categorical_reading(
    message: str,
    slot: Slot,
    buttons: Sequence[tuple[str, Any]],
    asked: AskedSlot,
    context: UnderstandingContext,
) -> Filled | None:
    """A value the answer means, the alternative of the question it echoes, or a value named by
    part of its word — when no value or button is named. A time placed in the day ("after
    lunch", "around 3pm") chooses a part of the day first (`part_of_day`)."""
    return (
        part_of_day(message, slot.values)
        or value_by_meaning(
            message,
            slot,
            buttons,
            min_similarity=ANSWER_SIMILARITY,
            min_margin=ANSWER_MARGIN,
            wide_lead=ANSWER_WIDE_LEAD,
            sentences=True,
        )
        or value_by_alternative(message, _question_text(asked, context), slot, buttons)
        or value_by_part(message, slot)
    )


def _offers_an_asked_value(
    candidate: Candidate, slot: Slot, asked: AskedSlot, context: UnderstandingContext
) -> bool:
    """Does the flow match through a value that the question being asked offers too?"""
    if not _by_detail(candidate, ("value",)):
        return False
    phrase = candidate.meaning_phrase or candidate.phrase
    buttons = button_values(context.project.domain.responses, asked.utter, asked.name)
    offered = {normalize(str(v)) for v in slot.values} | {normalize(t) for t, _ in buttons}
    return phrase is not None and normalize(phrase.text) in offered


def _question_template(asked: AskedSlot, project: Project) -> str:
    """The question's texts as written, without their {placeholders} (the values they show)."""
    response = project.domain.responses.get(asked.utter) if asked.utter else None
    texts = (v.text or "" for v in response.variations) if response is not None else ()
    return " ".join(_PLACEHOLDER.sub(" ", text) for text in texts)


def _question_text(asked: AskedSlot, context: UnderstandingContext) -> str:
    """The text of the question being asked, as the user saw it."""
    shown = next(
        (m for m in reversed(context.state.last_bot_messages) if m.utter_action == asked.utter),
        None,
    )
    return shown.text or "" if shown is not None else ""


def _in_days(message: str, filled: Filled, asked: AskedSlot, situation: Situation) -> Filled:
    """ "two weeks" at "how many days?" is 14."""
    numbers = find_numbers(message)
    if not numbers:
        return filled
    steps = situation.index.collect_steps(situation.active_flow or asked.asking_flow)
    counts = profile(asked.name, steps, situation.index.project.domain.responses).words
    days = weeks_as_days(message, numbers[0], counts)
    if days is None:
        return filled
    return Filled(format_number(days), f"{numbers[0].text!r} weeks in days")


def _by_detail(candidate: Candidate, kinds: tuple[str, ...]) -> bool:
    """Does the flow match through what it asks or offers (phrases of `kinds`: a question, a
    value) rather than through a way to ask for it? "my student number is 20219034" echoes
    another flow's question: it answers the one asked."""
    if candidate.exact or (candidate.words or 0.0) >= DETAIL_WORDS:
        return False  # its words ask for it ("I also need to submit my gas reading")
    phrase = candidate.meaning_phrase or candidate.phrase
    return phrase is not None and phrase.kind in kinds


def _number_in_a_code(message: str, filled: Filled) -> bool:
    """The number is part of a reference with letters or spaces ("SK 101"), not a quantity."""
    return any(
        str(filled.value) in m.text.split() and not m.text.isdigit()
        for m in entities.codes(message)
    )


def _not_a_text_answer(
    message: str, tokens: list[str], asked: AskedSlot, context: UnderstandingContext
) -> bool:
    """Small talk, a question for the knowledge base, or a question where no question fits
    ("what can you do" is not a name) — unless the slot says any sentence will do."""
    if lexicon.small_talk_kind(tokens) is not None and len(tokens) <= 2:
        return True
    if lexicon.question_kind(message) == "information" and knowledge_search(context.project):
        return True  # "what are your opening hours" (with or without its '?')
    return _asks(message) and not lexicon.expects_free_text(
        asked.name, asked.step.description if asked.step else None
    )


# A question that offers a value instead of stating it: "can I pick it up on Sunday?", "is
# Thursday at 3 ok?", "would the 14th work?", "how about next Monday?".
_PROPOSES = re.compile(
    r"^(?:(?:um|hmm|ok|okay|so|and|oh|well)[,\s]+)*"
    r"(?:(?:can|could|may|might|shall)\s+(?:i|we)\b"
    r"|(?:how|what)\s+about\b"
    r"|(?:is|are|would|will|does|do|could|can)\b.*\b(?:ok|okay|fine|possible|free|available"
    r"|work|suit|do|alright|all\s+right|good)\s*\??$)",
    re.IGNORECASE,
)
_WHEN_ROLES = frozenset({"date", "time"})


def _proposes_when(message: str, asked: AskedSlot, situation: Situation) -> bool:
    """ "can I pick it up on Sunday?" at "Which day will you collect it?": a question that offers
    a day or a time for the date or time asked — the answer, as a person takes it."""
    if not _PROPOSES.search(message.strip()):
        return False
    steps = situation.index.collect_steps(situation.active_flow or asked.asking_flow)
    roles = profile(asked.name, steps, situation.index.project.domain.responses).roles
    if not roles & _WHEN_ROLES:
        return False
    return bool(entities.dates(message) or entities.times(message))


def _which_interrupted_flow(message: str, tokens: list[str], asked: AskedSlot) -> Decision | None:
    """Answers to "which flow would you like to continue?" (pattern_continue_interrupted)."""
    ids = _strings(asked.asking_context.get("interrupted_flow_ids"))
    names = _strings(asked.asking_context.get("interrupted_flow_names"))
    if tokens and (tokens[0] in _NONE_ANSWERS or lexicon.yes_no(tokens) == (False, True)):
        return set_slot(asked.name, Filled("none", "declined every interrupted flow"))
    pseudo = _options_slot(ids, names)
    found = categorical_value(pseudo, message) if pseudo is not None else None
    if found is None:
        return None
    flow_id = ids[names.index(found.value)] if found.value in names else str(found.value)
    return set_slot(asked.name, Filled(flow_id, f"chose the interrupted flow {flow_id!r}"))


def _strings(value: object) -> list[str]:
    return [str(item) for item in cast(list[Any], value)] if isinstance(value, list | tuple) else []


def _options_slot(ids: Sequence[str], names: Sequence[str]) -> Slot | None:
    """The interrupted flows as a categorical slot, to reuse the value matcher."""
    values = tuple(dict.fromkeys([*names, *ids]))
    return (
        Slot(name="interrupted_flow_to_continue", type="categorical", values=values)
        if values
        else None
    )


def _other_flow(candidates: list[Candidate], situation: Situation) -> Candidate | None:
    """The best candidate that is not the flow asking the question."""
    for candidate in candidates:
        if candidate.flow_id != situation.active_flow:
            return candidate
    return None
