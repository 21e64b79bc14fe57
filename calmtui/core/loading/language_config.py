"""`language` and `additional_languages` of `config.yml` (FORMATS.md a.2, docs/languages.md).

Rasa refuses a configuration whose language codes are not standard BCP 47 tags and one that
lists the default language among the additional ones; both are errors here too (CT700, CT701).
A language listed twice is harmless and only warned about (CT702).
"""

from __future__ import annotations

from calmtui.core.diagnostics import Span
from calmtui.core.languages import check_code
from calmtui.core.loading.reader import Reader
from calmtui.core.source import YMap

DEFAULT_LANGUAGE = "en"


def read_languages(reader: Reader, data: YMap) -> tuple[str, tuple[str, ...]]:
    """The default language and the additional ones, as written (bad codes reported)."""
    language = reader.string(data, "language", "config.yml") or DEFAULT_LANGUAGE
    if "language" in data:
        _check(reader, language, data.value_span("language"), "the default language")
    additional: list[str] = []
    seen: dict[str, Span] = {}
    for code, span in reader.string_list(data, "additional_languages", "config.yml"):
        _check(reader, code, span, "an additional language")
        if code == language:
            reader.error(
                "CT701",
                f"the default language {code!r} is also listed in 'additional_languages'",
                span,
                hint="'language' is the default; list only the other languages here",
            )
            continue
        if code in seen:
            reader.warning(
                "CT702",
                f"language {code!r} is listed twice in 'additional_languages'",
                span,
                hint=f"first listed at {seen[code]}",
            )
            continue
        seen[code] = span
        additional.append(code)
    return language, tuple(additional)


def _check(reader: Reader, code: str, span: Span, what: str) -> None:
    problem = check_code(code)
    if problem is None:
        return
    hint = (
        f"did you mean {problem.suggestion!r}?"
        if problem.suggestion
        else (
            "use a BCP 47 language tag such as 'en', 'de', 'pt-BR', or 'x-en-formal' for a custom one"
        )
    )
    reader.error("CT700", f"{what} {problem.message}", span, hint=hint)
