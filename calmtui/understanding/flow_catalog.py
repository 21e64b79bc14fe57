"""What understanding knows about a project's flows, computed once per project version.

A `FlowCatalog` holds, for every user flow that a message could start (patterns and link-only
flows are never offered), everything the project says about it:

* *request phrases* — ways a user asks for the flow: its readable name and id, its
  `description`, `metadata.examples`, its `nlu_trigger` intents (by name) and those intents'
  examples from the project's NLU data;
* *detail phrases* — what the flow talks about once it runs: the descriptions of its collect
  steps, the questions it asks (`utter_ask_<slot>` or the step's `utter`), the buttons of those
  questions and the allowed values of its categorical slots (called flows included).

Request phrases decide a match on their own; detail phrases only help (a user who says "I want
to top up 20 euros" names what the flow asks, "how much would you like to top up?").

It also holds the numbers that identify a flow ("errand 17"), one BM25 index over flow
documents (id, name, description, collect-slot descriptions and allowed values, examples) used
both by prompt retrieval and by the offline matcher, and — once the embedded model is loaded —
the phrases' vectors (`semantic_index.SemanticIndex`). Building it for 500 flows takes tens of
milliseconds, so it is cached by project identity: a test run that creates a thousand sessions on
one loaded project builds it once, and hot reload (a new `Project` object) gets a fresh one.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.model.flows import CallStep, CollectStep, Flow, LinkStep
from calmtui.core.model.project import Project
from calmtui.core.payloads import parse_set_slots_payload
from calmtui.understanding.bm25 import BM25Index
from calmtui.understanding.text import (
    ANALYZER,
    content_tokens,
    identifier_words,
    normalize,
    words,
)

if TYPE_CHECKING:
    from calmtui.understanding.semantic_index import SemanticIndex

PhraseKind = Literal[
    "example", "name", "description", "intent", "intent example", "step", "question", "value"
]
# Phrases that say how a user asks for the flow; the others say what it talks about.
REQUEST_KINDS: frozenset[str] = frozenset(
    {"example", "name", "description", "intent", "intent example"}
)
# A message equal to one of these (ignoring case and punctuation) asks for the flow outright.
EXACT_KINDS: frozenset[str] = frozenset({"example", "name", "intent", "intent example"})
_CACHE_SIZE = 8
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Phrase:
    text: str
    kind: PhraseKind
    tokens: frozenset[str]

    @property
    def is_request(self) -> bool:
        return self.kind in REQUEST_KINDS


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowEntry:
    id: str
    flow: Flow
    phrases: tuple[Phrase, ...]
    vocabulary: frozenset[str]  # content tokens of the request phrases
    name_words: frozenset[str]  # ...of its name and id only
    detail_vocabulary: frozenset[str]  # ...of the detail phrases only
    identity_numbers: frozenset[str]


def flow_examples(flow: Flow, language: str | None = None) -> list[str]:
    """`metadata: {examples: [...]}` (calmtui's extension, ignored by Rasa): phrases in the
    default language, or `{examples: {en: [...], de: [...]}}` per language. `language` None is
    the default language (a mapping then gives every language's phrases)."""
    raw: Any = flow.metadata.get("examples")
    if isinstance(raw, dict):
        table = cast(dict[Any, Any], raw)
        if language is None:
            raw = [
                p
                for phrases in table.values()
                if isinstance(phrases, list)
                for p in cast(list[Any], phrases)
            ]
        else:
            raw = table.get(language)
    elif language is not None and not isinstance(raw, list | tuple):
        return []
    if not isinstance(raw, list | tuple):
        return []
    return [str(item) for item in cast(Sequence[Any], raw) if isinstance(item, str | int | float)]


def is_offerable(flow: Flow) -> bool:
    """A user flow a message may start: not a pattern, not reachable only by link/call."""
    return not flow.is_pattern and not flow.is_link_only


class FlowCatalog:
    def __init__(self, project: Project, language: str | None = None) -> None:
        """`language`: the catalog of a conversation in that language (None: the default
        language, read with the English analyzer) — its phrases are the flows' translated
        names, that language's examples and translated questions, compared by its stems."""
        self.project = project
        self.language = language
        steps = ProjectIndex(project)
        self.entries: list[FlowEntry] = [
            _entry(project, steps, flow, language)
            for flow in project.flows.values()
            if is_offerable(flow)
        ]
        self.by_id: dict[str, FlowEntry] = {e.id: e for e in self.entries}
        self.position: dict[str, int] = {e.id: i for i, e in enumerate(self.entries)}
        self.index = BM25Index([_document(project, steps, e) for e in self.entries])
        self.exact: dict[str, list[str]] = {}
        for entry in self.entries:
            for phrase in entry.phrases:
                if phrase.kind in EXACT_KINDS:
                    ids = self.exact.setdefault(normalize(phrase.text), [])
                    if entry.id not in ids:
                        ids.append(entry.id)
        self.vocabulary: list[str] = sorted(self.index.vocabulary)
        # Misspellings keep their first letter ("balnce"): a typo is looked up among the words
        # with the same initial only, so the lookup does not grow with the whole vocabulary.
        self.vocabulary_by_initial: dict[str, list[str]] = {}
        for word in self.vocabulary:
            self.vocabulary_by_initial.setdefault(word[:1], []).append(word)
        self.known_words: frozenset[str] = frozenset(
            t for e in self.entries for t in (*e.vocabulary, *e.detail_vocabulary)
        )
        # The words the flows are named with (names and ids): a user's word among them means
        # what the project means by it (`flow_matching._with_synonyms`).
        self.name_words: frozenset[str] = frozenset(t for e in self.entries for t in e.name_words)
        top = max(self.index.idf.values(), default=1.0)
        # An unknown word weighs like the rarest known one: it is evidence against every flow,
        # but not so much that one unknown word drowns a clear match ("my card is broken").
        self.unknown_idf = top
        self._semantic: SemanticIndex | None = None
        self._handoff: list[str] | None = None
        self._shapes: dict[str, set[tuple[str, str]]] | None = None
        self._semantic_lock = threading.Lock()
        self._spelling: dict[str, list[str]] | None = None

    def idf(self, token: str) -> float:
        return self.index.idf.get(token, self.unknown_idf)

    def handoff_flows(self) -> list[str]:
        """Flows that hand the conversation to a person: they link to (or call)
        pattern_human_handoff, or their name or description says human/agent/advisor/person."""
        if self._handoff is None:
            self._handoff = [e.id for e in self.entries if _hands_off(e.flow)]
        return self._handoff

    def spelling(self) -> dict[str, list[str]]:
        """The words the project says and the words of conversation, by first letter, for
        putting misspellings right (`spelling`); computed once."""
        if self._spelling is None:
            from calmtui.understanding.spelling import dictionary_by_initial

            self._spelling = dictionary_by_initial(p.text for e in self.entries for p in e.phrases)
        return self._spelling

    def reference_shapes(self) -> dict[str, set[tuple[str, str]]]:
        """The reference shapes each flow asks for (`reference_shapes`), computed once."""
        if self._shapes is None:
            from calmtui.understanding.reference_shapes import flow_shapes

            self._shapes = flow_shapes(self.project, [e.id for e in self.entries])
        return self._shapes

    def semantic(self) -> SemanticIndex | None:
        """The phrases' vectors (built on first use), or None without the embedded model —
        and outside English, whose words the embedded model does not know (languages.md)."""
        if self._semantic is not None:
            return self._semantic
        if self.language is not None:
            return None
        from calmtui.understanding.semantic_index import SemanticIndex
        from calmtui.understanding.semantic_model import shared_model
        from calmtui.understanding.sentence_model import shared_encoder

        model = shared_model()
        if model is None:
            return None
        encoder = shared_encoder()
        with self._semantic_lock:
            if self._semantic is None:
                self._semantic = SemanticIndex(self, model, encoder)
        return self._semantic


_HUMAN_WORDS = frozenset(
    {"human", "agent", "advisor", "adviser", "person", "representative", "operator", "staff"}
)


def _hands_off(flow: Flow) -> bool:
    if any(
        isinstance(step, LinkStep | CallStep)
        and getattr(step, "link", getattr(step, "call", "")) == "pattern_human_handoff"
        for step in flow.steps
    ):
        return True
    said = {*words(flow.name), *words(identifier_words(flow.id)), *words(flow.description)}
    return bool(_HUMAN_WORDS & said) and bool({"talk", "speak", "connect", "handoff"} & said)


def _entry(project: Project, steps: ProjectIndex, flow: Flow, language: str | None) -> FlowEntry:
    phrases: list[Phrase] = []
    seen: set[str] = set()

    def add(text: str, kind: PhraseKind) -> None:
        text = " ".join(text.split())
        key = normalize(text)
        if key and key not in seen:
            seen.add(key)
            phrases.append(Phrase(text=text, kind=kind, tokens=frozenset(content_tokens(text))))

    if language is not None and language in flow.translation:
        add(flow.translation[language], "name")
    add(flow.name or identifier_words(flow.id), "name")
    add(identifier_words(flow.id), "name")
    add(flow.description, "description")
    default = project.config.language
    wanted = language if language is not None and language != default else None
    for example in flow_examples(flow, wanted or (default if language is not None else None)):
        add(example, "example")
    intents = project.nlu_data.intent_examples
    for trigger in flow.nlu_triggers:
        # Rasa's nlu_trigger intents, matched by name ("check_balance" -> "check balance").
        add(identifier_words(trigger.intent), "intent")
        for example in intents.get(trigger.intent, ()):
            add(example, "intent example")
    for step in steps.collect_steps(flow.id):
        _add_details(project, step, add, wanted)
    request = frozenset(t for p in phrases if p.is_request for t in p.tokens)
    detail = frozenset(t for p in phrases if not p.is_request for t in p.tokens) - request
    identity = " ".join((identifier_words(flow.id), flow.name, flow.description))
    numbers = frozenset(w for w in words(identity) if w.isdigit())
    return FlowEntry(
        id=flow.id,
        flow=flow,
        phrases=tuple(phrases),
        vocabulary=request,
        name_words=frozenset(t for p in phrases if p.kind == "name" for t in p.tokens),
        detail_vocabulary=detail,
        identity_numbers=numbers,
    )


def _add_details(project: Project, step: CollectStep, add: Any, language: str | None) -> None:
    """The collect step's description, its question, the question's buttons, the values (the
    question and buttons as a user speaking `language` sees them)."""
    if step.description:
        add(step.description, "step")
    response = project.domain.responses.get(step.utter)
    for variation in response.variations if response is not None else ():
        question = variation.translation.get(language, variation.text) if language else None
        if question or variation.text:
            add(_PLACEHOLDER.sub(" ", question or variation.text or ""), "question")
        for button in (b.in_language(language) for b in variation.buttons):
            if button.title and parse_set_slots_payload(button.payload or "") is not None:
                add(button.title, "value")
    slot = project.domain.slots.get(step.collect)
    if slot is not None and slot.type == "categorical":
        for value in slot.values:
            add(str(value), "value")


def _document(project: Project, steps: ProjectIndex, entry: FlowEntry) -> list[str]:
    """The flow as one bag of tokens: request phrases plus its collect slots, called flows
    included (FORMATS.md d.6)."""
    tokens = [t for p in entry.phrases if p.is_request for t in content_tokens(p.text)]
    for step in steps.collect_steps(entry.id):
        tokens.extend(content_tokens(identifier_words(step.collect)))
        if step.description:
            tokens.extend(content_tokens(step.description))
        slot = project.domain.slots.get(step.collect)
        if slot is not None and slot.type == "categorical":
            tokens.extend(t for v in slot.values for t in content_tokens(str(v)))
    return tokens


_cache: OrderedDict[tuple[int, str | None], tuple[Project, FlowCatalog]] = OrderedDict()
_cache_lock = threading.Lock()


def catalog_for(project: Project) -> FlowCatalog:
    """The catalog of this project object in the language being analysed (`ANALYZER`; cached;
    the project is held so its id stays valid).

    Thread-safe: the offline generator may warm it up in a background thread."""
    analyzer = ANALYZER.get()
    language = analyzer.code if analyzer is not None else None
    key = (id(project), language)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is project:
            _cache.move_to_end(key)
            return hit[1]
        catalog = FlowCatalog(project, language)
        _cache[key] = (project, catalog)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
        return catalog
