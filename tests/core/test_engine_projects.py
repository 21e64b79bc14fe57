"""Projects and a turn driver shared by the engine tests, plus the checks that they are valid.

`generated_project()` builds a project of many small flows that together use every step type
(collect with rejections and ask_before_filling, set_slots, noop branches, call, link, custom
actions, guards), so property tests exercise more than the templates do.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from calmtui.core.commands import Command
from calmtui.core.dialogue.outcome import ActionResult
from calmtui.core.dialogue.state import DialogueState
from calmtui.core.engine import Engine, PendingAction, TurnOutcome
from calmtui.core.loading.project_loader import load_project
from calmtui.core.model.project import Project
from tests.core.project_builder import build, diagnostics

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
COLORS = ["red", "green", "blue"]


@cache
def banking_project() -> Project:
    result = load_project(TEMPLATES / "banking")
    assert result.ok, [d.headline() for d in result.diagnostics]
    assert result.project is not None
    return result.project


def _flow_yaml(i: int, rng: random.Random, count: int) -> list[str]:
    """One flow `task_<i>` with two or three collects and a mix of other steps."""
    lines = [f"  task_{i}:", f"    description: Do task number {i}."]
    if i % 5 == 4:
        lines.append(f"    if: slots.t{i}_gate")
    lines.append("    steps:")
    lines.append(f"      - collect: t{i}_name")
    lines.append(f"      - collect: t{i}_count")
    lines.append("        rejections:")
    lines.append(f"          - if: slots.t{i}_count < 0")
    lines.append("            utter: utter_negative")
    if rng.random() < 0.5:
        lines.append(f"      - collect: t{i}_ok")
        lines.append("        ask_before_filling: true")
    lines.append(f"      - action: action_task_{i}")
    lines.append("      - set_slots:")
    lines.append(f"          - t{i}_color: {rng.choice(COLORS)}")
    lines.append("      - noop: true")
    lines.append("        next:")
    lines.append(f"          - if: slots.t{i}_count > 10")
    lines.append("            then:")
    lines.append("              - call: helper")
    lines.append("                next: done")
    lines.append("          - else: done")
    lines.append("      - id: done")
    lines.append(f"        action: utter_done_{i}")
    if i + 1 < count and i % 3 == 0:
        lines.append(f"      - link: task_{i + 1}")
    return lines


def generated_project(count: int = 12, seed: int = 3) -> Project:
    rng = random.Random(seed)
    slots = ["slots:", "  helper_note:", "    type: text"]
    responses = ["responses:"]
    responses += ["  utter_negative:", '    - text: "Must not be negative."']
    responses += ["  utter_ask_helper_note:", '    - text: "Any note?"']
    responses += ["  utter_helped:", '    - text: "Helped."']
    actions = ["actions:"]
    flows = [
        "flows:",
        "  helper:",
        "    description: A sub-flow called by tasks.",
        "    if: false",
        "    steps:",
        "      - collect: helper_note",
        "      - action: utter_helped",
    ]
    for i in range(count):
        slots += [f"  t{i}_name:", "    type: text", f"  t{i}_count:", "    type: float"]
        slots += [f"  t{i}_ok:", "    type: bool", f"  t{i}_gate:", "    type: bool"]
        slots += [f"  t{i}_color:", "    type: categorical", f"    values: [{', '.join(COLORS)}]"]
        for name in ("name", "count", "ok"):
            responses += [f"  utter_ask_t{i}_{name}:", f'    - text: "Task {i} {name}?"']
        responses += [f"  utter_done_{i}:", f'    - text: "Task {i} done for {{t{i}_name}}."']
        actions.append(f"  - action_task_{i}")
        flows += _flow_yaml(i, rng, count)
    domain_text = "\n".join([*slots, *responses, *actions]) + "\n"
    return build(domain=domain_text, flows="\n".join(flows) + "\n")


Outcomes = Callable[[PendingAction], ActionResult]


def no_outcomes(pending: PendingAction) -> ActionResult:
    return ActionResult()


def run_turn(
    engine: Engine,
    state: DialogueState,
    commands: Sequence[Command],
    *,
    text: str | None = "message",
    outcomes: Outcomes = no_outcomes,
) -> TurnOutcome:
    """One turn with every custom action answered by `outcomes`."""
    machine = engine.start_turn(state, text, list(commands))
    while (pending := machine.advance()) is not None:
        machine.complete_action(pending, outcomes(pending))
    return machine.finish()


def test_generated_project_is_valid() -> None:
    project = generated_project()
    assert not [d.headline() for d in diagnostics(project) if d.is_error]
    assert {f"task_{i}" for i in range(12)} <= set(project.flows)
    kinds = {step.kind for flow in project.user_flows for step in flow.steps}
    assert kinds == {"action", "collect", "set_slots", "noop", "call", "link"}


def test_banking_template_loads() -> None:
    assert {"transfer_money", "check_balance", "replace_card"} <= set(banking_project().flows)
