"""The Jinja pass that runs before a condition is parsed, always sandboxed.

Rasa renders every condition as a template first; that is how `slots.{{context.collect}} is not
null` reaches whichever slot the current collect step asks for. Project files are input, not
code, so templates run in calmtui's one sandbox (`calmtui.core.sandbox`): no attribute tricks, no
way to change the slots or context a template is shown, and the same size limits as responses.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jinja2 costs ~35 ms to import: only pay it when a template is rendered
    from calmtui.core.sandbox import SandboxedEnvironment, Template

from calmtui.core.conditions.errors import ConditionSyntaxError

# What a template variable renders as during static checks; the checks skip anything containing
# it, because its real value is only known at runtime.
PLACEHOLDER = "__calmtui_placeholder__"


@functools.cache
def _environments() -> tuple[SandboxedEnvironment, SandboxedEnvironment]:
    """(runtime, checking) sandboxes, built on first use.

    At runtime missing names render as "", as in Rasa; for static checks every variable is a
    placeholder that chains attribute and item access and renders as PLACEHOLDER.
    """
    from jinja2 import ChainableUndefined

    from calmtui.core.sandbox import sandbox

    class Placeholder(ChainableUndefined):
        __slots__ = ()

        def __str__(self) -> str:
            return PLACEHOLDER

    return sandbox(), sandbox(undefined=Placeholder)


def render_template(text: str, context: Mapping[str, Any]) -> str:
    """`text` rendered with the Jinja variables in `context`, e.g. {"context": …, "slots": …}.

    Text without `{{`, `{%` or `{#` (nearly every condition) comes back unchanged without
    touching Jinja. Any template error is raised as a ConditionSyntaxError.
    """
    if not _is_template(text):
        return text
    try:
        return _compile(text).render(context)
    except Exception as error:
        raise _syntax_error(error) from error


def render_placeholders(text: str) -> str:
    """`text` rendered with every variable unknown, for `validate`: see PLACEHOLDER."""
    if not _is_template(text):
        return text
    try:
        return _environments()[1].from_string(text).render()
    except Exception as error:
        raise _syntax_error(error) from error


def _is_template(text: str) -> bool:
    return "{" in text and ("{{" in text or "{%" in text or "{#" in text)


@functools.lru_cache(maxsize=1024)
def _compile(text: str) -> Template:
    return _environments()[0].from_string(text)


def _syntax_error(error: Exception) -> ConditionSyntaxError:
    from jinja2 import TemplateError

    detail = error.message if isinstance(error, TemplateError) and error.message else str(error)
    detail = detail or type(error).__name__  # a MemoryError or RecursionError has no message
    return ConditionSyntaxError(f"the condition's Jinja template failed: {detail}", 0)
