"""What calmtui reads but does not run, said once: `calmtui validate` warns about each item and
`shell`, `inspect` and `test` print one line listing them at start (issue 11 §5).

The inventory (docs/diagnostics.md CT275-CT277, CT371, CT372):

* config.yml: NLU pipeline components (tokenizers, featurizers, classifiers, extractors), custom
  components and policies, the NLU-based policies (RulePolicy, TEDPolicy, Memoization...), and the
  coexistence routers, which calmtui applies only in part (`calmtui.core.coexistence`);
* endpoints.yml: tracker and lock stores, event brokers, the model server, MCP servers and
  sub-agents, and any key calmtui has no use for;
* flows: voice properties of collect steps (`silence_timeout`, `dtmf`), MCP and sub-agent
  properties (`collect-tool-binding`, `mcp_server`, `mapping`, `exit_if`, `on_activate`) and
  nlu_trigger confidence thresholds (calmtui predicts no intents);
* patterns calmtui never starts: `pattern_user_silence` (no voice channel);
* in a coexistence project, its NLU-based half: stories, rules, forms and the NLU policies and
  components, in one warning at the router.

Every message starts with the quoted name of what is not run, which is how `summary` lists it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from calmtui.core.coexistence import ROUTERS, router_of
from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.loading.config_loader import KNOWN_COMPONENTS, KNOWN_POLICIES
from calmtui.core.model.config import LLM_COMMAND_GENERATORS, Component
from calmtui.core.model.flows import CallStep, CollectStep
from calmtui.core.validate.context import ValidationContext

NLU_POLICIES = frozenset(
    {
        "RulePolicy",
        "TEDPolicy",
        "MemoizationPolicy",
        "AugmentedMemoizationPolicy",
        "UnexpecTEDIntentPolicy",
    }
)
RUN_COMPONENTS = LLM_COMMAND_GENERATORS | {"NLUCommandAdapter"}
RUN_POLICIES = frozenset({"FlowPolicy"})
RUN_ENDPOINTS = frozenset({"action_endpoint", "model_groups"})

# -- EXTENSION POINT ---------------------------------------------------------------------------
# Implemented (or being implemented) elsewhere: the response rephraser (`nlg: {type: rephrase}`,
# responses' `rephrase: true`), enterprise search (EnterpriseSearchPolicy, `vector_store`,
# pattern_search) and generative chitchat (IntentlessPolicy, pattern_chitchat). They get no
# not-run warning here. Should one of them not be run after all, move its name out of this set
# and give it a reason in the tables below.
DEFERRED = frozenset(
    {
        "EnterpriseSearchPolicy",
        "IntentlessPolicy",
        "vector_store",
        "nlg",
        "pattern_search",
        "pattern_chitchat",
    }
)
# ----------------------------------------------------------------------------------------------

ENDPOINT_REASONS = {
    "tracker_store": "conversations are saved in .calmtui/conversations.db",
    "lock_store": "calmtui runs one turn of a conversation at a time itself",
    "event_broker": "calmtui publishes no events",
    "models": "calmtui loads no trained model; it reads the project's files",
    "mcp_servers": "calmtui calls no MCP tools",
    "agents": "calmtui runs no sub-agents",
}
PROPERTY_REASONS = {
    "silence_timeout": "calmtui has no voice channel, so users are never silent",
    "dtmf": "calmtui has no voice channel (keypad input)",
    "collect-tool-binding": "calmtui calls no MCP tools",
    "mcp_server": "calmtui calls no MCP tools",
    "mapping": "calmtui calls no MCP tools",
    "exit_if": "calmtui runs no sub-agents",
    "on_activate": "calmtui runs no agent hooks",
    "confidence_threshold": "calmtui predicts no intents: an intent trigger always starts the flow",
}
NEVER_STARTED = {"pattern_user_silence": "calmtui has no voice channel, so users are never silent"}
NOT_RUN_CODES = ("CT231", "CT275", "CT276", "CT277", "CT371", "CT372")


def not_run(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT275-CT277, CT371, CT372: one warning for each thing calmtui reads and does not run."""
    project = ctx.project
    coexistence = router_of(project) is not None
    yield from _components(ctx, coexistence)
    yield from _endpoints(ctx)
    yield from _properties(ctx)
    if coexistence:
        yield from _nlu_half(ctx)


