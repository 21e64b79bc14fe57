"""Languages from the command line (docs/languages.md): `shell --language`, `/language` in plain
mode, `validate`'s translation warnings, and `test` running a case in its metadata's language
with translation coverage."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from calmtui.app.languages import (
    LanguageError,
    languages_line,
    next_language,
    parse_language_command,
    requested_language,
    switch_payload,
)
from calmtui.cli.main import app
from calmtui.core.loading.project_loader import load_project

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def multilingual(tmp_path: Path) -> Path:
    root = tmp_path / "multilingual"
    shutil.copytree(
        REPO / "templates" / "multilingual", root, ignore=shutil.ignore_patterns("template.yml")
    )
    return root


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CALMTUI_UNDERSTANDING", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def calmtui(*args: str, input: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_shell_starts_in_the_requested_language(multilingual: Path) -> None:
    code, out, err = calmtui(
        "shell", "--project", str(multilingual), "--plain", "--language", "de",
        input="Ich möchte einen Kaffee bestellen\n",
    )  # fmt: skip
    assert code == 0, err
    assert "bot> Gerne! Welchen Namen soll ich auf den Becher schreiben?" in out
    assert "language: de · Deutsch" in err


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("fr", "config.yml does not configure language 'fr' (CT708); the assistant speaks de, en"),
        ("de_DE", "did you mean 'de-DE'?"),
    ],
)
def test_an_unusable_language_is_a_usage_error(multilingual: Path, code: str, message: str) -> None:
    exit_code, out, err = calmtui(
        "shell", "--project", str(multilingual), "--plain", "--language", code
    )
    assert exit_code == 2
    assert message in err
    assert out == ""


def test_plain_mode_switches_and_lists_languages(multilingual: Path) -> None:
    code, out, err = calmtui(
        "shell", "--project", str(multilingual), "--plain",
        input="/language\n/language de\nhallo\n/language xx\n/language en\nhello\n",
    )  # fmt: skip
    assert code == 0, err
    assert "language: en · English (also: de; switch with /language CODE)" in err
    assert "you> /SetSlots(language=de)" in out
    assert "bot> Hallo! Ich bin der Assistent der Kaffeebar." in out
    assert "language: de · Deutsch" in err
    assert "! 'xx' is not an ISO 639-1 language code (CT700)" in err
    assert out.rstrip().endswith(
        "bot> Hi! I'm the coffee bar assistant. I can take your order, in English or in German."
    )


def test_validate_counts_what_lacks_a_translation(multilingual: Path) -> None:
    domain = multilingual / "domain.yml"
    text = domain.read_text()
    domain.write_text(
        text.replace('        de: "Gerne! Welchen Namen', '        xx: "Gerne! Welchen Namen')
    )
    code, out, _ = calmtui("validate", "--project", str(multilingual), "--json")
    assert code == 0
    found = {(d["code"], d["message"]) for d in json.loads(out)["diagnostics"]}
    assert ("CT706", "1 response has no 'de' translation: utter_ask_customer_name") in found
    assert any(c == "CT704" and "'xx'" in m for c, m in found)


def test_a_case_runs_in_its_metadata_language_with_translation_coverage(
    multilingual: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    code, out, err = calmtui(
        "test", "--project", str(multilingual), "--coverage", "--json", str(report)
    )
    assert code == 0, out + err
    assert "translations de: " in out
    (german,) = json.loads(report.read_text())["coverage"]["translations"]
    assert german["language"] == "de"
    assert "utter_ask_customer_name" in german["translated"]
    assert german["missing"] == []
    csv = (multilingual / "e2e_coverage_results" / "translations.csv").read_text()
    assert "de,utter_ask_drink,translated" in csv


def test_a_missing_translation_is_reported_as_missing(multilingual: Path, tmp_path: Path) -> None:
    domain = multilingual / "domain.yml"
    text = domain.read_text()
    domain.write_text(
        text.replace(
            '        de: "Ein Tee für {customer_name}.', '        xx: "Ein Tee für {customer_name}.'
        )
    )
    case = multilingual / "tests" / "e2e_test_cases" / "one.yml"
    case.write_text(
        "test_cases:\n  - test_case: tee\n    metadata: german\n    steps:\n"
        "      - user: einen Tee bestellen\n      - user: Sam\n"
    )
    (multilingual / "tests" / "conftest.yml").write_text("metadata:\n  - german: {language: de}\n")
    report = tmp_path / "report.json"
    calmtui("test", "--project", str(multilingual), str(case), "--coverage", "--json", str(report))
    (german,) = json.loads(report.read_text())["coverage"]["translations"]
    assert "utter_tea_on_its_way" in german["missing"]


# -- the app layer's helpers ----------------------------------------------------------------------
def test_requested_language_and_switching(multilingual: Path) -> None:
    project = load_project(multilingual).project
    assert project is not None
    assert requested_language(project, "DE") == "de"
    with pytest.raises(LanguageError, match="CT700"):
        requested_language(project, "deutsch?")
    assert next_language(project, "en") == "de"
    assert next_language(project, "de") == "en"
    assert switch_payload("de") == "/SetSlots(language=de)"
    assert parse_language_command("/language  de ") == "de"
    assert parse_language_command("/language") == ""
    assert parse_language_command("/languages") is None
    assert languages_line(project, {"language": "de"}).startswith("language: de · Deutsch")
