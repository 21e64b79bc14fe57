"""`check()` / `report_for()`: loading plus validation, counts, ignoring, and speed."""

from __future__ import annotations

from pathlib import Path

from calmtui.core.codes import CODES
from calmtui.core.validate import CHECKS, check, validate_project
from tests.core.project_builder import DOMAIN, FLOWS


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_every_check_has_known_codes_and_a_unique_name() -> None:
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names))
    for c in CHECKS:
        assert c.codes, c.name
        assert all(code in CODES for code in c.codes), c.name


def test_check_loads_and_validates(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "domain.yml": DOMAIN,
            "data/flows.yml": FLOWS.replace("collect: amount", "collect: amout"),
        },
    )
    report = check(tmp_path)
    assert report.found_project
    assert [d.code for d in report.diagnostics] == ["CT302", "CT240"]
    assert (report.errors, report.warnings, report.infos) == (1, 1, 0)
    assert report.files == 2
    assert set(report.sources) == {"domain.yml", "data/flows.yml"}
    assert not report.is_valid()


def test_stats_count_only_user_items(tmp_path: Path) -> None:
    write(tmp_path, {"domain.yml": DOMAIN, "data/flows.yml": FLOWS})
    stats = check(tmp_path).stats
    assert (stats.flows, stats.slots, stats.responses, stats.actions) == (1, 4, 5, 1)


def test_ignoring_codes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "domain.yml": DOMAIN,
            "data/flows.yml": FLOWS.replace("collect: amount", "collect: amout"),
        },
    )
    report = check(tmp_path).ignoring({"CT240"})
    assert [d.code for d in report.diagnostics] == ["CT302"]
    assert report.ignored == 1


def test_no_project(tmp_path: Path) -> None:
    report = check(tmp_path)
    assert not report.found_project
    assert [d.code for d in report.diagnostics] == ["CT100"]
    assert report.ignoring({"CT100"}).diagnostics == report.diagnostics


def test_unreadable_domain_skips_the_cross_checks(tmp_path: Path) -> None:
    write(tmp_path, {"domain.yml": "slots:\n\tbroken: [", "data/flows.yml": FLOWS})
    report = check(tmp_path)
    assert [d.code for d in report.diagnostics] == ["CT101"]
    assert report.skipped_checks


def generated_project(flows: int) -> tuple[str, str]:
    domain = ["slots:"]
    responses = ["responses:"]
    body = ["flows:"]
    for i in range(flows):
        domain += [f"  s{i}:", "    type: categorical", "    values: [a, b]"]
        responses += [
            f"  utter_ask_s{i}:",
            '    - text: "?"',
            f"  utter_done_{i}:",
            f'    - text: "done {{s{i}}}"',
        ]
        body += [
            f"  flow_{i}:",
            f"    description: Flow number {i}.",
            "    steps:",
            f"      - collect: s{i}",
            "        next:",
            f'          - if: slots.s{i} = "a"',
            f"            then:\n              - action: utter_done_{i}\n                next: END",
            "          - else: END",
        ]
    return "\n".join(domain + responses) + "\n", "\n".join(body) + "\n"


def test_a_500_flow_project_validates_cleanly(tmp_path: Path) -> None:
    """Large projects produce no spurious findings (speed is measured by benchmarks/bench_cli.py)."""
    domain, flows = generated_project(500)
    write(tmp_path, {"domain.yml": domain, "data/flows.yml": flows})
    report = check(tmp_path)
    assert report.diagnostics == ()
    assert report.project is not None
    assert validate_project(report.project) == []
