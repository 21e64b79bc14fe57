"""The condition language: pypred 0.4 semantics after a Jinja pass (FORMATS.md c.5, h.5)."""

from __future__ import annotations

from typing import Any

import pytest

from calmtui.core.conditions import (
    ConditionSyntaxError,
    check_condition,
    condition_holds,
    evaluate,
    identifiers,
    parse_condition,
    render_template,
)
from calmtui.core.conditions.nodes import Compare, Constant, Identifier, Logical, Not
from calmtui.core.diagnostics import Span
from calmtui.core.model.slots import Slot

SLOTS: dict[str, Any] = {
    "a": None,
    "b": True,
    "f": False,
    "n": 3.0,
    "i": 3,
    "zero": 0.0,
    "s": "hello",
    "code": "123",
    "blank": "",
    "l": [],
    "names": ["f1", "f2"],
    "cat": "satisfied",
    "nested": {"x": {"y": 1}},
    "q": 'say "hi"',
    "apos": "it's",
    "interrupted_flow_to_continue": None,
    "consecutive_silence_timeouts": 0.0,
}
CONTEXT: dict[str, Any] = {
    "names": ["f1"],
    "reason": "cannot_handle_chitchat",
    "collect": "a",
    "is_reset_only": False,
    "multiple_flows_interrupted": True,
}

