"""From ranked candidates to a decision: start the best flow, ask which one, or none — and why.

The scores of `flow_matching` are comparable within one message, not across messages: a short
paraphrase ("I lost my card") scores lower than a long one that repeats the description, yet is
just as clear. So the decision leans on the *margin* between the best flow and the runner-up
more than on an absolute threshold:

* the best flow starts when it reaches `start` and leads the runner-up clearly: by `margin`,
  and the runner-up scores less than `close` times the best (at 0.9 vs 0.8 one word such as
  "money" fits both flows);
* otherwise the close candidates (from `clarify_floor`) are offered together (clarify);
* below `start`, no flow is meant (chit-chat, knowledge search or cannot handle decide).
  (Round 1 had a lower bar for a clear leader with words of its own; once `start` came down to
  0.22 it decided nothing on the nine tuning projects, and it is gone.)

Scores that include the embedded model's meaning are on another scale than words alone, so each
has its own thresholds (`WITH_MEANING`, `WORDS_ONLY`). `explain` writes the line every trace
gets: what matched, with both scores, and the runner-up with its score and the margin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from calmtui.understanding.flow_matching import Candidate

MAX_CLARIFY_OPTIONS = 3


@dataclass(frozen=True, slots=True)
class Thresholds:
    start: float  # the best flow must reach this...
    margin: float  # ...and lead the runner-up by this...
    close: float  # ...and the runner-up must score less than this share of the best
    digression: float  # while a text slot is asked, another flow starts only from this score
    clarify_floor: float  # a candidate is offered in a clarification only from this score


WORDS_ONLY = Thresholds(start=0.5, margin=0.15, close=1.0, digression=0.75, clarify_floor=0.35)
WITH_MEANING = Thresholds(
    start=0.22,
    margin=0.05,
    close=0.87,
    digression=0.5,
    clarify_floor=0.3,
)
# Of close candidates, the best starts when the message says something that tells it apart from
# the others (`flow_start`) and it still leads by this much: a margin and a share of the best.
TELLS_APART_MARGIN = 0.02
TELLS_APART_CLOSE = 0.97
# A question in a project that answers questions from documents is searched unless a flow
# matches about as clearly as words alone would need ("how long does delivery take?" is not a
# request to track an order).
QUESTION_WITH_SEARCH = 0.5


def thresholds_for(candidates: Sequence[Candidate]) -> Thresholds:
    """The thresholds for the scale these candidates were scored on."""
    return WITH_MEANING if any(c.meaning is not None for c in candidates) else WORDS_ONLY


@dataclass(frozen=True, slots=True)
class Choice:
    """`start` (one flow), `clarify` (several) or `none`, with the candidates concerned."""

    kind: str
    flows: tuple[Candidate, ...]
    note: str


def choose(candidates: Sequence[Candidate], *, searchable_question: bool = False) -> Choice:
    limits = thresholds_for(candidates)
    start = max(limits.start, QUESTION_WITH_SEARCH) if searchable_question else limits.start
    top = candidates[0] if candidates else None
    if top is None or top.score < start:
        best = f"best: {describe(top)}; " if top is not None else ""
        return Choice("none", (), f"no flow matches well enough ({best}threshold {start})")
    if top.exact:
        return Choice("start", (top,), f"flow {top.flow_id!r} {top.reason}")
    close = [
        c
        for c in candidates
        if (c.score >= top.score - limits.margin or c.score >= top.score * limits.close)
        and c.score >= limits.clarify_floor
    ]
    if len(close) > 1:
        options = tuple(close[:MAX_CLARIFY_OPTIONS])
        scores = ", ".join(describe(c) for c in options)
        return Choice("clarify", options, f"several flows match about equally well: {scores}")
    return Choice("start", (top,), f"flow {top.flow_id!r} {top.reason}{runner_up(candidates)}")


def describe(candidate: Candidate) -> str:
    """`'pay_bill' 0.41 (words 0.35, meaning 0.52)`."""
    parts: list[str] = []
    if candidate.words is not None:
        parts.append(f"words {candidate.words:.2f}")
    if candidate.meaning is not None:
        parts.append(f"meaning {candidate.meaning:.2f}")
    detail = f" ({', '.join(parts)})" if parts and not candidate.exact else ""
    return f"{candidate.flow_id!r} {candidate.score:.2f}{detail}"


def runner_up(candidates: Sequence[Candidate]) -> str:
    """`; runner-up 'pay_bill' 0.31 (margin 0.20)`, or that there was none."""
    if not candidates:
        return ""
    top = candidates[0]
    scores: list[str] = []
    if top.words is not None:
        scores.append(f"words {top.words:.2f}")
    if top.meaning is not None:
        scores.append(f"meaning {top.meaning:.2f}")
    own = f" [{', '.join(scores)}]" if scores and not top.exact else ""
    if len(candidates) < 2:
        return f"{own}; no runner-up"
    second = candidates[1]
    return f"{own}; runner-up {describe(second)}, margin {top.score - second.score:.2f}"
