"""Settings of the response rephraser (`nlg:` in endpoints.yml) and of generative chitchat (the
IntentlessPolicy in config.yml), read as Rasa reads them.

    nlg:                                   # endpoints.yml
      type: rephrase
      llm: {model_group: rephrase_llm}
      rephrase_all: false                  # true: every response, unless `rephrase: false`
      prompt_template: prompts/rephrase.jinja2   # `prompt` is the older name
      summarize_history: true              # false: the last max_historical_turns turns as is
      max_historical_turns: 5

    policies:                              # config.yml
      - name: IntentlessPolicy
        llm: {model_group: chitchat_llm}
        prompt_template: prompts/chitchat.jinja2
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.model.config import INTENTLESS_POLICY
from calmtui.core.model.project import Project

REPHRASE_TYPE = "rephrase"
NLG_OPTIONS: Mapping[str, str] = {
    "type": "text",
    "llm": "a mapping",
    "rephrase_all": "true or false",
    "prompt": "text",
    "prompt_template": "text",
    "summarize_history": "true or false",
    "max_historical_turns": "a whole number",
    "count_multiple_utterances_as_single_turn": "true or false",
    "trace_prompt_tokens": "true or false",
}
INTENTLESS_OPTIONS: Mapping[str, str] = {
    "llm": "a mapping",
    "embeddings": "a mapping",
    "prompt": "text",
    "prompt_template": "text",
    "nlu_abstention_threshold": "a number",
    "priority": "a whole number",
    "trace_prompt_tokens": "true or false",
}
DEFAULT_MAX_HISTORICAL_TURNS = 5


@dataclass(frozen=True, slots=True, kw_only=True)
class RephraseSettings:
    llm: Any = None
    rephrase_all: bool = False
    prompt_template: Path | None = None
    summarize_history: bool = True
    max_historical_turns: int = DEFAULT_MAX_HISTORICAL_TURNS
    problems: tuple[Diagnostic, ...] = field(default_factory=tuple[Diagnostic, ...])


@dataclass(frozen=True, slots=True, kw_only=True)
class ChitchatSettings:
    llm: Any = None
    embeddings: Any = None
    prompt_template: Path | None = None
    problems: tuple[Diagnostic, ...] = field(default_factory=tuple[Diagnostic, ...])


def rephrase_settings(project: Project, root: Path | None = None) -> RephraseSettings | None:
    """The rephraser's settings when `nlg: {type: rephrase}` is set, else None (templates)."""
    nlg = project.endpoints.nlg
    if nlg is None:
        return None
    where = _where(project, "nlg")
    kind = str(nlg.get("type") or "").strip().lower()
    if kind != REPHRASE_TYPE:
        return None
    base = Path(root if root is not None else project.root)
    problems = list(_typed(nlg, NLG_OPTIONS, "nlg in endpoints.yml", where))
    template = nlg.get("prompt_template") or nlg.get("prompt")
    turns = nlg.get("max_historical_turns")
    return RephraseSettings(
        llm=nlg.get("llm"),
        rephrase_all=nlg.get("rephrase_all") is True,
        prompt_template=base / str(template) if isinstance(template, str) and template else None,
        summarize_history=nlg.get("summarize_history", True) is not False,
        max_historical_turns=turns
        if isinstance(turns, int) and not isinstance(turns, bool)
        else DEFAULT_MAX_HISTORICAL_TURNS,
        problems=tuple(problems),
    )


def nlg_problems(project: Project) -> list[Diagnostic]:
    """CT613 for an `nlg` endpoint calmtui cannot use (a callback NLG server)."""
    nlg = project.endpoints.nlg
    if nlg is None:
        return []
    kind = str(nlg.get("type") or "").strip().lower()
    if kind == REPHRASE_TYPE:
        settings = rephrase_settings(project)
        return list(settings.problems) if settings else []
    shown = f"type {kind!r}" if kind else f"url {nlg.get('url')!r}" if nlg.get("url") else "it"
    return [
        Diagnostic.warning(
            "CT613",
            f"the nlg endpoint ({shown}) is a response server calmtui does not call: "
            "responses come from the domain's templates",
            _where(project, "nlg"),
            hint="use 'nlg: {type: rephrase}' for LLM-rephrased responses (docs/knowledge.md)",
        )
    ]


def chitchat_settings(project: Project, root: Path | None = None) -> ChitchatSettings | None:
    component = project.config.component(INTENTLESS_POLICY)
    if component is None:
        return None
    base = Path(root if root is not None else project.root)
    options = component.options
    problems = list(_typed(options, INTENTLESS_OPTIONS, INTENTLESS_POLICY, component.span))
    template = options.get("prompt_template") or options.get("prompt")
    if options.get("embeddings") is not None:
        problems.append(
            Diagnostic.warning(
                "CT609",
                "IntentlessPolicy 'embeddings' are not used: calmtui matches the generated "
                "reply to the domain's responses by their words",
                component.span,
            )
        )
    return ChitchatSettings(
        llm=options.get("llm"),
        embeddings=options.get("embeddings"),
        prompt_template=base / str(template) if isinstance(template, str) and template else None,
        problems=tuple(problems),
    )


def _typed(
    options: Mapping[str, Any], expected: Mapping[str, str], owner: str, span: Span | None
) -> Iterator[Diagnostic]:
    for key, value in options.items():
        kind = expected.get(str(key))
        if kind is None:
            yield Diagnostic.warning(
                "CT609",
                f"{owner} option {key!r} is not one calmtui knows: it is ignored",
                span,
                hint=f"known options: {', '.join(sorted(expected))}",
            )
        elif value is not None and not _fits(value, kind):
            yield Diagnostic.warning(
                "CT608",
                f"option {key!r} of {owner} must be {kind}, found {value!r}: the default is used",
                span,
            )


def _fits(value: Any, kind: str) -> bool:
    match kind:
        case "true or false":
            return isinstance(value, bool)
        case "a whole number":
            return isinstance(value, int) and not isinstance(value, bool)
        case "a number":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "text":
            return isinstance(value, str)
        case _:
            return isinstance(value, Mapping)


def _where(project: Project, section: str) -> Span | None:
    path = project.endpoints.path
    if path is None:
        return None
    data = cast(Any, project.endpoints.nlg)
    span = getattr(data, "span", None)
    return span if isinstance(span, Span) else Span(path=path, line=1, col=1)
