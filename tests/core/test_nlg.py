"""Response selection and rendering (calmtui/core/nlg, FORMATS.md b.2)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from calmtui.core.model.domain import Button, Domain, LegacyCondition, Response, ResponseVariation
from calmtui.core.nlg import (
    RenderedResponse,
    interpolate_text,
    render_jinja,
    render_response,
    render_variation,
    select_variation,
)
from calmtui.core.patterns import builtin_domain

JINJA = {"template": "jinja"}


def var(text: str | None = None, **kwargs: Any) -> ResponseVariation:
    return ResponseVariation(text=text, **kwargs)


def resp(*variations: ResponseVariation, name: str = "utter_x") -> Response:
    return Response(name=name, variations=variations)


def domain(*responses: Response) -> Domain:
    return Domain(responses={r.name: r for r in responses})


def pick(
    response: Response,
    slots: dict[str, Any] | None = None,
    channel: str | None = None,
    **kwargs: Any,
) -> str | None:
    chosen = select_variation(
        response,
        slots=slots or {},
        context=kwargs.pop("context", {}),
        channel=channel,
        rng=random.Random(0),
        **kwargs,
    )
    return None if chosen is None else chosen.text


def jinja(text: str, extra: dict[str, Any] | None = None, **context: Any) -> RenderedResponse:
    return render_variation(
        var(text, metadata=JINJA),
        name="utter_x",
        slots={"name": "Ada"},
        context=context,
        extra=extra,
    )


# --- selection --------------------------------------------------------------------------------

GOLD = 'slots.tier = "gold"'

SELECTION_CASES: list[
    tuple[str, tuple[ResponseVariation, ...], dict[str, Any], str | None, str | None]
] = [
    ("only a default", (var("d"),), {}, None, "d"),
    (
        "matching condition beats default",
        (var("d"), var("c", condition=GOLD)),
        {"tier": "gold"},
        None,
        "c",
    ),
    (
        "failing condition falls back",
        (var("d"), var("c", condition=GOLD)),
        {"tier": "tin"},
        None,
        "d",
    ),
    ("all conditions fail", (var("c", condition=GOLD),), {"tier": "tin"}, None, None),
    ("unset slot fails the condition", (var("c", condition=GOLD),), {"tier": None}, None, None),
    (
        "channel default beats plain conditional",
        (var("c", condition=GOLD), var("web", channel="web")),
        {"tier": "gold"},
        "web",
        "web",
    ),
    (
        "channel conditional beats channel default",
        (var("web", channel="web"), var("webc", channel="web", condition=GOLD), var("d")),
        {"tier": "gold"},
        "web",
        "webc",
    ),
    (
        "failing channel conditional, channel default",
        (var("webc", channel="web", condition=GOLD), var("web", channel="web"), var("d")),
        {"tier": "tin"},
        "web",
        "web",
    ),
    (
        "failing channel conditional, plain conditional",
        (var("webc", channel="web", condition=GOLD), var("c", condition=GOLD), var("d")),
        {"tier": "gold"},
        "web",
        "webc",
    ),
    (
        "channel group empty after conditions",
        (
            var("webc", channel="web", condition='slots.tier = "x"'),
            var("c", condition=GOLD),
            var("d"),
        ),
        {"tier": "gold"},
        "web",
        "c",
    ),
    ("channel variation needs its channel", (var("web", channel="web"), var("d")), {}, None, "d"),
    ("other channel requested", (var("web", channel="web"), var("d")), {}, "slack", "d"),
    ("only channel variations, none requested", (var("web", channel="web"),), {}, None, None),
    ("only channel variations, other requested", (var("web", channel="web"),), {}, "slack", None),
    (
        "legacy condition matches ignoring case",
        (var("d"), var("c", legacy_conditions=(LegacyCondition(name="tier", value="GOLD"),))),
        {"tier": "gold"},
        None,
        "c",
    ),
    (
        "legacy conditions must all match",
        (
            var("d"),
            var(
                "c",
                legacy_conditions=(
                    LegacyCondition(name="tier", value="gold"),
                    LegacyCondition(name="vip", value=True),
                ),
            ),
        ),
        {"tier": "gold", "vip": False},
        None,
        "d",
    ),
    (
        "legacy None matches None",
        (var("d"), var("c", legacy_conditions=(LegacyCondition(name="tier", value=None),))),
        {"tier": None},
        None,
        "c",
    ),
    (
        "legacy None does not match the text None",
        (var("d"), var("c", legacy_conditions=(LegacyCondition(name="tier", value="None"),))),
        {"tier": None},
        None,
        "d",
    ),
    (
        "legacy missing slot is None",
        (var("d"), var("c", legacy_conditions=(LegacyCondition(name="nope", value=None),))),
        {},
        None,
        "c",
    ),
    (
        "legacy bool slot vs YAML text",
        (var("d"), var("c", legacy_conditions=(LegacyCondition(name="vip", value="true"),))),
        {"vip": True},
        None,
        "c",
    ),
    (
        "legacy float slot vs int",
        (var("d"), var("c", legacy_conditions=(LegacyCondition(name="n", value=3),))),
        {"n": 3.0},
        None,
        "c",
    ),
    (
        "legacy failing",
        (var("c", legacy_conditions=(LegacyCondition(name="tier", value="gold"),)),),
        {"tier": "tin"},
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("variations", "slots", "channel", "expected"),
    [case[1:] for case in SELECTION_CASES],
    ids=[case[0] for case in SELECTION_CASES],
)
def test_select_variation(
    variations: tuple[ResponseVariation, ...],
    slots: dict[str, Any],
    channel: str | None,
    expected: str | None,
) -> None:
    assert pick(resp(*variations), slots, channel) == expected


def test_condition_sees_the_stack_context() -> None:
    response = resp(var("d"), var("c", condition='context.collect = "amount"'))
    assert pick(response, context={"collect": "amount"}) == "c"
    assert pick(response, context={"collect": "other"}) == "d"


def test_broken_condition_is_never_eligible() -> None:
    assert pick(resp(var("c", condition="slots.x ==== (")), {"x": 1}) is None


def test_same_seed_same_choice_and_seeds_differ() -> None:
    response = resp(*(var(str(i)) for i in range(6)))

    def sequence(seed: int) -> list[str | None]:
        rng = random.Random(seed)
        picks = [
            select_variation(response, slots={}, context={}, channel=None, rng=rng)
            for _ in range(10)
        ]
        return [p.text if p else None for p in picks]

    assert sequence(7) == sequence(7)
    assert len({tuple(sequence(seed)) for seed in range(5)}) > 1
    assert {t for seed in range(20) for t in sequence(seed)} == {str(i) for i in range(6)}


def test_draw_count_is_one_choice_or_none() -> None:
    single, several = resp(var("only")), resp(var("a"), var("b"), var("c"))
    rng, twin = random.Random(3), random.Random(3)
    select_variation(single, slots={}, context={}, channel=None, rng=rng)
    assert rng.getstate() == twin.getstate()
    chosen = select_variation(several, slots={}, context={}, channel=None, rng=rng)
    assert chosen is twin.choice(several.variations)
    assert rng.getstate() == twin.getstate()


def test_choice_only_among_the_winning_group() -> None:
    response = resp(var("d1"), var("d2"), var("c1", condition=GOLD), var("c2", condition=GOLD))
    seen = {pick_seeded(response, seed, {"tier": "gold"}) for seed in range(30)}
    assert seen == {"c1", "c2"}


def pick_seeded(response: Response, seed: int, slots: dict[str, Any]) -> str | None:
    chosen = select_variation(
        response, slots=slots, context={}, channel=None, rng=random.Random(seed)
    )
    return chosen.text if chosen else None


# --- translation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (None, "Hello Ada"),
        ("en", "Hello Ada"),
        ("de", "Hallo Ada"),
        ("fr", "Hello Ada"),
    ],
)
def test_translation(language: str | None, expected: str) -> None:
    variation = var("Hello {name}", translation={"de": "Hallo {name}", "en": "Hi {name}"})
    rendered = render_variation(
        variation, name="utter_hi", slots={"name": "Ada"}, context={}, language=language
    )
    assert rendered.text == expected


def test_translation_when_the_default_language_is_not_english() -> None:
    variation = var("Hallo", translation={"en": "Hello"})
    out = render_variation(
        variation, name=None, slots={}, context={}, language="en", default_language="de"
    )
    assert out.text == "Hello"
    out = render_variation(
        variation, name=None, slots={}, context={}, language="de", default_language="de"
    )
    assert out.text == "Hallo"


def test_selection_prefers_translated_variations() -> None:
    response = resp(var("a"), var("b", translation={"de": "B"}))
    for seed in range(10):
        chosen = select_variation(
            response, slots={}, context={}, channel=None, rng=random.Random(seed), language="de"
        )
        assert chosen is not None
        assert chosen.text == "b"
    assert pick(response, language="fr") in {"a", "b"}


# --- default ("format") engine --------------------------------------------------------------------

VALUES = {
    "name": "Ada",
    "none": None,
    "n": 3.0,
    "i": 42,
    "flag": True,
    "items": ["a", "b"],
    "value": "x",
}

FORMAT_CASES = [
    ("no braces", "Hello there", "Hello there"),
    ("empty", "", ""),
    ("one placeholder", "Hello {name}!", "Hello Ada!"),
    ("repeated", "{name} {name}", "Ada Ada"),
    ("None renders as None", "slot: {none}", "slot: None"),
    ("float", "{n}", "3.0"),
    ("int", "{i} items", "42 items"),
    ("bool", "{flag}", "True"),
    ("list", "{items}", "['a', 'b']"),
    ("unknown left untouched", "Hi {nobody}", "Hi {nobody}"),
    ("unknown next to known", "Hi {name} and {nobody}", "Hi Ada and {nobody}"),
    ("empty braces", "Hello {}", "Hello {}"),
    ("spaces are not a placeholder", "a { name } b {name}", "a { name } b Ada"),
    ("not a name", "{ a b } {name}", "{ a b } Ada"),
    ("json", '{"a": 1}', '{"a": 1}'),
    ("nested json", '{"a": {"b": 1}}', '{"a": {"b": 1}}'),
    ("json next to a placeholder", '{"a": {"b": 1}} {name}', '{"a": {"b": 1}} Ada'),
    ("lone open brace", "a { b {name}", "a { b Ada"),
    ("lone close brace", "a } b {name}", "a } b Ada"),
    ("newline inside braces", "{na\nme} {name}", "{na\nme} Ada"),
    ("double braces escape like str.format", "{{name}}", "{name}"),
    ("escapes around a value", "{{{name}}}", "{Ada}"),
    ("escape and placeholder", "{{ and {name}", "{ and Ada"),
    ("close escape alone", "a }} b", "a } b"),
    ("escapes kept when something is unknown", "{{x}} {nobody}", "{{x}} {nobody}"),
    ("value containing braces is not re-read", "{value}", "x"),
    ("keys from extra", "Sorry, {value} is not valid", "Sorry, x is not valid"),
    ("unicode", "Grüße, {name} ✓", "Grüße, Ada ✓"),
    ("dotted is a plain key", "{a.b}", "{a.b}"),
]


@pytest.mark.parametrize(
    ("template", "expected"),
    [case[1:] for case in FORMAT_CASES],
    ids=[case[0] for case in FORMAT_CASES],
)
def test_interpolate_text(template: str, expected: str) -> None:
    assert interpolate_text(template, VALUES) == expected


def test_value_with_placeholder_syntax_is_inserted_verbatim() -> None:
    assert interpolate_text("{a} {b}", {"a": "{b}", "b": "{{"}) == "{b} {{"


@given(st.text(), st.dictionaries(st.text(min_size=1, max_size=5), st.text(max_size=5), max_size=4))
def test_interpolate_text_never_raises(template: str, values: dict[str, str]) -> None:
    result = interpolate_text(template, values)
    if "{" not in template and "}" not in template:
        assert result == template


def test_format_engine_uses_slots_and_extra_with_extra_winning() -> None:
    out = render_variation(
        var("{name} {value}"),
        name="utter_x",
        slots={"name": "Ada", "value": "slot"},
        context={},
        extra={"value": "kw"},
    )
    assert out.text == "Ada kw"
    assert out.problems == ()


def test_format_engine_does_not_see_the_context() -> None:
    out = render_variation(
        var("{canceled_name}"), name=None, slots={}, context={"canceled_name": "x"}
    )
    assert out.text == "{canceled_name}"


def test_buttons_are_interpolated() -> None:
    variation = var(
        "Pick",
        buttons=(
            Button(title="Pay {amount}", payload="/SetSlots(amount={amount})"),
            Button(title="{nobody}", payload=None),
        ),
        button_type="vertical",
    )
    out = render_variation(variation, name="utter_pick", slots={"amount": 5}, context={})
    assert out.buttons == (
        Button(title="Pay 5", payload="/SetSlots(amount=5)"),
        Button(title="{nobody}", payload=None),
    )
    assert out.button_type == "vertical"


def test_custom_and_friends_are_interpolated_recursively_without_mutation() -> None:
    custom = {
        "card": {"title": "Hi {name}", "count": 3, "tags": ["{name}", 1, None, {"deep": "{name}"}]}
    }
    variation = var(
        None,
        image="https://img/{name}.png",
        custom=custom,
        attachment={"url": "{name}"},
        quick_replies=[{"title": "{name}", "payload": "/x"}],
        elements=[{"title": "{name}"}],
    )
    out = render_variation(variation, name="utter_card", slots={"name": "Ada"}, context={})
    assert out.text is None
    assert out.image == "https://img/Ada.png"
    assert out.custom == {
        "card": {"title": "Hi Ada", "count": 3, "tags": ["Ada", 1, None, {"deep": "Ada"}]}
    }
    assert custom["card"]["title"] == "Hi {name}"  # the domain's own object is untouched
    assert out.attachment == {"url": "Ada"}
    assert out.quick_replies == [{"title": "Ada", "payload": "/x"}]
    assert out.elements == [{"title": "{name}"}]  # Rasa does not interpolate elements


# --- jinja -----------------------------------------------------------------------------------


def test_jinja_context_variable() -> None:
    out = jinja("Okay, stopping {{ context.canceled_name }}.", canceled_name="transfer money")
    assert out.text == "Okay, stopping transfer money."
    assert out.problems == ()


CORRECTED = (
    "Ok, I am updating {% for name, slot in context.corrected_slots.items() %}{{ name }} to "
    "{{ slot.value if slot.value is defined else slot }}{% if not loop.last %}, and {% endif %}{% endfor %}."
)


@pytest.mark.parametrize(
    ("corrected", "expected"),
    [
        ({"amount": {"value": 50, "filled_by": "llm"}}, "Ok, I am updating amount to 50."),
        ({"amount": 50, "to": "Bob"}, "Ok, I am updating amount to 50, and to to Bob."),
        (
            {"amount": {"value": 5, "filled_by": None}, "to": "Bob"},
            "Ok, I am updating amount to 5, and to to Bob.",
        ),
    ],
)
def test_jinja_loop_over_corrected_slots(corrected: dict[str, Any], expected: str) -> None:
    out = jinja(CORRECTED, corrected_slots=corrected)
    assert out.text == expected
    assert out.problems == ()


def test_jinja_sees_slots_context_and_extra_with_extra_winning() -> None:
    out = jinja("{{ name }}/{{ value }}/{{ context.x }}", extra={"value": "v", "name": "kw"}, x=1)
    assert out.text == "kw/v/1"


def test_jinja_value_from_extra() -> None:
    out = jinja("Sorry, `{{value}}` isn't a number.", extra={"value": "abc"})
    assert out.text == "Sorry, `abc` isn't a number."


def test_jinja_undefined_renders_empty() -> None:
    out = jinja("[{{ nothing }}|{{ context.missing }}]")
    assert out.text == "[|]"
    assert out.problems == ()


def test_jinja_context_wins_over_a_slot_called_context() -> None:
    out = render_variation(
        var("{{ context.a }}", metadata=JINJA),
        name=None,
        slots={"context": {"a": "slot"}},
        context={"a": "ctx"},
    )
    assert out.text == "ctx"


@pytest.mark.parametrize(
    "template",
    [
        "Broken {{ name ",
        "{% for x in %}",
        "{% endfor %}",
        "{{ 1 / 0 }}",
        "{{ nothing.attr }}",
        "{{ name.upper(1, 2, 3) }}",
        "{{ 'x' * 10000000 }}",
        "{{ 10 ** 100000 }}",
        "{% for x in range(10000000) %}{% endfor %}",
    ],
)
def test_jinja_errors_keep_the_raw_text_and_record_a_problem(template: str) -> None:
    out = jinja(template)
    assert out.text == template
    assert len(out.problems) == 1
    assert out.problems[0].startswith("Jinja error in text")


@pytest.mark.parametrize(
    "template",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ ''.__class__ }}",
        "{{ name.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ context.__class__.__base__ }}",
        "{{ ().__class__.__bases__[0].__subclasses__() }}",
    ],
)
def test_jinja_sandbox_escape_is_harmless(template: str) -> None:
    out = jinja(template, x=1)
    assert out.text is not None
    assert out.problems or out.text == ""
    assert "<class" not in out.text
    assert "function" not in out.text
    assert "module" not in out.text


def test_jinja_cannot_mutate_the_engine_state() -> None:
    context: dict[str, Any] = {"corrected_slots": {"a": 1}}
    slots: dict[str, Any] = {"items": [1]}
    variation = var("{{ context.corrected_slots.clear() }}{{ items.append(2) }}", metadata=JINJA)
    out = render_variation(variation, name=None, slots=slots, context=context)
    assert context == {"corrected_slots": {"a": 1}}
    assert slots == {"items": [1]}
    assert out.problems


def test_jinja_applies_to_buttons_and_custom() -> None:
    variation = var(
        "{{ context.q }}",
        metadata=JINJA,
        buttons=(Button(title="{{ context.a }}", payload="/SetSlots(x={{ context.a }})"),),
        custom={"k": ["{{ context.a }}"]},
    )
    out = render_variation(variation, name=None, slots={}, context={"q": "Q?", "a": "yes"})
    assert out.text == "Q?"
    assert out.buttons == (Button(title="yes", payload="/SetSlots(x=yes)"),)
    assert out.custom == {"k": ["yes"]}


def test_jinja_error_in_a_button_is_reported_once_per_message() -> None:
    variation = var(
        "ok",
        metadata=JINJA,
        buttons=(Button(title="{{ a", payload="{{ a"), Button(title="{{ a", payload=None)),
    )
    out = render_variation(variation, name=None, slots={}, context={})
    assert out.buttons[0].title == "{{ a"
    assert len(out.problems) == 2  # one per distinct field kind, duplicates folded
    assert {p.split(",")[0] for p in out.problems} == {
        "Jinja error in a button title",
        "Jinja error in a button payload",
    }


def test_jinja_drops_one_trailing_newline_like_rasa() -> None:
    assert jinja("line\n").text == "line"
    assert jinja("{{ name }}\n").text == "Ada"
    assert render_variation(var("line\n"), name=None, slots={}, context={}).text == "line\n"


def test_format_placeholders_are_not_jinja() -> None:
    assert jinja("{name} {{ name }}").text == "{name} Ada"


@given(st.text(max_size=40))
def test_render_jinja_never_raises(source: str) -> None:
    text, error = render_jinja(source, {"context": {}})
    assert isinstance(text, str)
    assert error is None or isinstance(error, str)


# --- render_response ----------------------------------------------------------------------------


def test_render_response_end_to_end() -> None:
    d = domain(
        resp(
            var(
                "Hi {name}",
                id="greet-1",
                metadata={"rephrase": True},
                buttons=(Button(title="ok", payload="/ok"),),
            ),
            name="utter_greet",
        )
    )
    out = render_response(d, "utter_greet", slots={"name": "Ada"}, context={}, rng=random.Random(1))
    assert out == RenderedResponse(
        utter_action="utter_greet",
        text="Hi Ada",
        buttons=(Button(title="ok", payload="/ok"),),
        variation_id="greet-1",
        metadata={"rephrase": True},
    )
    assert out is not None
    assert "utter_action" not in out.metadata


def test_render_response_missing_or_ineligible_is_none() -> None:
    d = domain(resp(var("c", condition=GOLD), name="utter_gold"))
    assert render_response(d, "utter_nope", slots={}, context={}, rng=random.Random(0)) is None
    assert (
        render_response(d, "utter_gold", slots={"tier": "tin"}, context={}, rng=random.Random(0))
        is None
    )
    out = render_response(d, "utter_gold", slots={"tier": "gold"}, context={}, rng=random.Random(0))
    assert out is not None
    assert out.text == "c"


def test_render_response_channel_and_language() -> None:
    d = domain(
        resp(var("plain"), var("web", channel="web", translation={"de": "Netz"}), name="utter_c"),
    )
    out = render_response(
        d, "utter_c", slots={}, context={}, rng=random.Random(0), channel="web", language="de"
    )
    assert out is not None
    assert out.text == "Netz"


@pytest.mark.parametrize(
    "rendered",
    [
        RenderedResponse(utter_action=None, text="free text"),
        RenderedResponse(
            utter_action="utter_x",
            text="t",
            buttons=(Button(title="a", payload="/a"), Button(title="b", payload=None)),
            image="i",
            custom={"a": [1, "b"]},
            attachment={"u": 1},
            quick_replies=[{"t": 1}],
            elements=[{"e": 1}],
            button_type="inline",
            variation_id="v1",
            metadata={"rephrase": True, "template": "jinja"},
            problems=("p1", "p2"),
        ),
    ],
)
def test_rendered_response_json_round_trip(rendered: RenderedResponse) -> None:
    data = rendered.to_json()
    assert RenderedResponse.from_json(data) == rendered
    assert data["utter_action"] == rendered.utter_action
    assert data["text"] == rendered.text


def test_rendered_response_json_is_compact() -> None:
    assert RenderedResponse(utter_action="utter_x", text="t").to_json() == {
        "utter_action": "utter_x",
        "text": "t",
    }


# --- the default domain ---------------------------------------------------------------------------

TYPICAL_CONTEXT: dict[str, Any] = {
    "flow_id": "pattern_x",
    "step_id": "START",
    "frame_id": "ABC",
    "type": "pattern_x",
    "canceled_name": "transfer money",
    "canceled_frames": ["ABC"],
    "is_reset_only": False,
    "corrected_slots": {"amount": {"value": 50, "filled_by": "llm"}, "to": "Bob"},
    "names": ["transfer money", "check balance"],
    "clarification_options": "transfer money or check balance",
    "clarification_ids": ["transfer_money", "check_balance"],
    "interrupted_flow_names": ["transfer money"],
    "interrupted_flow_ids": ["transfer_money"],
    "interrupted_flow_options": "transfer money",
    "multiple_flows_interrupted": False,
    "previous_flow_name": "transfer money",
    "reason": "cannot_handle_default",
    "error_type": "rasa_internal_error_user_input_too_long",
    "info": {"max_characters": 420},
}

# Templates that reach into nested context data fail (and say so) when the data is missing, as in
# Rasa (default `Undefined`): the patterns that utter them always provide it.
NEEDS_CONTEXT = {"utter_corrected_previous_input"}


def default_slots() -> dict[str, Any]:
    return {name: slot.initial_value for name, slot in builtin_domain().slots.items()}


@pytest.mark.parametrize("name", sorted(builtin_domain().responses))
def test_every_default_response_renders_cleanly(name: str) -> None:
    out = render_response(
        builtin_domain(),
        name,
        slots=default_slots(),
        context=TYPICAL_CONTEXT,
        rng=random.Random(0),
        extra={"value": "x"},
    )
    assert out is not None
    assert out.problems == ()
    assert out.text
    assert "{{" not in out.text
    assert "{%" not in out.text


@pytest.mark.parametrize("name", sorted(builtin_domain().responses))
def test_every_default_response_survives_an_empty_context(name: str) -> None:
    out = render_response(builtin_domain(), name, slots={}, context={}, rng=random.Random(0))
    assert out is not None
    assert out.text
    if name in NEEDS_CONTEXT:
        assert out.problems
    else:
        assert out.problems == ()


def test_default_texts_with_context() -> None:
    def text(name: str, **extra: Any) -> str | None:
        out = render_response(
            builtin_domain(),
            name,
            slots={},
            context=TYPICAL_CONTEXT,
            rng=random.Random(0),
            extra=extra,
        )
        return None if out is None else out.text

    assert text("utter_flow_cancelled_rasa") == "Okay, stopping transfer money."
    assert (
        text("utter_corrected_previous_input") == "Ok, I am updating amount to 50, and to to Bob."
    )
    assert text("utter_float_slot_rejection", value="abc") == (
        "Sorry, `abc` doesn't look like a number. Please give me a number."
    )
    assert text("utter_user_input_too_long_error_rasa") is not None
    assert "420 characters" in (text("utter_user_input_too_long_error_rasa") or "")


def test_jinja_templates_are_compiled_once() -> None:
    from calmtui.core.nlg.templating import _compile_jinja  # pyright: ignore[reportPrivateUsage]

    template = "{{ name }} compiled once {{ context.x }}"
    jinja(template)
    before = _compile_jinja.cache_info()
    for _ in range(5):
        jinja(template, x=1)
    after = _compile_jinja.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 5
