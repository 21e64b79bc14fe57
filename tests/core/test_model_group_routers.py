"""CT237: a model group's `router:` is accepted and refused exactly where Rasa Pro accepts and
refuses it (rasa.engine.validation.validate_model_group_configuration_setup, and litellm's
`Router(**router)` when Rasa builds the client)."""

from __future__ import annotations

from textwrap import dedent, indent

import pytest

from calmtui.core.loading.config_loader import load_endpoints
from calmtui.core.loading.routers import ROUTING_STRATEGIES
from calmtui.core.source import parse_yaml

TWO = """\
      - {provider: openai, model: gpt-4o, api_base: "http://127.0.0.1:8001/v1"}
      - {provider: openai, model: gpt-4o, api_base: "http://127.0.0.1:8002/v1"}
"""


def group(models: str = TWO, router: str | None = None) -> str:
    text = "model_groups:\n  - id: main\n    models:\n" + models
    if router is not None:
        text += "    router:" + (
            "\n" + indent(dedent(router), "      ") if "\n" in router else f" {router}\n"
        )
    return text


def ct237(text: str) -> list[str]:
    _, diagnostics = load_endpoints(parse_yaml(text, "endpoints.yml"), {})
    assert all(d.code == "CT237" for d in diagnostics), [d.headline() for d in diagnostics]
    return [d.headline() + (f" | {d.hint}" if d.hint else "") for d in diagnostics]


ACCEPTED = {
    "one model, no router": group("      - {provider: openai, model: gpt-4o}\n"),
    "one model with a router": group(
        "      - {provider: openai, model: gpt-4o}\n", "{routing_strategy: simple-shuffle}"
    ),
    "two deployments and a router": group(router="{routing_strategy: simple-shuffle}"),
    "a router without a strategy (litellm's default)": group(router="{num_retries: 1}"),
    "a null strategy": group(router="{routing_strategy: null}"),
    "redis and retry settings": group(
        router="""\
              routing_strategy: usage-based-routing
              redis_host: localhost
              redis_port: 6379
              num_retries: 2
              allowed_fails: 1
              cooldown_time: 30
              timeout: 20
        """
    ),
    "use_chat_completions_endpoint on the router": group(
        router="{routing_strategy: least-busy, use_chat_completions_endpoint: false}"
    ),
    "per-deployment priority (litellm's order)": group(
        "      - {provider: openai, model: gpt-4o, order: 1}\n"
        "      - {provider: openai, model: gpt-4o-mini, order: 2}\n",
        "{routing_strategy: simple-shuffle}",
    ),
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=list(ACCEPTED))
def test_what_rasa_accepts_is_accepted(text: str) -> None:
    assert ct237(text) == []


@pytest.mark.parametrize("strategy", ROUTING_STRATEGIES)
def test_every_strategy_rasa_lists_is_accepted(strategy: str) -> None:
    assert ct237(group(router=f"{{routing_strategy: {strategy}}}")) == []


REFUSED = {
    "several models without a router": (
        group(),
        "endpoints.yml:3:5: error[CT237]: model group 'main' has 2 models but no 'router'; "
        "Rasa refuses a group of several models without one | add 'router: {routing_strategy: "
        "simple-shuffle}' to spread the requests over the models, or keep one model",
    ),
    "an empty router": (
        group(router="{}"),
        "endpoints.yml:6:13: error[CT237]: the router of model group 'main' must be a mapping "
        "of router settings, found an empty mapping | e.g. 'router: {routing_strategy: "
        "simple-shuffle}'",
    ),
    "a router that is a word": (
        group(router="simple-shuffle"),
        "endpoints.yml:6:13: error[CT237]: the router of model group 'main' must be a mapping "
        "of router settings, found text | e.g. 'router: {routing_strategy: simple-shuffle}'",
    ),
    "a null router": (
        group(router="null"),
        "endpoints.yml:6:13: error[CT237]: the router of model group 'main' must be a mapping "
        "of router settings, found nothing | e.g. 'router: {routing_strategy: simple-shuffle}'",
    ),
    "a strategy litellm knows but Rasa refuses": (
        group(router="{routing_strategy: usage-based-routing-v2}"),
        "endpoints.yml:6:32: error[CT237]: unknown routing_strategy 'usage-based-routing-v2' in "
        "model group 'main' | did you mean 'usage-based-routing'?",
    ),
    "a made-up strategy": (
        group(router="{routing_strategy: round-robin}"),
        "endpoints.yml:6:32: error[CT237]: unknown routing_strategy 'round-robin' in model "
        "group 'main' | Rasa's routing strategies: simple-shuffle, least-busy, "
        "latency-based-routing, cost-based-routing, usage-based-routing",
    ),
    "a misspelt router setting": (
        group(router="{routing_stratgy: simple-shuffle}"),
        "endpoints.yml:6:14: error[CT237]: unknown router setting 'routing_stratgy' in model "
        "group 'main' (litellm's Router does not take it) | did you mean 'routing_strategy'?",
    ),
    "the model list given twice": (
        group(router="{model_list: []}"),
        "endpoints.yml:6:14: error[CT237]: unknown router setting 'model_list' in model group "
        "'main' (litellm's Router does not take it) | the group's 'models' are the Router's model "
        "list",
    ),
    "a model setting the router's endpoint": (
        group(
            "      - {provider: openai, model: gpt-4o, use_chat_completions_endpoint: false}\n",
            "{routing_strategy: simple-shuffle}",
        ),
        "endpoints.yml:4:43: error[CT237]: 'use_chat_completions_endpoint' is a router "
        "setting: with a router, a model of model group 'main' may not set it | move it under "
        "'router:' of model group 'main'",
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(REFUSED.values()), ids=list(REFUSED))
def test_what_rasa_refuses_is_an_error_at_the_key_or_value(text: str, expected: str) -> None:
    assert ct237(text) == [expected]


def test_the_router_reaches_the_model_group() -> None:
    text = group(router="{routing_strategy: least-busy, num_retries: 0}")
    endpoints, _ = load_endpoints(parse_yaml(text, "endpoints.yml"), {})
    main = endpoints.model_groups["main"]
    assert main.router == {"routing_strategy": "least-busy", "num_retries": 0}
    assert [m.api_base for m in main.models] == [
        "http://127.0.0.1:8001/v1",
        "http://127.0.0.1:8002/v1",
    ]
    single = load_endpoints(parse_yaml(ACCEPTED["one model, no router"], "e.yml"), {})[0]
    assert single.model_groups["main"].router is None
