"""Hot reload: watch the project's files and load + validate each new version off the UI thread.

`project_changes` wraps `watchfiles.awatch`: only the files a project is made of (YAML under the
project, `.env`, and the `.py` files of an in-process actions package, `code_dirs`), never
`.calmtui/` (the conversation database is written every turn) or `tests/` (saved test cases). watchfiles groups a save storm: it yields once the files have been
quiet for `quiet_ms`, so one editor save (write, rename, chmod) is one reload.
The controller (`calmtui.app.controller`) iterates it and asks `check_version` whether a version
may run: reviewed by the project policy exactly as at start (`ProjectPolicy.review`: the core
checks, the actions code, `--ignore`/`--strict` and the project's own settings) — otherwise the
last good one keeps running.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from calmtui.app.policy import DEFAULT_POLICY, ProjectPolicy
from calmtui.core.loading.project_loader import ProjectPaths, load_project
from calmtui.core.model.project import Project
from calmtui.core.validate import ValidationReport

if TYPE_CHECKING:
    from calmtui.knowledge.index import IndexReport
    from calmtui.session import ReloadReport

PROJECT_SUFFIXES = (".yml", ".yaml")
IGNORED_TOP_LEVEL = frozenset(
    {"tests", "e2e_coverage_results", "actions", "__pycache__", "node_modules"}
)
MAX_GROUPING_MS = 1_600  # a long save storm (git checkout) still reloads within this


DOCUMENT_SUFFIXES = (".md", ".txt")


def is_project_file(
    root: str | os.PathLike[str],
    code_dirs: Collection[str] = (),
    knowledge_dirs: Collection[str] = (),
) -> Callable[[object, str], bool]:
    """A watchfiles filter accepting the files a project version is read from; `code_dirs` are
    top-level directories whose `.py` files count too (the in-process actions package), and
    `knowledge_dirs` folders whose documents knowledge search answers from."""
    base = Path(os.path.abspath(root))

    def accept(change: object, path: str) -> bool:
        try:
            parts = Path(path).relative_to(base).parts
        except ValueError:
            return False
        if not parts or any(part.startswith(".") for part in parts[:-1]):
            return False
        top, name, depth = parts[0], parts[-1], len(parts)
        if is_document(Path(*parts).as_posix(), knowledge_dirs) and not name.startswith("."):
            return True
        if name.startswith("."):
            return name == ".env" and depth == 1
        if top in code_dirs and depth > 1 and "__pycache__" not in parts:
            return name.endswith(".py")
        if top in IGNORED_TOP_LEVEL:
            return False
        return name.endswith(PROJECT_SUFFIXES)

    return accept


def code_dirs_of(project: Project) -> tuple[str, ...]:
    """The directory of the project's in-process actions package, if it has one."""
    endpoint = project.endpoints.action_endpoint
    if endpoint is None or not endpoint.actions_module:
        return ()
    return (endpoint.actions_module.split(".", 1)[0],)


def knowledge_dirs_of(project: Project) -> tuple[str, ...]:
    """The folder of the project's knowledge documents (relative), if it searches any."""
    from calmtui.knowledge.settings import search_settings

    settings = search_settings(project)
    if settings is None or not settings.local:
        return ()
    try:
        return (settings.source.relative_to(Path(project.root).resolve()).as_posix(),)
    except ValueError:
        return ()


def is_document(path: str, knowledge_dirs: Collection[str]) -> bool:
    return path.endswith(DOCUMENT_SUFFIXES) and any(
        path.startswith(folder.rstrip("/") + "/") for folder in knowledge_dirs if folder != "."
    )


def changed_code(changed: Sequence[str]) -> bool:
    return any(path.endswith(".py") for path in changed)


async def project_changes(
    root: str | os.PathLike[str],
    *,
    quiet_ms: int = 50,
    stop: threading.Event | None = None,
    code_dirs: Collection[str] = (),
    knowledge_dirs: Collection[str] = (),
) -> AsyncIterator[list[str]]:
    """Yield the changed project files (relative paths, sorted) for each group of changes."""
    # watchfiles types stop_event with trio's Event too, unknown without trio installed.
    from watchfiles import awatch  # pyright: ignore[reportUnknownVariableType]

    base = Path(os.path.abspath(root))
    async for changes in awatch(
        base,
        watch_filter=is_project_file(base, code_dirs, knowledge_dirs),
        debounce=MAX_GROUPING_MS,
        step=quiet_ms,
        stop_event=stop,
        rust_timeout=1_000,
    ):
        yield sorted({Path(path).relative_to(base).as_posix() for _, path in changes})


