"""The one explicit list of validation checks, in the order they run.

Each check is a small function `(ValidationContext) -> Iterable[Diagnostic]` with the stable codes
it can emit. Structural checks that need the YAML (unknown keys, step ids, `next` targets,
reachability, duplicate flows) run while loading, in `calmtui/core/loading/`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.validate import (
    coexistence,
    collect,
    config_checks,
    not_run,
    predicates,
    references,
    responses,
    slots,
    structure,
    translations,
    usage,
)
from calmtui.core.validate.context import ValidationContext

CheckFunction = Callable[[ValidationContext], Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    codes: tuple[str, ...]
    run: CheckFunction


CHECKS: tuple[Check, ...] = (
    # collect steps (h.3)
    Check("collected-slots", ("CT302", "CT320", "CT330"), collect.collected_slots),
    Check("ways-to-ask", ("CT331", "CT332", "CT342"), collect.ways_to_ask),
    Check("rejection-responses", ("CT336",), collect.rejection_responses),
    # references from steps (h.2, h.3)
    Check("action-steps", ("CT335",), references.action_steps),
    Check("set-slots", ("CT333", "CT334", "CT340"), references.set_slots_steps),
    Check("link-call-targets", ("CT315", "CT316"), references.link_and_call_targets),
    Check("called-flows-do-not-link", ("CT317",), references.called_flows_do_not_link),
    Check("pattern-references", ("CT318", "CT319"), references.pattern_references),
    Check("call-cycles", ("CT344",), references.call_cycles),
    # conditions (h.5, h.6)
    Check(
        "flow-conditions", ("CT322", "CT323", "CT324", "CT325", "CT326"), predicates.flow_conditions
    ),
    Check(
        "slot-validation-conditions",
        ("CT322", "CT323", "CT324", "CT325", "CT326"),
        predicates.slot_validation_conditions,
    ),
    Check(
        "response-conditions", ("CT210", "CT211", "CT325", "CT326"), predicates.response_conditions
    ),
    # across flows (h.2, h.4, h.6)
    Check("unique-descriptions", ("CT337",), structure.unique_descriptions),
    Check("unique-names", ("CT338",), structure.unique_names),
    Check("nlu-triggers", ("CT314", "CT345"), structure.nlu_triggers),
    Check("link-only-flows", ("CT343",), structure.link_only_flows),
    Check("persisted-slots", ("CT327", "CT328"), structure.persisted_slots),
    # domain (b, h.6)
    Check("placeholders", ("CT208", "CT209"), responses.placeholders),
    Check(
        "button-payloads", ("CT212", "CT213", "CT214", "CT215", "CT225"), responses.button_payloads
    ),
    Check("slot-validation", ("CT216",), slots.slot_validation),
    Check("csat-score", ("CT217",), slots.csat_score),
    Check("slot-mappings", ("CT205", "CT218", "CT219", "CT220"), slots.slot_mappings),
    # config and endpoints (a.2, a.3, h.1)
    Check("model-groups", ("CT232",), config_checks.model_groups),
    Check("prompt-templates", ("CT233",), config_checks.prompt_templates),
    Check("option-types", ("CT236",), config_checks.option_types),
    # languages and translations (docs/languages.md)
    Check("translation-languages", ("CT704",), translations.unconfigured_translations),
    Check("missing-translations", ("CT706", "CT707"), translations.missing_translations),
    Check("flow-examples", ("CT705",), translations.example_shapes),
    # what nothing uses
    Check("unused", ("CT240", "CT241", "CT242"), usage.unused),
    # issue 11: what Rasa refuses about routers; what calmtui reads and does not run
    Check("coexistence-router", ("CT273",), coexistence.router_setup),
    Check("not-run", ("CT275", "CT276", "CT277", "CT371", "CT372"), not_run.not_run),
)
