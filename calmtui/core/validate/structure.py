"""Checks across flows: unique descriptions and names, NLU triggers, link-only flows, slot
persistence (FORMATS.md h.2, h.4, h.6)."""

from __future__ import annotations

import string
from collections.abc import Iterator

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.model.flows import CallStep, CollectStep, Flow, SetSlotsStep
from calmtui.core.validate.context import ValidationContext

_NO_PUNCTUATION = str.maketrans("", "", string.punctuation)


def unique_descriptions(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT337: two flows whose descriptions differ only in ASCII punctuation."""
    seen: dict[str, Flow] = {}
    for flow in ctx.user_flows:
        if not flow.description.strip():
            continue
        key = flow.description.translate(_NO_PUNCTUATION)
        first = seen.setdefault(key, flow)
        if first is flow:
            continue
        yield Diagnostic.error(
            "CT337",
            f"flow {flow.id!r} has the same description as flow {first.id!r}",
            flow.span,
            hint="descriptions tell flows apart when starting one; make each say what is different",
            related=_spans(first.span),
        )


def unique_names(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT338: two flows with the same (explicit or derived) name."""
    seen: dict[str, Flow] = {}
    for flow in ctx.user_flows:
        name = flow.readable_name
        first = seen.setdefault(name, flow)
        if first is flow:
            continue
        yield Diagnostic.error(
            "CT338",
            f"flow {flow.id!r} has the same name {name!r} as flow {first.id!r}",
            flow.span,
            hint="give one of them a different 'name:'",
            related=_spans(first.span),
        )


def nlu_triggers(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT314 an intent triggering several flows, CT345 a trigger intent not in the domain."""
    first_use: dict[str, Flow] = {}
    for flow in ctx.user_flows:
        for trigger in flow.nlu_triggers:
            span = trigger.span or flow.span
            first = first_use.setdefault(trigger.intent, flow)
            if first is not flow:
                yield Diagnostic.error(
                    "CT314",
                    f"intent {trigger.intent!r} is the nlu_trigger of flow {flow.id!r} and of "
                    f"flow {first.id!r}; an intent can start only one flow",
                    span,
                    related=_spans(first.span),
                )
            if trigger.intent not in ctx.known_intents:
                yield Diagnostic.warning(
                    "CT345",
                    f"nlu_trigger intent {trigger.intent!r} of flow {flow.id!r} is not listed in "
                    "the domain intents",
                    span,
                    hint=ctx.suggest_in(
                        trigger.intent,
                        dict.fromkeys(ctx.domain.intents),
                        "add it under 'intents:' in the domain",
                    ),
                )


def link_only_flows(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT343 (info): a guard that is always false means only link/call can start the flow."""
    referenced = {s.link for _, s in ctx.links} | {s.call for _, s in ctx.calls}
    for flow in ctx.user_flows:
        if not flow.is_link_only or flow.is_pattern:
            continue
        message = f"flow {flow.id!r} can only be started by a link or call step (its 'if' is false)"
        if flow.id not in referenced:
            message += ", and no flow links to or calls it"
        yield Diagnostic.info("CT343", message, flow.guard_span or flow.span)


def _flow_slots(ctx: ValidationContext, flow: Flow) -> set[str]:
    """Slots collected or set by the flow and by the flows it calls (recursively)."""
    slots: set[str] = set()
    todo, seen = [flow], {flow.id}
    while todo:
        current = todo.pop()
        for step in current.steps:
            match step:
                case CollectStep(collect=slot):
                    slots.add(slot)
                case SetSlotsStep(slot_values=pairs):
                    slots.update(name for name, _ in pairs)
                case CallStep(call=target) if target not in seen and target in ctx.flows:
                    seen.add(target)
                    todo.append(ctx.flows[target])
                case _:
                    pass
    return slots


def persisted_slots(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT327 persisted slot not used by the flow, CT328 duplicated or conflicting persistence."""
    for flow in ctx.user_flows:
        if not flow.persisted_slots:
            continue
        used = _flow_slots(ctx, flow)
        listed: dict[str, Span | None] = {}
        for i, name in enumerate(flow.persisted_slots):
            span = flow.persisted_slot_spans[i] if i < len(flow.persisted_slot_spans) else flow.span
            if name in listed:
                yield Diagnostic.error(
                    "CT328",
                    f"slot {name!r} is listed twice in 'persisted_slots' of flow {flow.id!r}",
                    span,
                    related=_spans(listed[name]),
                )
                continue
            listed[name] = span
            if name not in used:
                yield Diagnostic.error(
                    "CT327",
                    f"flow {flow.id!r} persists slot {name!r}, but never collects or sets it",
                    span,
                    hint="only slots collected or set in the flow (or the flows it calls) can persist",
                )
        for step in flow.collect_steps():
            if not step.reset_after_flow_ends:
                yield Diagnostic.error(
                    "CT328",
                    f"flow {flow.id!r} has 'persisted_slots' and a collect step for "
                    f"{step.collect!r} with 'reset_after_flow_ends: false'",
                    step.span,
                    hint=f"remove 'reset_after_flow_ends' and list {step.collect!r} under 'persisted_slots'",
                )


def _spans(span: Span | None) -> tuple[Span, ...]:
    return (span,) if span is not None else ()
