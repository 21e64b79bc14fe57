"""Stubbed custom actions: e2e `stub_custom_actions` and `shell --stub-actions FILE`."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.actions.protocol import ActionOutcome, ActionRequest, NoActionRunner
from calmtui.actions.stubs import ActionStub, ActionStubs, StubRunner, load_stub_file, parse_stubs
from tests.actions.conftest import load, write_project
from tests.actions.conversation import converse, failures, slots_set, texts

pytestmark = pytest.mark.anyio

REPO = Path(__file__).resolve().parents[2]

STUB_FILE = """\
# stubs for a demo without an action server
stub_custom_actions:
  action_set_balance:
    events:
      - event: slot
        name: balance
        value: 5
    responses:
      - text: "(stubbed balance)"
  rich_customer::action_set_balance:
    events:
      - event: slot
        name: balance
        value: 1000000
  action_greet:
    responses:
      - response: utter_hello
        who: stub
"""


def _request(name: str) -> ActionRequest:
    return ActionRequest(
        name=name, sender_id="s", slots={}, latest_message={}, events=[], stack=[], active_flow=None
    )


def test_load_stub_file_reads_global_and_case_scoped_stubs(tmp_path: Path) -> None:
    path = tmp_path / "stubs.yml"
    path.write_text(STUB_FILE)
    stubs, problems = load_stub_file(path)
    assert problems == []
    assert [s.key for s in stubs.stubs] == [
        "action_set_balance",
        "rich_customer::action_set_balance",
        "action_greet",
    ]
    anyone = stubs.for_case(None)
    assert anyone["action_set_balance"].events == (
        {"event": "slot", "name": "balance", "value": 5},
    )
    rich = stubs.for_case("rich_customer")
    assert rich["action_set_balance"].events[0]["value"] == 1000000  # the case-scoped stub wins
    assert rich["action_greet"] is anyone["action_greet"]
    assert str(anyone["action_set_balance"].span) == f"{path}:3:3"


async def test_stubs_in_a_conversation_need_no_server_and_no_flag(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank", actions=None, endpoints="{}\n")
    (tmp_path / "stubs.yml").write_text(STUB_FILE)
    stubs, _ = load_stub_file(tmp_path / "stubs.yml")
    project = load(root)
    [plain] = await converse(project, StubRunner(stubs), [("b", "start flow check_balance")])
    assert slots_set(plain) == {"balance": 5.0}
    assert texts(plain)[:2] == ["(stubbed balance)", "Your balance is 5.0."]
    assert plain.action_calls[0].runner == "stub"
    assert (
        plain.action_calls[0].detail
        == f"stubbed by 'action_set_balance' ({tmp_path / 'stubs.yml'}:3:3)"
    )
    [rich] = await converse(
        project, StubRunner(stubs, test_case="rich_customer"), [("b", "start flow check_balance")]
    )
    assert slots_set(rich) == {"balance": 1000000.0}
    [greet] = await converse(project, StubRunner(stubs), [("hi", "start flow greet")])
    assert texts(greet)[0] == "Hello stub!"


async def test_an_unstubbed_action_goes_to_the_fallback_or_fails_clearly() -> None:
    stubs = ActionStubs(stubs=(ActionStub(action="action_a"),))

    class Recorder:
        kind = "inprocess"
        names: list[str] = []

        async def run(self, request: ActionRequest) -> ActionOutcome:
            self.names.append(request.name)
            return ActionOutcome(events=[{"event": "slot", "name": "x", "value": 1}])

    fallback = Recorder()
    runner = StubRunner(stubs, fallback=fallback)
    assert runner.kind == "stub+inprocess"
    assert list((await runner.run(_request("action_a"))).events) == []
    assert list((await runner.run(_request("action_b"))).events) == [
        {"event": "slot", "name": "x", "value": 1}
    ]
    assert fallback.names == ["action_b"]

    alone = StubRunner(stubs, test_case="case_1")
    outcome = await alone.run(_request("action_b"))
    assert (
        outcome.error
        == "custom action 'action_b' is not stubbed in test case 'case_1' and nothing else can run it"
    )
    assert (await alone.run(_request("action_aa"))).detail == "did you mean 'action_a'?"

    none = StubRunner({}, fallback=NoActionRunner())
    assert (await none.run(_request("action_b"))).error == "no action runner can run 'action_b'"


async def test_stubbed_failure_in_a_conversation_is_still_clear(tmp_path: Path) -> None:
    root = write_project(tmp_path / "bank", actions=None, endpoints="{}\n")
    [result] = await converse(
        load(root), StubRunner(ActionStubs()), [("b", "start flow check_balance")]
    )
    [failed] = failures(result)
    assert "is not stubbed" in failed.error


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "stub_custom_actions: [1, 2]\n",
            ["stubs.yml:1:22: error[CT110]: 'stub_custom_actions' must be a mapping"],
        ),
        (
            "stub_custom_actions:\n  '::action_x': {}\n",
            [
                "stubs.yml:2:3: error[CT110]: stub key '::action_x' must be '<action>' or '<test case>::<action>'"
            ],
        ),
        (
            "stub_custom_actions:\n  action_x: 3\n",
            [
                "stubs.yml:2:13: error[CT110]: stub 'action_x' must be a mapping with 'events' and/or 'responses'"
            ],
        ),
        (
            "stub_custom_actions:\n  action_x:\n    event:\n      - event: slot\n",
            ["stubs.yml:3:5: warning[CT111]: unknown key 'event' in stub 'action_x'"],
        ),
        (
            "stub_custom_actions:\n  action_x:\n    events:\n      - name: a\n        value: 1\n",
            ["stubs.yml:4:9: error[CT112]: event 1 of stub 'action_x' needs an 'event' name"],
        ),
        (
            "stub_custom_actions:\n  action_x:\n    responses: hello\n",
            ["stubs.yml:3:16: error[CT110]: 'responses' of stub 'action_x' must be a list"],
        ),
        (
            "test_cases: []\n",
            [
                "stubs.yml:1:1: error[CT109]: stub file 'stubs.yml' has no top-level 'stub_custom_actions'"
            ],
        ),
        ("", ["stubs.yml:1:1: error[CT113]: stub file 'stubs.yml' is empty"]),
        ("stub_custom_actions:\n  a: [\n", ["stubs.yml:3:1: error[CT101]: YAML syntax error"]),
    ],
)
def test_bad_stub_files_get_diagnostics_with_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, expected: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("stubs.yml").write_text(text)
    _, problems = load_stub_file("stubs.yml")
    headlines = [p.headline() for p in problems]
    assert len(headlines) == len(expected), headlines
    for headline, start in zip(headlines, expected, strict=True):
        assert headline.startswith(start), headline


def test_a_missing_stub_file_is_one_diagnostic(tmp_path: Path) -> None:
    _, problems = load_stub_file(tmp_path / "nope.yml")
    [problem] = problems
    assert problem.code == "CT108"
    assert "cannot read stub file" in problem.message


def test_the_banking_templates_test_file_stubs_load() -> None:
    path = REPO / "templates" / "banking" / "tests" / "e2e_test_cases" / "stubbed_actions.yml"
    stubs, problems = load_stub_file(path)
    assert problems == []
    stub = stubs.for_case("bank_declines_the_transfer")["action_execute_transfer"]
    assert stub.events == ({"event": "slot", "name": "transfer_successful", "value": False},)
    assert stubs.for_case("another_case") == {}


def test_parse_stubs_takes_plain_data_and_merges() -> None:
    first, problems = parse_stubs({"action_a": {"events": []}, "case::action_b": {}}, "tests/x.yml")
    assert problems == []
    second, _ = parse_stubs({"action_a": {"responses": [{"text": "over"}]}}, "tests/y.yml")
    merged = first.merged(second)
    assert merged.for_case(None)["action_a"].responses == ({"text": "over"},)
    assert set(merged.for_case("case")) == {"action_a", "action_b"}
    assert not ActionStubs()
    assert parse_stubs(None, "x.yml") == (ActionStubs(), [])
