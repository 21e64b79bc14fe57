"""What understanding knows about a project's flows, computed once per project version.

A `FlowCatalog` holds, for every user flow that a message could start (patterns and link-only
flows are never offered): its phrases (readable name, description, `metadata.examples`), its
content vocabulary, the numbers that identify it ("errand 17"), and one BM25 index over flow
documents (id, name, description, collect-slot descriptions and allowed values, examples) used
both by prompt retrieval and by the offline matcher. Building it for 500 flows takes tens of
milliseconds, so it is cached by project identity: a test run that creates a thousand sessions on
one loaded project builds it once, and hot reload (a new `Project` object) gets a fresh one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.model.flows import Flow
from calmtui.core.model.project import Project
from calmtui.understanding.bm25 import BM25Index
from calmtui.understanding.text import content_tokens, identifier_words, normalize, words

PhraseKind = Literal["example", "name", "description", "intent"]
_CACHE_SIZE = 8


@dataclass(frozen=True, slots=True, kw_only=True)
class Phrase:
    text: str
    kind: PhraseKind
    tokens: frozenset[str]


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowEntry:
    id: str
    flow: Flow
    phrases: tuple[Phrase, ...]
    vocabulary: frozenset[str]
    identity_numbers: frozenset[str]


def flow_examples(flow: Flow) -> list[str]:
    """`metadata: {examples: [...]}` (calmtui's extension, ignored by Rasa)."""
    raw: Any = flow.metadata.get("examples")
    if not isinstance(raw, list | tuple):
        return []
    return [str(item) for item in cast(Sequence[Any], raw) if isinstance(item, str | int | float)]


def is_offerable(flow: Flow) -> bool:
    """A user flow a message may start: not a pattern, not reachable only by link/call."""
    return not flow.is_pattern and not flow.is_link_only


class FlowCatalog:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.entries: list[FlowEntry] = [
            _entry(flow) for flow in project.flows.values() if is_offerable(flow)
        ]
        self.by_id: dict[str, FlowEntry] = {e.id: e for e in self.entries}
        self.position: dict[str, int] = {e.id: i for i, e in enumerate(self.entries)}
        steps = ProjectIndex(project)
        self.index = BM25Index([_document(project, steps, e) for e in self.entries])
        self.exact: dict[str, list[str]] = {}
        for entry in self.entries:
            for phrase in entry.phrases:
                if phrase.kind != "description":
                    ids = self.exact.setdefault(normalize(phrase.text), [])
                    if entry.id not in ids:
                        ids.append(entry.id)
        self.vocabulary: list[str] = sorted(self.index.vocabulary)
        top = max(self.index.idf.values(), default=1.0)
        # An unknown word weighs like the rarest known one: it is evidence against every flow,
        # but not so much that one unknown word drowns a clear match ("my card is broken").
        self.unknown_idf = top

    def idf(self, token: str) -> float:
        return self.index.idf.get(token, self.unknown_idf)


def _entry(flow: Flow) -> FlowEntry:
    phrases: list[Phrase] = []
    name = flow.name or identifier_words(flow.id)
    for text, kind in (
        (name, "name"),
        (identifier_words(flow.id), "name"),
        (flow.description, "description"),
        *((example, "example") for example in flow_examples(flow)),
        # Rasa's nlu_trigger intents, matched by name ("check_balance" -> "check balance").
        *((identifier_words(t.intent), "intent") for t in flow.nlu_triggers),
    ):
        tokens = frozenset(content_tokens(text))
        if text.strip() and not any(p.text == text for p in phrases):
            phrases.append(Phrase(text=text, kind=cast(PhraseKind, kind), tokens=tokens))
    vocabulary = frozenset(t for p in phrases for t in p.tokens)
    identity = " ".join((identifier_words(flow.id), flow.name, flow.description))
    numbers = frozenset(w for w in words(identity) if w.isdigit())
    return FlowEntry(
        id=flow.id,
        flow=flow,
        phrases=tuple(phrases),
        vocabulary=vocabulary,
        identity_numbers=numbers,
    )


def _document(project: Project, steps: ProjectIndex, entry: FlowEntry) -> list[str]:
    """The flow as one bag of tokens: phrases plus its collect slots, called flows included
    (FORMATS.md d.6)."""
    tokens = [t for p in entry.phrases for t in content_tokens(p.text)]
    for step in steps.collect_steps(entry.id):
        tokens.extend(content_tokens(identifier_words(step.collect)))
        if step.description:
            tokens.extend(content_tokens(step.description))
        slot = project.domain.slots.get(step.collect)
        if slot is not None and slot.type == "categorical":
            tokens.extend(t for v in slot.values for t in content_tokens(str(v)))
    return tokens


_cache: OrderedDict[int, tuple[Project, FlowCatalog]] = OrderedDict()


def catalog_for(project: Project) -> FlowCatalog:
    """The catalog of this project object (cached; the project is held so its id stays valid)."""
    key = id(project)
    hit = _cache.get(key)
    if hit is not None and hit[0] is project:
        _cache.move_to_end(key)
        return hit[1]
    catalog = FlowCatalog(project)
    _cache[key] = (project, catalog)
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return catalog
