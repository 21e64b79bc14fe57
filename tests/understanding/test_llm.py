"""The LLM generator through the real litellm client against a fake OpenAI server on 127.0.0.1.

Covers: a normal turn (prompt, reply, tokens, cost, latency), `api_base` routing, a stalling
server and the model's timeout, 429 then success (retry with backoff), malformed and empty
replies (Error command, the conversation goes on), a missing API key (a next step, no network),
and API keys never reaching the trace. Model groups with a router: test_llm_router.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from calmtui.core.commands import (
    ERROR_USER_INPUT_EMPTY,
    ERROR_USER_INPUT_TOO_LONG,
    CannotHandle,
    Error,
    SessionStart,
    SetSlot,
    StartFlow,
)
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.state import DialogueState
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace
from calmtui.understanding.llm_generator import RetryPolicy
from calmtui.understanding.modes import make_generator
from tests.understanding.conftest import ProjectFactory, converse, fake_endpoints
from tests.understanding.fake_openai import FakeOpenAI, Reply

pytestmark = pytest.mark.anyio
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)
SECRET = "sk-test-SECRET-0123456789abcdef"


def trace_of(result: object) -> UnderstandingTrace:
    trace = getattr(result, "understanding", None)
    assert isinstance(trace, UnderstandingTrace)
    return trace


async def test_a_turn_through_litellm_uses_the_reply(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    project, root = llm_project(fake_endpoints(fake_llm.url, "gpt-4o-mini"))
    fake_llm.script(Reply.ok("start flow transfer_money\nset slot recipient Anna"))
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [result] = await converse(project, generator, ["send money to Anna"])
    trace = trace_of(result)
    assert trace.mode == "llm"
    assert trace.commands == (
        StartFlow(flow="transfer_money"),
        SetSlot(name="recipient", value="Anna"),
    )
    assert trace.model == "openai/gpt-4o-mini"
    assert trace.raw_output == "start flow transfer_money\nset slot recipient Anna"
    assert trace.prompt is not None
    assert trace.prompt.rstrip().endswith('"send money to Anna", one per line:')
    assert trace.prompt_tokens == len(fake_llm.requests[0].prompt) // 4
    assert trace.completion_tokens == 5
    assert trace.cost is not None
    assert trace.cost > 0
    assert trace.latency_ms > 0
    assert trace.error is None
    assert result.state.slots["recipient"] == "Anna"
    # retrieval is off in the template: every startable flow is offered (verify_identity is link-only)
    offered = [f for f, _ in trace.retrieved_flows]
    assert offered == ["check_balance", "replace_card", "talk_to_human", "transfer_money"]


async def test_requests_go_to_the_models_api_base_with_its_parameters(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    extra = "        temperature: 0.3\n        max_tokens: 64\n"
    project, root = llm_project(fake_endpoints(fake_llm.url, "local-model", extra=extra))
    fake_llm.script(Reply.ok("start flow check_balance"))
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [result] = await converse(project, generator, ["balance?"])
    [seen] = fake_llm.requests
    assert seen.path == "/v1/chat/completions"
    assert seen.body["model"] == "local-model"
    assert seen.body["temperature"] == 0.3
    assert seen.body["max_tokens"] == 64
    assert seen.body["messages"] == [{"role": "user", "content": trace_of(result).prompt}]
    # a local server needs no key: a placeholder is sent, not an error raised
    assert seen.headers.get("authorization") == "Bearer sk-no-key-required"
    assert trace_of(result).cost is None  # an unknown model has no price: no cost, no error


async def test_a_stalling_server_times_out_and_the_conversation_goes_on(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    project, root = llm_project(
        fake_endpoints(fake_llm.url, "gpt-4o-mini", extra="        timeout: 0.5\n")
    )
    fake_llm.script(Reply.stall(10), Reply.ok("start flow check_balance"))
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    started = time.perf_counter()
    first, second = await converse(project, generator, ["what is my balance?", "my balance please"])
    assert time.perf_counter() - started < 8
    trace = trace_of(first)
    assert trace.commands == (Error(info={"understanding_error": "timeout"}),)
    assert trace.error_kind == "timeout"
    assert trace.error is not None
    assert "no answer within 0.5s" in trace.error
    assert "raise 'timeout'" in trace.error
    assert [d.code for d in trace.diagnostics] == ["CT432"]
    assert any(b.utter_action == "utter_internal_error_rasa" for b in first.bot_messages)
    assert trace_of(second).commands == (StartFlow(flow="check_balance"),)


async def test_rate_limit_is_retried_with_backoff(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    project, root = llm_project(fake_endpoints(fake_llm.url, "gpt-4o-mini"))
    fake_llm.script(
        Reply.error(429, "slow down"), Reply.error(429), Reply.ok("start flow check_balance")
    )
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [result] = await converse(project, generator, ["balance"])
    trace = trace_of(result)
    assert trace.commands == (StartFlow(flow="check_balance"),)
    assert len(fake_llm.requests) == 3
    assert sum("retrying in" in n for n in trace.notes) == 2


async def test_rate_limit_retries_are_bounded(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    project, root = llm_project(fake_endpoints(fake_llm.url, "gpt-4o-mini"))
    fake_llm.default = Reply.error(429)
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [result] = await converse(project, generator, ["balance"])
    assert len(fake_llm.requests) == 3
    assert trace_of(result).error_kind == "rate_limited"


@pytest.mark.parametrize(
    ("reply", "kind", "code"),
    [
        (Reply.garbage(), "bad_response", "CT432"),
        (Reply.no_choices(), "bad_response", "CT432"),
        (Reply.ok(""), "empty_reply", "CT433"),
        (Reply.ok("   \n "), "empty_reply", "CT433"),
    ],
)
async def test_malformed_or_empty_replies_become_an_error_command(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory, reply: Reply, kind: str, code: str
) -> None:
    project, root = llm_project(fake_endpoints(fake_llm.url, "gpt-4o-mini"))
    fake_llm.script(reply, Reply.ok("start flow check_balance"))
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    first, second = await converse(project, generator, ["balance", "balance"])
    trace = trace_of(first)
    assert len(trace.commands) == 1
    assert isinstance(trace.commands[0], Error)
    assert trace.error_kind == kind
    assert [d.code for d in trace.diagnostics] == [code]
    assert trace.prompt  # the prompt is kept for the inspector even when the call failed
    assert trace_of(second).commands == (StartFlow(flow="check_balance"),)


async def test_a_reply_without_commands_is_cannot_handle(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    project, root = llm_project(fake_endpoints(fake_llm.url, "gpt-4o-mini"))
    fake_llm.script(Reply.ok("I think the user would like to chat about the weather."))
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [result] = await converse(project, generator, ["nice weather"])
    trace = trace_of(result)
    assert trace.commands == (CannotHandle(),)
    assert [d.code for d in trace.diagnostics] == ["CT400", "CT436"]
    assert any(b.utter_action == "utter_ask_rephrase" for b in result.bot_messages)


async def test_a_missing_api_key_says_what_to_set_without_calling_anyone(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    endpoints = "model_groups:\n  - id: test_llm\n    models:\n      - provider: openai\n        model: gpt-4o-mini\n"
    project, root = llm_project(endpoints)
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [result] = await converse(project, generator, ["balance"])
    trace = trace_of(result)
    assert trace.error_kind == "auth"
    assert trace.error is not None
    assert "set OPENAI_API_KEY in .env" in trace.error
    assert trace.diagnostics[0].hint is not None
    assert "OPENAI_API_KEY" in trace.diagnostics[0].hint
    assert fake_llm.requests == []


async def test_api_keys_never_reach_the_trace(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    extra = "        api_key: ${BANK_LLM_KEY}\n"
    project, root = llm_project(
        fake_endpoints(fake_llm.url, "gpt-4o-mini", extra=extra), environ={"BANK_LLM_KEY": SECRET}
    )
    fake_llm.script(
        Reply.error(401, f"Incorrect API key provided: {SECRET}. You can find your key at ..."),
        Reply.ok("start flow check_balance"),
    )
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    first, second = await converse(project, generator, ["balance", "hello"])
    assert fake_llm.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    assert trace_of(first).error_kind == "auth"
    dumped = json.dumps(trace_of(first).to_json())
    assert SECRET not in dumped
    assert "SECRET-0123" not in dumped
    assert "***" in dumped
    assert "api_key" not in dumped
    assert SECRET not in json.dumps(trace_of(second).to_json())
    assert SECRET not in json.dumps(second.to_json())


async def test_litellm_writes_nothing_to_the_terminal(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory, capfd: pytest.CaptureFixture[str]
) -> None:
    project, root = llm_project(
        fake_endpoints(fake_llm.url, "gpt-4o-mini", "gpt-4o", router="simple-shuffle")
    )
    fake_llm.script(Reply.garbage(), Reply.error(500), Reply.ok("start flow check_balance"))
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    capfd.readouterr()
    await converse(project, generator, ["balance", "balance"])
    captured = capfd.readouterr()
    assert (captured.out, captured.err) == ("", "")


async def test_empty_and_too_long_messages_never_reach_the_model(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    project, root = llm_project(
        fake_endpoints(fake_llm.url, "gpt-4o-mini"),
        pipeline_options="user_input: {max_characters: 10}",
    )
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    context = UnderstandingContext(
        project=project, index=ProjectIndex(project), state=DialogueState(), turn=0
    )
    empty = await generator.generate("   ", context)
    long = await generator.generate("x" * 11, context)
    assert empty.commands == (Error(error_type=ERROR_USER_INPUT_EMPTY),)
    assert long.commands == (
        Error(error_type=ERROR_USER_INPUT_TOO_LONG, info={"max_characters": 10}),
    )
    assert fake_llm.requests == []


async def test_an_intent_payload_is_answered_without_the_model(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    project, root = llm_project(fake_endpoints(fake_llm.url, "gpt-4o-mini"))
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [result] = await converse(project, generator, ["/session_start"])
    trace = trace_of(result)
    assert trace.commands == (SessionStart(),)
    assert "minimize_num_calls: the LLM was not called" in trace.notes
    assert fake_llm.requests == []


def test_importing_litellm_loads_no_stray_dotenv(tmp_path: Path) -> None:
    """litellm's DEV mode loads the first `.env` it finds into os.environ; calmtui reads the
    project's `.env` itself, so a file in the working directory must not leak into the process."""
    (tmp_path / ".env").write_text("CALMTUI_STRAY_SECRET=leaked\n")
    code = (
        "import os\n"
        "from calmtui.understanding.llm import import_litellm\n"
        "import_litellm()\n"
        "print(os.environ.get('CALMTUI_STRAY_SECRET'), os.environ['LITELLM_MODE'])\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("LITELLM_MODE", "CALMTUI_STRAY_SECRET")}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == ["None", "PRODUCTION"]
