"""The `router:` of a model group in endpoints.yml, checked the way Rasa Pro checks it.

    model_groups:
      - id: gpt4_deployments
        models:
          - {provider: azure, deployment: gpt4-france, api_base: ..., api_key: ${KEY_FR}}
          - {provider: azure, deployment: gpt4-canada, api_base: ..., api_key: ${KEY_CA}}
        router:
          routing_strategy: simple-shuffle

Rasa refuses to start (`rasa train`, `rasa run`, `rasa test`) when, for a model group:

* it has several models and no `router` key (engine.validation: "router_not_present");
* its `router` has a `routing_strategy` Rasa does not list (below; litellm knows more, Rasa
  refuses them: "invalid_routing_strategy");
* a model of a group with a router sets `use_chat_completions_endpoint` (a router-level setting);
* the router is empty or not a mapping ("Router cannot be empty", or a crash), or names a setting
  litellm's `Router` does not take: Rasa passes the router's keys to `litellm.Router(...)` as
  they are, which raises for an unknown keyword.

calmtui reports each of these as CT237 at the offending key or value. Everything Rasa accepts is
accepted, e.g. a router around a single model. The strategies that Rasa says need Redis
(`cost-based-routing`, `usage-based-routing`) fall back to litellm's in-memory counters without
`redis_host`, as in Rasa (which only logs that).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calmtui.core.diagnostics import did_you_mean
from calmtui.core.loading.reader import Reader, type_name
from calmtui.core.source import YMap, YSeq

# rasa.shared.constants: ROUTING_STRATEGIES_REQUIRING_REDIS_CACHE + ..._NOT_REQUIRING_CACHE.
ROUTING_STRATEGIES = (
    "simple-shuffle",
    "least-busy",
    "latency-based-routing",
    "cost-based-routing",
    "usage-based-routing",
)
USE_CHAT_COMPLETIONS = "use_chat_completions_endpoint"
# The keyword arguments of `litellm.Router.__init__` in the pinned litellm (1.106.2), except
# `model_list`, which the model group's models make. tests/core/test_model_group_routers.py
# compares this list with litellm's signature, so a litellm upgrade cannot make it stale.
LITELLM_ROUTER_SETTINGS = frozenset(
    {
        "assistants_config",
        "search_tools",
        "guardrail_list",
        "redis_url",
        "redis_host",
        "redis_port",
        "redis_password",
        "redis_db",
        "cache_responses",
        "cache_kwargs",
        "caching_groups",
        "client_ttl",
        "polling_interval",
        "default_priority",
        "num_retries",
        "max_fallbacks",
        "timeout",
        "stream_timeout",
        "default_litellm_params",
        "default_max_parallel_requests",
        "set_verbose",
        "debug_level",
        "default_fallbacks",
        "fallbacks",
        "context_window_fallbacks",
        "content_policy_fallbacks",
        "model_group_alias",
        "enable_pre_call_checks",
        "enable_tag_filtering",
        "tag_filtering_match_any",
        "tag_routing_prefix",
        "plugins",
        "retry_after",
        "retry_policy",
        "model_group_retry_policy",
        "allowed_fails",
        "allowed_fails_policy",
        "cooldown_time",
        "disable_cooldowns",
        "routing_strategy",
        "optional_pre_call_checks",
        "routing_strategy_args",
        "routing_groups",
        "provider_budget_config",
        "alerting_config",
        "router_general_settings",
        "deployment_affinity_ttl_seconds",
        "model_group_affinity_config",
        "ignore_invalid_deployments",
        "enable_health_check_routing",
        "health_check_staleness_threshold",
        "health_check_ignore_transient_errors",
        "background_health_check_model_groups",
        "enable_weighted_failover",
        "fallback_access_check",
        "fallback_budget_check",
        "auto_router_capability_limit",
    }
)
ROUTER_KEYS = LITELLM_ROUTER_SETTINGS | {USE_CHAT_COMPLETIONS}
ROUTER_EXAMPLE = "router: {routing_strategy: simple-shuffle}"


def read_router(reader: Reader, group: YMap, what: str) -> Mapping[str, Any] | None:
    """The group's router settings (None: no router); CT237 for what Rasa refuses."""
    models = group.get("models")
    count = len(models) if isinstance(models, YSeq) else 0
    if "router" not in group:
        if count > 1:
            reader.error(
                "CT237",
                f"{what} has {count} models but no 'router'; Rasa refuses a group of several "
                "models without one",
                group.key_span("models"),
                hint=f"add '{ROUTER_EXAMPLE}' to spread the requests over the models, "
                "or keep one model",
            )
        return None
    router = group["router"]
    if not isinstance(router, YMap) or not router:
        found = "an empty mapping" if isinstance(router, YMap) else type_name(router)
        reader.error(
            "CT237",
            f"the router of {what} must be a mapping of router settings, found {found}",
            group.value_span("router"),
            hint=f"e.g. '{ROUTER_EXAMPLE}'",
        )
        return None
    _check_router_settings(reader, router, what)
    if isinstance(models, YSeq):
        for model in models:
            if isinstance(model, YMap) and USE_CHAT_COMPLETIONS in model:
                reader.error(
                    "CT237",
                    f"'{USE_CHAT_COMPLETIONS}' is a router setting: with a router, a model of "
                    f"{what} may not set it",
                    model.key_span(USE_CHAT_COMPLETIONS),
                    hint=f"move it under 'router:' of {what}",
                )
    return dict(router)


def _check_router_settings(reader: Reader, router: YMap, what: str) -> None:
    for key in router:
        if key not in ROUTER_KEYS:
            reader.error(
                "CT237",
                f"unknown router setting {key!r} in {what} (litellm's Router does not take it)",
                router.key_span(key),
                hint="the group's 'models' are the Router's model list"
                if key == "model_list"
                else did_you_mean(key, ROUTER_KEYS),
            )
    strategy = router.get("routing_strategy")
    if strategy and strategy not in ROUTING_STRATEGIES:  # null or empty: litellm's default
        reader.error(
            "CT237",
            f"unknown routing_strategy {strategy!r} in {what}",
            router.value_span("routing_strategy"),
            hint=did_you_mean(str(strategy), ROUTING_STRATEGIES)
            or f"Rasa's routing strategies: {', '.join(ROUTING_STRATEGIES)}",
        )
