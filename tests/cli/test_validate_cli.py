"""`calmtui validate` through the CLI: exit codes, JSON, annotations, options."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from calmtui.cli.main import app
from tests.cli.conftest import DOMAIN, FLOWS, write_project

TYPO_FLOWS = FLOWS.replace("- collect: amount", "- collect: amout")
UNUSED_RESPONSE_DOMAIN = DOMAIN + '  utter_goodbye:\n    - text: "Bye!"\n'


def run(*args: str) -> Result:
    return CliRunner().invoke(app, ["validate", *args])


def test_valid_project_exits_0_with_summary(project: Path) -> None:
    result = run("--project", str(project))
    assert result.exit_code == 0
    assert result.stdout == "project is valid: 1 flow, 2 slots, 3 responses, 0 actions\n"


def test_overridden_patterns_are_counted_apart_from_user_flows(tmp_path: Path) -> None:
    pattern = (
        "  pattern_chitchat:\n"
        "    description: small talk\n"
        "    steps:\n"
        "      - action: utter_ask_amount\n"
    )
    write_project(tmp_path, {"data/flows.yml": FLOWS + pattern})
    result = run("--project", str(tmp_path))
    assert result.stdout.splitlines()[-1].startswith("project is valid: 1 flow, 1 pattern, 2 slots")
    document = json.loads(run("--project", str(tmp_path), "--json").stdout)
    assert (document["summary"]["flows"], document["summary"]["patterns"]) == (1, 1)


def test_errors_exit_1_and_show_place_caret_and_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, {"data/flows.yml": TYPO_FLOWS})
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "data/flows.yml:6:18: error[CT302]: collect step asks for slot 'amout', "
        "which is not listed in the domain slots"
    )
    assert lines[1] == "    6 |       - collect: amout"
    assert lines[2] == "      |                  ^^^^^"
    assert lines[3] == "  hint: did you mean 'amount'? (domain.yml:4)"
    assert lines[-1].startswith("1 error, 1 warning in 4 files")


def test_warnings_alone_pass_unless_fail_on_warnings(tmp_path: Path) -> None:
    write_project(tmp_path, {"domain.yml": UNUSED_RESPONSE_DOMAIN})
    relaxed = run("--project", str(tmp_path))
    assert relaxed.exit_code == 0
    assert "warning[CT240]: response 'utter_goodbye' is never used" in relaxed.stdout
    assert relaxed.stdout.splitlines()[-1].endswith("(1 warning)")
    strict = run("--project", str(tmp_path), "--fail-on-warnings")
    assert strict.exit_code == 1
    assert strict.stdout.splitlines()[-1] == (
        "0 errors, 1 warning in 4 files (failing because of --fail-on-warnings)"
    )


def test_json_document_shape(tmp_path: Path) -> None:
    write_project(tmp_path, {"data/flows.yml": TYPO_FLOWS})
    result = run("--project", str(tmp_path), "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert set(document) == {"version", "project", "diagnostics", "summary"}
    assert document["version"] == 1
    assert document["project"] == str(tmp_path.resolve())
    first = document["diagnostics"][0]
    assert set(first) == {"code", "severity", "message", "span", "hint", "related"}
    assert first["code"] == "CT302"
    assert first["span"] == {
        "path": "data/flows.yml",
        "line": 6,
        "col": 18,
        "end_line": 6,
        "end_col": 23,
    }
    assert document["summary"] == {
        "valid": False,
        "exit_code": 1,
        "errors": 1,
        "warnings": 1,
        "infos": 0,
        "ignored": 0,
        "files": 4,
        "flows": 1,
        "patterns": 0,
        "slots": 2,
        "responses": 3,
        "actions": 0,
    }


def test_json_of_a_valid_project(project: Path) -> None:
    result = run("--project", str(project), "--json")
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["diagnostics"] == []
    assert document["summary"]["valid"] is True


def test_no_project_exits_2_with_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.exit_code == 2
    assert result.stdout == ""
    headlines = [line for line in result.stderr.splitlines() if "[CT" in line]
    assert len(headlines) == 1
    assert headlines[0].startswith("error[CT100]: no CALM project in")
    assert "hint:" in result.stderr


def test_no_project_in_json_mode(tmp_path: Path) -> None:
    result = run("--project", str(tmp_path / "missing"), "--json")
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["project"] is None
    assert [d["code"] for d in document["diagnostics"]] == ["CT100"]


def test_github_annotations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"data/flows.yml": TYPO_FLOWS})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run()
    assert result.exit_code == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations[0] == (
        "::error file=data/flows.yml,line=6,col=18,title=CT302::collect step asks for slot "
        "'amout', which is not listed in the domain slots%0Ahint: did you mean 'amount'? "
        "(domain.yml:4)"
    )
    assert annotations[1].startswith("::warning file=domain.yml,line=")


def test_github_annotations_go_to_stderr_with_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, {"data/flows.yml": TYPO_FLOWS})
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = run("--project", str(tmp_path), "--json")
    json.loads(result.stdout)  # stdout stays a clean JSON document
    assert result.stderr.startswith("::error file=")


def test_ignore_hides_codes_and_counts_them(tmp_path: Path) -> None:
    write_project(tmp_path, {"domain.yml": UNUSED_RESPONSE_DOMAIN})
    result = run("--project", str(tmp_path), "--ignore", "CT240", "--fail-on-warnings")
    assert result.exit_code == 0
    assert "CT240" not in result.stdout
    assert result.stdout.splitlines()[-1].endswith("(1 ignored)")
    same = run("--project", str(tmp_path), "--ignore", "ct240,CT241")
    assert same.exit_code == 0
    assert "CT240" not in same.stdout


def test_ignore_rejects_unknown_codes(project: Path) -> None:
    result = run("--project", str(project), "--ignore", "CT2400")
    assert result.exit_code == 2
    assert "unknown diagnostic code 'CT2400'" in result.stderr


def test_info_only_with_verbose(tmp_path: Path) -> None:
    flows = (
        FLOWS
        + """\
  internal_helper:
    description: Only reachable from other flows.
    if: false
    steps:
      - action: utter_done
