"""`calmtui test --merge-results FILES...`: one report from the shards of a CI matrix.

    calmtui test --merge-results results/ --json all.json --junit all.xml

The inputs are the `--json` and `--junit` files the shards wrote (files, or directories searched
for `*.json` and `*.xml`). JSON documents merge into one document of the same format: the cases
in suite order, the summary and the accuracy added up, the wall of the slowest shard, coverage
with a step covered when any shard covered it. JUnit files merge into one file with a
`<testsuite>` per test file (a file whose cases were split over shards is one suite again).

The shards must fit together, or the merged report would hide what did not run: documents
written with `--shard i/n` must all be shards of the same suite (its fingerprint), with the same
n, each of 1..n exactly once, no case twice, and as many cases as the suite had; anything else
is an error that names the problem (exit 2), and the merged files are still written to look at.
Otherwise the exit code is the run's: 0 all passed, 1 any failed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, cast

from calmtui.app.exit_codes import ExitCode, UsageError

JSON_VERSION = 1


@dataclass(slots=True)
class Merged:
    document: dict[str, Any] | None = None
    junit: str | None = None
    problems: list[str] = field(default_factory=list[str])


def result_files(paths: Sequence[str], exclude: Iterable[Path] = ()) -> list[Path]:
    """The `.json` and `.xml` files named or found under the named directories, sorted (the
    outputs of this merge left out, so merging into the same directory twice is harmless)."""
    skip = {p.resolve() for p in exclude}
    found: set[Path] = set()
    for text in paths:
        path = Path(text)
        if path.is_dir():
            found.update(p for p in path.rglob("*") if p.suffix in (".json", ".xml"))
        elif path.is_file():
            found.add(path)
        else:
            raise UsageError(f"'{text}' does not exist", param_hint="'PATHS'")
    return sorted(p for p in found if p.resolve() not in skip)


def merge_files(files: Sequence[Path]) -> Merged:
    merged = Merged()
    documents: list[tuple[str, dict[str, Any]]] = []
    junits: list[tuple[str, ET.Element]] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            merged.problems.append(f"{path}: cannot be read ({exc})")
            continue
        if path.suffix == ".xml":
            try:
                junits.append((str(path), ET.fromstring(text)))
            except ET.ParseError as exc:
                merged.problems.append(f"{path}: not JUnit XML ({exc})")
            continue
        try:
            data: Any = json.loads(text)
        except ValueError as exc:
            merged.problems.append(f"{path}: not JSON ({exc})")
            continue
        if not isinstance(data, dict) or cast(dict[str, Any], data).get("version") != JSON_VERSION:
            merged.problems.append(f"{path}: not a calmtui test --json report (version 1)")
            continue
        documents.append((str(path), cast(dict[str, Any], data)))
    if documents:
        merged.document = merge_documents(documents, merged.problems)
    if junits:
        merged.junit = merge_junit(junits)
    return merged


# -- JSON -----------------------------------------------------------------------------------------


def merge_documents(
    documents: Sequence[tuple[str, dict[str, Any]]], problems: list[str]
) -> dict[str, Any]:
    """One `--json` document from several (see the module doc); what does not fit goes to
    `problems`."""
    check_shards(documents, problems)
    cases: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for path, document in documents:
        for case in cast(list[dict[str, Any]], document.get("cases", [])):
            case_id = str(case.get("id"))
            if case_id in seen:
                problems.append(f"{case_id} is in {seen[case_id]} and in {path}")
                continue
            seen[case_id] = path
            cases.append(case)
    cases.sort(key=lambda c: (str(c.get("file")), int(c.get("line") or 0), str(c.get("name"))))
    summaries = [cast(dict[str, Any], d.get("summary", {})) for _, d in documents]
    status = Counter(str(c.get("status")) for c in cases)
    passed, failed, skipped = status["passed"], status["failed"], status["skipped"]
    line = f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else "")
    first = documents[0][1]
    merged: dict[str, Any] = {
        "version": JSON_VERSION,
        "project": first.get("project"),
        "understanding": first.get("understanding"),
        "summary": {
            "passed": passed,
            "failed": failed,
            "skipped": skipped,
            "not_run": sum(int(s.get("not_run", 0)) for s in summaries),
            "flaky": sum(1 for c in cases if c.get("flaky")),
            "total": len(cases),
            "duration_s": max((float(s.get("duration_s", 0.0)) for s in summaries), default=0.0),
            "workers": max((int(s.get("workers", 1)) for s in summaries), default=1),
            "repeat": max((int(s.get("repeat", 1)) for s in summaries), default=1),
            "exit_code": int(ExitCode.PROBLEMS if failed else ExitCode.OK),
            "line": line,
        },
        "cases": cases,
        "accuracy": _accuracy(d for _, d in documents),
        "merged_from": [path for path, _ in documents],
    }
    coverages = [d.get("coverage") for _, d in documents]
    if coverages and all(isinstance(c, dict) for c in coverages):
        merged["coverage"] = _coverage([cast(dict[str, Any], c) for c in coverages])
    return merged


def check_shards(documents: Sequence[tuple[str, dict[str, Any]]], problems: list[str]) -> None:
    """Documents written with --shard must be all the shards of one suite, once each."""
    shards = {path: d.get("shard") for path, d in documents}
    with_shard = {p: cast(dict[str, Any], s) for p, s in shards.items() if isinstance(s, dict)}
    if not with_shard:
        return
    if len(with_shard) != len(documents):
        plain = ", ".join(p for p in shards if p not in with_shard)
        problems.append(f"{plain}: not written with --shard, unlike the others")
    counts = {int(s.get("count", 0)) for s in with_shard.values()}
    suites = {str(s.get("suite_fingerprint")) for s in with_shard.values()}
    if len(counts) > 1 or len(suites) > 1:
        problems.append(
            "the shards are of different runs: "
            + ", ".join(
                f"{p} is shard {s.get('index')}/{s.get('count')} of suite {s.get('suite_fingerprint')}"
                for p, s in with_shard.items()
            )
        )
        return
    count = counts.pop()
    indexes = Counter(int(s.get("index", 0)) for s in with_shard.values())
    missing = [i for i in range(1, count + 1) if indexes[i] == 0]
    twice = sorted(i for i, n in indexes.items() if n > 1)
    if missing:
        problems.append(f"shard {', '.join(f'{i}/{count}' for i in missing)} missing")
    if twice:
        problems.append(f"shard {', '.join(f'{i}/{count}' for i in twice)} given more than once")
    durations = {s.get("durations_fingerprint") for s in with_shard.values()}
    expected = {int(s.get("suite_cases", 0)) for s in with_shard.values()}
    if missing or twice or len(expected) != 1:
        return
    total = expected.pop()
    ran = sum(len(cast(list[Any], d.get("cases", []))) for _, d in documents)
    if ran != total:
        why = (
            " (the shards were balanced by different durations files: give every machine the "
            "same .calmtui/durations.json, or none)"
            if len(durations) > 1
            else ""
        )
        problems.append(f"the shards ran {ran} cases, the suite has {total}{why}")


def _accuracy(documents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    passed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for document in documents:
        for row in cast(list[dict[str, Any]], document.get("accuracy", [])):
            kind = str(row.get("type"))
            passed[kind] += int(row.get("passed", 0))
            total[kind] += int(row.get("total", 0))
    return [{"type": k, "passed": passed[k], "total": total[k]} for k in sorted(total)]


def _coverage(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """A step is covered when any shard covered it: a flow's untested steps are those untested
    in every shard (each shard reports every flow of the project)."""
    flows: dict[tuple[str, str], dict[str, Any]] = {}
    untested: dict[tuple[str, str], dict[str, dict[str, Any]] | None] = {}
    commands: Counter[str] = Counter()
    for report in reports:
        for name, n in cast(dict[str, int], report.get("commands", {})).items():
            commands[name] += int(n)
        for flow in cast(list[dict[str, Any]], report.get("flows", [])):
            key = (str(flow.get("flow")), str(flow.get("file")))
            flows.setdefault(key, flow)
            steps = {
                str(u.get("step")): u for u in cast(list[dict[str, Any]], flow.get("untested", []))
            }
            before = untested.get(key)
            untested[key] = (
                steps if before is None else {s: u for s, u in before.items() if s in steps}
            )
    merged_flows: list[dict[str, Any]] = []
    for key, flow in flows.items():
        left = list((untested.get(key) or {}).values())
        steps = int(flow.get("steps", 0))
        merged_flows.append({**flow, "covered": steps - len(left), "untested": left})
    steps_total = sum(int(f["steps"]) for f in merged_flows)
    covered = sum(int(f["covered"]) for f in merged_flows)
    return {
        "steps": steps_total,
        "covered": covered,
        "percent": round(100.0 * covered / steps_total, 2) if steps_total else 100.0,
        "flows": merged_flows,
        "commands": dict(commands),
    }


# -- JUnit ----------------------------------------------------------------------------------------


def merge_junit(files: Sequence[tuple[str, ET.Element]]) -> str:
    """One JUnit document: a `<testsuite>` per test file, its cases in line order."""
    suites: dict[str, list[ET.Element]] = {}
    for _, root in files:
        found = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
        for suite in found:
            suites.setdefault(suite.get("name", ""), []).extend(suite.iter("testcase"))
    root = ET.Element("testsuites", name="calmtui test")
    totals = Counter[str]()
    wall = 0.0
    for name in sorted(suites):
        cases = sorted(suites[name], key=lambda c: int(c.get("line", "0") or 0))
        failures = sum(c.find("failure") is not None for c in cases)
        skipped = sum(c.find("skipped") is not None for c in cases)
        errors = sum(c.find("error") is not None for c in cases)
        seconds = sum(float(c.get("time", "0") or 0) for c in cases)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=name,
            tests=str(len(cases)),
            failures=str(failures),
            skipped=str(skipped),
            errors=str(errors),
            time=f"{seconds:.3f}",
        )
        suite.extend(cases)
        totals.update(tests=len(cases), failures=failures, skipped=skipped, errors=errors)
        wall += seconds
    for key in ("tests", "failures", "skipped", "errors"):
        root.set(key, str(totals[key]))
    root.set("time", f"{wall:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# -- the command ----------------------------------------------------------------------------------


def run_merge(
    paths: Sequence[str],
    *,
    json_file: Path | None,
    junit: Path | None,
    out: TextIO,
    err: TextIO,
) -> ExitCode:
    """Merge, write the files asked for, print the failures and the summary line."""
    if not paths:
        raise UsageError(
            "--merge-results needs the result files (or their directories)", param_hint="'PATHS'"
        )
    files = result_files(paths, exclude=[p for p in (json_file, junit) if p is not None])
    if not files:
        raise UsageError(f"no .json or .xml files in {', '.join(paths)}", param_hint="'PATHS'")
    merged = merge_files(files)
    if json_file is not None and merged.document is not None:
        _write(json_file, json.dumps(merged.document, indent=2, ensure_ascii=False) + "\n")
        out.write(f"wrote {json_file}\n")
    elif json_file is not None:
        merged.problems.append(f"no JSON report among the inputs to write {json_file} from")
    if junit is not None and merged.junit is not None:
        _write(junit, merged.junit)
        out.write(f"wrote {junit}\n")
    elif junit is not None:
        merged.problems.append(f"no JUnit file among the inputs to write {junit} from")
    for problem in merged.problems:
        err.write(f"error: {problem}\n")
    failed = _print_results(merged, out)
    if merged.problems:
        err.write("the merged results are incomplete or inconsistent (see above)\n")
        return ExitCode.USAGE
    return ExitCode.PROBLEMS if failed else ExitCode.OK


def _print_results(merged: Merged, out: TextIO) -> int:
    """The failed cases and the summary line; returns how many failed."""
    if merged.document is not None:
        cases = cast(list[dict[str, Any]], merged.document["cases"])
        for case in cases:
            if case.get("status") != "failed":
                continue
            failure = cast(dict[str, Any], case.get("failure") or {})
            first = failure.get("error") or next(
                (
                    m.get("message")
                    for m in cast(list[dict[str, Any]], failure.get("mismatches", []))
                ),
                "failed",
            )
            out.write(
                f"{failure.get('file') or case.get('file')}:{failure.get('line') or case.get('line')}: "
                f"{case.get('name')!r} failed at turn {failure.get('turn')}: {first}\n"
            )
        summary = cast(dict[str, Any], merged.document["summary"])
        shards = len(cast(list[str], merged.document["merged_from"]))
        out.write(f"{summary['total']} test cases from {shards} result files\n")
        out.write(f"{summary['line']}\n")
        return int(summary["failed"])
    if merged.junit is not None:
        root = ET.fromstring(merged.junit)
        tests, failures = int(root.get("tests", "0")), int(root.get("failures", "0"))
        skipped, errors = int(root.get("skipped", "0")), int(root.get("errors", "0"))
        failures += errors
        passed = tests - failures - skipped
        out.write(
            f"{passed} passed, {failures} failed"
            + (f", {skipped} skipped" if skipped else "")
            + "\n"
        )
        return failures
    return 0


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
