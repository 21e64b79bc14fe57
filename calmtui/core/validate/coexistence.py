"""CT273: a coexistence router set up in a way Rasa refuses to start with.

Rasa Pro checks these before it trains or runs (rasa/engine/validation.py): only one of the
two routers; an IntentBasedRouter before the LLM command generator; the router slot
`route_session_to_calm` in the domain, of type bool, exactly when there is a router; and the
router's entries: `calm_entry.sticky` always, `nlu_entry.sticky` and `nlu_entry.non_sticky` for
the IntentBasedRouter (and for an LLMBasedRouter that has an `nlu_entry`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from calmtui.core.coexistence import ROUTERS
from calmtui.core.diagnostics import Diagnostic
from calmtui.core.model.config import LLM_COMMAND_GENERATORS, Component
from calmtui.core.model.slots import ROUTING_SLOT
from calmtui.core.validate.context import ValidationContext

CODE = "CT273"


def router_setup(ctx: ValidationContext) -> Iterator[Diagnostic]:
    pipeline = ctx.project.config.pipeline
    routers = [c for c in pipeline if c.name in ROUTERS]
    slot = ctx.slots.get(ROUTING_SLOT)
    if not routers:
        if slot is not None and not slot.builtin:
            yield Diagnostic.error(
                CODE,
                f"the domain defines slot {ROUTING_SLOT!r} but config.yml has no coexistence "
                "router; Rasa refuses the slot without an IntentBasedRouter or LLMBasedRouter",
                slot.span,
                hint="remove the slot, or add a router to the pipeline",
            )
        return
    if len({c.name for c in routers}) > 1:
        yield Diagnostic.error(
            CODE,
            "config.yml has both an IntentBasedRouter and an LLMBasedRouter; Rasa allows one",
            routers[1].span,
            hint="keep one of them",
        )
    router = routers[0]
    if slot is None or slot.type != "bool":
        found = "is missing" if slot is None else f"is of type {slot.type!r}"
        yield Diagnostic.error(
            CODE,
            f"{router.name} needs the slot {ROUTING_SLOT!r} of type bool in the domain; it {found}",
            slot.span if slot is not None else router.span,
            hint=f"add '{ROUTING_SLOT}: {{type: bool, mappings: [{{type: controlled}}]}}' under slots",
        )
    if router.name == "IntentBasedRouter":
        generator = next(
            (i for i, c in enumerate(pipeline) if c.name in LLM_COMMAND_GENERATORS), None
        )
        if generator is not None and pipeline.index(router) > generator:
            yield Diagnostic.error(
                CODE,
                "the IntentBasedRouter must come before the LLM command generator in the pipeline",
                router.span,
            )
    yield from _entries(router)


def _entries(router: Component) -> Iterator[Diagnostic]:
    options = router.options
    calm = _mapping(options.get("calm_entry"))
    problems: list[str] = []
    if calm is None or calm.get("sticky") is None:
        problems.append("'calm_entry' with 'sticky'")
    needs_nlu = router.name == "IntentBasedRouter" or "nlu_entry" in options
    nlu = _mapping(options.get("nlu_entry"))
    if needs_nlu and (nlu is None or nlu.get("sticky") is None or nlu.get("non_sticky") is None):
        problems.append("'nlu_entry' with 'sticky' and 'non_sticky'")
    if problems:
        yield Diagnostic.error(
            CODE,
            f"the {router.name} needs {' and '.join(problems)}; Rasa refuses it without",
            router.span,
            hint="see Rasa's 'Coexistence routers' documentation for the entries",
        )


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return cast(Mapping[str, Any], value) if isinstance(value, Mapping) else None
