"""The EnterpriseSearchPolicy's settings, read as Rasa reads them (config.yml policies).

    policies:
      - name: EnterpriseSearchPolicy
        vector_store: {type: faiss, source: docs, threshold: 0.0}
        llm: {model_group: answers}          # the answer's model (default gpt-4o-mini-like)
        embeddings: {model_group: vectors}   # given: dense retrieval (needs calmtui[faiss])
        prompt_template: prompts/search.jinja2   # `prompt` is the older name
        citation_enabled: true
        check_relevancy: true
        use_generative_llm: true             # false: the best passage is the answer
        max_history: 10                      # turns of conversation in the prompt
        max_messages_in_query: 2             # messages that form the search query

Every key is read; one calmtui cannot honour (an external vector store it cannot reach, dense
retrieval without faiss installed, an option it does not know) becomes a warning, shown by
`calmtui validate` and at start-up, never silence.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.model.config import ENTERPRISE_SEARCH_POLICY, Component
from calmtui.core.model.project import Project
from calmtui.core.source import YMap

DEFAULT_SOURCE = "docs"
DEFAULT_MAX_MESSAGES_IN_QUERY = 2
LOCAL_STORE = "faiss"
BOOL, INT, NUMBER, TEXT, MAPPING = (
    "true or false",
    "a whole number",
    "a number",
    "text",
    "a mapping",
)
OPTIONS: Mapping[str, str] = {
    "vector_store": MAPPING,
    "llm": MAPPING,
    "embeddings": MAPPING,
    "prompt": TEXT,
    "prompt_template": TEXT,
    "citation_enabled": BOOL,
    "check_relevancy": BOOL,
    "use_generative_llm": BOOL,
    "max_history": INT,
    "max_messages_in_query": INT,
    "trace_prompt_tokens": BOOL,
    "priority": INT,
}
STORE_OPTIONS: Mapping[str, str] = {"type": TEXT, "source": TEXT, "threshold": NUMBER}


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchSettings:
    store_type: str = LOCAL_STORE
    source: Path
    source_shown: str = DEFAULT_SOURCE
    threshold: float = 0.0
    llm: Any = None
    embeddings: Any = None
    prompt_template: Path | None = None
    citation_enabled: bool = False
    check_relevancy: bool = False
    use_generative_llm: bool = True
    max_history: int | None = None
    max_messages_in_query: int = DEFAULT_MAX_MESSAGES_IN_QUERY
    span: Span | None = None
    problems: tuple[Diagnostic, ...] = field(default_factory=tuple[Diagnostic, ...])

    @property
    def local(self) -> bool:
        """Documents calmtui indexes itself (Rasa's default FAISS store)."""
        return self.store_type == LOCAL_STORE

    @property
    def dense(self) -> bool:
        """An embeddings model is named: retrieval by vectors (if faiss is installed)."""
        return self.embeddings is not None


def faiss_installed() -> bool:
    return importlib.util.find_spec("faiss") is not None


def search_settings(project: Project, root: Path | None = None) -> SearchSettings | None:
    """The policy's settings, or None when the project has no EnterpriseSearchPolicy."""
    component = project.config.component(ENTERPRISE_SEARCH_POLICY)
    if component is None:
        return None
    base = Path(root if root is not None else project.root)
    options = component.options
    problems = list(_option_problems(component, OPTIONS, options, ""))
    store = _mapping(options.get("vector_store"))
    problems.extend(_option_problems(component, STORE_OPTIONS, store, "vector_store."))
    store_type = str(store.get("type") or LOCAL_STORE).strip().lower()
    source = str(store.get("source") or DEFAULT_SOURCE)
    template = options.get("prompt_template") or options.get("prompt")
    settings = SearchSettings(
        store_type=store_type,
        source=(base / source).resolve() if not Path(source).is_absolute() else Path(source),
        source_shown=source.removeprefix("./") or ".",
        threshold=_number(store.get("threshold"), 0.0),
        llm=options.get("llm"),
        embeddings=options.get("embeddings"),
        prompt_template=base / str(template) if isinstance(template, str) and template else None,
        citation_enabled=options.get("citation_enabled") is True,
        check_relevancy=options.get("check_relevancy") is True,
        use_generative_llm=options.get("use_generative_llm", True) is not False,
        max_history=_whole(options.get("max_history")),
        max_messages_in_query=max(
            1, _whole(options.get("max_messages_in_query")) or DEFAULT_MAX_MESSAGES_IN_QUERY
        ),
        span=component.span,
    )
    problems.extend(_unsupported(settings, component))
    return replace_problems(settings, problems)


def replace_problems(settings: SearchSettings, problems: list[Diagnostic]) -> SearchSettings:
    from dataclasses import replace

    return replace(settings, problems=tuple(problems))


def _unsupported(settings: SearchSettings, component: Component) -> Iterator[Diagnostic]:
    where = _span(component, "vector_store")
    if not settings.local:
        yield Diagnostic.warning(
            "CT603",
            f"vector store type {settings.store_type!r} of EnterpriseSearchPolicy is an external "
            "store calmtui cannot query: knowledge questions get the internal-error answer",
            where,
            hint="use 'type: faiss' with a 'source' folder of .txt/.md documents to search "
            "them locally (docs/knowledge.md)",
        )
    if settings.dense and settings.local and not faiss_installed():
        yield Diagnostic.warning(
            "CT604",
            "EnterpriseSearchPolicy names an embeddings model, but dense retrieval needs faiss: "
            "passages are retrieved lexically (BM25) instead",
            _span(component, "embeddings"),
            hint="pip install 'calmtui[faiss]'",
        )
    if not settings.use_generative_llm and (settings.citation_enabled or settings.check_relevancy):
        yield Diagnostic.warning(
            "CT609",
            "citation_enabled and check_relevancy only apply when use_generative_llm is true "
            "(as in Rasa): they are ignored",
            _span(component, "use_generative_llm"),
        )


def _option_problems(
    component: Component, expected: Mapping[str, str], options: Mapping[str, Any], prefix: str
) -> Iterator[Diagnostic]:
    for key, value in options.items():
        kind = expected.get(str(key))
        if kind is None:
            if prefix:  # vector_store keys of external stores (host, collection, ...) are theirs
                continue
            yield Diagnostic.warning(
                "CT609",
                f"{component.name} option {key!r} is not one calmtui knows: it is ignored",
                _span(component, str(key)) if not prefix else component.span,
                hint=f"known options: {', '.join(sorted(expected))}",
            )
        elif value is not None and not _fits(value, kind):
            yield Diagnostic.warning(
                "CT608",
                f"option '{prefix}{key}' of {component.name} must be {kind}, found {value!r}: "
                "the default is used",
                _span(component, str(key)) if not prefix else component.span,
            )


def _fits(value: Any, kind: str) -> bool:
    if kind == BOOL:
        return isinstance(value, bool)
    if kind == INT:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == TEXT:
        return isinstance(value, str)
    return isinstance(value, Mapping)


def _span(component: Component, key: str) -> Span | None:
    options = component.options
    if isinstance(options, YMap) and key in options:
        return options.value_span(key)
    return component.span


def _mapping(value: Any) -> Mapping[str, Any]:
    return cast(Mapping[str, Any], value) if isinstance(value, Mapping) else {}


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _number(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return default
