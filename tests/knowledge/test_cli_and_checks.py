"""`calmtui knowledge` and the CT6xx findings of `calmtui validate`: what calmtui cannot honour
is a warning with the file or the cause, never silence, and the rest of the project still runs."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from calmtui.cli.main import app
from calmtui.generation.checks import generative_diagnostics
from tests.knowledge.conftest import SupportFactory, load

runner = CliRunner()


def knowledge(root: Path, *args: str):
    return runner.invoke(app, ["knowledge", "--project", str(root), *args])


def codes(root: Path) -> list[str]:
    return sorted(d.code for d in generative_diagnostics(load(root), root))


def test_the_report_names_documents_passages_and_unreadable_files(
    support: SupportFactory,
) -> None:
    _, root = support(docs={"faq.md": "# FAQ\n\nWe open at nine.\n", "scan.md": b"\x00\x01"})
    result = knowledge(root)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("indexed docs/: 1 document, 1 passage in ")
    assert lines[0].endswith(", 1 changed")
    assert lines[1:3] == [
        "1 document could not be indexed:",
        "  docs/scan.md: is a binary file, not text",
    ]
    second = knowledge(root)
    assert ", 1 changed" not in second.output.splitlines()[0]  # the cache served it


def test_search_and_json(support: SupportFactory) -> None:
    _, root = support()
    result = knowledge(root, "--search", "how much does moving cost?", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["documents"], document["passages"], document["skipped"]) == (4, 7, [])
    search = document["search"]
    assert search["outcome"] == "answered"
    assert search["passages"][0]["source"] == "docs/moving-house.md"
    assert "costs 40 euros" in search["text"]


def test_a_missing_source_or_no_policy_is_exit_1(support: SupportFactory, tmp_path: Path) -> None:
    _, root = support()
    config = (root / "config.yml").read_text().replace("source: docs", "source: nowhere")
    (root / "config.yml").write_text(config)
    result = knowledge(root)
    assert result.exit_code == 1
    assert "knowledge source nowhere/ does not exist" in result.output
    assert "CT600" in result.output

    basic = tmp_path / "basic"
    assert runner.invoke(app, ["init", str(basic), "-t", "basic"]).exit_code == 0
    result = runner.invoke(app, ["knowledge", "--project", str(basic)])
    assert result.exit_code == 1
    assert "no EnterpriseSearchPolicy" in result.output


def test_the_support_template_has_no_findings(support: SupportFactory) -> None:
    _, root = support()
    assert codes(root) == []


def test_documents_that_cannot_be_read_and_an_empty_folder(support: SupportFactory) -> None:
    _, root = support(docs={"ok.md": "fine", "latin.txt": b"caf\xe9"})
    found = generative_diagnostics(load(root), root)
    assert [(d.code, d.message, str(d.span)) for d in found] == [
        (
            "CT601",
            "document docs/latin.txt is not UTF-8 text (byte 0xe9 on line 1); save it as UTF-8: "
            "it is not searched",
            "docs/latin.txt:1:1",
        )
    ]
    _, root = support(docs={})
    assert codes(root) == ["CT602"]


def test_settings_calmtui_cannot_honour(support: SupportFactory) -> None:
    _, root = support(
        search="""\
        citation_enabled: "yes"
        use_generative_llm: false
        check_relevancy: true
        shiny_option: 1
        """,
        nlg="url: http://nlg.example/generate",
    )
    assert codes(root) == ["CT608", "CT609", "CT609", "CT613"]


def test_the_policy_and_the_pattern_go_together(support: SupportFactory) -> None:
    _, root = support()
    (root / "data" / "patterns.yml").write_text(
        "flows:\n  pattern_chitchat:\n    description: chitchat\n    steps:\n"
        "      - action: action_trigger_chitchat\n"
        "  ask_docs:\n    description: search the docs\n    steps:\n"
        "      - action: action_trigger_search\n"
    )
    assert codes(root) == ["CT606"]
    config = (root / "config.yml").read_text()
    start = config.index("  - name: EnterpriseSearchPolicy")
    end = config.index("  - name: IntentlessPolicy")
    (root / "config.yml").write_text(config[:start] + config[end:])
    assert codes(root) == ["CT607"]


def test_validate_prints_the_findings_and_stays_valid(support: SupportFactory) -> None:
    _, root = support(docs={"scan.md": b"\x00"})
    result = runner.invoke(app, ["validate", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert (
        "docs/scan.md:1:1: warning[CT601]: document docs/scan.md is a binary file" in result.output
    )
    assert result.output.splitlines()[-1].endswith("(1 warning)")
