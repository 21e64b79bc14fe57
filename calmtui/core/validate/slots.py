"""Slots in the domain: validation rules, csat_score and mappings vs. the pipeline (FORMATS.md h.6)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.loading.config_loader import KNOWN_COMPONENTS
from calmtui.core.model.config import LLM_COMMAND_GENERATORS, Config
from calmtui.core.model.slots import NLU_MAPPINGS, Slot, SlotMapping
from calmtui.core.validate.context import ValidationContext

NLU_COMMAND_ADAPTER = "NLUCommandAdapter"
ROUTERS = frozenset({"LLMBasedRouter", "IntentBasedRouter"})
# Classic NLU components: tokenizers, featurizers, classifiers, entity extractors.
NLU_COMPONENTS = KNOWN_COMPONENTS - LLM_COMMAND_GENERATORS - ROUTERS - {NLU_COMMAND_ADAPTER}
CSAT_VALUES = ("satisfied", "unsatisfied")


def user_slots(ctx: ValidationContext) -> Iterator[Slot]:
    return (slot for slot in ctx.slots.values() if not slot.builtin)


def slot_validation(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT216: domain-level slot validation must utter responses that exist."""
    responses = ctx.domain.responses
    for slot in user_slots(ctx):
        validation = slot.validation
        if validation is None:
            continue
        for rejection in validation.rejections:
            if rejection.utter not in responses:
                yield Diagnostic.error(
                    "CT216",
                    f"validation of slot {slot.name!r} rejects with response {rejection.utter!r}, "
                    "which is not defined in the domain",
                    rejection.utter_span or rejection.span or validation.span,
                    hint=ctx.response_hint(rejection.utter),
                )
        refill = validation.refill_utter
        if refill is not None and refill not in responses:
            yield Diagnostic.error(
                "CT216",
                f"validation of slot {slot.name!r} uses refill_utter {refill!r}, which is not "
                "defined in the domain",
                validation.span or slot.span,
                hint=ctx.response_hint(refill),
            )


def csat_score(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT217: a redefined csat_score must stay categorical with satisfied/unsatisfied."""
    slot = ctx.slots.get("csat_score")
    if slot is None or slot.builtin:
        return
    values = {v.lower() for v in slot.values}
    if slot.type != "categorical" or not all(v in values for v in CSAT_VALUES):
        yield Diagnostic.error(
            "CT217",
            "slot 'csat_score' must be categorical with the values 'satisfied' and 'unsatisfied'",
            slot.span,
            hint="pattern_customer_satisfaction asks for it; keep both values (you may add more)",
        )


@dataclass(frozen=True, slots=True)
class PipelineFacts:
    llm_generator: bool
    nlu_adapter: bool
    nlu_components: bool
    custom_components: bool
    empty: bool


def pipeline_facts(config: Config) -> PipelineFacts:
    names = [c.name for c in config.pipeline]
    return PipelineFacts(
        llm_generator=config.command_generator is not None,
        nlu_adapter=NLU_COMMAND_ADAPTER in names,
        nlu_components=any(n in NLU_COMPONENTS for n in names),
        custom_components=any("." in n for n in names),
        empty=not names,
    )


def slot_mappings(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT205 NLU mappings without NLU, CT219 from_llm without LLM, CT220, CT218 unknown action."""
    facts = pipeline_facts(ctx.project.config)
    llm_missing = (
        facts.nlu_components
        and not facts.llm_generator
        and not facts.nlu_adapter
        and not facts.custom_components
    )
    for slot in user_slots(ctx):
        nlu_mapping = next((m for m in slot.mappings if m.type in NLU_MAPPINGS), None)
        if nlu_mapping is not None and not facts.nlu_components and not facts.custom_components:
            yield Diagnostic.warning(
                "CT205",
                f"slot {slot.name!r} has a {nlu_mapping.type!r} mapping, but the pipeline has no "
                "NLU components to fill it",
                nlu_mapping.span or slot.span,
                hint="use 'from_llm' (the default) or 'controlled', or add an NLU pipeline",
            )
        if llm_missing and slot.llm_fillable:
            yield Diagnostic.warning(
                "CT219",
                f"slot {slot.name!r} is filled by the LLM ('from_llm'), but the pipeline has no "
                "LLM command generator or NLUCommandAdapter",
                slot.span,
                hint="add CompactLLMCommandGenerator to the pipeline, or give the slot an NLU mapping",
            )
        for mapping in slot.mappings:
            yield from _mapping_options(ctx, slot, mapping, facts)


def _mapping_options(
    ctx: ValidationContext, slot: Slot, mapping: SlotMapping, facts: PipelineFacts
) -> Iterator[Diagnostic]:
    where = mapping.span or slot.span
    if mapping.options.get("allow_nlu_correction") is True:
        if mapping.type != "from_llm":
            yield Diagnostic.warning(
                "CT220",
                f"'allow_nlu_correction' of slot {slot.name!r} only applies to 'from_llm' mappings",
                where,
            )
        elif not facts.nlu_adapter:
            yield Diagnostic.warning(
                "CT220",
                f"'allow_nlu_correction' of slot {slot.name!r} has no effect: the pipeline has "
                "no NLUCommandAdapter",
                where,
                hint="add NLUCommandAdapter to the pipeline or remove the option",
            )
    action = mapping.run_action_every_turn
    if action is not None and action not in ctx.known_actions:
        yield Diagnostic.error(
            "CT218",
            f"the mapping of slot {slot.name!r} runs action {action!r}, which is not listed in "
            "the domain actions",
            where,
            hint=ctx.action_hint(action, "list it under 'actions:' in the domain"),
        )
