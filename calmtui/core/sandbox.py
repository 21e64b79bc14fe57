"""The one Jinja sandbox: every template calmtui renders runs in an environment built here.

Project files are input, not code (STYLE.md 3.2). Responses, flow conditions, templated action
names, the LLM prompt and the static checks of `validate` all get their Jinja environment from
`sandbox()`, so they share one set of limits instead of each sandbox drifting on its own (a
condition once rendered `{{ 'x' * 10**7 }}` — ten million characters — inside a turn while the
response renderer refused it).

The environments are Jinja's sandbox (no private attributes such as `''.__class__`), immutable by
default (`ImmutableSandboxedEnvironment`: templates see the engine's own slot and context objects
and must not change them), plus the limits in `SandboxLimits`. A limit is enforced in one place,
`_Limited`: to add one (loop iterations, output size, render time), add a field to
`SandboxLimits` and check it there, and every entry point has it.

jinja2 costs ~35 ms to import, so nothing here imports it until an environment is built.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sized
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:  # the types of what `sandbox()` builds, for the modules that render with it
    from jinja2 import Template as Template
    from jinja2.sandbox import SandboxedEnvironment as SandboxedEnvironment


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    """How much work one template may ask for; a template over a limit fails to render."""

    # The longest string or list `*` may build (the same bound as Jinja's own `range()` limit).
    max_repeat: int = 100_000
    # The largest exponent `**` may take (`2 ** 10**9` would stall the turn).
    max_exponent: int = 1_000


LIMITS = SandboxLimits()


def sandbox(
    *, mutable: bool = False, limits: SandboxLimits = LIMITS, **options: Any
) -> SandboxedEnvironment:
    """A new sandboxed Jinja environment enforcing `limits`; `options` go to Jinja's
    `Environment` (`undefined=`, `trim_blocks=`, ...). Autoescape is off unless asked for:
    calmtui renders chat text and prompts, not HTML.

    `mutable=True` lets templates call methods that change lists and dicts (Jinja's plain
    `SandboxedEnvironment`): only for prompt templates, whose variables are built fresh for each
    call."""
    options.setdefault("autoescape", False)
    return _environment_class(mutable)(limits, **options)


@functools.cache
def _environment_class(mutable: bool) -> Callable[..., SandboxedEnvironment]:
    from jinja2.exceptions import SecurityError
    from jinja2.runtime import Context
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

    class Limited(SandboxedEnvironment):
        """Jinja's sandbox plus `SandboxLimits`: `*` and `**` are checked before they run."""

        intercepted_binops = frozenset({"*", "**"})

        def __init__(self, limits: SandboxLimits, **options: Any) -> None:
            super().__init__(**options)
            self.limits = limits

        def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
            limits = self.limits
            if operator == "**":
                if isinstance(right, int | float) and abs(right) > limits.max_exponent:
                    raise SecurityError(f"the exponent {right!r} is too large")
            elif (
                _repeat_length(left, right) > limits.max_repeat
                or _repeat_length(right, left) > limits.max_repeat
            ):
                raise SecurityError("the repeated sequence would be too long")
            return super().call_binop(context, operator, left, right)

    class ImmutableLimited(Limited, ImmutableSandboxedEnvironment):
        """The same, and templates cannot change the lists and dicts they are shown."""

    return Limited if mutable else ImmutableLimited


def _repeat_length(sequence: Any, times: Any) -> int:
    if isinstance(sequence, str | list | tuple | bytes) and isinstance(times, int):
        return len(cast(Sized, sequence)) * times
    return 0
