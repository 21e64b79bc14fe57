"""A CI matrix of `calmtui test --shard i/n` runs and `calmtui test --merge-results` (issue 16.9):
the shards together run the suite once, their JSON and JUnit files merge into one report equal to
a single run's, and shards that do not fit together (one missing, one twice, another suite, cases
run twice) are an error that names the problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from calmtui.cli.main import app
from tests.testing.conftest import cases_yaml, write_project

CASES = "".join(
    f"""\
- test_case: balance_{n}
  steps:
    - user: what is my balance
      commands: start flow check_balance
      assertions:
        - bot_uttered: {{text_matches: "{"999" if n == 3 else "100"}"}}
"""
    for n in range(7)
)
TRANSFERS = "".join(
    f"""\
- test_case: transfer_{n}
  steps:
    - user: send money
      commands: start flow transfer_money
    - utter: utter_ask_recipient
"""
    for n in range(4)
)


def calmtui_test(project: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["test", "--project", str(project), *args])


def merge(*args: str) -> Result:
    return CliRunner().invoke(app, ["test", "--merge-results", *args])


@pytest.fixture
def suite(bank: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_project(
        bank,
        {"tests/balance.yml": cases_yaml(CASES), "tests/transfer.yml": cases_yaml(TRANSFERS)},
    )
    monkeypatch.chdir(bank)
    return bank


def run_shards(project: Path, count: int, out: Path, *extra: str) -> list[Result]:
    return [
        calmtui_test(
            project,
            "--shard",
            f"{i}/{count}",
            "--json",
            str(out / f"shard-{i}" / "results.json"),
            "--junit",
            str(out / f"shard-{i}" / "results.xml"),
            *extra,
        )
        for i in range(1, count + 1)
    ]


def cases_of(path: Path) -> list[str]:
    return [c["id"] for c in json.loads(path.read_text())["cases"]]


def test_shards_run_each_case_once_and_merge_into_the_single_runs_report(
    suite: Path, tmp_path: Path
) -> None:
    whole = calmtui_test(suite, "--json", str(tmp_path / "whole.json"), "--coverage")
    assert whole.exit_code == 1
    (suite / ".calmtui" / "durations.json").unlink()  # a fresh CI checkout: split by case
    out = tmp_path / "results"
    shards = run_shards(suite, 3, out, "--coverage")
    assert [r.exit_code for r in shards] == [1 if "balance_3" in r.stdout else 0 for r in shards]
    assert all("shard " in r.stdout.splitlines()[0] for r in shards)
    ran = [cases_of(out / f"shard-{i}" / "results.json") for i in (1, 2, 3)]
    assert sorted(i for r in ran for i in r) == sorted(cases_of(tmp_path / "whole.json"))
    assert [len(r) for r in ran] in ([4, 4, 3], [4, 3, 4], [3, 4, 4])

    merged = merge(
        str(out), "--json", str(tmp_path / "all.json"), "--junit", str(tmp_path / "all.xml")
    )
    assert merged.exit_code == 1, merged.output
    assert merged.stdout.splitlines()[-1] == "10 passed, 1 failed"
    assert "tests/balance.yml:" in merged.stdout
    assert "'balance_3' failed at turn 1" in merged.stdout
    single: dict[str, Any] = json.loads((tmp_path / "whole.json").read_text())
    combined: dict[str, Any] = json.loads((tmp_path / "all.json").read_text())
    assert [c["id"] for c in combined["cases"]] == [c["id"] for c in single["cases"]]
    for key in ("passed", "failed", "skipped", "total", "line", "exit_code"):
        assert combined["summary"][key] == single["summary"][key]
    assert combined["accuracy"] == single["accuracy"]
    assert combined["coverage"]["covered"] == single["coverage"]["covered"]
    assert combined["coverage"]["commands"] == single["coverage"]["commands"]
    junit = (tmp_path / "all.xml").read_text()
    assert '<testsuites name="calmtui test" tests="11" failures="1"' in junit
    assert junit.count("<testsuite ") == 2  # one per test file again


def test_a_missing_shard_is_an_error(suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    run_shards(suite, 3, out)
    result = merge(str(out / "shard-1"), str(out / "shard-3"), "--json", str(tmp_path / "all.json"))
    assert result.exit_code == 2
    assert "error: shard 2/3 missing" in result.stderr
    assert (tmp_path / "all.json").exists()  # written anyway, to look at


def test_shards_of_different_suites_are_an_error(suite: Path, tmp_path: Path) -> None:
    out = tmp_path / "results"
    run_shards(suite, 2, out)
    calmtui_test(
        suite, "-k", "transfer", "--shard", "2/2", "--json", str(out / "shard-2" / "results.json")
    )
    result = merge(str(out))
    assert result.exit_code == 2
    assert "the shards are of different runs" in result.stderr


def test_shards_split_by_different_durations_are_caught(suite: Path, tmp_path: Path) -> None:
    """Two machines with different `.calmtui/durations.json` split the suite differently: the
    merge sees cases run twice (or not at all) and says why."""
    out = tmp_path / "results"
    calmtui_test(suite, "--shard", "1/2", "--json", str(out / "1.json"))
    durations = {
        "version": 1,
        "durations_ms": {f"tests/balance.yml::balance_{n}": n * 100.0 for n in range(7)},
    }
    (suite / ".calmtui" / "durations.json").write_text(json.dumps(durations))
    calmtui_test(suite, "--shard", "2/2", "--json", str(out / "2.json"))
    result = merge(str(out))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "error: the shards ran 12 cases, the suite has 11 (the shards were balanced by different "
        "durations files: give every machine the same .calmtui/durations.json, or none)"
    )
    assert any(line.startswith("error: tests/balance.yml::balance_0 is in ") for line in lines)


def test_a_shard_does_not_write_durations_a_whole_run_does(suite: Path) -> None:
    path = suite / ".calmtui" / "durations.json"
    calmtui_test(suite, "--shard", "1/2")
    assert not path.exists()
    calmtui_test(suite)
    assert len(json.loads(path.read_text())["durations_ms"]) == 11


def test_more_shards_than_cases_leaves_some_empty_and_green(suite: Path, tmp_path: Path) -> None:
    result = calmtui_test(
        suite, "-k", "transfer_0", "--shard", "2/2", "--json", str(tmp_path / "r.json")
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "0 passed, 0 failed"
    assert json.loads((tmp_path / "r.json").read_text())["shard"]["suite_cases"] == 1


def test_collect_only_lists_the_shards_cases(suite: Path) -> None:
    result = calmtui_test(suite, "--shard", "1/4", "--collect-only")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "3 test cases (shard 1/4 of 11 cases, by case)"


def test_a_bad_shard_is_a_usage_error(suite: Path) -> None:
    result = calmtui_test(suite, "--shard", "3/2")
    assert result.exit_code == 2
    assert "i must be between 1 and n" in result.output


def test_merging_nothing_is_a_usage_error(tmp_path: Path) -> None:
    assert merge(str(tmp_path)).exit_code == 2
    assert merge().exit_code == 2
