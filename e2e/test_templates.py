"""Every template, scaffolded by `calmtui init`, passes its own e2e tests with `calmtui test`
offline, out of the box — through the real CLI in a fresh process, as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# At least as many test cases as the issue asks of each template.
TEMPLATES = {"basic": 5, "banking": 20, "support": 10, "multilingual": 10}


def calmtui(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    env.pop("GITHUB_ACTIONS", None)
    env.pop("CALMTUI_UNDERSTANDING", None)
    return subprocess.run(
        [sys.executable, "-m", "calmtui", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
@pytest.mark.parametrize(("template", "minimum"), TEMPLATES.items())
def test_init_then_test_passes_offline(tmp_path: Path, template: str, minimum: int) -> None:
    created = calmtui("init", "demo", "--template", template, cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    project = tmp_path / "demo"
    result = calmtui("test", "--coverage", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "understanding: offline" in lines[0]
    passed = int(lines[-1].split(" passed")[0])
    assert lines[-1] == f"{passed} passed, 0 failed"
    assert passed >= minimum
    # the tests go through every step of every flow of the template
    total = next(line for line in lines if line.strip().startswith("total"))
    assert total.rstrip().endswith("100.0%"), total


@pytest.mark.slow
def test_banking_template_runs_in_pytest_with_the_plugin(tmp_path: Path) -> None:
    assert calmtui("init", "demo", "--template", "banking", cwd=tmp_path).returncode == 0
    project = tmp_path / "demo"
    from importlib.metadata import entry_points

    installed = any(
        ep.value == "calmtui.testing.pytest_plugin" for ep in entry_points(group="pytest11")
    )
    command = [
        sys.executable,
        "-m",
        "pytest",
        *([] if installed else ["-p", "calmtui.testing.pytest_plugin"]),
        "-p",
        "no:cacheprovider",
        "-q",
        "--calmtui",
        "tests",
    ]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout.splitlines()[-1]
