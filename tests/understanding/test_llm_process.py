"""LLM calls from a process of their own during test runs (issue 16.8, `llm_process`).

The child is the real `python -m calmtui.understanding.llm_worker` with the real litellm client,
answering through `FakeOpenAI` on 127.0.0.1. What must hold: its answers and errors are those of
an in-process call; keys follow the environment; a child that cannot import litellm or dies never
hangs a run (calls in flight fail with a clear error, later ones run in this process); and a
`calmtui test -u llm` run never imports litellm in its own process.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from calmtui.core.model.config import ModelConfig
from calmtui.understanding import llm_process
from calmtui.understanding.client import CompletionRequest, EmbeddingRequest
from calmtui.understanding.errors import LLMAuthError, LLMConnectionError
from calmtui.understanding.llm_process import LLMProcess, ProcessClient
from tests.cli.conftest import write_project
from tests.understanding.fake_openai import FakeOpenAI, Reply

pytestmark = pytest.mark.anyio
SECRET = "sk-test-SECRET-process-0123456789"


@pytest.fixture(scope="module")
def process() -> Iterator[LLMProcess]:
    """One child for the tests that leave it running (each start imports litellm: seconds)."""
    child = LLMProcess()
    yield child
    child.stop()


@pytest.fixture
def own_process() -> Iterator[LLMProcess]:
    child = LLMProcess()
    yield child
    child.stop()


def request(server: FakeOpenAI, text: str = "hello", **params: object) -> CompletionRequest:
    model = ModelConfig(provider="openai", model="gpt-4o-mini", api_base=server.url)
    return CompletionRequest(
        model=model, messages=({"role": "user", "content": text},), params=params
    )


async def test_a_completion_comes_back_as_an_in_process_call_would(
    fake_llm: FakeOpenAI, process: LLMProcess
) -> None:
    fake_llm.script(Reply.ok("start flow transfer_money"))
    client = ProcessClient(process, {"OPENAI_API_KEY": SECRET})
    completion = await client.complete(request(fake_llm, "send money"))
    assert completion.text == "start flow transfer_money"
    assert completion.model == "openai/gpt-4o-mini"
    assert completion.prompt_tokens is not None
    [seen] = fake_llm.requests
    assert seen.body["messages"] == [{"role": "user", "content": "send money"}]
    assert seen.headers["authorization"] == f"Bearer {SECRET}"


async def test_embeddings_come_back_too(fake_llm: FakeOpenAI, process: LLMProcess) -> None:
    client = ProcessClient(process, {"OPENAI_API_KEY": SECRET})
    model = ModelConfig(provider="openai", model="text-embedding-3-small", api_base=fake_llm.url)
    embeddings = await client.embed(EmbeddingRequest(model=model, texts=("a b", "c d")))
    assert len(embeddings.vectors) == 2
    assert len(embeddings.vectors[0]) == fake_llm.embedding_dim


async def test_an_error_keeps_its_kind_and_next_step_and_never_shows_the_key(
    fake_llm: FakeOpenAI, process: LLMProcess
) -> None:
    fake_llm.script(Reply.error(401, f"Incorrect API key provided: {SECRET}"))
    client = ProcessClient(process, {"OPENAI_API_KEY": SECRET})
    with pytest.raises(LLMAuthError) as caught:
        await client.complete(request(fake_llm))
    assert caught.value.kind == "auth"
    assert "OPENAI_API_KEY" in caught.value.next_step
    assert SECRET not in str(caught.value)


async def test_the_key_follows_the_environment_between_calls(
    fake_llm: FakeOpenAI, process: LLMProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = ProcessClient(process)  # this process's environment
    monkeypatch.setenv("OPENAI_API_KEY", "sk-first-key-0000")
    await client.complete(request(fake_llm))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-second-key-0000")
    await client.complete(request(fake_llm))
    assert [r.headers["authorization"] for r in fake_llm.requests] == [
        "Bearer sk-first-key-0000",
        "Bearer sk-second-key-0000",
    ]


async def test_calls_in_flight_when_the_child_dies_fail_and_later_calls_run_here(
    fake_llm: FakeOpenAI, own_process: LLMProcess
) -> None:
    process = own_process
    client = ProcessClient(process, {"OPENAI_API_KEY": SECRET})
    await client.complete(request(fake_llm))  # the child is up
    fake_llm.script(Reply.stall(30))
    call = asyncio.ensure_future(client.complete(request(fake_llm, "stalls", timeout=60)))
    while len(fake_llm.requests) < 2:
        await asyncio.sleep(0.01)
    process._child.kill()  # pyright: ignore[reportPrivateUsage]
    with pytest.raises(LLMConnectionError) as caught:
        await asyncio.wait_for(call, 10)
    assert "ended unexpectedly" in caught.value.message
    assert llm_process.ENV_SWITCH in caught.value.next_step
    assert not process.alive
    fake_llm.script(Reply.ok("start flow check_balance"))
    completion = await client.complete(request(fake_llm))  # made in this process now
    assert completion.text == "start flow check_balance"


async def test_a_child_that_cannot_import_litellm_leaves_the_calls_here(
    fake_llm: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "broken" / "litellm"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('not this one')\n")
    monkeypatch.setenv("PYTHONPATH", str(broken.parent))
    child = LLMProcess()
    try:
        child.sync()  # settled by the failure, not left waiting
        assert not child.alive
        assert "litellm cannot be imported" in str(child.failure)
        fake_llm.script(Reply.ok("start flow check_balance"))
        client = ProcessClient(child, {"OPENAI_API_KEY": SECRET})
        assert (await client.complete(request(fake_llm))).text == "start flow check_balance"
    finally:
        child.stop()


def test_routing_is_on_only_inside_a_run_and_can_be_switched_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert llm_process.routed_client() is None
    monkeypatch.setenv(llm_process.ENV_SWITCH, "0")
    with llm_process.route_calls():
        assert llm_process.routed_client() is None
    monkeypatch.delenv(llm_process.ENV_SWITCH)
    with llm_process.route_calls(False):
        assert llm_process.current() is None
    with llm_process.route_calls():
        assert llm_process.current(start=False) in (None, llm_process.current())
        assert isinstance(llm_process.routed_client(), ProcessClient)
    assert not llm_process.routing()


CASES = """\
test_cases:
  - test_case: by_the_model
    steps:
      - user: send money
        assertions:
          - flow_started: transfer_money
