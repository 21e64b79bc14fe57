"""Record -> replay round trips, replay misses with a prompt diff, and the recording files."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from calmtui.core.commands import SetSlot, StartFlow
from calmtui.core.model.config import ModelConfig
from calmtui.core.model.project import Project
from calmtui.understanding.client import CompletionRequest
from calmtui.understanding.errors import ReplayMissError
from calmtui.understanding.llm_generator import RetryPolicy
from calmtui.understanding.modes import make_generator
from calmtui.understanding.recording import Recording, RecordingStore, ReplayClient, recording_key
from tests.understanding.conftest import ProjectFactory, converse, fake_endpoints
from tests.understanding.fake_openai import FakeOpenAI, Reply
from tests.understanding.test_llm import SECRET, trace_of

FAST = RetryPolicy(attempts=1, base_delay=0.01)
MESSAGES = ["I want to send money", "Anna"]


async def _record(fake_llm: FakeOpenAI, llm_project: ProjectFactory) -> tuple[Project, Path]:
    extra = "        api_key: ${BANK_LLM_KEY}\n"
    project, root = llm_project(
        fake_endpoints(fake_llm.url, "gpt-4o-mini", extra=extra), environ={"BANK_LLM_KEY": SECRET}
    )
    fake_llm.script(Reply.ok("start flow transfer_money"), Reply.ok("set slot recipient Anna"))
    generator = make_generator(project, "record", project_dir=root, environ={}, retry=FAST)
    results = await converse(project, generator, MESSAGES)
    assert [trace_of(r).mode for r in results] == ["record", "record"]
    assert any(n.startswith("recorded to .calmtui/recordings/") for n in trace_of(results[0]).notes)
    return project, root


@pytest.mark.anyio
async def test_record_then_replay_gives_the_same_commands_without_calling_the_model(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    project, root = await _record(fake_llm, llm_project)
    calls = len(fake_llm.requests)
    generator = make_generator(project, "replay", project_dir=root, environ={})
    first, second = await converse(project, generator, MESSAGES)
    assert len(fake_llm.requests) == calls
    assert trace_of(first).mode == "replay"
    assert trace_of(first).commands == (StartFlow(flow="transfer_money"),)
    assert trace_of(second).commands == (SetSlot(name="recipient", value="Anna"),)
    assert trace_of(second).prompt_tokens is not None
    assert any(n.startswith("replayed from .calmtui/recordings/") for n in trace_of(second).notes)
    assert second.state.slots["recipient"] == "Anna"


@pytest.mark.anyio
async def test_recordings_are_readable_yaml_without_secrets(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    _, root = await _record(fake_llm, llm_project)
    directory = root / ".calmtui" / "recordings"
    files = sorted(directory.iterdir())
    assert len(files) == 2
    assert all(f.suffix == ".yml" and not f.name.startswith(".tmp") for f in files)
    for path in files:
        text = path.read_text()
        assert SECRET not in text
        assert "api_key" not in text
        assert "127.0.0.1" not in text
        assert "content: |" in text  # the prompt is a literal block: diffs show changed lines
        data = yaml.safe_load(text)
        assert list(data) == sorted(data)
        assert data["model"] == "openai/gpt-4o-mini"
        assert data["params"] == {"max_tokens": 256, "temperature": 0.0}
        assert path.name == data["key"][:16] + ".yml"
    users = {yaml.safe_load(f.read_text())["user_message"] for f in files}
    assert users == set(MESSAGES)


@pytest.mark.anyio
async def test_a_replay_miss_names_the_turn_and_shows_the_prompt_diff(
    fake_llm: FakeOpenAI, llm_project: ProjectFactory
) -> None:
    project, root = await _record(fake_llm, llm_project)
    generator = make_generator(project, "replay", project_dir=root, environ={})
    first, second = await converse(project, generator, ["I want to send money", "Ben"])
    assert trace_of(first).commands == (StartFlow(flow="transfer_money"),)
    trace = trace_of(second)
    assert trace.error_kind == "replay_miss"
    assert [d.code for d in trace.diagnostics] == ["CT434"]
    error = trace.error or ""
    assert "no recording for the prompt of turn 2 ('Ben')" in error
    assert "-USER: Anna" in error
    assert "+USER: Ben" in error
    assert "--understanding record" in error
    assert any(b.utter_action == "utter_internal_error_rasa" for b in second.bot_messages)


@pytest.mark.anyio
async def test_a_replay_miss_without_recordings_says_so(tmp_path: Path) -> None:
    client = ReplayClient(RecordingStore(tmp_path / "none", project_root=tmp_path))
    request = CompletionRequest(
        model=ModelConfig(provider="openai", model="gpt-4o-mini"),
        messages=({"role": "user", "content": "hello"},),
        user_message="hello",
    )
    with pytest.raises(ReplayMissError, match="none has no recordings"):
        await client.complete(request)


def test_the_key_ignores_secrets_and_connection_settings() -> None:
    messages = ({"role": "user", "content": "prompt"},)
    base = recording_key("openai/gpt-4o-mini", messages, {"temperature": 0.0})
    same = recording_key(
        "openai/gpt-4o-mini",
        messages,
        {"temperature": 0.0, "api_key": "sk-abc", "api_base": "http://127.0.0.1:1", "timeout": 3},
    )
    assert base == same
    assert base != recording_key("openai/gpt-4o-mini", messages, {"temperature": 0.5})
    assert base != recording_key("openai/gpt-4o", messages, {"temperature": 0.0})
    assert base != recording_key("openai/gpt-4o-mini", ({"role": "user", "content": "x"},), {})


def test_saving_is_atomic_and_a_broken_file_is_a_miss_not_a_crash(tmp_path: Path) -> None:
    store = RecordingStore(tmp_path)
    recording = Recording(
        key="a" * 64,
        model="m",
        messages=({"role": "user", "content": "line 1\nline 2"},),
        params={},
        reply="cannot handle",
    )
    path = store.save(recording)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    loaded = store.load("a" * 64)
    assert loaded is not None
    assert loaded.prompt == "line 1\nline 2"
    assert loaded.reply == "cannot handle"
    path.write_text("key: [unclosed")
    assert store.load("a" * 64) is None
    assert store.all() == []
