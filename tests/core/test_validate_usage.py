"""Unused responses, slots and actions (CT240, CT241, CT242)."""

from __future__ import annotations

from pathlib import Path

from tests.core.project_builder import DOMAIN, FLOWS, build, diagnostics

USAGE = ("CT240", "CT241", "CT242")


def unused(project) -> list[tuple[str, str]]:
    return [(d.code, d.message.split("'")[1]) for d in diagnostics(project, *USAGE)]


def test_everything_used() -> None:
    assert unused(build()) == []


def test_unused_items_are_warnings() -> None:
    domain = DOMAIN.replace("slots:\n", "slots:\n  nickname:\n    type: text\n", 1)
    domain = domain.replace("responses:\n", 'responses:\n  utter_goodbye:\n    - text: "Bye"\n', 1)
    domain += "  - action_unused\n"
    found = diagnostics(build(domain=domain), *USAGE)
    assert [(d.code, d.severity) for d in found] == [
        ("CT241", "warning"),
        ("CT240", "warning"),
        ("CT242", "warning"),
    ]


def test_uses_by_conditions_texts_buttons_and_persistence() -> None:
    domain = DOMAIN.replace(
        "slots:\n",
        "slots:\n  tier:\n    type: text\n  note:\n    type: text\n  flag:\n    type: bool\n  kept:\n    type: text\n"
        "  jinja_slot:\n    type: text\n",
        1,
    )
    domain = domain.replace(
        '  utter_done:\n    - text: "Done."\n',
        '  utter_done:\n    - text: "Done {note}."\n      condition: slots.tier = "gold"\n'
        '      buttons:\n        - title: Yes\n          payload: "/SetSlots(flag=true)"\n'
        '    - text: "{{ jinja_slot }}"\n      metadata:\n        template: jinja\n',
    )
    flows = FLOWS.replace(
        "    description: Send money.\n",
        "    description: Send money.\n    persisted_slots: [kept]\n",
    )
    flows = flows.replace(
        "    steps:\n", "    steps:\n      - set_slots:\n          - kept: x\n", 1
    )
    assert unused(build(domain=domain, flows=flows)) == []


def test_ask_conventions_of_collected_slots_are_used() -> None:
    domain = DOMAIN + "  - action_ask_account\n  - validate_amount\n"
    domain = domain.replace('  utter_ask_account:\n    - text: "Which account?"\n', "")
    assert unused(build(domain=domain)) == []


def test_mapping_actions_and_builtin_overrides_are_used() -> None:
    domain = DOMAIN.replace(
        "recipient:\n    type: text\n",
        "recipient:\n    type: text\n    mappings:\n      - type: controlled\n        run_action_every_turn: action_fill\n",
    )
    domain = domain.replace(
        "responses:\n", 'responses:\n  utter_can_do_something_else:\n    - text: "More?"\n', 1
    )
    domain += "  - action_fill\n  - action_session_start\n"
    assert unused(build(domain=domain)) == []


def test_names_in_custom_action_code_count_as_used(tmp_path: Path) -> None:
    actions = tmp_path / "actions"
    actions.mkdir()
    (actions / "transfer.py").write_text(
        "dispatcher.utter_message(response=\"utter_goodbye\")\nreturn [SlotSet('nickname', x)]\n"
    )
    domain = DOMAIN.replace("slots:\n", "slots:\n  nickname:\n    type: text\n", 1)
    domain = domain.replace("responses:\n", 'responses:\n  utter_goodbye:\n    - text: "Bye"\n', 1)
    assert unused(build(domain=domain, root=str(tmp_path))) == []
