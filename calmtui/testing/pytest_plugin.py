"""A pytest plugin: e2e test cases as pytest items, so they run inside pytest (and pytest-xdist).

Opt in (the plugin is installed with calmtui and must not collect anybody's YAML by accident):

    pytest --calmtui tests/e2e_test_cases          # or, in pytest.ini / pyproject:
    [tool.pytest.ini_options]
    calmtui = true
    calmtui_project = "."                          # default: found upwards from each test file
    calmtui_understanding = "offline"

Every YAML file with a top-level `test_cases:` becomes a collector and every test case an item
whose `reportinfo()` points at the case's line. The project is reviewed by the same project
policy as `calmtui test` (its `calmtui:` settings in config.yml apply). A broken project, or a
test file that cannot be used as a whole, is a collection error showing the diagnostics; a test
case that cannot be read is an item that errors at setup (pytest's `ERROR`, with the
diagnostics), and the file's other cases run; a failing case shows calmtui's failure block. All
cases of a pytest process share one event loop, one project load and one command generator.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from calmtui.core.errors import CalmtuiError
from calmtui.testing import CONFTEST_NAMES, YAML_SUFFIXES

if TYPE_CHECKING:  # the runner is imported only when a calmtui file is collected
    from calmtui.app.policy import ProjectPolicy
    from calmtui.core.diagnostics import Diagnostic
    from calmtui.core.model.project import Project
    from calmtui.testing.environment import Wiring
    from calmtui.testing.results import CaseResult
    from calmtui.testing.spec import TestCase

_MARKER = b"test_cases"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("calmtui", "calmtui e2e test cases")
    group.addoption(
        "--calmtui",
        action="store_true",
        default=None,
        help="collect calmtui/Rasa e2e test YAML files",
    )
    group.addoption(
        "--calmtui-project",
        metavar="DIR",
        default=None,
        help="the assistant project (default: found upwards)",
    )
    group.addoption(
        "--calmtui-understanding",
        metavar="MODE",
        default=None,
        help="offline, llm, record or replay",
    )
    group.addoption(
        "--calmtui-strict",
        action="store_true",
        default=None,
        help="the warnings where calmtui is stricter than Rasa are errors (as `calmtui test --strict`)",
    )
    group.addoption(
        "--calmtui-ignore",
        metavar="CODE",
        action="append",
        default=None,
        help="hide a diagnostic code (repeat, or CT240,CT241; as `calmtui test --ignore`)",
    )
    parser.addini(
        "calmtui", type="bool", default=False, help="collect calmtui/Rasa e2e test YAML files"
    )
    parser.addini("calmtui_project", default="", help="the assistant project directory")
    parser.addini("calmtui_understanding", default="", help="understanding mode for e2e test cases")
    parser.addini("calmtui_strict", type="bool", default=False, help="as --calmtui-strict")
    parser.addini(
        "calmtui_ignore", type="args", default=[], help="codes to hide, as --calmtui-ignore"
    )


def _option(config: pytest.Config, name: str) -> Any:
    value = config.getoption(f"--{name.replace('_', '-')}")
    return value if value is not None else config.getini(name)


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_STATE] = _State(policy=_policy(config))


def _policy(config: pytest.Config) -> ProjectPolicy:
    """The project policy the options ask for; a bad code is pytest's usage error, at once."""
    from calmtui.app.policy import ProjectPolicy, ignored_codes

    try:
        ignore = ignored_codes(_option(config, "calmtui_ignore") or [])
    except ValueError as exc:
        raise pytest.UsageError(f"--calmtui-ignore: {exc}") from None
    return ProjectPolicy(ignore=ignore, strict=bool(_option(config, "calmtui_strict")))


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None:
        state.close()


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    config = parent.config
    if not _option(config, "calmtui"):
        return None
    if file_path.suffix not in YAML_SUFFIXES or file_path.name in CONFTEST_NAMES:
        return None
    try:
        if _MARKER not in file_path.read_bytes():
            return None
    except OSError:
        return None
    # pytest's from_parent takes untyped **kwargs.
    return CalmtuiFile.from_parent(parent, path=file_path)  # pyright: ignore[reportUnknownMemberType]


@dataclass(slots=True)
class _Project:
    project: Project
    wiring: Wiring
    policy: ProjectPolicy


@dataclass(slots=True)
class _State:
    """Per pytest process: one loop, and each project loaded and wired once."""

    policy: ProjectPolicy
    loop: asyncio.AbstractEventLoop | None = None
    projects: dict[str, _Project | BaseException] = field(
        default_factory=dict[str, "_Project | BaseException"]
    )

    def run(self, coroutine: Any) -> Any:
        if self.loop is None:
            self.loop = asyncio.new_event_loop()
        return self.loop.run_until_complete(coroutine)

    def close(self) -> None:
        for loaded in self.projects.values():
            if isinstance(loaded, _Project):
                self.run(loaded.wiring.aclose())
        if self.loop is not None:
            self.loop.close()


_STATE = pytest.StashKey[_State]()


