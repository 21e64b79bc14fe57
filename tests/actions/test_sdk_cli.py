"""The banking template's actions on rasa_sdk's own command line, started exactly as users do.

    cd <project> && python -m rasa_sdk --actions actions --port 5055

The CLI serves through Sanic's worker manager, which pickles the registered actions into a worker
process — unlike the in-test server of conftest.py (`single_process=True`). calmtui's `@action`
classes must therefore be findable by pickle (they crashed with a PicklingError before). The CLI
has no option for the interface; Sanic reads `SANIC_HOST` (default 0.0.0.0), so the test binds
to 127.0.0.1 through it, on a free port, and stops the whole process group at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from calmtui.actions.factory import close_action_runner, make_action_runner
from calmtui.actions.http import HttpRunner
from tests.actions.conftest import free_port, load
from tests.actions.conversation import event_trace
from tests.actions.test_banking_parity import TEMPLATE, conversation

pytestmark = pytest.mark.anyio

READY_WITHIN = 30.0  # seconds; a cold start takes about 2 s


@dataclass
class CliServer:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/webhook"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _wait_until_ready(server: CliServer) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"`python -m rasa_sdk` exited early:\n{server.output()}")
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{server.port}/health", timeout=1
            ) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    pytest.fail(f"`python -m rasa_sdk` was not ready within {READY_WITHIN:g} s:\n{server.output()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """The CLI's worker processes are in its session: end that process group, then reap."""
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture
def banking(tmp_path: Path) -> Path:
    return Path(
        shutil.copytree(TEMPLATE, tmp_path / "bank", ignore=shutil.ignore_patterns("__pycache__"))
    )


@pytest.fixture
def cli_server(banking: Path, tmp_path: Path) -> Iterator[CliServer]:
    port = free_port()
    log = tmp_path / "rasa_sdk.log"
    env = {**os.environ, "SANIC_HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
            cwd=banking,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = CliServer(process=process, port=port, log=log)
    try:
        _wait_until_ready(server)
        yield server
    finally:
        _stop(process)


async def test_the_documented_rasa_sdk_command_serves_the_templates_actions(
    banking: Path, cli_server: CliServer
) -> None:
    project = load(banking)
    in_process = await conversation(project, make_action_runner(project))
    http = HttpRunner(cli_server.url, project=project)
    try:
        over_http = await conversation(project, http)
    finally:
        await close_action_runner(http)
    calls = [(c.name, c.runner, c.error) for r in over_http for c in r.action_calls]
    assert calls == [
        ("action_check_balance", "http", None),
        ("action_execute_transfer", "http", None),
        ("action_check_balance", "http", None),
        ("action_execute_transfer", "http", None),
    ], cli_server.output()
    assert event_trace(over_http) == event_trace(in_process)
    assert "PicklingError" not in cli_server.output()


def test_calmtui_test_runs_the_template_suite_against_the_cli_server(
    banking: Path, cli_server: CliServer
) -> None:
    """The template, switched to the action server as its README says, passes its own suite."""
    endpoints = (TEMPLATE / "endpoints.yml").read_text()
    assert "  actions_module: actions\n" in endpoints
    (banking / "endpoints.yml").write_text(
        endpoints.replace("  actions_module: actions\n", f"  url: {cli_server.url}\n")
    )
    done = subprocess.run(
        [sys.executable, "-m", "calmtui", "test", "--project", str(banking)],
        cwd=banking,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr + cli_server.output()
    summary = done.stdout.strip().splitlines()[-1]
    assert summary.endswith("passed, 0 failed"), summary
