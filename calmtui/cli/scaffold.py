"""The logic behind `calmtui init`: find the bundled templates, copy one, count what it holds.

Kept apart from the Typer command so tests can call it directly and so `init` stays free of
heavy imports: only the core loader is used (no LLM client, no TUI).

Templates live in the wheel as `calmtui/_templates/` (pyproject force-include) and in a source
checkout or editable install as `<repo>/templates/`. Their YAML files already carry the
`# yaml-language-server: $schema=...` header, so copying is byte-for-byte and `init` only adds
the JSON Schemas under `.calmtui/schemas/`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

import calmtui
from calmtui.core.diagnostics import Diagnostic, closest
from calmtui.core.errors import CalmtuiError
from calmtui.core.loading.project_loader import load_project
from calmtui.core.yaml_bounds import shape_problem
from calmtui.schemas import SCHEMA_KINDS, SchemaKind, schema_filename, schema_text

DEFAULT_TEMPLATE = "basic"
METADATA_FILE = "template.yml"
SCHEMA_DIR = Path(".calmtui") / "schemas"
SCHEMA_HEADER_PREFIX = "# yaml-language-server: $schema="
_SKIPPED_DIRS = frozenset({"__pycache__"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")
# Entries that do not make a directory "non-empty": `git init && calmtui init` should just work.
_IGNORED_IN_TARGET = frozenset({".git"})


class InitError(CalmtuiError):
    """A problem the user can fix (bad template name, occupied directory): exit 2, no traceback."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    description: str
    path: Path


@dataclass(frozen=True, slots=True)
class ProjectSummary:
    """What `init` reports about the written project; counts come from loading it."""

    flows: int
    slots: int
    custom_actions: int
    tests: int
    diagnostics: list[Diagnostic] = field(default_factory=list[Diagnostic])

    def counts_text(self) -> str:
        parts = (
            _plural(self.flows, "flow"),
            _plural(self.slots, "slot"),
            _plural(self.custom_actions, "custom action"),
            _plural(self.tests, "test"),
        )
        return ", ".join(parts)


def templates_root() -> Path:
    """The packaged templates first (wheel), then the repository's (editable install)."""
    package_dir = Path(calmtui.__file__).resolve().parent
    for candidate in (package_dir / "_templates", package_dir.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise InitError(
        "calmtui's project templates are missing from this installation",
        hint="reinstall calmtui (pip install --force-reinstall calmtui)",
    )


def list_templates(root: Path | None = None) -> list[Template]:
    base = root or templates_root()
    found = [
        Template(name=p.name, description=_describe(p), path=p)
        for p in base.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_"))
    ]
    return sorted(found, key=lambda t: (t.name != DEFAULT_TEMPLATE, t.name))


def find_template(name: str, root: Path | None = None) -> Template:
    templates = list_templates(root)
    for template in templates:
        if template.name == name:
            return template
    names = [t.name for t in templates]
    match = closest(name, names)
    raise InitError(
        f"unknown template {name!r}" + (f"; did you mean {match!r}?" if match else ""),
        hint=f"available templates: {', '.join(names)} (see 'calmtui init --list-templates')",
    )


_NAME_MAX = 255  # bytes in one path component on Linux, macOS and Windows file systems


def check_target(target: Path, *, force: bool) -> None:
    """Refuse to mix a template into existing files unless the user said --force; a path the
    system cannot use (a name longer than 255 bytes, no permission) is a usage error too."""
    too_long = [part for part in target.parts if len(os.fsencode(part)) > _NAME_MAX]
    if too_long:
        raise InitError(
            f"the directory name {too_long[0][:40]!r}... is {len(os.fsencode(too_long[0]))} bytes "
            f"long; file systems allow {_NAME_MAX}",
            hint="choose a shorter name",
        )
    try:
        _check_existing(target, force=force)
    except OSError as exc:
        raise InitError(f"cannot use {_shown(target)}: {exc.strerror or exc}") from None


def _check_existing(target: Path, *, force: bool) -> None:
    if target.exists() and not target.is_dir():
        raise InitError(f"{_shown(target)} exists and is not a directory")
    if force or not target.is_dir():
        return
    if any(entry.name not in _IGNORED_IN_TARGET for entry in target.iterdir()):
        raise InitError(
            f"directory {_shown(target)} is not empty",
            hint="choose a new directory, or pass --force to write the template into it "
            "(files with the same names are overwritten)",
        )


def copy_template(template: Template, target: Path) -> list[Path]:
    """Copy the template byte-for-byte and add the JSON Schemas; returns the written paths."""
    written: list[Path] = []
    for source in _template_files(template.path):
        dest = target / source.relative_to(template.path)
        _write_bytes(dest, source.read_bytes())
        written.append(dest)
    for kind in SCHEMA_KINDS:
        dest = target / SCHEMA_DIR / schema_filename(kind)
        _write_bytes(dest, schema_text(kind).encode("utf-8"))
        written.append(dest)
    return written


def summarize(target: Path) -> ProjectSummary:
    result = load_project(target)
    project = result.project
    if project is None:
        return ProjectSummary(0, 0, 0, count_test_cases(target), result.diagnostics)
    domain = project.domain
    return ProjectSummary(
        flows=len(project.user_flows),
        slots=len(domain.user_slots),
        custom_actions=sum(1 for a in domain.actions.values() if not a.builtin),
        tests=count_test_cases(target),
        diagnostics=result.diagnostics,
    )


def count_test_cases(project_dir: Path) -> int:
    """Items with a `test_case:` key in the `test_cases:` lists of tests/**/*.yml."""
    total = 0
    for path in sorted((project_dir / "tests").rglob("*.y*ml")):
        try:
            text = path.read_text(encoding="utf-8")
            if shape_problem(text, path.name) is not None:
                continue  # too deep or an alias bomb: `calmtui test` reports it
            data = yaml.safe_load(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        document = cast(dict[str, Any], data) if isinstance(data, dict) else {}
        cases = document.get("test_cases")
        if isinstance(cases, list):
            items = cast(list[Any], cases)
            total += sum(1 for c in items if isinstance(c, dict) and "test_case" in c)
    return total


def schema_header(relative_file: str, kind: SchemaKind) -> str:
    """The first line a YAML file at `relative_file` (from the project root) should carry."""
    depth = len(Path(relative_file).parent.parts)
    schema = Path(*([".."] * depth), SCHEMA_DIR, schema_filename(kind))
    return SCHEMA_HEADER_PREFIX + schema.as_posix()


def _template_files(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_DIRS)
        for filename in sorted(filenames):
            path = Path(dirpath) / filename
            if filename.endswith(_SKIPPED_SUFFIXES):
                continue
            if path.parent == root and filename == METADATA_FILE:
                continue
            yield path


def _write_bytes(dest: Path, data: bytes) -> None:
    if dest.is_dir():
        raise InitError(f"cannot write {_shown(dest)}: a directory with that name exists")
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    except OSError as exc:
        raise InitError(f"cannot write {_shown(dest)}: {exc.strerror or exc}") from exc


def _describe(template_dir: Path) -> str:
    """The `description` of template.yml, else the first line of the template's README."""
    meta = template_dir / METADATA_FILE
    if meta.is_file():
        try:
            data = yaml.safe_load(meta.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            data = None
        document = cast(dict[str, Any], data) if isinstance(data, dict) else {}
        description = document.get("description")
        if isinstance(description, str):
            return " ".join(description.split())
    readme = template_dir / "README.md"
    if readme.is_file():
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.strip():
                return line.strip().lstrip("#").strip()
    return ""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _shown(path: Path) -> str:
    return repr(os.fspath(path))
