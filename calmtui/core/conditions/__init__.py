"""The condition language of flows and responses: pypred 0.4 semantics after a Jinja pass.

Our own lexer, parser and evaluator (FORMATS.md c.5): no eval/exec, Jinja only in its immutable
sandbox. The engine calls `condition_holds`; `calmtui validate` calls `check_condition`.
"""

from calmtui.core.conditions.check import check_condition
from calmtui.core.conditions.errors import ConditionSyntaxError
from calmtui.core.conditions.evaluator import evaluate
from calmtui.core.conditions.nodes import EMPTY, UNDEFINED, Expr, identifiers
from calmtui.core.conditions.parser import parse_condition
from calmtui.core.conditions.render import render_template
from calmtui.core.conditions.runtime import condition_holds

__all__ = [
    "EMPTY",
    "UNDEFINED",
    "ConditionSyntaxError",
    "Expr",
    "check_condition",
    "condition_holds",
    "evaluate",
    "identifiers",
    "parse_condition",
    "render_template",
]
