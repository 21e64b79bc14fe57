"""Finding and loading e2e test files: discovery, the conftest chain, references, selection.

    suite = load_suite(project, root, [Target(path)], keyword="transfer")

* A test file is any `*.yml`/`*.yaml` with a top-level `test_cases:` key below the given paths
  (default `tests/`); hidden directories are skipped, `conftest.yml` files are not test files.
* `path::name` selects one test case of a file.
* Fixtures and metadata are looked up by name in the test file itself, then in the conftest.yml
  files from its directory up to the project root (nearest first; FORMATS.md g.1), then in the
  other loaded test files (first definition wins, as older Rasa versions merged them globally).
* `stub_custom_actions`: a `<case>::<action>` key applies to the test case of that name, a plain
  `<action>` key to every case of its file; the case-scoped one wins.

Everything wrong is a diagnostic with file:line; the suite is runnable only without errors.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from calmtui.actions.stubs import ActionStub
from calmtui.core.diagnostics import (
    Diagnostic,
    Span,
    closest,
    did_you_mean,
    has_errors,
    sort_diagnostics,
)
from calmtui.core.model.project import Project
from calmtui.core.source import decode_source, parse_yaml, read_bytes, yaml_files_under
from calmtui.testing import CONFTEST_NAMES
from calmtui.testing.parse import (
    FixtureDef,
    MetadataDef,
    ParsedCase,
    ParsedFile,
    parse_test_file,
)
from calmtui.testing.selection import matches_keyword
from calmtui.testing.spec import JudgeConfig, TestCase, UserStep

MOCKED_DATETIME = "mocked_datetime"
MAX_TEST_FILE_BYTES = 16 * 1024 * 1024
_TEST_CASES_KEY = re.compile(r"\btest_cases\s*:")
_DATETIME_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")


@dataclass(frozen=True, slots=True, kw_only=True)
class Target:
    """A path to test (absolute), optionally narrowed to one test case by `::name`."""

    path: Path
    case: str | None = None


@dataclass(slots=True, kw_only=True)
class TestSuite:
    """The test cases to run, in run order, and everything found while loading them."""

    __test__ = False

    cases: list[TestCase] = field(default_factory=list[TestCase])
    diagnostics: list[Diagnostic] = field(default_factory=list[Diagnostic])
    sources: dict[str, str] = field(default_factory=dict[str, str])
    files: list[str] = field(default_factory=list[str])
    deselected: int = 0
    # Per test file, the span of each item of its `test_cases:` (see `testing/isolation.py`).
    case_items: dict[str, list[tuple[Span, str | None]]] = field(
        default_factory=dict[str, list[tuple[Span, str | None]]]
    )
    # The conftest.yml files read, relative to the project root.
    conftests: list[str] = field(default_factory=list[str])

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)


def parse_target(text: str, base: Path) -> Target:
    """`path` or `path::case` (relative paths against `base`)."""
    path, sep, case = text.partition("::")
    resolved = Path(path) if os.path.isabs(path) else base / path
    return Target(path=Path(os.path.abspath(resolved)), case=case if sep and case else None)


def load_suite(
    project: Project | None,
    root: str | os.PathLike[str],
    targets: Sequence[Target] = (),
    *,
    keyword: str | None = None,
    only: Iterable[str] | None = None,
) -> TestSuite:
    """Load, resolve and check the test cases the targets name (default: `<root>/tests`)."""
    base = Path(os.path.abspath(root))
    targets = targets or [Target(path=base / "tests")]
    files = _Files(base)
    wanted: dict[str, set[str] | None] = {}
    for target in targets:
        for path in yaml_files_under(target.path, skip_names=CONFTEST_NAMES):
            rel = files.rel(path)
            previous = wanted.get(rel, set())
            if target.case is None or previous is None:
                wanted[rel] = None
            else:
                wanted[rel] = previous | {target.case}
    parsed = [p for p in (files.test_file(rel) for rel in sorted(wanted)) if p is not None]
    suite = TestSuite(files=[p.path for p in parsed])
    resolver = _Resolver(files, parsed)
    for test_file in parsed:
        for case in test_file.cases:
            suite.cases.append(resolver.resolve(test_file, case))
    _check_duplicates(parsed, files.diagnostics)
    if project is not None:
        from calmtui.testing.checks import check_cases

        files.diagnostics.extend(check_cases(suite.cases, parsed, project))
    suite.cases = _select(suite, parsed, wanted, keyword, only, files.diagnostics)
    suite.diagnostics = sort_diagnostics(files.diagnostics + resolver.diagnostics)
    suite.sources = files.sources
    suite.case_items = {p.path: list(p.case_items) for p in parsed}
    suite.conftests = sorted(files.conftests_read)
    return suite


class _Files:
    """Reads test files and conftests once, relative to the project root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sources: dict[str, str] = {}
        self.diagnostics: list[Diagnostic] = []
        self._conftests: dict[str, ParsedFile | None] = {}

    @property
    def conftests_read(self) -> list[str]:
        return list(self._conftests)

    def rel(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()

    def read(self, rel: str, *, must_be_tests: bool) -> str | None:
        raw, problem = read_bytes(self.root / rel, rel, max_bytes=MAX_TEST_FILE_BYTES)
        if raw is None:
            if problem is not None:
                self.diagnostics.append(problem)
            return None
        text, problem = decode_source(raw, rel)
        if problem is not None or text is None:
            if problem is not None and (not must_be_tests or b"test_cases" in raw):
                self.diagnostics.append(problem)
            return None
        if must_be_tests and not _TEST_CASES_KEY.search(text):
            return None
        self.sources[rel] = text
        return text

    def test_file(self, rel: str) -> ParsedFile | None:
        text = self.read(rel, must_be_tests=True)
        if text is None:
            return None
        parsed = parse_yaml(text, rel)
        data: Any = parsed.data
        if parsed.ok and isinstance(data, dict) and "test_cases" not in cast(dict[str, Any], data):
            return None  # the word appears, but not as the top-level key: not a test file
        self.diagnostics.extend(parsed.diagnostics)
        if not parsed.ok:
            return None
        result, reader = parse_test_file(parsed)
        self.diagnostics.extend(reader.diagnostics)
        return result

    def conftest(self, rel: str) -> ParsedFile | None:
        if rel not in self._conftests:
            text = self.read(rel, must_be_tests=False)
            result: ParsedFile | None = None
            if text is not None:
                parsed = parse_yaml(text, rel)
                self.diagnostics.extend(parsed.diagnostics)
                if parsed.ok:
                    result, reader = parse_test_file(parsed, conftest=True)
                    self.diagnostics.extend(reader.diagnostics)
            self._conftests[rel] = result
        return self._conftests[rel]

    def conftest_chain(self, test_file: str) -> list[ParsedFile]:
        """conftest.yml files from the test file's directory up to the project root, nearest first."""
        chain: list[ParsedFile] = []
        directory = (self.root / test_file).parent
        while True:
            for name in CONFTEST_NAMES:
                candidate = directory / name
                if candidate.is_file():
                    parsed = self.conftest(self.rel(candidate))
                    if parsed is not None:
                        chain.append(parsed)
            if (
                directory == self.root
                or directory.parent == directory
                or _is_project_dir(directory)
            ):
                return chain
            directory = directory.parent


def _is_project_dir(directory: Path) -> bool:
    return any((directory / name).is_file() for name in ("config.yml", "config.yaml"))


class _Resolver:
    """Turns parsed cases into runnable `TestCase`s by resolving fixture/metadata/stub names."""

    def __init__(self, files: _Files, parsed: list[ParsedFile]) -> None:
        self.files = files
        self.parsed = parsed
        self.diagnostics: list[Diagnostic] = []
        self._scopes: dict[str, list[ParsedFile]] = {}
        self._case_stubs: dict[str, dict[str, ActionStub]] = {}
        for test_file in parsed:
            for stub in test_file.stubs:
                if stub.test_case is not None:
                    self._case_stubs.setdefault(stub.test_case, {}).setdefault(stub.action, stub)

    def scope(self, test_file: ParsedFile) -> list[ParsedFile]:
        """Where names are looked up, in precedence order."""
        if test_file.path not in self._scopes:
            chain = self.files.conftest_chain(test_file.path)
            others = [p for p in self.parsed if p is not test_file]
            self._scopes[test_file.path] = [test_file, *chain, *others]
        return self._scopes[test_file.path]

    def resolve(self, test_file: ParsedFile, case: ParsedCase) -> TestCase:
        scope = self.scope(test_file)
        fixture_slots: dict[str, Any] = {}
        for name, span in case.fixture_refs:
            fixture = self._lookup(scope, "fixtures", name, span, "CT508", "fixture")
            if isinstance(fixture, FixtureDef):
                for slot, value, slot_span in fixture.slots:
                    fixture_slots[slot] = _fixture_value(
                        slot, value, slot_span, fixture.name, self.diagnostics
                    )
        case_metadata: Mapping[str, Any] = {}
        if case.metadata_ref is not None:
            found = self._lookup(scope, "metadata", *case.metadata_ref, "CT509", "metadata")
            case_metadata = found.values if isinstance(found, MetadataDef) else {}
        steps = list(case.steps)
        step_metadata = {index: (name, span) for index, name, span in case.step_metadata_refs}
        for index, step in enumerate(steps):
            if not isinstance(step, UserStep):
                continue
            merged = dict(case_metadata)
            if index in step_metadata:
                found = self._lookup(scope, "metadata", *step_metadata[index], "CT509", "metadata")
                if isinstance(found, MetadataDef):
                    merged.update(found.values)
            steps[index] = replace(step, metadata=merged)
        return TestCase(
            name=case.name,
            path=test_file.path,
            span=case.span,
            steps=tuple(steps),
            style=case.style,
            fixture_names=tuple(name for name, _ in case.fixture_refs),
            fixture_slots=tuple(fixture_slots.items()),
            metadata_name=case.metadata_ref[0] if case.metadata_ref else None,
            stubs=self._stubs(test_file, case.name),
            judge=_judge(scope),
            raw_steps=case.raw_steps,
        )

    def _lookup(
        self, scope: list[ParsedFile], kind: str, name: str, span: Span, code: str, what: str
    ) -> FixtureDef | MetadataDef | None:
        for parsed in scope:
            table: Mapping[str, FixtureDef | MetadataDef] = (
                parsed.fixtures if kind == "fixtures" else parsed.metadata
            )
            if name in table:
                return table[name]
        known = {n for p in scope for n in (p.fixtures if kind == "fixtures" else p.metadata)}
        hint = did_you_mean(name, known) or (
            f"define it under a top-level '{kind}:' key of this file or of a conftest.yml"
        )
        # Rasa runs the case without it (and warns about metadata); so does calmtui.
        self.diagnostics.append(
            Diagnostic.warning(
                code,
                f"unknown {what} {name!r}: the case runs without it, as in Rasa",
                span,
                hint=hint,
            )
        )
        return None

    def _stubs(self, test_file: ParsedFile, case: str) -> dict[str, ActionStub]:
        stubs = {s.action: s for s in test_file.stubs if s.test_case is None}
        own = {s.action: s for s in test_file.stubs if s.test_case == case}
        return {**stubs, **self._case_stubs.get(case, {}), **own}


def _judge(scope: list[ParsedFile]) -> JudgeConfig | None:
    for parsed in scope:
        if parsed.judge is not None:
            return parsed.judge
    return None


def _fixture_value(slot: str, value: Any, span: Span, fixture: str, out: list[Diagnostic]) -> Any:
    """Fixture values as given; `mocked_datetime` is validated and made ISO 8601 (UTC if naive)."""
    if slot != MOCKED_DATETIME or value is None:
        return value
    if isinstance(value, str):
        for fmt in _DATETIME_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
            except ValueError:
                continue
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).isoformat()
    out.append(
        Diagnostic.error(
            "CT516",
            f"fixture {fixture!r}: mocked_datetime {value!r} is not a date and time",
            span,
            hint="use 2024-01-15T14:30:00+05:30, 2024-01-15 14:30:00, 2024-01-15T14:30:00 or 2024-01-15 (quoted)",
        )
    )
    return value


