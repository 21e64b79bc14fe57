"""`--junit FILE`: JUnit XML, the format every CI system shows (Rasa has no JUnit output).

One `<testsuite>` per test file, one `<testcase>` per case with `file` and `line`; failures carry
the first mismatch as `message` and the plain-text failure block as their body. A file or case
that could not be read is an `<error>` with its diagnostics (a whole file is one test case named
after the file).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from itertools import groupby

from calmtui.testing.results import CaseResult, SuiteResult


def render_junit(suite: SuiteResult, failure_text: Callable[[CaseResult], str]) -> str:
    root = ET.Element(
        "testsuites",
        name="calmtui test",
        tests=str(len(suite.results)),
        failures=str(suite.failed),
        skipped=str(suite.skipped),
        errors=str(suite.errors),
        time=f"{suite.duration_s:.3f}",
    )
    for path, group in groupby(suite.results, key=lambda r: r.case.path):
        results = list(group)
        element = ET.SubElement(
            root,
            "testsuite",
            name=path,
            tests=str(len(results)),
            failures=str(sum(r.status == "failed" for r in results)),
            skipped=str(sum(r.status == "skipped" for r in results)),
            errors=str(sum(r.status == "error" for r in results)),
            time=f"{sum(r.duration_ms for r in results) / 1000:.3f}",
        )
        for result in results:
            _case(element, result, failure_text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case(
    parent: ET.Element, result: CaseResult, failure_text: Callable[[CaseResult], str]
) -> None:
    case = result.case
    classname = case.path.removesuffix(".yml").removesuffix(".yaml").replace("/", ".")
    element = ET.SubElement(
        parent,
        "testcase",
        classname=classname,
        name=case.name,
        file=case.path,
        line=str(case.line),
        time=f"{result.duration_ms / 1000:.3f}",
    )
    if result.status == "failed" and result.failure is not None:
        failure = ET.SubElement(
            element, "failure", message=_clean(result.failure.first_message), type="AssertionError"
        )
        failure.text = _clean(failure_text(result))
    elif result.status == "error" and result.failure is not None:
        error = ET.SubElement(
            element,
            "error",
            message=_clean(result.failure.first_message),
            type=result.problems[0].code if result.problems else "TestFileError",
        )
        error.text = _clean(failure_text(result))
    elif result.status == "skipped":
        skipped = ET.SubElement(element, "skipped", message=_clean("; ".join(result.skip_reasons)))
        skipped.text = None


def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters; keep tabs and newlines."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)
