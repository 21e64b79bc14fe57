"""litellm's import and warm-up off the critical path of an LLM-bound test run (issue 16.8):
`calmtui test -u llm` starts the import before the project and the tests load, warms the client
for the generator's models, and waits for both before the first case — so no case's first call
stalls the event loop (and every other case) on them. Nothing here measures time: the order of
events is the contract; `benchmarks/bench_test_runner.py` prints the figures."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmtui.app import understanding
from calmtui.cli import test_cmd
from calmtui.cli.main import app
from calmtui.core.model.config import ModelConfig
from calmtui.testing import orchestration
from tests.cli.conftest import write_project
from tests.understanding.fake_openai import FakeOpenAI

CASES = """\
test_cases:
  - test_case: by_commands
    steps:
      - user: send money
        commands: start flow transfer_money
        assertions:
          - flow_started: transfer_money
"""
LOCAL = """\
model_groups:
  - id: main_llm
    models:
      - provider: openai
        model: gpt-4o-mini
        api_base: http://127.0.0.1:9/v1
"""


class Recorder:
    def __init__(self) -> None:
        self.events: list[str] = []

    def start(self, models: tuple[ModelConfig, ...]) -> None:
        self.events.append(f"prefetch {[m.litellm_model for m in models]}")

    def wait(self) -> None:
        self.events.append("wait")


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    record = Recorder()
    monkeypatch.setattr(understanding, "_PREFETCH", record)
    load, execute = test_cmd.load_from_options, orchestration._execute

    def loading(*args: object) -> object:
        record.events.append("load project")
        return load(*args)  # type: ignore[arg-type]

    def executing(*args: object) -> object:
        record.events.append("first case")
        return execute(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(test_cmd, "load_from_options", loading)
    monkeypatch.setattr(orchestration, "_execute", executing)
    monkeypatch.delenv("CALMTUI_UNDERSTANDING", raising=False)
    return record


def project(tmp_path: Path) -> Path:
    root = write_project(tmp_path / "bank", {"endpoints.yml": LOCAL})
    (root / "tests").mkdir()
    (root / "tests" / "cases.yml").write_text(CASES, encoding="utf-8")
    return root


def test_an_llm_run_imports_litellm_while_loading_and_waits_before_the_first_case(
    tmp_path: Path, recorder: Recorder
) -> None:
    root = project(tmp_path)
    result = CliRunner().invoke(
        app, ["test", "--project", str(root), "-u", "llm", str(root / "tests")]
    )
    assert result.exit_code == 0, result.output
    assert recorder.events == [
        "prefetch []",  # the import, before anything is loaded
        "load project",
        "prefetch ['openai/gpt-4o-mini']",  # the warm-up, once the models are known
        "wait",
        "first case",
    ]


def test_an_offline_run_never_prefetches(tmp_path: Path, recorder: Recorder) -> None:
    root = project(tmp_path)
    result = CliRunner().invoke(app, ["test", "--project", str(root), str(root / "tests")])
    assert result.exit_code == 0, result.output
    assert recorder.events == ["load project", "wait", "first case"]


def test_the_mode_in_config_yml_prefetches_once_it_is_loaded(
    tmp_path: Path, recorder: Recorder
) -> None:
    root = project(tmp_path)
    config = root / "config.yml"
    config.write_text(config.read_text() + "calmtui:\n  understanding: llm\n")
    result = CliRunner().invoke(app, ["test", "--project", str(root), str(root / "tests")])
    assert result.exit_code == 0, result.output
    assert recorder.events == [
        "load project",
        "prefetch ['openai/gpt-4o-mini']",
        "wait",
        "first case",
    ]


def test_the_warm_up_calls_no_server_and_loads_what_a_first_call_would(
    fake_llm: FakeOpenAI,
) -> None:
    """In a fresh interpreter: after the warm-up the OpenAI SDK's resources are loaded (a first
    call would import them on the event loop), and the server saw no request."""
    code = (
        "import sys\n"
        "from calmtui.core.model.config import ModelConfig\n"
        "from calmtui.understanding.llm import warm_client\n"
        f"warm_client([ModelConfig(provider='openai', model='gpt-4o-mini', api_base={fake_llm.url!r})])\n"
        "print('openai.resources' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.split() == ["True"]
    assert fake_llm.requests == []


def test_prefetch_imports_once_and_wait_returns_after_it() -> None:
    prefetch = understanding._Prefetch()
    prefetch.start(())
    prefetch.start(())  # already importing: no second thread
    prefetch.wait()
    from calmtui.understanding import llm

    assert llm._litellm is not None
    assert len(prefetch._threads) == 1
