"""Choosing and building the command generator: the one factory `shell`, `inspect` and `test` use.

    generator = make_generator(project, flag, project_dir=root)   # flag: --understanding MODE
    status = describe_generator(generator)                         # "offline (no LLM)", ...

Modes: `offline` (no model; the default), `llm` (the configured model group through litellm),
`record` (like llm, and every answer is written to `.calmtui/recordings/`), `replay` (answers
only from those recordings; a prompt never recorded is an error for that turn).
The mode comes from, in order: the CLI flag, `calmtui: {understanding: MODE}` in config.yml,
the environment variable `CALMTUI_UNDERSTANDING`, and finally the default `offline` — so a
fresh project works without a key, and every trace says which mode produced it.
Building a generator never imports litellm: that happens on the first LLM call.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from calmtui.core.diagnostics import did_you_mean
from calmtui.core.model.project import Project
from calmtui.understanding.base import CommandGenerator
from calmtui.understanding.client import CompletionClient
from calmtui.understanding.errors import UnknownModeError
from calmtui.understanding.llm_generator import LLMCommandGenerator, RetryPolicy
from calmtui.understanding.offline import OfflineGenerator
from calmtui.understanding.prompt import load_template
from calmtui.understanding.recording import (
    RECORDINGS_DIR,
    RecordingClient,
    RecordingStore,
    ReplayClient,
)
from calmtui.understanding.settings import load_settings

Mode = Literal["offline", "llm", "record", "replay"]
MODES: tuple[Mode, ...] = ("offline", "llm", "record", "replay")
DEFAULT_MODE: Mode = "offline"
ENV_VAR = "CALMTUI_UNDERSTANDING"
ModeSource = Literal["flag", "config", "env", "default"]
MODE_HELP = (
    "How messages are understood: offline (no LLM, the default), llm (the model group in "
    "config.yml/endpoints.yml), record (llm, saving answers to .calmtui/recordings/) or "
    "replay (answers from those recordings only). Default: config.yml 'calmtui: "
    f"{{understanding: ...}}', then ${ENV_VAR}, then offline."
)


@dataclass(frozen=True, slots=True)
class ModeChoice:
    mode: Mode
    source: ModeSource

    def describe(self) -> str:
        origin = {
            "flag": "--understanding",
            "config": "config.yml",
            "env": ENV_VAR,
            "default": "default",
        }[self.source]
        return f"{self.mode} (from {origin})"


def resolve_mode(
    project: Project | None, flag: str | None = None, environ: Mapping[str, str] | None = None
) -> ModeChoice:
    """Which mode to use and where that came from; raises UnknownModeError for a bad name."""
    env = os.environ if environ is None else environ
    configured = project.config.calmtui.get("understanding") if project is not None else None
    for value, source, where in (
        (flag, "flag", "--understanding"),
        (configured, "config", "'calmtui: understanding' in config.yml"),
        (env.get(ENV_VAR), "env", f"${ENV_VAR}"),
    ):
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        return ModeChoice(_check(str(value), where), source)  # type: ignore[arg-type]
    return ModeChoice(DEFAULT_MODE, "default")


def _check(value: str, where: str) -> Mode:
    name = value.strip().lower()
    for mode in MODES:
        if mode == name:
            return mode
    hint = did_you_mean(name, MODES)
    raise UnknownModeError(
        f"unknown understanding mode {value!r} (from {where}); use one of {', '.join(MODES)}"
        + (f"; {hint}" if hint else "")
    )


def make_generator(
    project: Project,
    mode: str | None = None,
    *,
    project_dir: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
    client: CompletionClient | None = None,
    recordings_dir: str | Path | None = None,
    retry: RetryPolicy | None = None,
) -> CommandGenerator:
    """The generator for `mode` (None: resolved as described above).

    Raises `UnderstandingConfigError` (with a message for the user) when the project's LLM
    settings cannot be used: no LLM command generator, an unknown model group, a prompt
    template that is missing or has a syntax error. `client` replaces the litellm client
    (tests, benchmarks); `recordings_dir` defaults to `<project>/.calmtui/recordings`.
    """
    choice = resolve_mode(project, mode, environ)
    if choice.mode == "offline":
        return OfflineGenerator(origin=choice.source, warm=project)
    root = Path(project_dir if project_dir is not None else project.root)
    settings = load_settings(project, root)
    template = load_template(settings, root)
    store = RecordingStore(
        Path(recordings_dir) if recordings_dir is not None else root / RECORDINGS_DIR,
        project_root=root,
    )
    if choice.mode == "replay":
        inner: CompletionClient = ReplayClient(store)
    else:
        real = client if client is not None else _litellm_client(environ)
        inner = RecordingClient(real, store) if choice.mode == "record" else real
    return LLMCommandGenerator(
        settings, inner, template=template, mode=choice.mode, origin=choice.source, retry=retry
    )


def _litellm_client(environ: Mapping[str, str] | None) -> CompletionClient:
    from calmtui.understanding.llm import LiteLLMClient  # litellm itself is imported on first use

    return LiteLLMClient(environ)


def describe_generator(generator: CommandGenerator) -> str:
    """A one-line, secret-free status for the UI: mode, model(s) and where the mode came from."""
    describe = getattr(generator, "describe", None)
    text = describe() if callable(describe) else generator.mode
    origin = getattr(generator, "origin", None)
    labels = {
        "flag": "--understanding",
        "config": "config.yml",
        "env": ENV_VAR,
        "default": "default",
    }
    return f"{text} [{labels[origin]}]" if origin in labels else str(text)
