"""Which understanding mode a run uses, and where that choice came from (no generator built).

The mode comes from, in order: the CLI flag, `calmtui: {understanding: MODE}` in config.yml,
the environment variable `CALMTUI_UNDERSTANDING`, and finally the default `offline`. This module
is light on purpose (no generator, prompt or Jinja import): the CLI resolves the mode before the
terminal UI opens, so an unknown mode is reported at once (`calmtui.app.understanding`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from calmtui.core.diagnostics import did_you_mean
from calmtui.understanding.errors import UnknownModeError

if TYPE_CHECKING:
    from calmtui.core.model.project import Project

Mode = Literal["offline", "llm", "record", "replay"]
MODES: tuple[Mode, ...] = ("offline", "llm", "record", "replay")
DEFAULT_MODE: Mode = "offline"
ENV_VAR = "CALMTUI_UNDERSTANDING"
ModeSource = Literal["flag", "config", "env", "default"]


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
    configured = project.config.settings.understanding if project is not None else None
    for value, source, where in (
        (flag, "flag", "--understanding"),
        (configured, "config", "'calmtui: understanding' in config.yml"),
        (env.get(ENV_VAR), "env", f"${ENV_VAR}"),
    ):
        if value is None or not value.strip():
            continue
        return ModeChoice(_check(value, where), source)  # type: ignore[arg-type]
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
