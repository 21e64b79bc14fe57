"""Translation coverage: per additional language, which responses the test conversations in
that language said translated, which they said in the default language because a translation
is missing, and which translations no test ever said (docs/languages.md).

The engine tags every response said in a conversation that is not in the default language
with `metadata.language`, the language its words are in, and `metadata.missing_translation`
when it had no translation for the conversation's language (CT710).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from calmtui.core.events import BotUttered, Event
from calmtui.core.model.project import Project
from calmtui.testing.results import CaseResult


@dataclass(frozen=True, slots=True, kw_only=True)
class LanguageCoverage:
    language: str
    translated: tuple[str, ...]  # responses said in this language
    missing: tuple[str, ...]  # responses said in the default language instead
    never_said: tuple[str, ...]  # responses with a translation no test said in this language

    @property
    def said(self) -> int:
        return len(self.translated) + len(self.missing)


def translation_coverage(
    project: Project, results: Sequence[CaseResult]
) -> tuple[LanguageCoverage, ...]:
    config = project.config
    languages = [c for c in config.additional_languages if c != config.language]
    if not languages:
        return ()
    said: dict[str, dict[str, set[str]]] = {code: {"yes": set(), "no": set()} for code in languages}
    for result in results:
        if result.conversation is None:
            continue
        events = (e for turn in result.conversation.all_results() for e in turn.events)
        for conversation_language, message in _messages(events):
            if conversation_language not in said or message.utter_action is None:
                continue
            key = "yes" if message.metadata.get("language") == conversation_language else "no"
            said[conversation_language][key].add(message.utter_action)
    return tuple(
        LanguageCoverage(
            language=code,
            translated=tuple(sorted(said[code]["yes"])),
            missing=tuple(sorted(said[code]["no"] - said[code]["yes"])),
            never_said=tuple(sorted(_translated_responses(project, code) - said[code]["yes"])),
        )
        for code in languages
    )


def _messages(events: Iterable[Event]) -> Iterable[tuple[str, BotUttered]]:
    """(conversation language, message) for the responses said in a non-default language."""
    for event in events:
        if not isinstance(event, BotUttered) or "language" not in event.metadata:
            continue
        missing = event.metadata.get("missing_translation")
        yield str(missing if missing is not None else event.metadata["language"]), event


def _translated_responses(project: Project, code: str) -> set[str]:
    return {
        name
        for name, response in project.domain.responses.items()
        if any(code in v.translation for v in response.variations)
    }


def translations_csv(coverage: Sequence[LanguageCoverage]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["language", "response", "status"])
    for language in coverage:
        for status, names in (
            ("translated", language.translated),
            ("missing", language.missing),
            ("never_said", language.never_said),
        ):
            writer.writerows([language.language, name, status] for name in names)
    return out.getvalue()