CASES: list[tuple[str, bool]] = [
    # equality: =, ==, is, and null / undefined
    ("slots.a is null", True),
    ("slots.a = null", True),
    ("slots.a == null", True),
    ("slots.a is not null", False),
    ("slots.s is not null", True),
    ("slots.zz is null", False),
    ("slots.zz is undefined", True),
    ("slots.zz = undefined", True),
    ("slots.zz is not undefined", False),
    ("slots.a is undefined", False),
    ("slots.b = True", True),
    ("slots.b = true", True),
    ("slots.f = false", True),
    ("slots.b = false", False),
    ("slots.b = 'true'", False),
    ("slots.n = 3", True),
    ("slots.i = 3", True),
    ("slots.n = 3.0", True),
    ("slots.n = '3'", False),
    ("slots.n != 3", False),
    ("slots.n != 4", True),
    ("slots.s = 'hello'", True),
    ('slots.s == "hello"', True),
    ("slots.s = hello", False),  # a bare word is a name, and `hello` resolves to nothing
    ("slots.s = 'Hello'", False),
    ('slots.cat = "satisfied"', True),
    ('slots.interrupted_flow_to_continue is not "none"', True),
    # empty
    ("slots.l is empty", True),
    ("slots.blank is empty", True),
    ("slots.s is empty", False),
    ("slots.a is empty", False),
    ("slots.zero is empty", False),
    ("slots.zz is empty", True),
    ("slots.names is not empty", True),
    ("slots.l is not empty", False),
    ("slots.zz is not empty", True),  # pypred: undefined != empty, yet undefined == empty
    ("empty = undefined", True),
    ("empty != undefined", False),
    # ordering
    ("slots.n > 2", True),
    ("slots.n >= 3", True),
    ("slots.n < 3", False),
    ("slots.n <= 3", True),
    ("slots.n > -1", True),
    ("slots.n > 2.5", True),
    ("slots.consecutive_silence_timeouts < 2", True),
    ("slots.s > 'a'", True),
    ("slots.n > '2'", False),  # TypeError
    ("slots.zz > 1", False),
    ("slots.zz < 1", False),
    ("slots.a > 1", False),
    ("slots.n > empty", False),
    # an evaluation error makes the whole condition false, as in Rasa
    ("slots.n > '2' or true", False),
    ("not (slots.n > '2')", False),
    ("true or slots.n > '2'", True),  # ... unless short-circuiting skips it
    # contains
    ('context.names contains "f1"', True),
    ('context.names contains "f9"', False),
    ("slots.s contains 'ell'", True),
    ("slots.s contains 3", False),
    ("slots.n contains 3", False),
    ("slots.zz contains 'x'", False),
    ("slots.nested contains 'x'", True),
    ('{"a" "b"} contains "a"', True),
    ("{1 2} contains 2", True),
    ('{"hello" "x"} contains slots.s', True),
    # matches
    ('slots.s matches "^h.*o$"', True),
    ('slots.s matches "^x"', False),
    ("slots.s MATCHES 'L+'", False),
    ("slots.s matches '(?i)L+'", True),
    ('slots.code matches "^\\d+$"', True),
    ("slots.s matches ell", True),  # a bare word after `matches` is the pattern itself
    ('slots.n matches "3"', False),
    # logic: and/or have equal precedence and group to the right
    ("true and false or true", True),
    ("false and false or true", False),
    ("(false and false) or true", True),
    ("true or false and false", True),
    ("false or true and false", False),
    ("not false and false", False),
    ("not (false and false)", True),
    ("not not true", True),
    ("NOT slots.b", False),
    ("slots.b AND slots.f", False),
    ("slots.b Or slots.f", True),
    ("not context.is_reset_only", True),
    ("context.multiple_flows_interrupted", True),
    # truthiness of a bare term
    ("slots.b", True),
    ("slots.f", False),
    ("slots.a", False),
    ("slots.zero", False),
    ("slots.blank", False),
    ("slots.l", False),
    ("slots.names", True),
    ("slots.zz", False),
    ("'text'", True),
    ('""', False),
    ("0", False),
    ("1", True),
    ("{}", False),
    ("null", False),
    ("undefined", False),
    ("empty", False),
    # sets and parenthesised factors
    ('slots.names = {"f1" "f2"}', False),  # a list is not a set
    ('{"a" "b"} = {"b" "a"}', True),
    ("(slots.b and true) = true", True),
    ("(slots.s) = 'hello'", True),
    ("(slots.s = 'hello') is true", True),
    # dotted paths
    ("slots.nested.x.y = 1", True),
    ("slots.nested.x.z is undefined", True),
    ("slots.s.x is undefined", True),
    ("context.names.0 = 'f1'", True),
    ("context.names.5 is undefined", True),
    # keywords in any case
    ("slots.a IS NULL", True),
    ("slots.s Is Not Null", True),
    ("slots.zz IS UNDEFINED", True),
    ("slots.l IS EMPTY", True),
    ("slots.b = TRUE", True),
    # comments, whitespace and quotes
    ("slots.b # a comment", True),
    ("slots.b and # a comment\n slots.f", False),
    ("slots.b\tand\nslots.b", True),
    ("slots.q = 'say \"hi\"'", True),
    ('slots.q = "say \\"hi\\""', True),
    ("slots.apos = 'it\\'s'", True),
    ('slots.apos = "it\'s"', True),
    # Jinja pre-render
    ("'{{context.reason}}' = 'cannot_handle_chitchat'", True),
    ('"{{context.reason}}" = "other"', False),
    ("slots.{{context.collect}} is not null", False),
    ("slots.{{context.collect}} is null", True),
    ("{% if slots.b %}true{% else %}false{% endif %}", True),
    ("{{ context.missing }}", False),
    # unreadable conditions are false
    ("", False),
    ("slots.s =", False),
    ("slots.s = 'unterminated", False),
    ("slots.b and", False),
    ("(slots.b", False),
    ("slots.b)", False),
    ("slots.b slots.f", False),
    ("slots.s @ 3", False),
    ("slots.s = = 3", False),
    ("slots.s matches '('", False),
    ("{{ 1 / 0 }}", False),
    ("{{ unclosed", False),
]


@pytest.mark.parametrize(("condition", "expected"), CASES, ids=[c for c, _ in CASES])
def test_condition_holds(condition: str, expected: bool) -> None:
    assert condition_holds(condition, slots=SLOTS, context=CONTEXT) is expected


@pytest.mark.parametrize(("condition", "expected"), [(None, True), (True, True), (False, False)])
def test_condition_holds_for_missing_and_yaml_booleans(
    condition: bool | None, expected: bool
) -> None:
    assert condition_holds(condition, slots={}, context={}) is expected


