"""`calmtui.testing` stays light: no UI, CLI or LLM library on import (STYLE.md 3.2), and the
pytest plugin, which pytest loads in every run once installed, imports nothing of calmtui's runner
until a calmtui test file is collected."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["textual", "rich", "litellm", "typer"]


@pytest.mark.parametrize(
    "module",
    [
        "calmtui.testing",
        "calmtui.testing.runner",
        "calmtui.testing.loader",
        "calmtui.testing.report.console",
        "calmtui.testing.environment",
    ],
)
def test_testing_modules_import_no_ui_or_llm(module: str) -> None:
    probe = (
        f"import {module}, json, sys\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out.strip().splitlines()[-1])
    assert not any(loaded.values()), f"{module} imported {[m for m, v in loaded.items() if v]}"


def test_pytest_plugin_import_is_light() -> None:
    probe = "import calmtui.testing.pytest_plugin, sys\nprint(sorted(m for m in sys.modules if m.startswith('calmtui')))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    # calmtui.core and calmtui.core.errors are a docstring and one exception class.
    assert out.strip() == (
        "['calmtui', 'calmtui.core', 'calmtui.core.errors', 'calmtui.testing', "
        "'calmtui.testing.pytest_plugin']"
    )
