"""Item 7 of the hostile-input issue: a reply with thousands of commands or correction pairs.

It used to make each pair's diagnostic quote the whole reply line (2,000 pairs: a 50 MB turn
record, stored in the database too; 5,000 pairs: 36 s and 1.7 GB). Now one reply carries at most
`MAX_REPLY_COMMANDS` commands, the rest is one CT480 diagnostic, and every quote is bounded.
"""

from __future__ import annotations

import json
import time
import tracemalloc

import pytest

from calmtui.core.commands import CorrectedSlot, CorrectSlots, SetSlot
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dsl import to_dsl
from calmtui.core.model.project import Project
from calmtui.understanding.modes import make_generator
from calmtui.understanding.parsing import MAX_REPLY_COMMANDS, QUOTE_LENGTH, parse_reply
from tests.understanding.conftest import ProjectFactory, converse, fake_endpoints
from tests.understanding.fake_openai import FakeOpenAI, Reply
from tests.understanding.test_llm import FAST, trace_of


def correction(pairs: int) -> str:
    slots = tuple(CorrectedSlot(name="recipient", value=f"person {i}") for i in range(pairs))
    return to_dsl(CorrectSlots(slots=slots))


@pytest.mark.parametrize("pairs", [2_000, 5_000])
def test_a_huge_correction_is_bounded(banking: Project, pairs: int) -> None:
    index = ProjectIndex(banking)
    tracemalloc.start()
    began = time.process_time()
    checked = parse_reply(correction(pairs), index)
    cpu = time.process_time() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(checked.commands) <= MAX_REPLY_COMMANDS
    [too_many] = [d for d in checked.diagnostics if d.code == "CT480"]
    assert f"ignored {pairs - MAX_REPLY_COMMANDS} more commands" in too_many.message
    assert all(len(d.message) < 3 * QUOTE_LENGTH for d in checked.diagnostics)
    record = json.dumps([d.message for d in checked.diagnostics]) + json.dumps(
        [e.command for e in checked.dropped]
    )
    assert len(record) < 100_000
    assert peak < 50e6, peak
    assert cpu < 5


def test_many_lines_of_commands_and_junk_are_bounded(banking: Project) -> None:
    reply = "\n".join(["set slot recipient Anna"] * 3_000 + ["lorem ipsum " * 500] * 3_000)
    checked = parse_reply(reply, ProjectIndex(banking))
    assert len(checked.commands) <= MAX_REPLY_COMMANDS
    assert len(checked.diagnostics) < 100
    assert sum(len(d.message) for d in checked.diagnostics) < 50_000


def test_a_few_commands_are_untouched(banking: Project) -> None:
    checked = parse_reply(
        "start flow transfer_money\nset slot recipient Anna", ProjectIndex(banking)
    )
    assert checked.commands[1] == SetSlot(name="recipient", value="Anna")
    assert not [d for d in checked.diagnostics if d.code == "CT480"]


@pytest.mark.anyio
async def test_a_turn_with_a_huge_correction_has_a_small_record(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    project, root = llm_project(fake_endpoints(fake_llm.url, "gpt-4o-mini"))
    fake_llm.script(Reply.ok("start flow transfer_money\n" + correction(2_000)))
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [result] = await converse(project, generator, ["send money"])
    assert "CT480" in [e.reason for e in trace_of(result).dropped]
    document = json.dumps(result.to_json())
    assert len(document) < 200_000  # was ~50 MB (the raw reply itself is kept once: ~40 KB)
