"""Unused responses, slots and actions (warnings CT240, CT241, CT242).

Something counts as used when any flow (patterns included) or the domain refers to it, when a
built-in pattern or action needs it, or when the project's custom-action code mentions its name in
a string literal: responses and slots are often used only from Python (`utter_message(response=
"utter_x")`, `SlotSet("x", ...)`), and a warning there would be noise.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.model.config import INTENTLESS_POLICY
from calmtui.core.model.flows import ActionStep, BranchNext, CollectStep, Flow, SetSlotsStep
from calmtui.core.model.slots import ROUTING_SLOT
from calmtui.core.validate.context import ValidationContext
from calmtui.core.validate.responses import PLACEHOLDER_RE, set_slots_of

# Responses that built-in actions utter when the project defines them.
IMPLICIT_RESPONSES = frozenset(
    {"utter_default", "utter_restart", "utter_back", "utter_ask_rephrase"}
)
SLOT_REFERENCE_RE = re.compile(r"\bslots\.([A-Za-z_][A-Za-z0-9_-]*)")
JINJA_BLOCK_RE = re.compile(r"\{\{(.*?)\}\}|\{%(.*?)%\}", re.DOTALL)
WORD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
PY_STRING_RE = re.compile(r"""(["'])([A-Za-z_][A-Za-z0-9_-]*)\1""")
MAX_PY_FILES = 2000
MAX_PY_BYTES = 8 * 1024 * 1024
_SKIP_DIRS = frozenset({"__pycache__", "venv", "node_modules", "site-packages"})


@dataclass(slots=True)
class Usage:
    responses: set[str] = field(default_factory=set[str])
    slots: set[str] = field(default_factory=set[str])
    actions: set[str] = field(default_factory=set[str])


def collect_usage(ctx: ValidationContext) -> Usage:
    usage = Usage()
    for flow in ctx.flows.values():
        _flow_usage(flow, usage)
    collected = {
        s.collect for f in ctx.flows.values() for s in f.steps if isinstance(s, CollectStep)
    }
    usage.responses.update(f"utter_ask_{slot}" for slot in collected)
    usage.actions.update(f"action_ask_{slot}" for slot in collected)
    usage.actions.update(f"validate_{slot}" for slot in collected)
    _domain_usage(ctx, usage)
    _nlu_based_usage(ctx, usage)
    usage.responses |= set(ctx.builtin_domain.responses) | IMPLICIT_RESPONSES
    if ctx.project.config.has_component(INTENTLESS_POLICY):
        # Generative chitchat picks among the responses no flow uses: they are all used.
        usage.responses |= set(ctx.project.domain.responses)
    usage.slots |= set(ctx.builtin_domain.slots)
    usage.actions |= set(ctx.builtin_domain.actions)
    literals = python_literals(ctx)
    for names in (usage.responses, usage.slots, usage.actions):
        names |= literals
    return usage


def _flow_usage(flow: Flow, usage: Usage) -> None:
    usage.slots.update(flow.persisted_slots)
    if isinstance(flow.guard, str):
        usage.slots.update(SLOT_REFERENCE_RE.findall(flow.guard))
    for step in flow.steps:
        match step:
            case ActionStep(action=name):
                usage.responses.add(name)
                usage.actions.add(name)
            case CollectStep():
                usage.slots.add(step.collect)
                usage.responses.add(step.utter)
                for rejection in step.rejections:
                    usage.responses.add(rejection.utter)
                    usage.slots.update(SLOT_REFERENCE_RE.findall(rejection.condition))
            case SetSlotsStep(slot_values=pairs):
                usage.slots.update(name for name, _ in pairs)
            case _:
                pass
        if isinstance(step.next, BranchNext):
            for branch in step.next.branches:
                if isinstance(branch.condition, str):
                    usage.slots.update(SLOT_REFERENCE_RE.findall(branch.condition))


def _domain_usage(ctx: ValidationContext, usage: Usage) -> None:
    for slot in ctx.slots.values():
        for mapping in slot.mappings:
            if mapping.run_action_every_turn:
                usage.actions.add(mapping.run_action_every_turn)
        if slot.validation is not None:
            if slot.validation.refill_utter:
                usage.responses.add(slot.validation.refill_utter)
            for rejection in slot.validation.rejections:
                usage.responses.add(rejection.utter)
                usage.slots.update(SLOT_REFERENCE_RE.findall(rejection.condition))
    for response in ctx.domain.responses.values():
        for variation in response.variations:
            if variation.condition:
                usage.slots.update(SLOT_REFERENCE_RE.findall(variation.condition))
            usage.slots.update(c.name for c in variation.legacy_conditions)
            if variation.text:
                usage.slots.update(_text_names(variation.text, jinja=variation.uses_jinja))
            for button in variation.buttons:
                usage.slots.update(_payload_slots(button.payload))


def _nlu_based_usage(ctx: ValidationContext, usage: Usage) -> None:
    """Coexistence: forms, stories and rules use names too, and the router has its slot."""
    for form, slots in ctx.domain.form_slots.items():
        usage.actions.update((form, f"validate_{form}"))
        for slot in slots:
            usage.slots.add(slot)
            usage.responses.update((f"utter_ask_{slot}", f"utter_ask_{form}_{slot}"))
            usage.actions.update((f"action_ask_{slot}", f"action_ask_{form}_{slot}"))
    nlu = ctx.project.nlu_data
    usage.actions |= nlu.actions
    usage.responses |= nlu.actions
    usage.slots |= nlu.slots
    usage.slots.add(ROUTING_SLOT)


def _text_names(text: str, *, jinja: bool) -> Iterator[str]:
    if "{" not in text:
        return
    if not jinja:
        yield from (m.group(1).strip() for m in PLACEHOLDER_RE.finditer(text))
    for block in JINJA_BLOCK_RE.finditer(text):
        yield from WORD_RE.findall(block.group(1) or block.group(2) or "")


def _payload_slots(payload: str | None) -> list[str]:
    if not payload or "SetSlots" not in payload:
        return []
    try:
        return [name for name, _ in set_slots_of(payload) or []]
    except ValueError:
        return []


def python_literals(ctx: ValidationContext) -> frozenset[str]:
    """Name-like string literals in the project's custom-action code (bounded reading)."""
    roots: list[Path] = [ctx.root / "actions"]
    endpoint = ctx.project.endpoints.action_endpoint
    if endpoint is not None and endpoint.actions_module:
        module = ctx.root.joinpath(*endpoint.actions_module.split("."))
        roots += [module, module.with_suffix(".py")]
    found: set[str] = set()
    budget = MAX_PY_BYTES
    for path in _python_files(roots):
        try:
            size = path.stat().st_size
            if size > budget:
                break
            budget -= size
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        found.update(m.group(2) for m in PY_STRING_RE.finditer(text))
    return frozenset(found)


def _python_files(roots: Iterable[Path]) -> Iterator[Path]:
    seen: set[Path] = set()
    count = 0
    for root in roots:
        if root.is_file() and root.suffix == ".py":
            candidates: Iterable[Path] = [root]
        elif root.is_dir():
            candidates = _walk_py(root)
        else:
            continue
        for path in candidates:
            if path in seen:
                continue
            seen.add(path)
            count += 1
            if count > MAX_PY_FILES:
                return
            yield path


def _walk_py(root: Path) -> Iterator[Path]:
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(directory, name)


def unused(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT240 responses, CT241 slots, CT242 actions that nothing uses."""
    usage = collect_usage(ctx)
    for response in ctx.domain.responses.values():
        if not response.builtin and response.name not in usage.responses:
            yield Diagnostic.warning(
                "CT240",
                f"response {response.name!r} is never used",
                response.span,
                hint="no flow step, collect step, rejection or custom action refers to it; "
                "use it or remove it",
            )
    for slot in ctx.slots.values():
        if not slot.builtin and slot.name not in usage.slots:
            yield Diagnostic.warning(
                "CT241",
                f"slot {slot.name!r} is never used",
                slot.span,
                hint="no flow collects, sets or reads it, and no response or custom action "
                "mentions it; use it or remove it",
            )
    for action in ctx.domain.actions.values():
        if not action.builtin and action.name not in usage.actions:
            yield Diagnostic.warning(
                "CT242",
                f"action {action.name!r} is never used",
                action.span,
                hint="no flow step or slot mapping runs it; use it or remove it",
            )
