"""Every condition in the project goes through the condition checker (FORMATS.md h.5, h.6).

Flow guards, branch `if`s and rejections may use `slots.` and `context.`; response conditions
only `slots.` (Rasa's rule), and their problems carry the response codes CT210/CT211.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.model.flows import BranchNext
from calmtui.core.validate.context import RESPONSE_NAMESPACES, ValidationContext

# Condition problems in a response variation are reported with the response codes.
_RESPONSE_CODES = {"CT322": "CT210", "CT323": "CT210", "CT324": "CT211"}


def flow_conditions(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT322-CT326 for flow guards, branch conditions and collect rejections."""
    for flow in ctx.user_flows:
        if isinstance(flow.guard, str):
            yield from ctx.check_condition(flow.guard, flow.guard_span or flow.span)
        for step in flow.steps:
            if isinstance(step.next, BranchNext):
                for branch in step.next.branches:
                    yield from ctx.check_condition(branch.condition, branch.span or step.span)
    for _flow, step in ctx.collects:
        for rejection in step.rejections:
            yield from ctx.check_condition(rejection.condition, rejection.span or step.span)


def slot_validation_conditions(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT322-CT326 for the rejections of domain-level slot validation."""
    for slot in ctx.slots.values():
        if slot.builtin or slot.validation is None:
            continue
        for rejection in slot.validation.rejections:
            yield from ctx.check_condition(rejection.condition, rejection.span or slot.span)


def response_conditions(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT210 invalid / CT211 unknown slot in the condition of a response variation."""
    for response in ctx.domain.responses.values():
        if response.builtin:
            continue
        for variation in response.variations:
            if variation.condition is not None:
                found = ctx.check_condition(
                    variation.condition, variation.span or response.span, RESPONSE_NAMESPACES
                )
                yield from _as_response_problems(found, response.name)
            for legacy in variation.legacy_conditions:
                if legacy.name not in ctx.slots:
                    yield Diagnostic.error(
                        "CT211",
                        f"a condition of response {response.name!r} refers to slot "
                        f"{legacy.name!r}, which is not listed in the domain slots",
                        variation.span or response.span,
                        hint=ctx.slot_hint(legacy.name),
                    )


def _as_response_problems(found: Iterable[Diagnostic], response: str) -> Iterator[Diagnostic]:
    for d in found:
        code = _RESPONSE_CODES.get(d.code, d.code)
        message = d.message if code == d.code else f"response {response!r}: {d.message}"
        yield dataclasses.replace(d, code=code, message=message)
