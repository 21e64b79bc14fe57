"""What the app needs to run one conversation; built by the CLI (or a test) and passed in."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from calmtui.app.conversation import Assistant
from calmtui.app.policy import DEFAULT_POLICY, ProjectPolicy
from calmtui.core.diagnostics import Diagnostic
from calmtui.core.loading.project_loader import ProjectPaths
from calmtui.core.model.project import Project
from calmtui.store.base import Store


def local_time() -> str:
    return time.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True, kw_only=True)
class ShellConfig:
    project: Project
    assistant: Assistant
    store: Store | None = None
    conversation_id: str | None = None
    # --language: a new conversation starts in this language (session-start metadata).
    language: str | None = None
    inspector: bool = False
    # --debug: the shell shows each turn's commands under the user's message.
    debug: bool = False
    # Hot reload: watch the project and reload it from these paths; False in tests/snapshots.
    watch: bool = True
    paths: ProjectPaths = field(default_factory=ProjectPaths)
    # The diagnostics of the first load (warnings only: a project with errors does not start).
    diagnostics: tuple[Diagnostic, ...] = ()
    sources: Mapping[str, str] = field(default_factory=dict[str, str])
    # How the Problems panel shows a span's path (rendered by `calmtui.app.diagnostics_view`):
    # as written (relative to the project) by default; the CLI passes `PathDisplay(root)`.
    show_path: Callable[[str], str] = str
    # Hot reload waits until the files were quiet this long (one save storm, one reload).
    debounce_ms: int = 50
    # The time written into saved test cases (a fixed value keeps tests deterministic).
    now: Callable[[], str] = local_time
    # Where screenshots go (default: the current directory).
    screenshot_dir: str | None = None
    # The project policy of the command line (`--ignore`, `--strict`): hot reload applies it too.
    policy: ProjectPolicy = DEFAULT_POLICY
    # Lines shown once when the conversation opens (what calmtui does not run in this project).
    notices: tuple[str, ...] = ()