def load_version(
    root: str | os.PathLike[str], paths: ProjectPaths, policy: ProjectPolicy = DEFAULT_POLICY
) -> ValidationReport:
    """The project as it is on disk now, reviewed as every command reviews it (file reads and
    an import of the project's actions code, when it has one)."""
    return policy.review(load_project(root, paths), root)


async def load_version_in_thread(
    root: str | os.PathLike[str], paths: ProjectPaths, policy: ProjectPolicy = DEFAULT_POLICY
) -> ValidationReport:
    return await asyncio.to_thread(load_version, root, paths, policy)


# -- the reload policy -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ReloadApplied:
    """The new version validated and now runs the live conversation."""

    report: ReloadReport
    validation: ValidationReport
    changed_files: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReloadRejected:
    """The new version has problems the policy does not allow: the last good one keeps running."""

    validation: ValidationReport
    changed_files: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReloadNotApplied:
    """Loading or applying the version failed unexpectedly (an OS error, model settings that
    cannot be used); `message` says why, and the last good version keeps running."""

    message: str
    title: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentsReindexed:
    """Only knowledge documents changed: they were re-indexed, the project stays as it is."""

    report: IndexReport | None
    changed_files: tuple[str, ...]

    def summary(self) -> str:
        report = self.report
        if report is None:
            return f"{len(self.changed_files)} document(s) changed; no knowledge search"
        skipped = "".join(f"\n{s.path} {s.reason}" for s in report.skipped)
        return (
            f"re-indexed {len(self.changed_files)} document(s): {report.documents} documents, "
            f"{report.passages} passages in {report.seconds * 1000:,.0f} ms{skipped}"
        )


ReloadOutcome = ReloadApplied | ReloadRejected | ReloadNotApplied | DocumentsReindexed


async def check_version(
    root: str | os.PathLike[str],
    paths: ProjectPaths,
    changed: Sequence[str],
    policy: ProjectPolicy = DEFAULT_POLICY,
) -> ValidationReport:
    """The project on disk now, reviewed off the event loop by the same policy as at start:
    actions code that does not import (CT244) keeps the last good version running, whichever
    file changed. `changed` is kept for the callers' messages."""
    del changed
    return await load_version_in_thread(root, paths, policy)


def reload_summary(report: ReloadReport, changed_files: Sequence[str]) -> str:
    """`reloaded data/flows.yml (1 flow changed; added check_balance; 1 frame re-anchored)`."""
    parts = [
        f"{len(report.changed_flows)} flow{'' if len(report.changed_flows) == 1 else 's'} changed"
    ]
    if changed_code(changed_files):
        parts.insert(0, "custom actions re-imported")
    if report.added_flows:
        parts.append(f"added {', '.join(report.added_flows)}")
    if report.removed_flows:
        parts.append(f"removed {', '.join(report.removed_flows)}")
    if report.moved:
        parts.append(
            f"{len(report.moved)} frame{'' if len(report.moved) == 1 else 's'} re-anchored"
        )
    if report.dropped:
        parts.append(
            f"{len(report.dropped)} frame{'' if len(report.dropped) == 1 else 's'} dropped"
        )
    files = ", ".join(changed_files) or "project"
    return f"reloaded {files} ({'; '.join(parts)})"


@dataclass(frozen=True, slots=True)
class ReloadNote:
    """One line of what a reload did to the live conversation, for the chat and notifications."""

    text: str
    severity: Literal["information", "warning"]


def reload_notes(report: ReloadReport) -> list[ReloadNote]:
    """What happened to the conversation: frames that moved to their step's new id (steps above
    them changed), frames dropped with the reason, and the slots reset because the flow that
    collected them left the stack (so its next run asks again)."""
    notes = [
        ReloadNote(
            f"{m.flow_id} goes on at {m.new_step_id} (was {m.old_step_id}: steps above it changed)",
            "information",
        )
        for m in report.moved
    ]
    notes.extend(
        ReloadNote(
            f"removed {d.flow_id} (at {d.step_id}) from the conversation: {d.reason}", "warning"
        )
        for d in report.dropped
    )
    if report.reset_slots:
        names = ", ".join(report.reset_slots)
        notes.append(
            ReloadNote(
                f"reset {names}: the flows that collected "
                f"{'it' if len(report.reset_slots) == 1 else 'them'} left the conversation and "
                "will ask again",
                "warning",
            )
        )
    return notes
