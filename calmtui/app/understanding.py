"""How a run understands messages: resolved once, before the UI opens or the first test case.

    choice = resolve_understanding(project, flag)   # raises UnknownModeError: report it, exit 2
    make = generator_factory(flag)                  # builds the generator (off the UI thread)

Resolving the mode is cheap (no generator, prompt or litellm import), so the CLI does it before
anything else and an unknown mode is one clear message, never a UI that opens and closes. Building
the generator can still fail for the project's settings (`--understanding llm` without an LLM
command generator, a prompt template that does not parse): those are `UnderstandingConfigError`s
the front end reports with `unusable_message` and the CLI maps with `exit_code_for`.
This is the one place for start-up checks of understanding (`check_keys`: an LLM mode without
the API key it needs is one message before anything opens, not an error per message or per
test case) and for starting litellm's import early (`prefetch_litellm`).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calmtui.core.model.config import ModelConfig
    from calmtui.core.model.project import Project
    from calmtui.generation.responder import Responder
    from calmtui.understanding.base import CommandGenerator
    from calmtui.understanding.mode_choice import ModeChoice

LLM_IMPORTING_MODES = ("llm", "record")  # replay answers from files and never needs litellm


def resolve_understanding(project: Project, flag: str | None) -> ModeChoice:
    """The mode this run uses and where it came from; raises `UnknownModeError`."""
    from calmtui.understanding.mode_choice import resolve_mode

    return resolve_mode(project, flag)


def check_keys(
    project: Project, flag: str | None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """The start-up check of the LLM modes (`llm`, `record`; `replay` needs no key): raises
    `MissingKeyError` (an `UnderstandingConfigError`) naming what to set when no model of the
    generator's group has its key (what "no key" means per provider:
    `calmtui.understanding.credentials`); returns a warning per deployment of a router group
    that has none while others do (the router sends its requests to those)."""
    choice = resolve_understanding(project, flag)
    if choice.mode not in LLM_IMPORTING_MODES:
        return []
    from calmtui.understanding.credentials import MissingKeyError, missing_keys
    from calmtui.understanding.settings import load_settings

    settings = load_settings(project)
    missing = missing_keys(settings.models, os.environ if environ is None else environ)
    if not missing:
        return []
    if len(missing) < len(settings.models):
        return [f"no API key: {m.describe()}; its requests fail" for m in missing]
    raise MissingKeyError(
        f"{choice.describe()} needs an API key: {'; '.join(m.describe() for m in missing)}"
        "\nhint: set it in the project's .env file or in your shell, "
        "or use --understanding offline (no LLM)"
    )


def make_generator(project: Project, flag: str | None) -> CommandGenerator:
    """The generator for the project's current version (raises `UnderstandingConfigError`)."""
    from calmtui.understanding.modes import make_generator as build

    return build(project, flag, project_dir=project.root)


def generator_factory(flag: str | None) -> Callable[[Project], CommandGenerator]:
    """Builds the generator for each project version (hot reload rebuilds it)."""
    return lambda project: make_generator(project, flag)


def responder_factory(flag: str | None) -> Callable[[Project], Responder]:
    """Builds the responder (knowledge answers, chitchat, rephrasing) in the same mode as
    understanding; hot reload rebuilds it through the session."""

    def build(project: Project) -> Responder:
        from pathlib import Path

        from calmtui.generation.factory import make_responder

        mode = resolve_understanding(project, flag).mode
        return make_responder(project, mode, root=Path(project.root))

    return build


def describe(generator: CommandGenerator) -> str:
    """Mode, model and where the mode came from, for status lines ("offline [default]")."""
    from calmtui.understanding.modes import describe_generator

    return describe_generator(generator)


def unusable_message(error: Exception) -> str:
    """What the user reads when understanding cannot be set up (an UnderstandingConfigError)."""
    return f"error: cannot understand messages this way: {error}"


def prefetch_litellm(generator: CommandGenerator) -> None:
    """In LLM modes, import litellm (seconds) and warm its client for the generator's models in
    a background thread now, instead of blocking the event loop on the first call; other modes
    never import it. `wait_for_litellm()` before the first call."""
    if generator.mode not in LLM_IMPORTING_MODES:
        return
    settings = getattr(generator, "settings", None)
    models: tuple[ModelConfig, ...] = getattr(settings, "models", ())
    _PREFETCH.start(models)


def prefetch_litellm_early(flag: str | None, environ: Mapping[str, str] | None = None) -> bool:
    """At the very start of a command, before the project loads: when the flag (or, without
    one, `$CALMTUI_UNDERSTANDING`) asks for an LLM mode, start importing litellm now, so the
    import runs while the project and the tests load. A mode set in config.yml is only known
    after loading (`prefetch_litellm` then). Returns whether the import started."""
    from calmtui.understanding.errors import UnknownModeError
    from calmtui.understanding.mode_choice import resolve_mode

    try:
        choice = resolve_mode(None, flag, environ)
    except UnknownModeError:
        return False  # reported once the project is loaded
    if choice.mode not in LLM_IMPORTING_MODES:
        return False
    _PREFETCH.start(())
    return True


def wait_for_litellm() -> None:
    """Block until the prefetch (import and warm-up) finished; at once when none was started.
    Called before the first test case, so no case's first call stalls the others on it."""
    _PREFETCH.wait()


class _Prefetch:
    """One import of litellm per process, in a daemon thread, and a warm-up per set of models
    (a later `start` with models the import thread did not have warms them in its own thread,
    after the import). While a test run routes its calls to the LLM process
    (`calmtui.understanding.llm_process`), that process imports and warms instead, and `wait`
    waits for it."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []
        self._warmed: set[str] = set()
        self._lock = threading.Lock()

    def start(self, models: tuple[ModelConfig, ...]) -> None:
        from calmtui.understanding.llm_process import current

        process = current()
        if process is not None:  # a test run: the LLM process imports litellm and warms it
            if models:
                process.warm(models)
            return
        with self._lock:
            new = tuple(m for m in models if m.litellm_model not in self._warmed)
            if self._threads and not new:
                return
            self._warmed.update(m.litellm_model for m in new)
            thread = threading.Thread(
                target=_import_and_warm, args=(new,), name="litellm-prefetch", daemon=True
            )
            self._threads.append(thread)
        thread.start()

    def wait(self) -> None:
        from calmtui.understanding.llm_process import current

        process = current(start=False)
        if process is not None:
            process.sync()
        for thread in list(self._threads):
            thread.join()


def _import_and_warm(models: tuple[ModelConfig, ...]) -> None:
    from calmtui.understanding.llm import import_litellm, warm_client

    try:
        import_litellm()
        if models:
            warm_client(models)
    except Exception:  # the first call imports again and reports the problem
        return


_PREFETCH = _Prefetch()
