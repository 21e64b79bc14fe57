"""Issue 16 item 1 seen from a test run: an LLM reply whose every command is dropped gets an
answer (the cannot-handle), and a failing case's report lists the commands dropped while the
reply was read (unknown flow or slot, not startable) next to those the engine's cleanup dropped,
so one failure shows the whole story. The inspector's Commands panel lists both too."""

from __future__ import annotations

from pathlib import Path

from calmtui.app.diagnostics_view import plain_text
from calmtui.core.events import CommandIgnored
from calmtui.session import TurnResult
from calmtui.testing.report.console import failure_lines
from calmtui.testing.report.json_report import turn_json
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace
from calmtui.understanding.parsing import parse_reply
from tests.testing.conftest import cases_yaml, environment, suite_of, write_project

GUARDED_FLOW = """\
  vip_transfer:
    description: Send a large amount of money.
    if: slots.balance > 1000000
    steps:
      - action: utter_done
"""
# What the LLM answered: a guarded flow, a controlled slot, a slot no active flow collects and an
# unknown slot; every command is dropped, by the parser or by the engine.
REPLY = (
    "start flow vip_transfer\n"
    "set slot balance 5\n"
    "set slot amount 20\n"
    "set slot amout_typo 20\n"
    "start flow no_such_flow\n"
)
CASE = """\
- test_case: the_reply_is_all_dropped
  steps:
    - user: move twenty to savings
      assertions:
        - bot_uttered: {utter_name: utter_ask_amount}
"""


class ReplyGenerator:
    """Understanding that reads a fixed LLM reply with the real parser."""

    mode = "llm"

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        checked = parse_reply(REPLY, context.index)
        return UnderstandingTrace(
            mode=self.mode,
            commands=tuple(checked.commands),
            raw_output=REPLY,
            diagnostics=tuple(checked.diagnostics),
            dropped=tuple(checked.dropped),
        )


def _run(bank: Path):
    from calmtui.testing.runner import RunOptions, run_suite_sync

    flows = (bank / "data/flows.yml").read_text(encoding="utf-8") + GUARDED_FLOW
    write_project(bank, {"data/flows.yml": flows, "tests/cases.yml": cases_yaml(CASE)})
    suite = suite_of(bank)
    env = environment(bank, ReplyGenerator())
    (result,) = run_suite_sync(suite.cases, env, RunOptions(workers=1)).results
    return suite, result


def test_an_all_dropped_reply_is_answered_and_the_report_tells_every_drop(bank: Path) -> None:
    suite, result = _run(bank)
    assert result.status == "failed"
    assert result.conversation is not None
    turn: TurnResult = result.conversation.turns[0].result
    assert [m.utter_action for m in turn.bot_messages] == ["utter_ask_rephrase"]
    assert not any(isinstance(e, CommandIgnored) and e.reason == "CT408" for e in turn.events)
    text = plain_text(failure_lines(result, suite.sources))
    understanding = [
        line for line in text.splitlines() if line.startswith("  ignored by understanding: ")
    ]
    assert [line.split(": ", 1)[1].split(" (")[0] for line in understanding] == [
        "set slot amout_typo 20",
        "start flow no_such_flow",
    ]
    assert "(CT404: there is no slot 'amout_typo')" in text
    assert "(CT403: there is no flow 'no_such_flow')" in text
    engine = [line for line in text.splitlines() if line.startswith("  ignored: ")]
    for engine_reason in ("CT409", "CT405", "CT402"):
        assert any(f"({engine_reason}" in line for line in engine), engine
    assert "CT426" not in text  # the cannot handle the slot drop added was kept: no net needed
    stages = {(i["stage"], i["reason"]) for i in turn_json(turn)["ignored"]}
    assert {("understanding", "CT404"), ("understanding", "CT403"), ("engine", "CT409")} <= stages


def test_the_trace_keeps_its_drops_through_the_store(bank: Path) -> None:
    _suite, result = _run(bank)
    assert result.conversation is not None
    turn = result.conversation.turns[0].result
    restored = TurnResult.from_json(turn.to_json())
    assert restored.understanding is not None
    assert restored.understanding.dropped == turn.understanding.dropped  # type: ignore[union-attr]
    assert len(restored.understanding.dropped) == 2


def test_the_commands_panel_lists_understanding_drops_next_to_the_engine_ones(
    bank: Path,
) -> None:
    from calmtui.tui.widgets.commands_panel import commands_text

    _suite, result = _run(bank)
    assert result.conversation is not None
    text = commands_text(result.conversation.turns[0].result).plain
    assert "✗ set slot amout_typo 20  unknown slot (CT404)" in text
    assert "· understanding" in text
    assert "✗ start flow vip_transfer" in text
    # not listed twice: the parser's diagnostics for the same drops are folded into those lines
    assert "! ignored 'set slot amout_typo 20'" not in text
