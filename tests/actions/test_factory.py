"""Which runner endpoints.yml (and stubs) give."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.actions.factory import close_action_runner, make_action_runner
from calmtui.actions.http import HttpRunner
from calmtui.actions.inprocess import InProcessRunner
from calmtui.actions.protocol import NoActionRunner
from calmtui.actions.stubs import ActionStub, ActionStubs, StubRunner
from tests.actions.conftest import load, write_project

pytestmark = pytest.mark.anyio


async def test_actions_module_gives_the_in_process_runner(tmp_path: Path) -> None:
    project = load(
        write_project(
            tmp_path / "bank",
            endpoints="action_endpoint:\n  actions_module: actions\n  timeout: 3\n",
        )
    )
    runner = make_action_runner(project)
    assert isinstance(runner, InProcessRunner)
    assert (runner.kind, runner.module_name, runner.timeout) == ("inprocess", "actions", 3.0)
    assert runner.root == project.root
    await close_action_runner(runner)


async def test_url_gives_the_http_runner_with_its_options(tmp_path: Path) -> None:
    endpoints = """\
action_endpoint:
  url: http://127.0.0.1:5055/webhook
  timeout: 4
  token: abc
  headers:
    X-Team: bank
  basic_auth:
    username: u
    password: p
"""
    project = load(write_project(tmp_path / "bank", actions=None, endpoints=endpoints))
    runner = make_action_runner(project)
    assert isinstance(runner, HttpRunner)
    assert (runner.kind, runner.url, runner.timeout) == (
        "http",
        "http://127.0.0.1:5055/webhook",
        4.0,
    )
    assert make_action_runner(project, timeout=1.5).timeout == 1.5  # type: ignore[union-attr]
    client = runner._client_for_loop()
    assert client.headers["X-Team"] == "bank"
    assert client.params["token"] == "abc"
    await close_action_runner(runner)
    assert runner._client is None


async def test_no_endpoint_gives_a_runner_that_fails_clearly(tmp_path: Path) -> None:
    project = load(write_project(tmp_path / "bank", actions=None, endpoints="{}\n"))
    runner = make_action_runner(project)
    assert isinstance(runner, NoActionRunner)
    await close_action_runner(runner)  # nothing to close, and no error


async def test_stubs_wrap_the_project_runner_or_a_shared_fallback(tmp_path: Path) -> None:
    project = load(write_project(tmp_path / "bank"))
    stubs = ActionStubs(
        stubs=(
            ActionStub(action="action_greet"),
            ActionStub(action="action_boom", test_case="case_1"),
        )
    )
    shared = make_action_runner(project)
    per_case = make_action_runner(project, stubs=stubs, test_case="case_1", fallback=shared)
    assert isinstance(per_case, StubRunner)
    assert per_case.fallback is shared
    assert set(per_case.stubs) == {"action_greet", "action_boom"}
    assert per_case.kind == "stub+inprocess"
    assert make_action_runner(project, stubs=ActionStubs(), fallback=shared) is shared
    own = make_action_runner(project, stubs=stubs)
    assert isinstance(own, StubRunner)
    assert isinstance(own.fallback, InProcessRunner)
