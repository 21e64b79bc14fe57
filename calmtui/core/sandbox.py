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
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from calmtui.core import sandbox_budget as budget
from calmtui.core.sandbox_filters import guarded_filter

if TYPE_CHECKING:  # the types of what `sandbox()` builds, for the modules that render with it
    from jinja2 import Template as Template
    from jinja2.sandbox import SandboxedEnvironment as SandboxedEnvironment


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    """How much work one template render may ask for; a render over a limit fails."""

    # The longest string or list `*` may build (the same bound as Jinja's own `range()` limit).
    max_repeat: int = 100_000
    # The largest exponent `**` may take (`2 ** 10**9` would stall the turn).
    max_exponent: int = 1_000
    # The longest text one render may return (a large project's prompt is ~200,000 characters).
    max_output: int = 1_000_000
    # Characters of text (and items of lists) built along the way, output included.
    max_produced: int = 10_000_000
    # Loop iterations of one render, nested loops counted together.
    max_iterations: int = 100_000
    # Wall time of one render: a safety net; the limits above normally stop a template first.
    max_seconds: float = 1.0


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
    from jinja2.utils import generate_lorem_ipsum

    class Limited(SandboxedEnvironment):
        """Jinja's sandbox plus `SandboxLimits` (checks and budget: `sandbox_budget`)."""

        intercepted_binops = frozenset({"*", "**", "+", "%"})
        code_generator_class = _code_generator_class()
        template_class = _template_class()

        def __init__(self, limits: SandboxLimits, **options: Any) -> None:
            super().__init__(**options)
            self.limits = limits
            self.finalize = self._finalize
            # Jinja types its tables dict[str, Unknown].
            filters = cast(dict[str, Callable[..., Any]], self.filters)  # pyright: ignore[reportUnknownMemberType]
            for name, function in list(filters.items()):
                filters[name] = guarded_filter(name, function, limits)
            cast(dict[str, Any], self.globals)["lipsum"] = self._lipsum  # pyright: ignore[reportUnknownMemberType]

        # -- hooks the generated code calls --------------------------------------------------
        def calmtui_counted(self, iterable: Any) -> Any:
            return budget.counted(iterable)

        def calmtui_charge(self, size: int) -> None:
            _guard(budget.charge, size)

        def calmtui_concat(self, parts: tuple[Any, ...]) -> str:
            _guard(budget.check_text, parts, self.limits)
            text = "".join(map(str, parts))
            _guard(budget.charge, len(text))
            return text

        def _finalize(self, value: Any) -> str:
            _guard(budget.check_text, value, self.limits)
            text = value if isinstance(value, str) else str(value)
            _guard(budget.charge, len(text))
            return text

        def _lipsum(self, n: int = 5, html: bool = True, min: int = 20, max: int = 100) -> str:
            _guard(budget.check_width, n * max * 12, self.limits)
            return generate_lorem_ipsum(n, html, min, max)

        # -- the sandbox's own interception points -------------------------------------------
        def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            args = _guard(budget.check_method, __obj, args, kwargs, __self.limits)
            result = super().call(__context, __obj, *args, **kwargs)
            _guard(budget.charge, budget.result_size(result))
            return result

        def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
            _guard(budget.check_binop, operator, left, right, self.limits)
            result = super().call_binop(context, operator, left, right)
            _guard(budget.charge, budget.result_size(result))
            return result

    class ImmutableLimited(Limited, ImmutableSandboxedEnvironment):
        """The same, and templates cannot change the lists and dicts they are shown."""

    def _guard(check: Callable[..., Any], *args: Any) -> Any:
        try:
            return check(*args)
        except budget.LimitExceeded as exc:
            raise SecurityError(str(exc)) from None

    return Limited if mutable else ImmutableLimited


@functools.cache
def _template_class() -> type[Template]:
    from jinja2.environment import Template
    from jinja2.exceptions import SecurityError

    class LimitedTemplate(Template):
        """Each render runs on a fresh `Budget`; the text it returns is capped as it grows."""

        def render(self, *args: Any, **kwargs: Any) -> str:
            environment = self.environment
            limits = cast(SandboxLimits, environment.limits)  # type: ignore[attr-defined]  # pyright: ignore[reportUnknownMemberType, reportAttributeAccessIssue]
            token = budget.start(limits)
            try:
                context = self.new_context(dict(*args, **kwargs))
                pieces: list[str] = []
                size = 0
                for piece in self.root_render_func(context):
                    size += len(piece)
                    if size > limits.max_output:
                        raise SecurityError(
                            f"the template's text is longer than {limits.max_output:,} characters"
                        )
                    pieces.append(piece)
                return "".join(pieces)
            except budget.LimitExceeded as exc:
                raise SecurityError(str(exc)) from None
            except Exception:
                environment.handle_exception()
            finally:
                budget.finish(token)

    return LimitedTemplate


@functools.cache
def _code_generator_class() -> type[Any]:
    from jinja2 import nodes
    from jinja2.compiler import CodeGenerator, Frame, optimizeconst

    class LimitedCode(CodeGenerator):
        """Jinja's code generator with three hooks into the budget: every `for` loop's
        iterable is counted, `~` joins through a size check, and each output statement charges
        its literal text (expressions are charged by `finalize`)."""

        def visit_For(self, node: nodes.For, frame: Frame) -> None:
            if not node.recursive:
                counted = nodes.EnvironmentAttribute("calmtui_counted")
                node.iter = nodes.Call(counted, [node.iter], [], None, None, lineno=node.lineno)
            super().visit_For(node, frame)

        @optimizeconst
        def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
            if frame.eval_ctx.volatile or frame.eval_ctx.autoescape:
                super().visit_Concat(node, frame)
                return
            self.write("environment.calmtui_concat((")
            for arg in node.nodes:
                self.visit(arg, frame)
                self.write(", ")
            self.write("))")

        def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
            literal = sum(_constant_length(child, frame) for child in node.nodes)
            if literal:
                self.writeline(f"environment.calmtui_charge({literal})")
            super().visit_Output(node, frame)

    def _constant_length(child: nodes.Expr, frame: Frame) -> int:
        """The length of an output part known when compiling (0: charged when it runs)."""
        if isinstance(child, nodes.TemplateData):
            return len(child.data)
        try:
            return len(str(child.as_const(frame.eval_ctx)))
        except Exception:
            return 0

    return LimitedCode
