"""References from steps to the domain and to other flows (FORMATS.md h.2, h.3, c.6).

Action steps, set_slots, links and calls: the target must exist, may be of the right kind, and
calls must not run in a circle.
"""

from __future__ import annotations

from collections.abc import Iterator

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.model.flows import CallStep, Flow, LinkStep
from calmtui.core.validate.context import ValidationContext, spans_or

HUMAN_HANDOFF = "pattern_human_handoff"
CHITCHAT = "pattern_chitchat"
CUSTOMER_SATISFACTION = "pattern_customer_satisfaction"
INTERNAL_ERROR = "pattern_internal_error"
# Patterns a user flow may link to / patterns a pattern may link to.
LINKABLE_FROM_FLOWS = frozenset({HUMAN_HANDOFF})
LINKABLE_FROM_PATTERNS = frozenset({HUMAN_HANDOFF, CHITCHAT, CUSTOMER_SATISFACTION})


def action_steps(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT335: an action step runs something that is neither an action nor a response."""
    for _flow, step in ctx.actions:
        name = step.action
        if "{{" in name or name in ctx.known_actions:
            continue
        yield Diagnostic.error(
            "CT335",
            f"action {name!r} is not listed in the domain actions or responses",
            spans_or(step.value_span, step.span),
            hint=ctx.action_hint(name, "list it under 'actions:' in the domain"),
        )


def set_slots_steps(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT333 unknown slot, CT334 list slot, CT340 a value that does not fit the slot's type."""
    for _flow, step in ctx.set_slots:
        for i, (name, value) in enumerate(step.slot_values):
            span = step.slot_spans[i] if i < len(step.slot_spans) else step.span
            slot = ctx.slots.get(name)
            if slot is None:
                yield Diagnostic.error(
                    "CT333",
                    f"set_slots sets slot {name!r}, which is not listed in the domain slots",
                    span,
                    hint=ctx.slot_hint(name, f"add {name!r} under 'slots:' in the domain"),
                )
                continue
            if slot.type == "list":
                yield Diagnostic.error(
                    "CT334",
                    f"set_slots sets list slot {name!r}; flows cannot set list slots",
                    span,
                )
                continue
            _, valid = slot.coerce(value)
            if not valid:
                yield Diagnostic.warning(
                    "CT340",
                    f"set_slots gives {slot.type} slot {name!r} the value {value!r}, "
                    "which does not fit its type (Rasa sets it as it is)",
                    span,
                    hint=_fit_hint(slot.type, slot.values),
                )


def _fit_hint(slot_type: str, values: tuple[str, ...]) -> str | None:
    if slot_type == "categorical":
        return "use one of: " + ", ".join(values)
    if slot_type == "bool":
        return "use true or false"
    if slot_type == "float":
        return "use a number"
    return None


def link_and_call_targets(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT315 link / CT316 call to a flow that does not exist."""
    for flow, step in ctx.links:
        if step.link in ctx.flows:
            continue
        yield Diagnostic.error(
            "CT315",
            f"flow {flow.id!r} links to flow {step.link!r}, which does not exist",
            spans_or(step.value_span, step.span),
            hint=ctx.flow_hint(step.link, "did you make a typo? Use the id of a flow"),
        )
    for flow, step in ctx.calls:
        if step.call in ctx.flows:
            continue
        yield Diagnostic.error(
            "CT316",
            f"flow {flow.id!r} calls flow {step.call!r}, which does not exist",
            spans_or(step.value_span, step.span),
            hint=ctx.flow_hint(step.call, "did you make a typo? Use the id of a flow"),
        )


def called_flows_do_not_link(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT317: a flow that is called may not contain link steps."""
    for flow, step in ctx.calls:
        target = ctx.flows.get(step.call)
        if target is None:
            continue
        link = next((s for s in target.steps if isinstance(s, LinkStep)), None)
        if link is None:
            continue
        yield Diagnostic.error(
            "CT317",
            f"flow {flow.id!r} calls flow {target.id!r}, which contains a link step "
            f"({link.id!r} links to {link.link!r}); a called flow cannot link",
            spans_or(step.value_span, step.span),
            hint="remove the link from the called flow, or link to it instead of calling it",
            related=_spans(link.span),
        )


def pattern_references(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT318 user flows linking/calling patterns, CT319 patterns linking/calling flows."""
    for flow, step in ctx.links:
        span = spans_or(step.value_span, step.span)
        target = step.link
        if not flow.is_pattern:
            if target.startswith("pattern_") and target not in LINKABLE_FROM_FLOWS:
                yield Diagnostic.error(
                    "CT318",
                    f"user flow {flow.id!r} links to pattern {target!r}; only "
                    f"{HUMAN_HANDOFF!r} may be linked from user flows",
                    span,
                )
        elif target.startswith("pattern_"):
            if target not in LINKABLE_FROM_PATTERNS:
                yield Diagnostic.error(
                    "CT319",
                    f"pattern {flow.id!r} links to pattern {target!r}; patterns may only link to "
                    + ", ".join(repr(p) for p in sorted(LINKABLE_FROM_PATTERNS)),
                    span,
                )
        elif flow.id == INTERNAL_ERROR:
            yield Diagnostic.error(
                "CT319",
                f"{INTERNAL_ERROR!r} links to flow {target!r}; this pattern may not link to flows",
                span,
            )
    for flow, step in ctx.calls:
        span = spans_or(step.value_span, step.span)
        if flow.is_pattern:
            yield Diagnostic.error(
                "CT319",
                f"pattern {flow.id!r} calls flow {step.call!r}; patterns cannot use call steps",
                span,
            )
        elif step.call.startswith("pattern_"):
            yield Diagnostic.error(
                "CT318",
                f"user flow {flow.id!r} calls pattern {step.call!r}; patterns cannot be called",
                span,
            )


def call_cycles(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT344 (warning): flows that call each other in a circle never finish."""
    graph: dict[str, list[CallStep]] = {}
    for flow, step in ctx.calls:
        if step.call in ctx.flows:
            graph.setdefault(flow.id, []).append(step)
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        # iterative DFS keeping the current path, so deep call chains cannot overflow the stack
        path: list[str] = [start]
        on_path: dict[str, int] = {start: 0}
        iters: list[Iterator[CallStep]] = [iter(graph.get(start, []))]
        while iters:
            step = next(iters[-1], None)
            if step is None:
                iters.pop()
                finished = path.pop()
                del on_path[finished]
                done.add(finished)
                continue
            target = step.call
            if target in on_path:
                cycle = [*path[on_path[target] :], target]
                yield _cycle_diagnostic(ctx.flows[path[-1]], step, cycle)
            elif target not in done:
                on_path[target] = len(path)
                path.append(target)
                iters.append(iter(graph.get(target, [])))


def _cycle_diagnostic(flow: Flow, step: CallStep, cycle: list[str]) -> Diagnostic:
    return Diagnostic.warning(
        "CT344",
        f"flows call each other in a cycle: {' -> '.join(cycle)}",
        spans_or(step.value_span, step.span) or flow.span,
        hint="a flow in this cycle must end without calling the next one, or the calls never finish",
    )


def _spans(span: Span | None) -> tuple[Span, ...]:
    return (span,) if span is not None else ()
