"""Jinja's built-in filters, each checked against the render's budget before it runs.

Filters are called directly by the compiled template, not through the sandbox's `call`, so the
sandbox wraps every one of them: size arguments are bounded (`center(2000000000)`,
`indent(10**9)`, `batch(10**9, 'x')`, `slice(10**9)`, `tojson(indent=10**9)`), filters that turn
their input into text are refused when that text would be too long, `join`, `replace` and
`format` are estimated from their arguments, and what each filter built is charged afterwards.
Wrapping keeps the filter's `pass_context`/`pass_environment` marker, so Jinja calls it the same
way. No jinja2 import here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from calmtui.core import sandbox_budget as budget

if TYPE_CHECKING:
    from calmtui.core.sandbox import SandboxLimits

# The argument (after the value) that sets a size, and its largest sensible value (None: the
# character limit).
_SIZE_ARGUMENTS: dict[str, tuple[int, str, int | None]] = {
    "center": (0, "width", None),
    "indent": (0, "width", 1_000),
    "batch": (0, "linecount", 100_000),
    "slice": (0, "slices", 10_000),
    "tojson": (0, "indent", 64),
}
# Filters that turn their input into text: refused when that text would be too long.
_STRINGIFYING = frozenset(
    {
        "capitalize", "center", "e", "escape", "filesizeformat", "forceescape", "format",
        "indent", "lower", "pprint", "replace", "safe", "string", "striptags", "title", "tojson",
        "trim", "truncate", "upper", "urlencode", "urlize", "wordcount", "wordwrap", "xmlattr",
    }
)  # fmt: skip


def guarded_filter(
    name: str, function: Callable[..., Any], limits: SandboxLimits
) -> Callable[..., Any]:
    leading = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            args = _check(name, args, kwargs, leading, limits)
        except budget.LimitExceeded as exc:
            raise _security_error(str(exc)) from None
        result = function(*args, **kwargs)
        try:
            budget.charge(budget.result_size(result))
        except budget.LimitExceeded as exc:
            raise _security_error(str(exc)) from None
        return result

    return guarded


def _check(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any], leading: int, limits: SandboxLimits
) -> tuple[Any, ...]:
    if len(args) <= leading:
        return args
    value, rest = args[leading], args[leading + 1 :]
    size_argument = _SIZE_ARGUMENTS.get(name)
    if size_argument is not None:
        position, keyword, largest = size_argument
        size = rest[position] if len(rest) > position else kwargs.get(keyword)
        if isinstance(size, int) and size > (largest or limits.max_produced):
            raise budget.LimitExceeded(f"{keyword}={size:,} is too large for the {name!r} filter")
    if name in _STRINGIFYING and not isinstance(value, str):
        budget.check_text(value, limits)
    if name == "join":
        items = list(cast(Iterable[Any], value))
        separator = rest[0] if rest else kwargs.get("d", "")
        budget.check_join(separator if isinstance(separator, str) else "", items, limits)
        return (*args[:leading], items, *rest)
    if name == "replace" and len(rest) >= 2 and isinstance(value, str):
        count = rest[2] if len(rest) > 2 else kwargs.get("count")
        budget.check_replace(value, rest[0], rest[1], count if count is not None else -1, limits)
    elif name == "format" and isinstance(value, str):
        budget.check_percent(value, rest if rest else kwargs, limits)
    elif name == "indent" and isinstance(value, str):
        width = rest[0] if rest else kwargs.get("width", 4)
        extra = len(width) if isinstance(width, str) else width if isinstance(width, int) else 4
        if len(value) + (value.count("\n") + 1) * max(extra, 0) > budget.room(limits):
            raise budget.too_long(limits)
    return args


def _security_error(message: str) -> Exception:
    from jinja2.exceptions import SecurityError

    return SecurityError(message)
