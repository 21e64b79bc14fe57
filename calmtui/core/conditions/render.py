"""The Jinja pass that runs before a condition is parsed, always sandboxed.

Rasa renders every condition as a template first; that is how `slots.{{context.collect}} is not
null` reaches whichever slot the current collect step asks for. Project files are input, not
code, so templates run in Jinja's immutable sandbox: no attribute tricks, and no way to change
the slots or context a template is shown.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from jinja2 import ChainableUndefined, Template, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from calmtui.core.conditions.errors import ConditionSyntaxError

# What a template variable renders as during static checks; the checks skip anything containing
# it, because its real value is only known at runtime.
PLACEHOLDER = "__calmtui_placeholder__"


class _Placeholder(ChainableUndefined):
    """Stands for any value: attribute and item access chain, and it renders as PLACEHOLDER."""

    __slots__ = ()

    def __str__(self) -> str:
        return PLACEHOLDER


_RUNTIME = ImmutableSandboxedEnvironment()  # missing names render as "", as in Rasa
_CHECKING = ImmutableSandboxedEnvironment(undefined=_Placeholder)


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
        return _CHECKING.from_string(text).render()
    except Exception as error:
        raise _syntax_error(error) from error


def _is_template(text: str) -> bool:
    return "{" in text and ("{{" in text or "{%" in text or "{#" in text)


@functools.lru_cache(maxsize=1024)
def _compile(text: str) -> Template:
    return _RUNTIME.from_string(text)


def _syntax_error(error: Exception) -> ConditionSyntaxError:
    detail = error.message if isinstance(error, TemplateError) and error.message else str(error)
    return ConditionSyntaxError(f"the condition's Jinja template failed: {detail}", 0)
