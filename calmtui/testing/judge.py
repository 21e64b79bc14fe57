"""`generative_response_is_relevant` / `_is_grounded`: an LLM judge scores the bot's answer.

Without `llm_judge` in a conftest.yml these assertions are reported as *skipped, with the reason*
(never passed silently). With it, each candidate message is scored 1-5 by the judge model and
mapped to 0-1 as Rasa does (score x 0.2); the assertion passes when a candidate reaches the
threshold. Candidates are, as in Rasa, the turn's generated messages (a knowledge answer, a
chitchat reply, a rephrased response: `utter_source` EnterpriseSearchPolicy, IntentlessPolicy or
ContextualResponseRephraser); a turn without any lets every message be a candidate (a calmtui
extension, so templated answers can be judged too). `utter_name` and `utter_source` narrow them.
As in Rasa, the question is the answer's `search_query` when it has one, and the ground truth of
`_is_grounded` is the assertion's `ground_truth`, else the retrieved passages
(`search_results`), else the response's own texts (`domain_ground_truth`).

The judge talks to its model through the understanding layer's litellm client; this module only
builds the prompt and reads the score, so tests can use any `Judge`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from calmtui.core.errors import CalmtuiError
from calmtui.core.events import BotUttered
from calmtui.testing.assertions import ORDER_NOTE, Check, TurnView
from calmtui.testing.spec import GenerativeAssertion
from calmtui.testing.transcript import bot_line, quoted

NO_JUDGE = "needs an LLM judge: add `llm_judge:` (e.g. `llm: {provider: openai, model: gpt-4.1-mini}`) to a conftest.yml"
_SCORE = re.compile(r'"?score"?\s*[:=]\s*([0-9]+(?:\.[0-9]+)?)', re.IGNORECASE)

RELEVANCE_PROMPT = """You judge a customer-service assistant. Rate how relevant the ANSWER is to the QUESTION
on a scale from 1 (irrelevant) to 5 (fully addresses the question).
QUESTION: {question}
ANSWER: {answer}
Reply with JSON only: {{"score": <1-5>, "justification": "<one sentence>"}}"""

GROUNDEDNESS_PROMPT = """You judge a customer-service assistant. Rate how well the ANSWER is supported by the
GROUND TRUTH, on a scale from 1 (contradicts it or makes things up) to 5 (fully supported).
QUESTION: {question}
GROUND TRUTH: {ground_truth}
ANSWER: {answer}
Reply with JSON only: {{"score": <1-5>, "justification": "<one sentence>"}}"""


@dataclass(frozen=True, slots=True, kw_only=True)
class Verdict:
    score: float  # 0..1
    justification: str = ""


class Judge(Protocol):
    async def score(
        self, *, kind: str, question: str, answer: str, ground_truth: str
    ) -> Verdict: ...


class JudgeError(CalmtuiError):
    """The judge could not produce a score (provider error, unreadable reply)."""


Complete = Callable[[list[dict[str, str]]], Awaitable[str]]


class LLMJudge:
    """Scores with a chat model; `complete(messages) -> reply text` is the transport."""

    def __init__(self, complete: Complete) -> None:
        self._complete = complete

    async def score(self, *, kind: str, question: str, answer: str, ground_truth: str) -> Verdict:
        template = GROUNDEDNESS_PROMPT if kind.endswith("grounded") else RELEVANCE_PROMPT
        prompt = template.format(
            question=question, answer=answer, ground_truth=ground_truth or "(none given)"
        )
        reply = await self._complete([{"role": "user", "content": prompt}])
        return parse_verdict(reply)


def parse_verdict(reply: str) -> Verdict:
    """A 1-5 score (JSON or `score: n` in the text) as 0..1."""
    text = reply.strip().removeprefix("```json").removeprefix("```").removesuffix("```").strip()
    justification = ""
    try:
        loaded: Any = json.loads(text)
        data = cast(dict[str, Any], loaded) if isinstance(loaded, dict) else {}
        raw = data.get("score")
        justification = str(data.get("justification", "")) if data else ""
    except json.JSONDecodeError:
        match = _SCORE.search(text)
        raw = match.group(1) if match else None
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise JudgeError(f"the judge's reply has no score: {text[:200]!r}") from None
    if not 1 <= value <= 5:
        raise JudgeError(f"the judge's score {value} is not between 1 and 5")
    return Verdict(score=round(value * 0.2, 4), justification=justification)


GENERATIVE_SOURCES = frozenset(
    {"EnterpriseSearchPolicy", "ContextualResponseRephraser", "IntentlessPolicy"}
)


def candidates(assertion: GenerativeAssertion, view: TurnView) -> list[BotUttered]:
    found = [e for e in view.events if isinstance(e, BotUttered) and e.text]
    generated = [e for e in found if e.metadata.get("utter_source") in GENERATIVE_SOURCES]
    found = generated or found
    if assertion.utter_name is not None:
        found = [e for e in found if e.utter_action == assertion.utter_name]
    if assertion.utter_source is not None:
        found = [e for e in found if e.metadata.get("utter_source") == assertion.utter_source]
    return found


async def judge_assertion(
    assertion: GenerativeAssertion, view: TurnView, question: str, judge: Judge | None
) -> tuple[Check | None, str | None]:
    """(check, None) when judged; (None, reason) when it has to be skipped."""
    if judge is None:
        return None, f"{assertion.kind} {NO_JUDGE}"
    messages = candidates(assertion, view)
    note = ORDER_NOTE if view.order_enabled else ""
    adjective = "grounded" if assertion.kind.endswith("grounded") else "relevant"
    if not messages:
        which = f"'{assertion.utter_name}' " if assertion.utter_name else ""
        return Check(
            passed=False,
            message=f"No bot response {which}was found to judge.{note}",
            expected=(f"a {adjective} bot response",),
            actual=("(no matching bot message)",),
        ), None
    scored: list[tuple[BotUttered, Verdict]] = []
    for message in messages:
        try:
            verdict = await judge.score(
                kind=assertion.kind,
                question=_question(message, question),
                answer=message.text or "",
                ground_truth=_ground_truth(assertion, message),
            )
        except Exception as exc:
            reason = f"the LLM judge failed: {type(exc).__name__}: {exc}"
            return Check(
                passed=False,
                message=reason + note,
                expected=(f"a {adjective} bot response",),
                actual=(reason,),
            ), None
        scored.append((message, verdict))
        if verdict.score >= assertion.threshold:
            index = next(i for i, e in enumerate(view.events) if e is message)
            return Check(passed=True, matched=index), None
    return _below_threshold(assertion, scored, question, adjective, note), None


def _question(message: BotUttered, step_text: str) -> str:
    query = message.metadata.get("search_query")
    return query if isinstance(query, str) and query.strip() else step_text


def _ground_truth(assertion: GenerativeAssertion, message: BotUttered) -> str:
    if assertion.ground_truth is not None:
        return assertion.ground_truth
    for key in ("search_results", "domain_ground_truth"):
        value = message.metadata.get(key)
        if isinstance(value, list | tuple) and value:
            return "\n".join(str(v) for v in value)  # pyright: ignore[reportUnknownVariableType, reportUnknownArgumentType]
        if isinstance(value, str) and value:
            return value
    return ""


def _below_threshold(
    assertion: GenerativeAssertion,
    scored: Sequence[tuple[BotUttered, Verdict]],
    question: str,
    adjective: str,
    note: str,
) -> Check:
    message, best = max(scored, key=lambda pair: pair[1].score)
    text = (
        f"Generative response {quoted(message.text)} given to the user input {quoted(question)} was not {adjective}. "
        f"Expected score to be above '{assertion.threshold}' threshold, but was '{best.score}'."
    )
    if best.justification:
        text += f" The explanation for this score is: {best.justification}."
    return Check(
        passed=False,
        message=text + note,
        expected=(f"{adjective} score >= {assertion.threshold}",),
        actual=tuple(f"{v.score:.2f}  {bot_line(m)}" for m, v in scored),
    )
