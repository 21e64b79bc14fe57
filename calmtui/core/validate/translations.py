"""Translations against the configured languages (docs/languages.md, CT704, CT706, CT707).

As `rasa data validate` does, the gaps a translator has to fill are one warning per kind and
language ("4 responses have no 'de' translation"), naming each place; responses the rephraser
rewrites are left out, since the LLM says them in the conversation's language. A translation
for a language `config.yml` does not list is never said (CT704).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import cast

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.languages import check_code
from calmtui.core.model.domain import Response, ResponseVariation
from calmtui.core.model.project import Project
from calmtui.core.source import YMap
from calmtui.core.validate.context import ValidationContext

EXAMPLES = "examples"
SHOWN_NAMES = 5  # names listed in a summary message; every place is in `related`


@dataclass(frozen=True, slots=True)
class _Written:
    """One `translation` (or per-language `examples`) entry: what has it, for which code."""

    what: str
    code: str
    span: Span | None


def unconfigured_translations(ctx: ValidationContext) -> Iterator[Diagnostic]:
    config = ctx.project.config
    configured = set(config.languages)
    for entry in _written(ctx):
        if entry.code in configured:
            continue
        problem = check_code(entry.code)
        if problem is not None and problem.suggestion in configured:
            hint = f"did you mean {problem.suggestion!r}?"
        elif entry.code == config.language:
            hint = None
        else:
            hint = (
                f"add {entry.code!r} to 'additional_languages' in config.yml, or remove it"
                if problem is None
                else f"{problem.message}; use one of {', '.join(sorted(configured))}"
            )
        yield Diagnostic.warning(
            "CT704",
            f"{entry.what} has a {entry.code!r} translation, but config.yml does not configure "
            f"{entry.code!r} (languages: {', '.join(config.languages)}); it is never used",
            entry.span,
            hint=hint,
        )


def _written(ctx: ValidationContext) -> Iterator[_Written]:
    for response in _user_responses(ctx.project):
        what = f"response {response.name!r}"
        for variation in response.variations:
            for code, span in variation.translation_spans.items():
                yield _Written(what, code, span)
            for button in variation.buttons:
                for code, span in button.translation_spans.items():
                    yield _Written(f"button {button.title!r} of {what}", code, span)
    for flow in ctx.user_flows:
        for code, span in flow.translation_spans.items():
            yield _Written(f"flow {flow.id!r}", code, span)
        examples = flow.metadata.get(EXAMPLES)
        if isinstance(examples, YMap):
            for code in examples:
                yield _Written(f"the examples of flow {flow.id!r}", code, examples.key_span(code))


def example_shapes(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """`metadata.examples` (calmtui's extension): a list of phrases in the default language,
    or a mapping of language code -> list of phrases."""
    for flow in ctx.user_flows:
        metadata = flow.metadata
        examples = metadata.get(EXAMPLES)
        if examples is None or isinstance(examples, list):
            continue
        span = metadata.value_span(EXAMPLES) if isinstance(metadata, YMap) else flow.span
        if not isinstance(examples, YMap):
            yield _bad_examples(flow.id, "a list of phrases, or phrases per language", span)
            continue
        for code, phrases in examples.items():
            if not isinstance(phrases, list) or not all(
                isinstance(p, str | int | float) and not isinstance(p, bool)
                for p in cast(list[object], phrases)
            ):
                yield _bad_examples(
                    flow.id, f"a list of phrases for {code!r}", examples.value_span(code)
                )


def _bad_examples(flow_id: str, expected: str, span: Span | None) -> Diagnostic:
    return Diagnostic.error(
        "CT705",
        f"the examples of flow {flow_id!r} must be {expected}",
        span,
        hint="write `examples: [...]`, or `examples: {en: [...], de: [...]}`",
    )


def missing_translations(ctx: ValidationContext) -> Iterator[Diagnostic]:
    """Per additional language: the responses and flow names that lack a translation."""
    project = ctx.project
    config = project.config
    for code in config.additional_languages:
        if code == config.language:
            continue
        responses = [
            r for r in _user_responses(project) if _lacks(r, code) and not _rephrased(project, r)
        ]
        if responses:
            yield _summary(
                "CT706",
                [(f"{r.name}", r.span) for r in responses],
                "response",
                code,
                hint=f'add `translation: {{{code}: "..."}}` to each variation (and translate '
                "button titles on the buttons), or let the rephraser say them (nlg: rephrase)",
            )
        flows = [f for f in ctx.user_flows if not f.is_pattern and code not in f.translation]
        if flows:
            yield _summary(
                "CT707",
                [(f.id, f.span) for f in flows],
                "flow",
                code,
                hint=f'add `translation: {{{code}: {{name: "..."}}}}`: clarification, '
                "cancellation and resume messages name the flow",
            )


def _summary(
    code: str, items: list[tuple[str, Span | None]], kind: str, language: str, hint: str
) -> Diagnostic:
    names = ", ".join(name for name, _ in items[:SHOWN_NAMES])
    more = f" and {len(items) - SHOWN_NAMES} more" if len(items) > SHOWN_NAMES else ""
    count = f"{len(items)} {kind}{'' if len(items) == 1 else 's'}"
    spans = [span for _, span in items if span is not None]
    verb = "has" if len(items) == 1 else "have"
    what = "name" if kind == "flow" else "translation"
    return Diagnostic.warning(
        code,
        f"{count} {verb} no {language!r} {what}: {names}{more}",
        spans[0] if spans else None,
        hint=hint,
        related=spans[1:],
    )


def _user_responses(project: Project) -> list[Response]:
    return [r for r in project.domain.responses.values() if not r.builtin]


def _lacks(response: Response, code: str) -> bool:
    """A variation with text but no translation for `code` (a condition or channel variation
    counts too: any of them may be said)."""
    return any(v.text is not None and code not in v.translation for v in response.variations)


def _rephrased(project: Project, response: Response) -> bool:
    """Rephrased responses are said in the conversation's language by the LLM (Rasa does not
    warn about them either)."""
    nlg: Mapping[str, object] | None = project.endpoints.nlg
    if nlg is None or str(nlg.get("type") or "").strip().lower() != "rephrase":
        return False
    everything = nlg.get("rephrase_all") is True
    return all(_variation_rephrased(v, everything) for v in response.variations)


def _variation_rephrased(variation: ResponseVariation, everything: bool) -> bool:
    flag = variation.metadata.get("rephrase")
    return flag is True or (everything and flag is not False)