@pytest.mark.parametrize(
    "document",
    [
        {"slots": {"x": object()}},
        {"slots": {"x": [[1], {2: 3}]}},
        {"slots": None},
        {},
    ],
)
def test_evaluate_answers_false_instead_of_raising(document: dict[str, Any]) -> None:
    for text in (
        "slots.x > 1",
        "slots.x contains 1",
        "{slots.x} contains 1",
        "slots.x.y matches 'a'",
        "slots.x = 1",
    ):
        assert evaluate(parse_condition(text), document) is False


def test_and_or_group_to_the_right_and_not_binds_tighter() -> None:
    a, b, c = Identifier("a", 4), Identifier("b", 10), Identifier("c", 15)
    assert parse_condition("not a and b or c") == Logical(
        "and", Not(a, 0), Logical("or", b, c, 12), 6
    )


@pytest.mark.parametrize(
    ("text", "op"),
    [("x = 1", "=="), ("x == 1", "=="), ("x is 1", "=="), ("x IS NOT 1", "!="), ("x != 1", "!=")],
)
def test_equality_spellings(text: str, op: str) -> None:
    node = parse_condition(text)
    assert isinstance(node, Compare)
    assert (node.op, node.left, node.right) == (
        op,
        Identifier("x", 0),
        Constant(1.0, len(text) - 1),
    )


def test_parsing_is_cached() -> None:
    assert parse_condition("slots.x is null") is parse_condition("slots.x is null")


@pytest.mark.parametrize(
    ("text", "offset", "fragment"),
    [
        ("", 0, "empty"),
        ("slots.s =", 9, "ends where a value was expected"),
        ("slots.s @ 1", 8, "unexpected character '@'"),
        ("slots.s ! 1", 8, "'!='"),
        ("slots.s = 'x", 10, "not closed"),
        ("(slots.b", 8, "')' to close the '(' at character 1"),
        ("{1 2", 4, "'}' to close"),
        ("slots.b slots.f", 8, "join conditions with 'and' or 'or'"),
        ("slots.s matches '('", 16, "invalid regular expression"),
        ("slots.s matches 3", 16, "'matches' needs a quoted regular expression"),
        ("x contains (a or b)", 11, "'contains' needs a single value"),
        ("{undefined}", 1, "set items"),
        ("x = not y", 4, "expected a value, found 'not'"),
        ("(" * 60 + "x" + ")" * 60, 50, "nested more than 50"),
    ],
)
def test_syntax_errors_say_what_and_where(text: str, offset: int, fragment: str) -> None:
    with pytest.raises(ConditionSyntaxError) as caught:
        parse_condition(text)
    assert caught.value.offset == offset
    assert fragment in caught.value.message
    assert str(caught.value) == caught.value.message


def test_long_and_chains_do_not_exhaust_the_stack() -> None:
    expr = parse_condition(" and ".join(["slots.b"] * 5000))
    assert evaluate(expr, {"slots": {"b": True}}) is True
    assert len(identifiers(expr)) == 1


def test_identifiers_in_source_order_once_each() -> None:
    expr = parse_condition(
        "slots.a = context.b or slots.a contains 'x' or {y 'q'} contains z or slots.s matches abc"
    )
    assert identifiers(expr) == ["slots.a", "context.b", "y", "z", "slots.s"]


def test_render_template_skips_jinja_without_markup() -> None:
    text = "slots.x = {a b}"
    assert render_template(text, {}) is text
    assert (
        render_template("slots.{{ context.collect }}", {"context": {"collect": "a"}}) == "slots.a"
    )


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__ }}",  # the sandbox refuses private attributes
        "{{ slots.l.append(1) }}",  # and, immutable, refuses to change what it is shown
        "{% if %}",
        "{{ 1 + 'a' }}",
    ],
)
def test_render_template_errors_are_syntax_errors(template: str) -> None:
    slots: dict[str, Any] = {"l": []}
    with pytest.raises(ConditionSyntaxError, match="Jinja"):
        render_template(template, {"slots": slots, "context": {}})
    assert slots == {"l": []}


# ----------------------------------------------------------------------------------------------
# static checks (calmtui validate)

DOMAIN = {
    "amount": Slot(name="amount", type="float"),
    "confirm": Slot(name="confirm", type="bool"),
    "csat": Slot(name="csat", type="categorical", values=("satisfied", "unsatisfied")),
}
AT = Span("flows.yml", 12, 13)