def _components(ctx: ValidationContext, coexistence: bool) -> Iterator[Diagnostic]:
    config = ctx.project.config
    for component in config.pipeline:
        name = component.name
        if name in RUN_COMPONENTS or name in DEFERRED:
            continue
        if name == "LLMBasedRouter":
            yield _warning(
                "CT275",
                f"'{name}' is not run: calmtui does not ask its model; messages go to CALM, "
                "except intent triggers that start no flow (docs/engine.md, coexistence)",
                component,
            )
        elif name == "IntentBasedRouter":
            yield _warning(
                "CT275",
                f"'{name}' is run in part: calmtui predicts no intents, so its rules route only "
                "intent triggers and messages that are training examples; other messages go to "
                "CALM (docs/engine.md, coexistence)",
                component,
            )
        elif name in KNOWN_COMPONENTS:
            if not coexistence:  # in a coexistence project: part of CT277
                yield _warning(
                    "CT275",
                    f"'{name}' is not run: calmtui has no NLU pipeline; intents come only from "
                    "intent triggers such as '/greet'",
                    component,
                )
        elif "." in name:
            yield _warning(
                "CT275", f"'{name}' is not run: calmtui runs no custom components", component
            )
    for policy in config.policies:
        name = policy.name
        if name in RUN_POLICIES or name in DEFERRED:
            continue
        if name in NLU_POLICIES:
            if not coexistence:
                yield _warning(
                    "CT275",
                    f"'{name}' is not run: it runs stories and rules, which calmtui does not",
                    policy,
                )
        elif name in KNOWN_POLICIES or "." in name:
            yield _warning("CT275", f"'{name}' is not run: calmtui runs only flows", policy)


def _endpoints(ctx: ValidationContext) -> Iterator[Diagnostic]:
    endpoints = ctx.project.endpoints
    for key in endpoints.other:
        if key in RUN_ENDPOINTS or key in DEFERRED:
            continue
        reason = ENDPOINT_REASONS.get(key, "calmtui has no use for it")
        span = endpoints.key_spans.get(key) or (
            Span(endpoints.path, 1, 1) if endpoints.path else None
        )
        yield Diagnostic.warning("CT276", f"'{key}' in endpoints.yml is not used: {reason}", span)


def _properties(ctx: ValidationContext) -> Iterator[Diagnostic]:
    for flow in ctx.project.flows.values():
        if flow.builtin:
            continue
        for key, span in flow.unsupported_spans:
            yield Diagnostic.warning(
                "CT371",
                f"'{key}' of flow {flow.id!r} is not acted on: {PROPERTY_REASONS[key]}",
                span,
            )
        for step in flow.steps:
            if not isinstance(step, CollectStep | CallStep):
                continue
            for key, span in step.unsupported_spans:
                yield Diagnostic.warning(
                    "CT371",
                    f"'{key}' of {step.kind} step {step.id!r} in flow {flow.id!r} is not acted "
                    f"on: {PROPERTY_REASONS[key]}",
                    span,
                )
        if flow.id in NEVER_STARTED:
            yield Diagnostic.warning(
                "CT372",
                f"'{flow.id}' is never started: {NEVER_STARTED[flow.id]}",
                flow.span,
                hint="the project's version of the pattern is loaded and validated, not run",
            )


def _nlu_half(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """CT277: a coexistence project's NLU-based half, in one warning at the router."""
    project = ctx.project
    config = project.config
    data = project.nlu_data
    parts: list[str] = []
    if data.stories:
        parts.append(_count(data.stories, "story", "stories"))
    if data.rules:
        parts.append(_count(data.rules, "rule", "rules"))
    forms = project.domain.forms
    if forms:
        parts.append(f"{_count(len(forms), 'form', 'forms')} ({', '.join(forms)})")
    policies = [p.name for p in config.policies if p.name in NLU_POLICIES]
    parts.extend(policies)
    nlu_components = [
        c.name
        for c in config.pipeline
        if c.name in KNOWN_COMPONENTS and c.name not in RUN_COMPONENTS and c.name not in ROUTERS
    ]
    if nlu_components:
        parts.append(_count(len(nlu_components), "NLU component", "NLU components"))
    router = next(c for c in config.pipeline if c.name in ROUTERS)
    what = ", ".join(parts) if parts else "its stories and rules"
    yield _warning(
        "CT277",
        f"'the NLU-based half' is not run: {what}. calmtui runs the CALM half (the flows); "
        "a message Rasa would route to the NLU-based half is marked in its turn, and an e2e "
        "case that needs it ends skipped",
        router,
    )


def _warning(code: str, message: str, component: Component) -> Diagnostic:
    return Diagnostic.warning(code, message, component.span)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


# -- the one line at start ---------------------------------------------------------------------
_SUBJECT = re.compile(r"'([^']+)'")


@dataclass(frozen=True, slots=True)
class _Item:
    code: str
    label: str


def summary(diagnostics: Iterable[Diagnostic]) -> str | None:
    """`calmtui does not run: DIETClassifier, tracker_store, silence_timeout (2 steps), ...`
    from the not-run warnings that are shown; None when there are none."""
    items: list[_Item] = []
    for d in diagnostics:
        if d.code not in NOT_RUN_CODES or d.severity == "error":
            continue
        if d.code == "CT277":
            what = d.message.split(" is not run: ", 1)[-1].split(". calmtui", 1)[0]
            items.append(_Item(d.code, f"the NLU-based half ({what})"))
            continue
        found = _SUBJECT.search(d.message)
        if found is not None:
            items.append(_Item(d.code, found.group(1)))
    if not items:
        return None
    counts: dict[str, int] = {}
    for item in items:
        counts[item.label] = counts.get(item.label, 0) + 1
    shown = [label if n == 1 else f"{label} ({n} places)" for label, n in counts.items()]
    return f"calmtui does not run: {', '.join(shown)} (calmtui validate lists each one)"
