"""`calmtui init`: writes a valid project from each template, says what to do next, and refuses
to clobber a directory unless asked."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from calmtui.cli import init_cmd, scaffold
from calmtui.cli.main import app
from calmtui.core.loading.project_loader import load_project
from calmtui.schemas import SCHEMA_KINDS, SchemaKind, schema_filename, schema_text

TEMPLATES = ["basic", "banking", "support", "multilingual"]
runner = CliRunner()


def init(*args: str):
    return runner.invoke(app, ["init", *args])


def _yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.y*ml") if ".calmtui" not in p.parts)


def _expected_counts(project: Path) -> str:
    """Counts recomputed from the raw YAML, independently of the loader."""
    flows: set[str] = set()
    slots: set[str] = set()
    actions: set[str] = set()
    tests = 0
    for path in _yaml_files(project):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        rel = path.relative_to(project)
        if rel.parts[0] == "data":
            flows |= {f for f in data.get("flows") or {} if not f.startswith("pattern_")}
        elif rel.parts[0] in ("domain", "domain.yml"):
            slots |= set(data.get("slots") or {})
            actions |= {
                a if isinstance(a, str) else next(iter(a)) for a in data.get("actions") or []
            }
        elif rel.parts[0] == "tests":
            tests += len(data.get("test_cases") or [])

    def plural(n: int, noun: str) -> str:
        return f"{n} {noun}" if n == 1 else f"{n} {noun}s"

    return ", ".join(
        (
            plural(len(flows), "flow"),
            plural(len(slots), "slot"),
            plural(len(actions), "custom action"),
            plural(tests, "test"),
        )
    )


@pytest.mark.parametrize("template", TEMPLATES)
def test_init_writes_a_valid_project(tmp_path: Path, template: str) -> None:
    target = tmp_path / "demo"
    result = init(str(target), "--template", template)
    assert result.exit_code == 0, result.output

    loaded = load_project(target)
    assert loaded.project is not None
    errors = [d.headline() for d in loaded.diagnostics if d.is_error]
    assert errors == []
    try:
        from calmtui.core.validate import validate_project
    except ImportError:  # the validator lands separately; the loader's checks still apply
        return
    problems = [d.headline() for d in validate_project(loaded.project) if d.severity != "info"]
    assert problems == []


@pytest.mark.parametrize("template", TEMPLATES)
def test_init_prints_counts_and_next_steps(tmp_path: Path, template: str) -> None:
    target = tmp_path / "demo"
    result = init(str(target), "-t", template)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    counts = _expected_counts(target)
    assert lines[0] == f"Created {target.as_posix()}/ from the {template!r} template ({counts})."
    assert lines[1] == "Next:"
    assert lines[2] == f"  cd {target.as_posix()}"
    assert lines[3].startswith("  calmtui inspect")
    assert "no key needed" in lines[3]
    assert lines[4].startswith("  calmtui test")


def test_banking_counts_are_what_the_readme_promises(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    init(str(target), "-t", "banking")
    summary = scaffold.summarize(target)
    assert summary.flows >= 4
    assert summary.custom_actions >= 2
    assert summary.tests >= 20


def test_init_defaults_to_basic_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = init()
    assert result.exit_code == 0, result.output
    assert "from the 'basic' template" in result.stdout
    assert "the current directory" in result.stdout
    assert "  cd " not in result.stdout
    assert (tmp_path / "config.yml").is_file()
    assert (tmp_path / "data" / "flows" / "order_coffee.yml").is_file()


def test_default_template_names_agree() -> None:
    assert init_cmd.DEFAULT_TEMPLATE == scaffold.DEFAULT_TEMPLATE


@pytest.mark.parametrize("template", TEMPLATES)
def test_files_are_copied_byte_for_byte(tmp_path: Path, template: str) -> None:
    source = scaffold.find_template(template).path
    target = tmp_path / "demo"
    assert init(str(target), "-t", template).exit_code == 0
    expected = {
        p.relative_to(source)
        for p in source.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    } - {Path("template.yml")}
    written = {
        p.relative_to(target)
        for p in target.rglob("*")
        if p.is_file() and ".calmtui" not in p.parts
    }
    assert written == expected
    for rel in expected:
        assert (target / rel).read_bytes() == (source / rel).read_bytes(), rel
    assert (target / "tests" / "e2e_test_cases" / ".gitkeep").is_file()
    assert (target / ".gitignore").is_file()


def test_copy_skips_bytecode_and_template_metadata(tmp_path: Path) -> None:
    source = tmp_path / "templates" / "mini"
    (source / "actions" / "__pycache__").mkdir(parents=True)
    (source / "template.yml").write_text("name: mini\ndescription: A tiny one\n")
    (source / "actions" / "__init__.py").write_text("X = 1\n")
    (source / "actions" / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"\0")
    (source / "actions" / "stale.pyc").write_bytes(b"\0")
    (source / "sub").mkdir()
    (source / "sub" / "template.yml").write_text("kept: true\n")
    template = scaffold.find_template("mini", tmp_path / "templates")
    assert template.description == "A tiny one"
    target = tmp_path / "out"
    scaffold.copy_template(template, target)
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    assert files == [
        ".calmtui/schemas/domain.schema.json",
        ".calmtui/schemas/e2e.schema.json",
        ".calmtui/schemas/flows.schema.json",
        "actions/__init__.py",
        "sub/template.yml",
    ]


@pytest.mark.parametrize("template", TEMPLATES)
def test_yaml_files_point_editors_at_the_written_schemas(tmp_path: Path, template: str) -> None:
    target = tmp_path / "demo"
    assert init(str(target), "-t", template).exit_code == 0
    for kind in SCHEMA_KINDS:
        written = target / ".calmtui" / "schemas" / schema_filename(kind)
        assert written.read_text(encoding="utf-8") == schema_text(kind)
    kinds_seen: set[str] = set()
    for path in _yaml_files(target):
        rel = path.relative_to(target)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            continue
        kind: SchemaKind
        if "flows" in data:
            kind = "flows"
        elif "test_cases" in data:
            kind = "e2e"
        elif rel.parts[0] in ("domain", "domain.yml"):
            kind = "domain"
        else:
            continue
        kinds_seen.add(kind)
        first_line = path.read_text(encoding="utf-8").splitlines()[0]
        assert first_line == scaffold.schema_header(rel.as_posix(), kind), rel
        schema_ref = first_line.split("$schema=", 1)[1]
        assert (path.parent / schema_ref).resolve() == (
            target / ".calmtui" / "schemas" / f"{kind}.schema.json"
        ).resolve()
    assert kinds_seen == set(SCHEMA_KINDS)


def test_schema_header_paths() -> None:
    assert scaffold.schema_header("domain.yml", "domain") == (
        "# yaml-language-server: $schema=.calmtui/schemas/domain.schema.json"
    )
    assert scaffold.schema_header("data/flows/x.yml", "flows") == (
        "# yaml-language-server: $schema=../../.calmtui/schemas/flows.schema.json"
    )


def test_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    result = init(str(target))
    assert result.exit_code == 2
    assert "busy" in result.stderr
    assert "--force" in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]


def test_force_writes_into_a_non_empty_directory(tmp_path: Path) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    (target / "config.yml").write_text("old: true\n")
    result = init(str(target), "--force", "-t", "banking")
    assert result.exit_code == 0, result.output
    assert (target / "notes.txt").read_text() == "mine"
    assert "old: true" not in (target / "config.yml").read_text()
    assert load_project(target).ok


def test_a_directory_with_only_git_counts_as_empty(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    result = init(str(tmp_path / "repo"))
    assert result.exit_code == 0, result.output


def test_refuses_a_file_as_target(tmp_path: Path) -> None:
    target = tmp_path / "afile"
    target.write_text("x")
    result = init(str(target))
    assert result.exit_code == 2
    assert "not a directory" in result.stderr


def test_list_templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = init("--list-templates")
    assert result.exit_code == 0, result.output
    for template in scaffold.list_templates():
        line = next(
            line
            for line in result.stdout.splitlines()
            if line.strip().startswith(template.name + " ")
        )
        assert template.description
        assert template.description in line
    assert "(default)" in next(line for line in result.stdout.splitlines() if "basic" in line)
    assert list(tmp_path.iterdir()) == []  # listing writes nothing


def test_unknown_template_suggests_the_closest(tmp_path: Path) -> None:
    result = init(str(tmp_path / "x"), "--template", "bankng")
    assert result.exit_code == 2
    assert "unknown template 'bankng'" in result.stderr
    assert "did you mean 'banking'?" in result.stderr
    assert "available templates: basic, banking" in result.stderr
    assert not (tmp_path / "x").exists()


def test_packaged_templates_win_over_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site" / "calmtui"
    (package / "_templates" / "basic").mkdir(parents=True)
    (tmp_path / "site" / "templates").mkdir()
    monkeypatch.setattr(scaffold.calmtui, "__file__", str(package / "__init__.py"))
    assert scaffold.templates_root() == package / "_templates"
    (package / "_templates" / "basic").rmdir()
    (package / "_templates").rmdir()
    assert scaffold.templates_root() == tmp_path / "site" / "templates"


def test_init_imports_neither_litellm_nor_textual(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    code = textwrap.dedent(
        f"""
        import sys
        sys.argv = ["calmtui", "init", {str(target)!r}, "--template", "banking"]
        from calmtui.cli.main import app
        try:
            app()
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
        heavy = sorted(m for m in ("litellm", "textual") if m in sys.modules)
        print("heavy:", heavy)
        """
    )
    env = {**os.environ, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "heavy: []" in done.stdout
    assert (target / "config.yml").is_file()


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_metadata_and_config(template: str) -> None:
    source = scaffold.find_template(template).path
    meta = yaml.safe_load((source / "template.yml").read_text(encoding="utf-8"))
    assert meta["name"] == template
    assert "\n" not in meta["description"].strip()
    assert (source / "README.md").is_file()
    gitignore = (source / ".gitignore").read_text(encoding="utf-8").splitlines()
    rules = [r.strip() for r in gitignore if r.strip() and not r.startswith("#")]
    assert {".calmtui/conversations*", ".calmtui/last-failed*", ".env"} <= set(rules)
    # recordings (replay files for CI) and schemas (editor completion) stay in version control
    assert not any(
        r.rstrip("/*") in (".calmtui", ".calmtui/schemas", ".calmtui/recordings") for r in rules
    )

    project = load_project(source).project
    assert project is not None
    config = project.config
    generator = config.command_generator
    assert (config.recipe, config.language) == ("default.v1", "en")
    assert config.assistant_id
    assert generator is not None
    # The support template answers knowledge questions: the search-ready generator and the
    # generative policies (FORMATS.md a.2).
    generative = template == "support"
    assert generator.name == (
        "SearchReadyLLMCommandGenerator" if generative else "CompactLLMCommandGenerator"
    )
    assert generator.options["llm"] == {"model_group": "openai_llm"}
    assert generator.options["flow_retrieval"] == {"active": False}
    assert [p.name for p in config.policies] == (
        ["FlowPolicy", "EnterpriseSearchPolicy", "IntentlessPolicy"]
        if generative
        else ["FlowPolicy"]
    )
    model = project.endpoints.model_groups["openai_llm"].models[0]
    assert (model.provider, model.model) == ("openai", "gpt-4o-mini")
    assert "api_key" not in model.params
    has_actions = any(not a.builtin for a in project.domain.actions.values())
    endpoint = project.endpoints.action_endpoint
    assert (endpoint is not None and endpoint.actions_module == "actions") == has_actions
    assert (source / "actions" / "__init__.py").is_file() == has_actions


@pytest.mark.parametrize("template", TEMPLATES)
def test_user_flows_work_offline(template: str) -> None:
    """Offline understanding finds flows by description and `metadata.examples`."""
    project = load_project(scaffold.find_template(template).path).project
    assert project is not None
    for flow in project.user_flows:
        assert flow.description, flow.id
        if flow.is_link_only:
            continue
        examples = flow.metadata.get("examples")
        if isinstance(examples, dict):  # per language (docs/languages.md): each one counts
            for phrases in examples.values():
                assert 3 <= len(phrases) <= 10, flow.id
            examples = examples[project.config.language]
        assert isinstance(examples, list), flow.id
        assert 4 <= len(examples) <= 10, flow.id
        assert len({e.lower() for e in examples}) == len(examples), flow.id
