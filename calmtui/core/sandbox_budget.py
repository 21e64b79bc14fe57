"""What one template render may spend, and the checks that keep it within that.

A render gets a `Budget` (through a context variable, so concurrent renders in threads never
share one): loop iterations, characters produced along the way, and a deadline. The checks run
*before* anything large is built — `'x'.ljust(2000000000)` is refused from its arguments, not
after two gigabytes were allocated — and the size of what was built is charged afterwards.
`size_of` estimates how long `str(value)` would be without building it (stopping as soon as the
estimate passes the limit), so printing or joining a list of a hundred thousand copies of a long
string is refused before it is turned into text.

Nothing here imports jinja2: `sandbox.py` wires these checks into its environment classes.
"""

from __future__ import annotations

import contextvars
import re
import string
import time
from collections.abc import Iterable, Iterator, Mapping, Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from calmtui.core.sandbox import SandboxLimits


class LimitExceeded(Exception):
    """A template asked for more than its limits allow (raised as Jinja's SecurityError by the
    sandbox, whose message the callers show)."""


@dataclass(slots=True)
class Budget:
    limits: SandboxLimits
    deadline: float
    iterations: int = 0
    produced: int = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(
                f"the template ran longer than {self.limits.max_seconds:g} s and was stopped"
            )

    def iterate(self) -> None:
        self.iterations += 1
        if self.iterations > self.limits.max_iterations:
            raise LimitExceeded(
                f"the template's loops ran more than {self.limits.max_iterations:,} iterations"
            )
        self.check_time()

    def charge(self, size: int) -> None:
        self.produced += size
        if self.produced > self.limits.max_produced:
            raise LimitExceeded(
                f"the template built more than {self.limits.max_produced:,} characters of text"
            )
        self.check_time()

    def room(self) -> int:
        return self.limits.max_produced - self.produced


_CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar(
    "calmtui_template_budget", default=None
)


def start(limits: SandboxLimits) -> contextvars.Token[Budget | None]:
    return _CURRENT.set(Budget(limits, time.monotonic() + limits.max_seconds))


def finish(token: contextvars.Token[Budget | None]) -> None:
    _CURRENT.reset(token)


def current() -> Budget | None:
    return _CURRENT.get()


def tick() -> None:
    budget = _CURRENT.get()
    if budget is not None:
        budget.check_time()


def charge(size: int) -> None:
    budget = _CURRENT.get()
    if budget is not None:
        budget.charge(size)


def room(limits: SandboxLimits) -> int:
    """Characters a render may still build (all of them at compile time, outside a render)."""
    budget = _CURRENT.get()
    return budget.room() if budget is not None else limits.max_produced


def counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """`iterable`, charging one iteration of the render's budget per item."""
    budget = _CURRENT.get()
    for item in iterable:
        if budget is not None:
            budget.iterate()
        yield item


# -- sizes --------------------------------------------------------------------------------------


def size_of(value: Any, cap: int, _depth: int = 0) -> int:
    """About how long `str(value)` is, counted only until it passes `cap`."""
    if isinstance(value, str | bytes):
        return len(value)
    if value is None or isinstance(value, bool | int | float):
        return 24
    if _depth > 20:
        return 64
    if isinstance(value, Mapping):
        items: Iterable[Any] = (
            part for pair in cast(Mapping[Any, Any], value).items() for part in pair
        )
    elif isinstance(value, list | tuple | Set):
        items = cast(Iterable[Any], value)
    else:
        return 64
    total = 2
    for item in items:
        total += size_of(item, cap - total, _depth + 1) + 2
        if total > cap:
            return total
    return total


def result_size(value: Any) -> int:
    """What charging a built value costs: characters of text, items of a container."""
    if isinstance(value, str | bytes | list | tuple | dict):
        return len(cast(Any, value))
    return 0


def check_text(value: Any, limits: SandboxLimits) -> None:
    """Refuse turning `value` into text (printing it, joining it) when that text is too long."""
    available = room(limits)
    if size_of(value, available) > available:
        raise too_long(limits)


def check_binop(operator: str, left: Any, right: Any, limits: SandboxLimits) -> None:
    """`*` and `**` by their operands, `+` by the sizes it joins, `%` by its format."""
    if operator == "**":
        if isinstance(right, int | float) and abs(right) > limits.max_exponent:
            raise LimitExceeded(f"the exponent {right!r} is too large")
    elif operator == "*":
        if max(_repeat_length(left, right), _repeat_length(right, left)) > limits.max_repeat:
            raise LimitExceeded("the repeated sequence would be too long")
    elif operator == "+":
        if isinstance(left, str | bytes | list | tuple) and isinstance(
            right, str | bytes | list | tuple
        ):
            check_text((left, right), limits)
    elif operator == "%" and isinstance(left, str | bytes):
        check_percent(left, right, limits)


