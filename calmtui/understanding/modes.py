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

from collections.abc import Mapping
from pathlib import Path

from calmtui.core.model.project import Project
from calmtui.understanding.base import CommandGenerator
from calmtui.understanding.client import CompletionClient
from calmtui.understanding.llm_generator import LLMCommandGenerator, RetryPolicy
from calmtui.understanding.mode_choice import (
    DEFAULT_MODE,
    ENV_VAR,
    MODES,
    Mode,
    ModeChoice,
    ModeSource,
    resolve_mode,
)
from calmtui.understanding.offline import OfflineGenerator
from calmtui.understanding.prompt import load_template
from calmtui.understanding.recording import (
    RECORDINGS_DIR,
    RecordingClient,
    RecordingStore,
    ReplayClient,
)
from calmtui.understanding.settings import load_settings

# Resolving the mode lives in `mode_choice` (light, for the CLI); these names stay importable here.
__all__ = [
    "DEFAULT_MODE",
    "ENV_VAR",
    "MODES",
    "Mode",
    "ModeChoice",
    "ModeSource",
    "describe_generator",
    "make_generator",
    "resolve_mode",
]


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
        real = client if client is not None else litellm_client(environ)
        inner = RecordingClient(real, store) if choice.mode == "record" else real
    return LLMCommandGenerator(
        settings, inner, template=template, mode=choice.mode, origin=choice.source, retry=retry
    )


def litellm_client(environ: Mapping[str, str] | None) -> CompletionClient:
    """litellm's client — in the LLM process while a test run routes its calls there."""
    from calmtui.understanding.llm_process import routed_client

    routed = routed_client(environ)
    if routed is not None:
        return routed
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
