"""Hot reload: watch the project's files and load + validate each new version off the UI thread.

`project_changes` wraps `watchfiles.awatch`: only the files a project is made of (YAML under the
project, `.env`, and the `.py` files of an in-process actions package, `code_dirs`), never
`.calmtui/` (the conversation database is written every turn) or `tests/` (saved test cases). watchfiles groups a save storm: it yields once the files have been
quiet for `quiet_ms`, so one editor save (write, rename, chmod) is one reload.
The screen's reload worker iterates it, validates with `load_version`, and applies a version
only when it has no errors — otherwise the last good one keeps running.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator, Callable, Collection, Sequence
from pathlib import Path

from calmtui.core.loading.project_loader import ProjectPaths
from calmtui.core.model.project import Project
from calmtui.core.validate import ValidationReport, check

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
    from watchfiles import awatch

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


def load_version(root: str | os.PathLike[str], paths: ProjectPaths) -> ValidationReport:
    """Load and validate the project as it is on disk now (pure CPU and file reads)."""
    return check(root, paths)


async def load_version_in_thread(
    root: str | os.PathLike[str], paths: ProjectPaths
) -> ValidationReport:
    return await asyncio.to_thread(load_version, root, paths)
