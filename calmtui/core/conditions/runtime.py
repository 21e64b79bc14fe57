"""The one call the engine makes for flow guards, branch `if`s, rejections and responses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calmtui.core.conditions.evaluator import evaluate
from calmtui.core.conditions.parser import parse_condition
from calmtui.core.conditions.render import render_template


def condition_holds(
    condition: str | bool | None, *, slots: Mapping[str, Any], context: Mapping[str, Any]
) -> bool:
    """Whether `condition` holds; a missing one holds, and one that cannot be read does not.

    The Jinja variables and the document are both `{"slots": slots, "context": context}`.
    Parsing is cached and Jinja is skipped for text without template markup, so this is cheap
    enough to call for every condition on every turn.
    """
    if condition is None:
        return True
    if isinstance(condition, bool):
        return condition
    document = {"slots": slots, "context": context}
    try:
        return evaluate(parse_condition(render_template(condition, document)), document)
    except Exception:  # Rasa's rule: a condition that fails in any way is false
        return False