class ProjectUnusableError(CalmtuiError):
    """A project or test file that cannot be used; shown as the collection error."""


class CaseFailed(Exception):
    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.failure.first_message if result.failure else "failed")
        self.result = result


def find_project_root(start: Path) -> Path | None:
    for directory in [start, *start.parents]:
        if any(
            (directory / marker).exists()
            for marker in ("config.yml", "config.yaml", "domain.yml", "domain")
        ):
            return directory
    return None


def _load(config: pytest.Config, test_file: Path) -> tuple[Path, _Project]:
    given = _option(config, "calmtui_project")
    root = (
        (Path(str(config.rootpath)) / given).resolve()
        if given
        else find_project_root(test_file.parent)
    )
    if root is None:
        raise ProjectUnusableError(
            f"no assistant project found above {test_file} (set calmtui_project or --calmtui-project)"
        )
    state = config.stash[_STATE]
    key = os.fspath(root)
    if key not in state.projects:
        state.projects[key] = _load_project(
            root, _option(config, "calmtui_understanding") or None, state.policy
        )
    loaded = state.projects[key]
    if isinstance(loaded, BaseException):
        raise loaded
    return root, loaded


def _load_project(root: Path, mode: str | None, given: ProjectPolicy) -> _Project | BaseException:
    from calmtui.app.understanding import make_generator
    from calmtui.core.loading.project_loader import load_project
    from calmtui.testing.environment import build_wiring, make_judge

    report = given.review(load_project(root), root)
    policy = given.for_project(report.project)
    errors = policy.blocking(report.diagnostics)
    if report.project is None or not policy.allows(report):
        return ProjectUnusableError(
            _render(errors, report.sources) or f"no assistant project in {root}"
        )
    project = report.project
    from calmtui.understanding.errors import UnderstandingConfigError

    try:
        generator = make_generator(project, mode)
        wiring = build_wiring(
            project, generator=generator, judge_factory=lambda judge: make_judge(judge, project)
        )
    except UnderstandingConfigError as exc:
        return ProjectUnusableError(str(exc))
    return _Project(project=project, wiring=wiring, policy=policy)


def _render(diagnostics: list[Diagnostic], sources: Mapping[str, str]) -> str:
    """As `calmtui validate` shows them, without colour (pytest prints it as the error)."""
    from calmtui.app.diagnostics_view import render_text

    return render_text(diagnostics, sources, show_path=str).rstrip("\n")


class CalmtuiFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        from calmtui.testing.isolation import isolate
        from calmtui.testing.loader import Target, load_suite

        root, loaded = _load(self.config, self.path)
        suite = load_suite(loaded.project, root, [Target(path=self.path)])
        isolated = isolate(suite, loaded.policy.judge)
        whole_file = [e for e in isolated.errors if e.case.name == e.case.path]
        if whole_file or isolated.usage:
            problems = [d for e in whole_file for d in e.problems] + isolated.usage
            raise ProjectUnusableError(_render(problems, suite.sources))
        for entry in isolated.errors:  # cases that cannot be read: an ERROR each, at setup
            yield CalmtuiItem.from_parent(  # pyright: ignore[reportUnknownMemberType]
                self,
                name=entry.case.name,
                case=entry.case,
                loaded=loaded,
                sources=suite.sources,
                problems=entry.problems,
            )
        for case in isolated.runnable:
            yield CalmtuiItem.from_parent(  # pyright: ignore[reportUnknownMemberType]
                self, name=case.name, case=case, loaded=loaded, sources=suite.sources
            )

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ProjectUnusableError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)


class CalmtuiItem(pytest.Item):
    def __init__(
        self,
        *,
        case: TestCase,
        loaded: _Project,
        sources: dict[str, str],
        problems: tuple[Diagnostic, ...] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)  # pyright: ignore[reportUnknownMemberType]
        self.case = case
        self.loaded = loaded
        self.sources = sources
        self.problems = problems

    def setup(self) -> None:
        if self.problems:  # a failure in setup is pytest's ERROR; pytrace=False: no traceback
            header = f"{self.case.path}:{self.case.line}: {self.case.name!r} cannot be read"
            pytest.fail(f"{header}\n{_render(list(self.problems), self.sources)}", pytrace=False)

    def runtest(self) -> None:
        from calmtui.testing.case_runner import run_case

        state = self.config.stash[_STATE]
        result: CaseResult = state.run(run_case(self.case, self.loaded.wiring.env))
        if result.status == "failed":
            raise CaseFailed(result)
        if result.status == "skipped":
            pytest.skip("; ".join(result.skip_reasons))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, CaseFailed):
            from calmtui.app.diagnostics_view import plain_text
            from calmtui.testing.report.console import failure_lines

            hidden = frozenset(n for n, s in self.loaded.project.domain.slots.items() if s.builtin)
            return plain_text(
                failure_lines(excinfo.value.result, self.sources, hidden_slots=hidden)
            ).rstrip()
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.case.line - 1, f"{self.case.path}::{self.case.name}"
