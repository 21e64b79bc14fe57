"""The layering rules, checked at runtime (import-linter checks them statically).

Every module of `calmtui.core` is imported on its own, in a fresh interpreter, and must not pull
in UI, LLM or network libraries, the event loop, or Jinja (core renders templates, but imports
jinja2 only when one is rendered). The layers above the core are walked module by module too,
one interpreter per package. The CLI's cold start (`--help`, `--version`, `validate`, `init`)
must not import litellm or Textual: they cost seconds and megabytes that a user waiting for
`--help` should not pay.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import calmtui.core

# What importing a module must not load, per package (the first part of each module name).
CORE_FORBIDDEN = [
    "textual",
    "rich",
    "typer",
    "litellm",
    "watchfiles",
    "httpx",
    "sqlite3",
    "socket",
    "http",
    "asyncio",
    "jinja2",
]
UI_AND_LLM = ["textual", "typer", "litellm"]
LAYERS = {
    # package: what none of its modules may load on import
    "calmtui.session": [*UI_AND_LLM, "rich", "watchfiles"],
    "calmtui.app": [*UI_AND_LLM, "rich", "watchfiles"],
    "calmtui.testing": [*UI_AND_LLM, "rich", "watchfiles"],
    "calmtui.understanding": [*UI_AND_LLM, "rich", "watchfiles"],
    "calmtui.actions": UI_AND_LLM,  # httpx itself imports rich for its CLI when it can
    "calmtui.store": [*UI_AND_LLM, "rich"],
    # knowledge search loads numpy (the index) and faiss (dense vectors) only when it indexes
    "calmtui.knowledge": [*UI_AND_LLM, "rich", "watchfiles", "numpy", "faiss"],
    "calmtui.generation": [*UI_AND_LLM, "rich", "watchfiles", "numpy", "faiss"],
}
# Modules that exist to talk to pytest: the plugin may import pytest (nothing else here does).
EXEMPT = {"calmtui.testing.pytest_plugin": {"pytest"}}

CORE_MODULES = [
    "calmtui.core",
    *sorted(m.name for m in pkgutil.walk_packages(calmtui.core.__path__, "calmtui.core.")),
]


def _loaded_after(code: str, watched: list[str]) -> list[str]:
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({watched!r}))))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_walk_finds_every_core_package() -> None:
    packages = {name.rsplit(".", 1)[0] for name in CORE_MODULES}
    assert {
        "calmtui.core.conditions",
        "calmtui.core.dialogue",
        "calmtui.core.engine",
        "calmtui.core.loading",
        "calmtui.core.model",
        "calmtui.core.nlg",
        "calmtui.core.validate",
    } <= packages
    assert len(CORE_MODULES) > 60


@pytest.mark.parametrize("module", CORE_MODULES)
def test_each_core_module_imports_nothing_impure(module: str) -> None:
    loaded = _loaded_after(f"import {module}", CORE_FORBIDDEN)
    assert not loaded, f"importing {module} loaded {loaded}"


@pytest.mark.parametrize("package", sorted(LAYERS))
def test_each_module_below_the_ui_imports_no_ui_or_llm(package: str) -> None:
    """One interpreter per package: each module is imported in turn, and what it added to
    `sys.modules` is checked (a module found guilty is the first one to load the library)."""
    watched = LAYERS[package]
    probe = (
        "import importlib, json, pkgutil, sys\n"
        f"root = importlib.import_module({package!r})\n"
        "names = [root.__name__]\n"
        "if hasattr(root, '__path__'):\n"
        "    names += sorted(m.name for m in pkgutil.walk_packages(root.__path__, root.__name__ + '.'))\n"
        "found = {}\n"
        "for name in names:\n"
        "    before = set(sys.modules)\n"
        "    importlib.import_module(name)\n"
        "    found[name] = sorted({m.split('.')[0] for m in set(sys.modules) - before})\n"
        "print(json.dumps(found))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    found: dict[str, list[str]] = json.loads(out.stdout.strip().splitlines()[-1])
    assert found, f"no modules found in {package}"
    problems = {
        name: sorted(set(added) & set(watched) - EXEMPT.get(name, set()))
        for name, added in found.items()
    }
    assert not {name: libs for name, libs in problems.items() if libs}


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
    loaded = _loaded_after(code, ["litellm", "textual", "numpy", "faiss"])
    assert "litellm" not in loaded, "the CLI imported litellm on a cold start"
    assert "textual" not in loaded, "the CLI imported textual on a cold start"
    assert "numpy" not in loaded, "the CLI imported numpy on a cold start"
    assert "faiss" not in loaded, "the CLI imported faiss on a cold start"


def test_validate_of_a_knowledge_project_reads_documents_without_numpy() -> None:
    """validate checks the search documents (CT6xx) but never builds an index."""
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
    loaded = _loaded_after(code, ["litellm", "textual", "numpy", "faiss"])
    assert not loaded, loaded