@pytest.mark.parametrize(
    ("condition", "code", "offset", "hint"),
    [
        ("slots.amount =", "CT322", 14, None),
        ("slots.amount > 1 and and", "CT322", 21, None),
        ("amount > 1", "CT323", 0, "did you mean 'slots.amount'?"),
        ("slot.amount > 1", "CT323", 0, "did you mean 'slots.amount'?"),
        ("slots.csat = lost", "CT323", 13, "quote it"),
        ("slots.amout > 1", "CT324", 0, "did you mean 'amount'?"),
        ("slots.amount > 1 or slots.nope", "CT324", 20, "declare the slot"),
        ('slots.csat = "happy"', "CT325", 13, "allowed values: 'satisfied', 'unsatisfied'"),
        ('"satisfed" is not slots.csat', "CT325", 0, "did you mean 'satisfied'?"),
        ('slots.confirm = "yes"', "CT326", 16, "true or false"),
        ("slots.confirm is null", "CT326", 17, None),
        ("slots.confirm > 1", "CT326", 16, None),
    ],
)
def test_check_condition_reports_the_problem_at_its_column(
    condition: str, code: str, offset: int, hint: str | None
) -> None:
    [problem] = check_condition(condition, slots=DOMAIN, span=AT)
    assert problem.code == code
    assert problem.span is not None
    assert (problem.span.line, problem.span.col) == (12, 13 + offset)
    if hint:
        assert problem.hint is not None
        assert hint in problem.hint


@pytest.mark.parametrize(
    "condition",
    [
        True,
        False,
        "slots.amount > 10",
        "slots.confirm",
        "not slots.confirm",
        "slots.confirm = true",
        "slots.confirm is FALSE",
        'slots.csat = "SATISFIED"',
        "slots.csat is null",
        'slots.csat > "zzz"',
        "context.anything = 1",
        "slots.{{context.collect}} is not null",
        "'{{context.reason}}' = 'cannot_handle_chitchat'",
        'slots.csat = "{{ context.value }}"',
        "{{ context.whole_condition }}",
    ],
)
def test_check_condition_accepts_valid_conditions(condition: str | bool) -> None:
    assert check_condition(condition, slots=DOMAIN, span=AT) == []


def test_check_condition_without_slots_skips_slot_checks_only() -> None:
    assert check_condition("slots.whatever = 1", slots=None, span=None) == []
    [problem] = check_condition("whatever = 1", slots=None, span=None)
    assert (problem.code, problem.span) == ("CT323", None)


def test_check_condition_respects_allowed_namespaces() -> None:
    [problem] = check_condition("context.x", slots=DOMAIN, span=AT, allowed_namespaces=("slots",))
    assert problem.code == "CT323"
    assert "'slots.'" in problem.message
    assert "'context.'" not in problem.message


def test_check_condition_reports_every_problem_in_source_order() -> None:
    problems = check_condition("slots.zz = 1 or foo or slots.confirm = 2", slots=DOMAIN, span=AT)
    assert [(p.code, p.span.col if p.span else 0) for p in problems] == [
        ("CT324", 13),
        ("CT323", 29),
        ("CT326", 13 + 39),
    ]


def test_check_condition_columns_inside_quoted_and_block_scalars() -> None:
    text = "slots.zz = 1"
    quoted = Span("flows.yml", 3, 11, 3, 11 + len(text) + 2)
    plain = Span("flows.yml", 3, 11, 3, 11 + len(text))
    block = Span("flows.yml", 3, 11, 5, 1)
    assert check_condition(text, slots=DOMAIN, span=quoted)[0].span == Span(
        "flows.yml", 3, 12, 3, 20
    )
    assert check_condition(text, slots=DOMAIN, span=plain)[0].span == Span(
        "flows.yml", 3, 11, 3, 19
    )
    assert check_condition(text, slots=DOMAIN, span=block)[0].span == block


def test_check_condition_jinja_errors_keep_the_condition_span() -> None:
    [problem] = check_condition("{{ unclosed", slots=DOMAIN, span=AT)
    assert (problem.code, problem.span) == ("CT322", AT)
    assert "Jinja" in problem.message
