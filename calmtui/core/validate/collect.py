"""Collect steps against the domain (FORMATS.md h.3): the slot, how it is asked, rejections."""

from __future__ import annotations

import re
from collections.abc import Iterator

from calmtui.core.diagnostics import Diagnostic, closest
from calmtui.core.validate.context import ValidationContext, spans_or

# Rasa's rule for slot names a flow may collect (validate_slot_names_to_be_collected).
COLLECT_SLOT_RE = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_-]*$")


def collected_slots(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT320 invalid slot name, CT302 unknown slot, CT330 list slot."""
    for flow, step in ctx.collects:
        span = spans_or(step.value_span, step.span)
        name = step.collect
        if not COLLECT_SLOT_RE.match(name):
            yield Diagnostic.error(
                "CT320",
                f"collect step of flow {flow.id!r} asks for {name!r}, which is not a valid slot name",
                span,
                hint=f"slot names must match {COLLECT_SLOT_RE.pattern}",
            )
            continue
        slot = ctx.slots.get(name)
        if slot is None:
            yield Diagnostic.error(
                "CT302",
                f"collect step asks for slot {name!r}, which is not listed in the domain slots",
                span,
                hint=ctx.slot_hint(name, f"add {name!r} under 'slots:' in the domain"),
            )
        elif slot.type == "list":
            yield Diagnostic.error(
                "CT330",
                f"collect step asks for list slot {name!r}; flows cannot collect list slots",
                span,
                hint="collect a text slot instead, or fill the list from a custom action",
            )


def ways_to_ask(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT342 unknown custom utter, CT331 both a response and an action, CT332 neither."""
    responses = ctx.domain.responses
    for _flow, step in ctx.collects:
        slot = ctx.slots.get(step.collect)
        if slot is None:
            continue  # CT302 already says everything useful
        span = spans_or(step.value_span, step.span)
        ask_action = f"action_ask_{step.collect}"
        has_utter = step.utter in responses
        has_action = ask_action in ctx.domain.actions
        if step.has_custom_utter and not has_utter:
            yield Diagnostic.error(
                "CT342",
                f"collect step asks with response {step.utter!r}, which is not defined in the domain",
                spans_or(step.utter_span, span),
                hint=ctx.response_hint(step.utter, "add it under 'responses:' in the domain"),
            )
            continue
        if has_utter and has_action:
            yield Diagnostic.error(
                "CT331",
                f"slot {step.collect!r} has both a response {step.utter!r} and an action "
                f"{ask_action!r} to ask for it",
                span,
                hint="keep only one of them: the bot would ask twice",
            )
        elif not has_utter and not has_action and slot.initial_value is None:
            yield Diagnostic.error(
                "CT332",
                f"collect step has no way to ask for slot {step.collect!r}: there is no response "
                f"{step.utter!r} and no action {ask_action!r}",
                span,
                hint=_ask_hint(ctx, step.collect, step.utter),
            )


def _ask_hint(ctx: ValidationContext, slot: str, utter: str) -> str:
    """A misspelled `utter_ask_<slot>` (compared by the slot part only), else what to add."""
    prefix = "utter_ask_"
    asks = {
        n[len(prefix) :]: r.span for n, r in ctx.domain.responses.items() if n.startswith(prefix)
    }
    match = closest(slot, asks)
    if match is not None:
        span = asks[match]
        where = f" ({span.path}:{span.line})" if span is not None else ""
        return f"did you mean to name the response {prefix + match!r}{where} {utter!r}?"
    return f"add a response {utter!r} to the domain (or give the slot an initial_value)"


def rejection_responses(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT336: a collect step's rejection utters a response that does not exist."""
    responses = ctx.domain.responses
    for _flow, step in ctx.collects:
        for rejection in step.rejections:
            if rejection.utter in responses:
                continue
            yield Diagnostic.warning(
                "CT336",
                f"rejection of slot {step.collect!r} uses response {rejection.utter!r}, "
                "which is not defined in the domain; the rejection resets the slot and says the "
                "internal error",
                spans_or(rejection.utter_span, rejection.span or step.span),
                hint=ctx.response_hint(rejection.utter, "add it under 'responses:' in the domain"),
            )
