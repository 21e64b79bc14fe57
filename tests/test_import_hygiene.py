"""The layering rules, checked at runtime (import-linter checks them statically).

`calmtui.core`, `calmtui.session` and `calmtui.testing` must not pull in UI or LLM libraries, and
the CLI's cold start (`--help`, `--version`, `validate`, `init`) must not import litellm or
Textual: they cost seconds and megabytes that a user waiting for `--help` should not pay.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["textual", "rich", "litellm", "typer", "numpy", "faiss"]


def _loaded_after(code: str) -> dict[str, bool]:
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["calmtui.core", "calmtui.core.engine", "calmtui.session"])
def test_core_and_session_import_no_ui_or_llm(module: str) -> None:
    loaded = _loaded_after(f"import {module}")
    assert not any(loaded.values()), f"{module} imported {[m for m, v in loaded.items() if v]}"


@pytest.mark.parametrize(
    "argv", [["--help"], ["--version"], ["init", "--help"], ["validate", "--help"]]
)
def test_cli_cold_start_does_not_import_litellm_or_textual(argv: list[str]) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['calmtui', *{argv!r}]\n"
        "from calmtui.cli.main import app\n"
        "try:\n"
        "    app()\n"
        "except SystemExit:\n"
        "    pass\n"
    )
    loaded = _loaded_after(code)
    assert not loaded["litellm"], "the CLI imported litellm on a cold start"
    assert not loaded["textual"], "the CLI imported textual on a cold start"
    assert not loaded["numpy"], "the CLI imported numpy on a cold start"
    assert not loaded["faiss"], "the CLI imported faiss on a cold start"


def test_validate_of_a_knowledge_project_reads_documents_without_numpy() -> None:
    """validate checks the search documents (CT6xx) but never builds an index."""
    from pathlib import Path

    support = Path(__file__).resolve().parents[1] / "templates" / "support"
    code = (
        "import sys\n"
        f"sys.argv = ['calmtui', 'validate', '--project', {str(support)!r}]\n"
        "from calmtui.cli.main import app\n"
        "try:\n"
        "    app()\n"
        "except SystemExit:\n"
        "    pass\n"
    )
    loaded = _loaded_after(code)
    assert not any(loaded[m] for m in ("litellm", "textual", "numpy", "faiss")), loaded