"""
ENDPOINTS = """\
model_groups:
  - id: main_llm
    models:
      - provider: openai
        model: gpt-4o-mini
        api_base: {url}
"""
RUN = """\
import json, sys
from calmtui.cli.main import app
try:
    app(sys.argv[1:], prog_name="calmtui")
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "litellm_here": "litellm" in sys.modules}))
"""


@pytest.mark.parametrize("switch", ["1", "0"])
def test_an_llm_test_run_calls_from_the_child_and_never_imports_litellm_itself(
    fake_llm: FakeOpenAI, tmp_path: Path, switch: str
) -> None:
    fake_llm.script(Reply.ok("start flow transfer_money"))
    env = {"OPENAI_API_KEY": SECRET, llm_process.ENV_SWITCH: switch}
    done, outcome = run_llm_tests(tmp_path, ENDPOINTS.format(url=fake_llm.url), env)
    assert outcome["code"] == 0, done.stdout + done.stderr
    assert len(fake_llm.requests) == 1
    assert outcome["litellm_here"] is (switch == "0")


def run_llm_tests(
    tmp_path: Path, endpoints: str, env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], dict[str, object]]:
    """`calmtui test -u llm` in a fresh interpreter on a one-case project; its exit code and
    whether it imported litellm itself."""
    root = write_project(tmp_path / "bank", {"endpoints.yml": endpoints})
    (root / "tests").mkdir()
    (root / "tests" / "cases.yml").write_text(CASES, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", RUN, "test", "-u", "llm", "-q", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=180,
        env={**_base_env(), "NO_COLOR": "1", **env},
    )
    return done, json.loads(done.stdout.strip().splitlines()[-1])


def _base_env() -> dict[str, str]:
    keep = ("PATH", "HOME", "PYTHONPATH", "VIRTUAL_ENV", "LANG", "TMPDIR")
    return {k: v for k, v in os.environ.items() if k in keep} | {
        "LITELLM_LOCAL_MODEL_COST_MAP": "True"
    }


XAI_ENDPOINTS = """\
model_groups:
  - id: main_llm
    models:
      - provider: xai
        model: grok-2
"""


def test_the_start_up_key_check_of_an_unlisted_provider_asks_the_child(tmp_path: Path) -> None:
    """A provider outside calmtui's own key table (rule 5) is checked by litellm; in a test run
    the LLM process answers, so the test process still never imports litellm."""
    done, outcome = run_llm_tests(tmp_path, XAI_ENDPOINTS, {})
    assert outcome["code"] == 2, done.stdout + done.stderr
    assert "XAI_API_KEY" in done.stderr
    assert outcome["litellm_here"] is False


async def test_the_child_names_the_keys_litellm_misses(process: LLMProcess) -> None:
    model = ModelConfig(provider="xai", model="grok-2")
    assert await asyncio.to_thread(process.missing_environment, model) == ["XAI_API_KEY"]
