"""Which flows the prompt offers (FORMATS.md d.6), with BM25 instead of an embedding service.

With retrieval off, or when the project has no more startable flows than `num_flows`, every flow
a user may start now is offered. Otherwise the prompt gets the union of
* the `num_flows` flows whose documents (id, name, description, collect-slot descriptions and
  values, examples) best match the last `turns_to_embed` user messages,
* flows marked `always_include_in_prompt: true`,
* flows started earlier in this conversation and flows on the stack,
filtered by their guards. Patterns and link-only flows are never offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from calmtui.core.dialogue.state import DialogueState
from calmtui.understanding.flow_catalog import FlowCatalog
from calmtui.understanding.settings import RetrievalSettings
from calmtui.understanding.situation import Situation
from calmtui.understanding.text import content_tokens


@dataclass(frozen=True, slots=True, kw_only=True)
class Retrieved:
    flow_ids: tuple[str, ...]
    scores: tuple[tuple[str, float], ...] = ()
    note: str = ""


def select_flows(
    text: str,
    situation: Situation,
    state: DialogueState,
    catalog: FlowCatalog,
    settings: RetrievalSettings,
) -> Retrieved:
    startable = [e.id for e in catalog.entries if situation.can_start(e.id)]
    limit = settings.num_flows
    if not settings.active or limit < 0 or len(startable) <= limit:
        return Retrieved(flow_ids=tuple(startable))
    query = content_tokens(
        " ".join([*_recent_user_messages(state, settings.turns_to_embed - 1), text])
    )
    allowed = set(startable)
    ranked = sorted(catalog.index.scores(query).items(), key=lambda item: (-item[1], item[0]))
    best: list[tuple[str, float]] = []
    for position, score in ranked:
        flow_id = catalog.entries[position].id
        if flow_id in allowed:
            best.append((flow_id, round(score, 3)))
            if len(best) >= limit:
                break
    keep = {flow_id for flow_id, _ in best}
    keep.update(e.id for e in catalog.entries if e.flow.always_include_in_prompt)
    keep.update(state.started_flows)
    keep.update(situation.flows_on_stack)
    chosen = tuple(f for f in startable if f in keep)
    note = f"flow retrieval: {len(chosen)} of {len(startable)} startable flows offered"
    return Retrieved(flow_ids=chosen, scores=tuple(best), note=note)


def _recent_user_messages(state: DialogueState, count: int) -> list[str]:
    if count <= 0:
        return []
    users = [text for role, text in state.transcript if role == "user"]
    return users[-count:]
