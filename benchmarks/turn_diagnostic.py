"""Per-turn diagnostic of the offline understanding against an oracle (issue 13, round 2).

A project with an `oracle.json` (what a perfect LLM answers to every user message of every e2e
case: `{"cases": [{"case", "users", "replies"}]}`) is run twice, in process:

1. with the offline generator, as `calmtui test -u offline` does: which cases pass;
2. *following the oracle*: at every user turn the offline generator is asked what it would do,
   and its commands are compared with the oracle's (normalised, order-insensitive); then the
   oracle's commands are applied, so every turn is judged in the situation a perfect
   understanding would have reached.

For every failing case, the first turn where the two disagree is put in a category (wrong flow
started, value missed, answer taken as a question, cancel missed, ...). The table of categories
per project says where the offline understanding loses cases; `--list` shows each such turn with
what was asked, both sets of commands and the offline generator's first note.

Used by `bench_offline_understanding.py turns DIR...`.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from calmtui.core.commands import Command
from calmtui.core.loading.project_loader import load_project
from calmtui.core.model.project import Project
from calmtui.testing.case_runner import RunEnvironment, run_case
from calmtui.testing.environment import build_wiring
from calmtui.testing.loader import load_suite
from calmtui.testing.spec import TestCase
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace
from calmtui.understanding.offline import OfflineGenerator, understand
from calmtui.understanding.parsing import parse_reply
from calmtui.understanding.situation import situation_of

# Messages no project of a customer-service assistant handles, in no particular domain: starting
# a flow for one of them is a false start (the table counts them per project).
OUT_OF_SCOPE = (
    "tell me a joke", "what's the weather like tomorrow?", "who won the football last night",
    "what is the capital of France?", "I like turtles", "how old are you?", "what time is it",
    "sing me a song", "do you dream?", "what's the meaning of life", "my cat is called Tom",
    "recommend a good movie", "how tall is Mount Everest?", "I'm bored", "can you speak French?",
    "what is 2 plus 2", "are you a robot?", "where do you live?", "I had pasta for lunch",
    "what's your favourite colour?", "tell me something interesting", "is it going to rain?",
    "who is the president of the United States?", "I love you", "what day is it today?",
    "translate hello into Spanish", "how do I bake bread?",
)  # fmt: skip
# How people wrap a request (round 5): greetings, calls for help and thanks around it, context
# said before it, details said after it. Each first message that starts the oracle's flow is
# replayed wrapped each way; the table counts the wrapped messages that still start it.
WRAPPINGS = (
    ("hi, ", ""), ("Hello! ", ""), ("", " please"), ("", ", thanks"),
    ("hey there, I was wondering: ", ""), ("Good morning. ", ""), ("um, ", ""), ("", " asap"),
    ("I need some help. ", ""), ("", " thank you!"),
    ("I've been a customer for years. ", ""), ("This is my first time using this. ", ""),
    ("So basically, ", ""), ("My name is Tom Baker. ", ""), ("I'm on my phone right now, ", ""),
    ("Sorry if this is a silly question, but ", ""), ("Not sure if this is the right place, ", ""),
    ("Long story short, ", ""),
    ("", " for my husband"), ("", " today if possible"), ("", " because I'm travelling next week"),
    ("", " - it's quite urgent"), ("", " if that's ok"), ("", " as soon as you can"),
    ("", ", I've been waiting all day"), ("", " (I tried the app already)"),
)  # fmt: skip
REPAIRS = ("cancel_flow", "skip_question", "repeat", "human_handoff")
NO_OP = ("cannot_handle", "chitchat", "knowledge")


@dataclass(slots=True)
class Turn:
    number: int
    text: str
    asked: str | None
    asked_type: str | None
    active: str | None
    oracle: list[Command]
    offline: list[Command]
    note: str
    context: UnderstandingContext | None = None

    @property
    def agrees(self) -> bool:
        return keys(self.oracle) == keys(self.offline)


@dataclass(slots=True)
class CaseDiagnosis:
    name: str
    passed: bool
    turns: list[Turn] = field(default_factory=list[Turn])

    def first_wrong(self) -> Turn | None:
        return next((t for t in self.turns if not t.agrees), None)


# -- normalising commands -------------------------------------------------------------------------


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value).strip()
    if text.lower() in ("true", "false"):
        return text.lower()
    try:
        number = float(text.replace(",", "").lstrip("$"))
    except ValueError:
        return " ".join(re.findall(r"[a-z0-9]+", text.lower()))
    return str(int(number)) if number.is_integer() else str(number)


def key(command: Command) -> tuple[str, ...]:
    kind = command.kind
    if kind == "start_flow":
        return (kind, getattr(command, "flow", ""))
    if kind == "set_slot":
        return (kind, getattr(command, "name", ""), _value(getattr(command, "value", "")))
    if kind == "clarify":
        return (kind, *sorted(getattr(command, "options", ())))
    if kind == "correct_slots":
        return (kind,)
    return (kind,)


def keys(commands: Sequence[Command]) -> frozenset[tuple[str, ...]]:
    return frozenset(key(c) for c in commands)


# -- classifying the first wrong turn -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Compared:
    """The oracle's and the offline generator's commands of one turn, taken apart."""

    o_kinds: set[str]
    f_kinds: set[str]
    o_start: set[str]
    f_start: set[str]
    o_slots: dict[str, str]
    f_slots: dict[str, str]


def _compare(turn: Turn) -> _Compared:
    o, f = keys(turn.oracle), keys(turn.offline)
    return _Compared(
        o_kinds={k[0] for k in o},
        f_kinds={k[0] for k in f},
        o_start={k[1] for k in o if k[0] == "start_flow"},
        f_start={k[1] for k in f if k[0] == "start_flow"},
        o_slots={k[1]: k[2] for k in o if k[0] == "set_slot"},
        f_slots={k[1]: k[2] for k in f if k[0] == "set_slot"},
    )


def category(turn: Turn) -> str:
    c = _compare(turn)
    return (
        _clarify_category(c)
        or _repair_category(c)
        or _flow_category(c, turn.asked)
        or _answer_category(c, turn)
        or _value_category(c, turn.asked)
    )


def _clarify_category(c: _Compared) -> str | None:
    if "clarify" in c.o_kinds and "clarify" not in c.f_kinds:
        return "clarification missed" if not c.f_start else "started instead of clarifying"
    if "clarify" in c.f_kinds and "clarify" not in c.o_kinds:
        return "clarified instead of starting" if c.o_start else "clarified wrongly"
    return "clarified other options" if "clarify" in c.o_kinds else None


def _repair_category(c: _Compared) -> str | None:
    for repair in REPAIRS:
        if repair in c.o_kinds and repair not in c.f_kinds:
            return f"{repair} missed"
    for repair in REPAIRS:
        if repair in c.f_kinds and repair not in c.o_kinds:
            return f"{repair} wrongly"
    return None


def _flow_category(c: _Compared, asked: str | None) -> str | None:
    if c.o_start and c.f_start and c.o_start != c.f_start:
        return "wrong flow started"
    if c.o_start and not c.f_start:
        if asked is not None and asked in c.f_slots:
            return "digression taken as answer"
        return "no flow started (took a value)" if c.f_slots else "no flow started"
    if c.f_start and not c.o_start:
        if asked is not None and asked in c.o_slots:
            return "answer taken as flow start"
        return "flow started wrongly"
    return None


def _answer_category(c: _Compared, turn: Turn) -> str | None:
    asked = turn.asked
    if asked is None or asked not in c.o_slots:
        return None
    if asked not in c.f_slots:
        if c.f_kinds & set(NO_OP):
            return f"answer not understood ({turn.asked_type})"
        if c.f_slots:
            return f"answer went to another slot ({turn.asked_type})"
        return f"answer missed ({turn.asked_type})"
    if c.f_slots[asked] != c.o_slots[asked]:
        return f"wrong answer value ({turn.asked_type})"
    return None


def _value_category(c: _Compared, asked: str | None) -> str:
    where = "with a start" if c.o_start else "in an answer"
    if any(s in c.f_slots and c.f_slots[s] != v for s, v in c.o_slots.items()):
        return f"wrong value {where}"
    if any(s not in c.f_slots for s in c.o_slots):
        return f"value missed {where}"
    if any(s not in c.o_slots for s in c.f_slots):
        if asked is not None and asked in c.f_slots and not c.o_slots:
            return "question/remark taken as answer"
        return f"extra value {where}"
    return "cannot handle vs chitchat/search" if c.o_kinds != c.f_kinds else "other"


def value_kinds(turn: Turn) -> list[str]:
    """For a turn whose values differ from the oracle's: each slot concerned as `how type
    (said|not said)`, e.g. `missed categorical (not said)`. "said" means the oracle's value is in
    the message word for word (an extraction failure); "not said" means it had to be inferred
    (a synonym, a paraphrase, a consequence). Counts only: the table says what kind of value
    fails on a set of projects without showing its messages."""
    if turn.context is None:
        return []
    c = _compare(turn)
    slots = turn.context.project.domain.slots
    words = " ".join(re.findall(r"[a-z0-9]+", turn.text.lower()))
    found: list[str] = []
    for name in sorted(set(c.o_slots) | set(c.f_slots)):
        oracle, offline = c.o_slots.get(name), c.f_slots.get(name)
        if oracle == offline:
            continue
        how = "missed" if offline is None else "extra" if oracle is None else "wrong"
        slot = slots.get(name)
        kind = slot.type if slot is not None else "?"
        if oracle is None:
            found.append(f"{how} {kind}")
            continue
        said = bool(oracle) and f" {oracle} " in f" {words} "
        found.append(f"{how} {kind} ({'said' if said else 'not said'})")
        if kind == "text" and said:
            found.append(f"  {how} text said, {_shape(oracle, turn.text)}")
    return found


_TEMPORAL = re.compile(
    r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*day\b|\b(?:today|tomorrow|tonight|morning|"
    r"afternoon|evening|noon|midday|week|month|am|pm|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|"
    r"nov|dec)[a-z]*\b|\d+(?:st|nd|rd|th)\b"
)


def _shape(value: str, text: str) -> str:
    """The shape of a text value (normalised) as the message says it: temporal, with digits,
    capitalised, and how many words -- what kind of span a reader must find."""
    count = len(value.split())
    size = "1 word" if count == 1 else "2-3 words" if count <= 3 else "4+ words"
    if _TEMPORAL.search(value):
        return f"temporal, {size}"
    if any(ch.isdigit() for ch in value):
        return f"with digits, {size}"
    first = value.split()[0]
    capital = re.search(rf"\b{re.escape(first)}\b", text, re.IGNORECASE)
    if capital is not None and capital.group(0)[:1].isupper() and capital.start() > 0:
        return f"capitalised, {size}"
    return f"plain words, {size}"


# -- running ------------------------------------------------------------------------------------


class OracleFollower:
    """Asks the offline generator at each turn, records it, and answers with the oracle."""

    mode = "oracle"

    def __init__(self, users: list[str], replies: list[str], turns: list[Turn]) -> None:
        self.users = users
        self.replies = replies
        self.turns = turns

    def describe(self) -> str:
        return "oracle (diagnostic)"

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        number = len(self.turns)
        decision = understand(text, context)
        situation = situation_of(context)
        asked = situation.asked
        reply = self.replies[number] if number < len(self.replies) else None
        if reply is None or text.startswith("/"):
            commands = list(decision.commands)
        else:
            commands = parse_reply(reply, context.index, asked_slot=asked.name if asked else None)
            commands = commands.commands
        self.turns.append(
            Turn(
                number=number + 1,
                text=text,
                asked=asked.name if asked else None,
                asked_type=asked.slot.type if asked and asked.slot else None,
                active=situation.active_flow,
                oracle=commands,
                offline=list(decision.commands),
                note=decision.notes[0] if decision.notes else "",
                context=context,
            )
        )
        return UnderstandingTrace(mode="oracle", commands=tuple(commands))


def wrapped(text: str, before: str, after: str) -> str:
    """`text` with `before` and `after` around it (lower-cased after a clause that runs on)."""
    if before.endswith((", ", "but ", ": ")) and text[:2] != "I ":
        text = text[:1].lower() + text[1:]
    return before + (text.rstrip("?.!") + after if after else text)


def _starts(commands: Sequence[Command]) -> frozenset[tuple[str, ...]]:
    return frozenset(k for k in keys(commands) if k[0] in ("start_flow", "clarify"))


def wrapped_starts(cases: list[CaseDiagnosis]) -> tuple[int, int]:
    """(kept, tried): first messages that start the oracle's flow, wrapped each way of
    `WRAPPINGS`, and how many of those still start it."""
    kept = tried = 0
    for turn in (t for c in cases for t in c.turns):
        oracle = _starts(turn.oracle)
        if turn.active is not None or turn.context is None or not oracle:
            continue
        if _starts(turn.offline) != oracle:
            continue
        for before, after in WRAPPINGS:
            commands = understand(wrapped(turn.text, before, after), turn.context).commands
            tried += 1
            kept += _starts(commands) == oracle
    return kept, tried


def false_starts(cases: list[CaseDiagnosis]) -> list[str]:
    """The out-of-scope messages that start a flow, asked where the project's cases begin."""
    first = next((c.turns[0] for c in cases if c.turns and c.turns[0].context), None)
    if first is None or first.context is None:
        return []
    context = first.context
    return [
        text
        for text in OUT_OF_SCOPE
        if any(c.kind in ("start_flow", "clarify") for c in understand(text, context).commands)
    ]


async def diagnose(root: Path) -> list[CaseDiagnosis]:
    loaded = load_project(root, environ={})
    project = loaded.project
    assert project is not None, [d.headline() for d in loaded.diagnostics]
    oracle = {c["case"]: c for c in json.loads((root / "oracle.json").read_text())["cases"]}
    suite = load_suite(project, root)
    offline = build_wiring(project, generator=OfflineGenerator())
    results: list[CaseDiagnosis] = []
    for case in suite.cases:
        result = await run_case(case, offline.env)
        diagnosis = CaseDiagnosis(case.name, result.status == "passed")
        entry = oracle.get(case.name)
        if entry is not None:
            await run_case(case, _following(offline.env, project, entry, diagnosis.turns))
        results.append(diagnosis)
    await offline.aclose()
    return results


def _following(
    env: RunEnvironment, project: Project, entry: dict[str, Any], turns: list[Turn]
) -> RunEnvironment:
    follower = OracleFollower(list(entry["users"]), list(entry["replies"]), turns)

    def generator_for(case: TestCase) -> OracleFollower:
        return follower

    del project
    return replace(env, generator_for=generator_for)


def run(folders: Sequence[Path], projects_in: Any, *, listing: bool) -> None:
    table: dict[str, Counter[str]] = {}
    passes: dict[str, tuple[int, int]] = {}
    agree: dict[str, tuple[int, int]] = {}
    wrong_starts: dict[str, list[str]] = {}
    kept_wrapped: dict[str, tuple[int, int]] = {}
    details: list[tuple[str, str, Turn]] = []
    values: Counter[str] = Counter()
    by_project: dict[str, Counter[str]] = {}
    for folder in folders:
        for project in projects_in(folder):
            cases = asyncio.run(diagnose(project))
            counts: Counter[str] = Counter()
            for case in cases:
                wrong = case.first_wrong()
                if case.passed:
                    continue
                if wrong is None:
                    counts["(no turn differs)"] += 1
                    continue
                counts[category(wrong)] += 1
                if "value" in category(wrong):
                    values.update(value_kinds(wrong))
                    by_project.setdefault(project.name, Counter()).update(value_kinds(wrong))
                details.append((project.name, case.name, wrong))
            table[project.name] = counts
            passes[project.name] = (sum(c.passed for c in cases), len(cases))
            turns = [t for c in cases for t in c.turns]
            agree[project.name] = (sum(t.agrees for t in turns), len(turns))
            wrong_starts[project.name] = false_starts(cases)
            kept_wrapped[project.name] = wrapped_starts(cases)
    _print_table(table, passes)
    _print_share("turns agreeing", agree)
    starts = {n: (len(w), len(OUT_OF_SCOPE)) for n, w in wrong_starts.items()}
    _print_share("out-of-scope starts", starts)
    _print_share("wrapped starts kept", kept_wrapped)
    print("slots of the value categories, by type (said = the value is in the message)")
    for kind, count in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
        spread = ", ".join(f"{name} {n[kind]}" for name, n in sorted(by_project.items()) if n[kind])
        print(f"  {kind:40s}{count:>5d}   {spread}")
    if listing:
        for project_name, case_name, turn in details:
            print(f"\n[{project_name}] {case_name} turn {turn.number}: {category(turn)}")
            print(f"  user: {turn.text!r}   (asked {turn.asked} {turn.asked_type}; "
                  f"active {turn.active})")  # fmt: skip
            print(f"  oracle:  {_show(turn.oracle)}")
            print(f"  offline: {_show(turn.offline)}")
            print(f"  note: {turn.note[:200]}")


def _show(commands: Sequence[Command]) -> str:
    return "; ".join(" ".join(k) for k in sorted(keys(commands))) or "-"


def _print_table(table: dict[str, Counter[str]], passes: dict[str, tuple[int, int]]) -> None:
    names = list(table)
    total: Counter[str] = Counter()
    for counts in table.values():
        total.update(counts)
    width = max([len(c) for c in total] + [28])
    heads = "".join(f"{n[:9]:>10s}" for n in names)
    print("first wrong turn of each failing case, by category (oracle followed)")
    print(f"{'category':{width}s}{heads}{'all':>8s}")
    for cat, count in total.most_common():
        row = "".join(f"{table[n][cat] or '':>10}" for n in names)
        print(f"{cat:{width}s}{row}{count:>8d}")
    failing = "".join(f"{sum(table[n].values()):>10d}" for n in names)
    print(f"{'failing cases':{width}s}{failing}{sum(total.values()):>8d}")
    passed = "".join(f"{f'{p}/{t}':>10s}" for p, t in (passes[n] for n in names))
    all_p, all_t = sum(p for p, _ in passes.values()), sum(t for _, t in passes.values())
    print(f"{'passed':{width}s}{passed}{f'{all_p}/{all_t}':>8s}")


def _print_share(label: str, shares: dict[str, tuple[int, int]]) -> None:
    width = max([len(c) for c in shares] + [28])
    row = "".join(f"{f'{p}/{t}':>10s}" for p, t in shares.values())
    all_p, all_t = sum(p for p, _ in shares.values()), sum(t for _, t in shares.values())
    total = f"{all_p}/{all_t}"
    print(f"{label:{width}s}{row}{total:>{max(8, len(total) + 1)}s}")