"""
    )
    write_project(tmp_path, {"data/flows.yml": flows})
    quiet = run("--project", str(tmp_path))
    assert "CT343" not in quiet.stdout
    loud = run("--project", str(tmp_path), "-v")
    assert "info[CT343]" in loud.stdout
    assert loud.exit_code == 0
    assert loud.stdout.splitlines()[-1].endswith("(1 info)")


def test_paths_relative_to_cwd_when_project_is_below(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path / "bots" / "bank", {"data/flows.yml": TYPO_FLOWS})
    monkeypatch.chdir(tmp_path)
    result = run("--project", "bots/bank")
    assert result.stdout.startswith("bots/bank/data/flows.yml:6:18: error[CT302]")


def test_paths_absolute_when_project_is_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = write_project(tmp_path / "bank", {"data/flows.yml": TYPO_FLOWS})
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    result = run("--project", str(bank))
    assert result.stdout.startswith(f"{bank.resolve()}/data/flows.yml:6:18: error[CT302]")


def test_explicit_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(
        tmp_path,
        {
            "data/flows.yml": None,
            "flows/extra.yml": FLOWS,
            "conf/alt.yml": "recipe: default.v1\nassistant_id: alt\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    result = run("--data", "flows", "--config", "conf/alt.yml")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("project is valid: 1 flow")


def test_missing_explicit_path_is_a_usage_error(project: Path) -> None:
    result = run("--project", str(project), "--config", "nope.yml")
    assert result.exit_code == 2
    assert "'nope.yml' does not exist" in result.stderr


def test_dotenv_fills_unset_variables_only(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / ".env").write_text("CALMTUI_TEST_NEW=from-dotenv\nCALMTUI_TEST_SET=from-dotenv\n")
    monkeypatch.setenv("CALMTUI_TEST_SET", "from-shell")
    monkeypatch.delenv("CALMTUI_TEST_NEW", raising=False)
    try:
        assert run("--project", str(project)).exit_code == 0
        assert os.environ["CALMTUI_TEST_NEW"] == "from-dotenv"
        assert os.environ["CALMTUI_TEST_SET"] == "from-shell"
    finally:
        os.environ.pop("CALMTUI_TEST_NEW", None)