def _check_duplicates(parsed: list[ParsedFile], out: list[Diagnostic]) -> None:
    for test_file in parsed:
        seen: dict[str, Span] = {}
        for case in test_file.cases:
            if case.name in seen:
                out.append(
                    Diagnostic.warning(
                        "CT507",
                        f"test case name {case.name!r} is used twice in this file",
                        case.span,
                        hint="give every test case a unique name: selection and --last-failed use it",
                        related=(seen[case.name],),
                    )
                )
            seen.setdefault(case.name, case.span)


def _select(
    suite: TestSuite,
    parsed: list[ParsedFile],
    wanted: Mapping[str, set[str] | None],
    keyword: str | None,
    only: Iterable[str] | None,
    out: list[Diagnostic],
) -> list[TestCase]:
    names_by_file: dict[str, set[str]] = {p.path: {c.name for c in p.cases} for p in parsed}
    for path, names in wanted.items():
        for name in sorted(names or ()):
            if path in names_by_file and name not in names_by_file[path]:
                match = closest(name, names_by_file[path])
                hint = (
                    f"did you mean {path}::{match}?"
                    if match
                    else "list the file's test cases with --collect-only"
                )
                out.append(
                    Diagnostic.error(
                        "CT520", f"{path} has no test case {name!r}", Span(path, 1, 1), hint=hint
                    )
                )
    only_ids = set(only) if only is not None else None
    selected: list[TestCase] = []
    for case in suite.cases:
        names = wanted.get(case.path)
        if names is not None and case.name not in names:
            continue
        if (keyword and not matches_keyword(keyword, case)) or (
            only_ids is not None and case.node_id not in only_ids
        ):
            suite.deselected += 1
            continue
        selected.append(case)
    return selected