def _repeat_length(sequence: Any, times: Any) -> int:
    if isinstance(sequence, str | list | tuple | bytes) and isinstance(times, int):
        return len(cast(Any, sequence)) * times
    return 0


def too_long(limits: SandboxLimits) -> LimitExceeded:
    return LimitExceeded(
        f"the text would be longer than the template limit ({limits.max_produced:,} characters)"
    )


def check_width(width: Any, limits: SandboxLimits) -> None:
    if isinstance(width, int) and width > limits.max_produced:
        raise LimitExceeded(f"the width {width:,} is larger than the template limit")


# -- formats ------------------------------------------------------------------------------------

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")
_NUMBER = re.compile(r"\d+")


def check_percent(template: str | bytes, args: Any, limits: SandboxLimits) -> None:
    """`'%2000000000s' % x`, `'%.*f' % (10**9, x)`, and the `format` filter."""
    text = template.decode("latin-1") if isinstance(template, bytes) else template
    values = cast(tuple[Any, ...], args) if isinstance(args, tuple) else (args,)
    starred = False
    for match in _PERCENT_SPEC.finditer(text):
        for part in match.groups():
            if part == "*":
                starred = True
            elif part is not None:
                check_width(int(part), limits)
    if starred:  # widths taken from the values: `'%*s' % (10**9, x)`
        for value in values:
            check_width(value, limits)
    if len(text) + size_of(args, room(limits)) > room(limits):
        raise too_long(limits)


def check_format(
    template: str, args: tuple[Any, ...], kwargs: Mapping[str, Any], limits: SandboxLimits
) -> None:
    """`'{:>2000000000}'.format(1)` and nested widths `'{:{}}'.format(x, 10**9)`."""
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        return  # str.format raises the same error itself
    nested = False
    for _, _, spec, _ in fields:
        nested = nested or "{" in (spec or "")
        for number in _NUMBER.findall(spec or ""):
            check_width(int(number), limits)
    if nested:  # widths taken from the arguments
        for value in (*args, *kwargs.values()):
            check_width(value, limits)
    if len(template) + size_of((args, dict(kwargs)), room(limits)) > room(limits):
        raise too_long(limits)


def check_join(separator: str | bytes, items: list[Any], limits: SandboxLimits) -> None:
    budget = room(limits)
    if len(separator) * len(items) + size_of(items, budget) > budget:
        raise too_long(limits)


def check_replace(text: str | bytes, old: Any, new: Any, count: Any, limits: SandboxLimits) -> None:
    if not isinstance(old, str | bytes) or not isinstance(new, str | bytes):
        return
    matches = len(text) + 1 if not old else text.count(old)  # type: ignore[arg-type]
    if isinstance(count, int) and count >= 0:
        matches = min(matches, count)
    if len(text) + matches * max(0, len(new) - len(old)) > room(limits):
        raise too_long(limits)


# str and bytes methods whose result can be far larger than their inputs.
def check_method(
    obj: Any, args: tuple[Any, ...], kwargs: Mapping[str, Any], limits: SandboxLimits
) -> tuple[Any, ...]:
    """Refuse a call to a text method that would build too much; returns the arguments to call
    with (an iterable given to `join` is read once, here, and passed on as a list)."""
    owner = getattr(obj, "__self__", None)
    if owner is None:  # the sandbox wraps str.format and str.format_map in a function
        owner = getattr(getattr(obj, "__wrapped__", None), "__self__", None)
    if not isinstance(owner, str | bytes):
        return args
    name = getattr(obj, "__name__", "")
    if name in ("ljust", "rjust", "center", "zfill"):
        check_width(args[0] if args else kwargs.get("width"), limits)
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        tabs = owner.count(b"\t") if isinstance(owner, bytes) else owner.count("\t")
        if isinstance(size, int) and size * tabs > room(limits):
            raise too_long(limits)
    elif name == "join" and args:
        items = list(cast(Iterable[Any], args[0]))
        check_join(owner, items, limits)
        return (items, *args[1:])
    elif name == "replace" and len(args) >= 2:
        check_replace(
            owner, args[0], args[1], args[2] if len(args) > 2 else kwargs.get("count", -1), limits
        )
    elif name in ("format", "format_map") and isinstance(owner, str):
        mapping = cast(Mapping[str, Any], args[0]) if name == "format_map" and args else kwargs
        check_format(owner, args if name == "format" else (), mapping, limits)
    return args
