"""Properties of the condition language: it never crashes, and it means what it says."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from calmtui.core.conditions import (
    ConditionSyntaxError,
    check_condition,
    condition_holds,
    evaluate,
    parse_condition,
)
from calmtui.core.diagnostics import Span
from calmtui.core.model.slots import Slot

FAST = settings(max_examples=200, deadline=None)

# --- arbitrary input ---------------------------------------------------------------------------

GRAMMAR_SOUP = st.text(
    alphabet=" \t\n()[]{}=!<>#\"'\\-.:;_0123456789abcdeilnorstuxyz{%}", max_size=60
)
JSON_ISH: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=3), inner, max_size=3)
        | st.tuples(inner, inner)
        | st.frozensets(st.integers(), max_size=3)
    ),
    max_leaves=8,
)
NAMESPACE = st.dictionaries(
    st.sampled_from(["a", "b", "n", "s", "l", "k", "0"]), JSON_ISH, max_size=5
)


# --- a small generated grammar ------------------------------------------------------------------


def _any_case(word: str) -> st.SearchStrategy[str]:
    return st.sampled_from([word, word.upper(), word.capitalize()])


NAMES = st.sampled_from(
    ["slots.a", "slots.b", "slots.n", "slots.s", "slots.l", "slots.zz", "context.k"]
)
STRINGS = st.text(
    st.characters(blacklist_characters="\"'\\", blacklist_categories=("Cs",)), max_size=8
).flatmap(lambda s: st.sampled_from([f'"{s}"', f"'{s}'"]))
NUMBERS = st.builds(
    lambda whole, frac: f"{whole}{frac}", st.integers(-99, 99), st.sampled_from(["", ".5", ".25"])
)
KEYWORD_VALUES = st.sampled_from(["true", "false", "null", "undefined", "empty"]).flatmap(_any_case)
PLAIN = st.one_of(
    NAMES,
    STRINGS,
    NUMBERS,
    KEYWORD_VALUES.filter(lambda k: k.lower() not in ("empty", "undefined")),
)
SETS = st.lists(PLAIN, max_size=3).map(lambda items: "{" + " ".join(items) + "}")
FACTORS = st.one_of(NAMES, STRINGS, NUMBERS, KEYWORD_VALUES, SETS)
OPERATORS = st.sampled_from(["=", "==", "!=", ">", ">=", "<", "<=", "is", "is not"]).flatmap(
    _any_case
)
REGEXES = st.sampled_from(['"^a"', "'[0-9]+'", '"b$"', "abc"])


def _combine(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        inner.flatmap(lambda x: _any_case("not").map(lambda n: f"{n} {x}")),
        inner.map(lambda x: f"({x})"),
        st.builds(
            lambda x, op, y: f"{x} {op} {y}", inner, _any_case("and") | _any_case("or"), inner
        ),
    )


COMPARISONS = st.one_of(
    st.builds(lambda x, op, y: f"{x} {op} {y}", FACTORS, OPERATORS, FACTORS),
    st.builds(lambda x, y: f"{x} contains {y}", FACTORS, PLAIN),
    st.builds(lambda x, y: f"{x} matches {y}", FACTORS, REGEXES),
    FACTORS,
)
EXPRESSIONS = st.recursive(COMPARISONS, _combine, max_leaves=6)

# Well-typed comparisons never raise, so negation must flip them exactly.
TYPED_DOCUMENT = {
    "slots": {"n": 3.0, "s": "hello", "l": ["f1", "f2"], "b": True, "a": None},
    "context": {"k": "v"},
}
TYPED = st.one_of(
    st.builds(
        lambda name, op, n: f"{name} {op} {n}",
        st.sampled_from(["slots.n", "slots.zz"]),
        OPERATORS,
        NUMBERS,
    ),
    st.builds(
        lambda op, s: f"slots.s {op} {s}", st.sampled_from(["=", "!=", "is", "is not"]), STRINGS
    ),
    st.builds(
        lambda name, s: f"{name} contains {s}", st.sampled_from(["slots.l", "slots.s"]), STRINGS
    ),
    st.builds(lambda r: f"slots.s matches {r}", REGEXES),
    st.builds(lambda name, v: f"{name} is {v}", NAMES, KEYWORD_VALUES),
    NAMES,
)
TYPED_EXPRESSIONS = st.recursive(TYPED, _combine, max_leaves=6)


# --- properties ---------------------------------------------------------------------------------


@FAST
@given(st.text() | GRAMMAR_SOUP)
def test_parse_raises_only_condition_syntax_errors(text: str) -> None:
    offset = _error_offset(text)
    assert offset is None or 0 <= offset <= len(text)


def _error_offset(text: str) -> int | None:
    try:
        parse_condition(text)
    except ConditionSyntaxError as error:
        return error.offset
    return None


@FAST
@given(EXPRESSIONS)
def test_generated_conditions_parse(text: str) -> None:
    parse_condition(text)


@FAST
@given(EXPRESSIONS, NAMESPACE, NAMESPACE)
def test_evaluate_never_raises(text: str, slots: dict[str, Any], context: dict[str, Any]) -> None:
    assert evaluate(parse_condition(text), {"slots": slots, "context": context}) in (True, False)


@FAST
@given(st.text() | GRAMMAR_SOUP | EXPRESSIONS, NAMESPACE, NAMESPACE)
def test_condition_holds_never_raises(
    text: str, slots: dict[str, Any], context: dict[str, Any]
) -> None:
    assert condition_holds(text, slots=slots, context=context) in (True, False)


@FAST
@given(TYPED_EXPRESSIONS)
def test_not_negates(text: str) -> None:
    holds = evaluate(parse_condition(text), TYPED_DOCUMENT)
    assert evaluate(parse_condition(f"not ({text})"), TYPED_DOCUMENT) is (not holds)


@FAST
@given(TYPED_EXPRESSIONS, TYPED_EXPRESSIONS)
def test_and_or_combine_like_python(left: str, right: str) -> None:
    x = evaluate(parse_condition(left), TYPED_DOCUMENT)
    y = evaluate(parse_condition(right), TYPED_DOCUMENT)
    assert evaluate(parse_condition(f"({left}) and ({right})"), TYPED_DOCUMENT) is (x and y)
    assert evaluate(parse_condition(f"({left}) OR ({right})"), TYPED_DOCUMENT) is (x or y)


DOMAIN = {
    "amount": Slot(name="amount", type="float"),
    "confirm": Slot(name="confirm", type="bool"),
    "csat": Slot(name="csat", type="categorical", values=("satisfied", "unsatisfied")),
}
GOOD_CLAUSES = st.sampled_from(
    ["slots.amount > 1", "slots.confirm", 'slots.csat = "satisfied"', "context.x is null"]
)
# (bad clause, its code, offset of the problem inside the clause)
BAD_CLAUSES = st.sampled_from(
    [
        ("slots.amount = = 1", "CT322", 15),
        ("amount > 1", "CT323", 0),
        ("slots.amuont > 1", "CT324", 0),
        ('slots.csat is "happy"', "CT325", 14),
        ("slots.confirm = 'no'", "CT326", 16),
    ]
)


@FAST
@given(
    st.lists(GOOD_CLAUSES, max_size=4),
    BAD_CLAUSES,
    st.integers(1, 200),
    st.integers(1, 80),
)
def test_check_condition_points_at_the_problem(
    before: list[str], bad: tuple[str, str, int], line: int, col: int
) -> None:
    clause, code, offset = bad
    prefix = "".join(f"{good} and " for good in before)
    [problem] = check_condition(prefix + clause, slots=DOMAIN, span=Span("f.yml", line, col))
    assert problem.code == code
    assert problem.span is not None
    assert (problem.span.line, problem.span.col) == (line, col + len(prefix) + offset)
