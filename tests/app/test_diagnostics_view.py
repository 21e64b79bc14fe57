"""Rendering diagnostics: text with carets, colour, paths, GitHub annotations, JSON."""

from __future__ import annotations

import io
import json

import pytest

from calmtui.app.diagnostics_view import (
    PathDisplay,
    caret_width,
    github_annotation,
    render_json,
    render_text,
    should_color,
)
from calmtui.core.diagnostics import Diagnostic, Span

SOURCE = {"data/flows.yml": "flows:\n  transfer:\n    steps:\n      - collect: amout\n"}
SLOT = Diagnostic.error(
    "CT302",
    "collect step asks for slot 'amout', which is not listed in the domain slots",
    Span("data/flows.yml", 4, 18, 4, 23),
    hint="did you mean 'amount'?",
)


def plain(path: str) -> str:
    return path


def test_text_with_source_caret_and_hint() -> None:
    assert render_text([SLOT], SOURCE, show_path=plain) == (
        "data/flows.yml:4:18: error[CT302]: collect step asks for slot 'amout', which is not "
        "listed in the domain slots\n"
        "    4 |       - collect: amout\n"
        "      |                  ^^^^^\n"
        "  hint: did you mean 'amount'?\n"
    )


def test_without_span_or_source_only_the_headline() -> None:
    no_span = Diagnostic.error("CT200", "no domain found (looked for domain.yml or domain/)")
    unknown_file = Diagnostic.warning("CT240", "response 'x' is never used", Span("gone.yml", 3, 1))
    assert render_text([no_span, unknown_file], SOURCE, show_path=plain) == (
        "error[CT200]: no domain found (looked for domain.yml or domain/)\n"
        "gone.yml:3:1: warning[CT240]: response 'x' is never used\n"
    )


def test_related_places_are_listed_unless_the_hint_names_them() -> None:
    first = Span("data/a.yml", 2, 3)
    named = Diagnostic.error(
        "CT313", "dup", Span("data/b.yml", 2, 3), hint=f"first defined at {first}", related=(first,)
    )
    unnamed = Diagnostic.error("CT313", "dup", Span("data/b.yml", 2, 3), related=(first,))
    assert "see:" not in render_text([named], {}, show_path=plain)
    assert "  see: data/a.yml:2:3\n" in render_text([unnamed], {}, show_path=plain)


@pytest.mark.parametrize(
    ("span", "text", "width"),
    [
        (Span("f", 1, 3, 1, 8), "- amount", 5),
        (Span("f", 1, 3), "- amount", 1),
        (Span("f", 1, 3, 4, 2), "- amount:   ", 7),  # multi-line: to the end of the first line
        (Span("f", 1, 3, 1, 99), "- amount", 6),  # clamped to the line
        (Span("f", 1, 20, 1, 25), "short", 5),  # past the end: keep the recorded width
    ],
)
def test_caret_width(span: Span, text: str, width: int) -> None:
    assert caret_width(span, text) == width


def test_tabs_before_the_column_are_kept_for_alignment() -> None:
    d = Diagnostic.error("CT101", "bad", Span("d.yml", 1, 2, 1, 3))
    out = render_text([d], {"d.yml": "\tx: 1\n"}, show_path=plain)
    assert out.splitlines()[2] == "      | \t^"


def test_colour_uses_ansi_codes_and_plain_does_not() -> None:
    coloured = render_text([SLOT], SOURCE, show_path=plain, color=True)
    assert "\x1b[" in coloured
    assert "error" in coloured
    assert "\x1b[" not in render_text([SLOT], SOURCE, show_path=plain)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "env", "expected"),
    [
        (_Tty(), {}, True),
        (_Tty(), {"NO_COLOR": "1"}, False),
        (_Tty(), {"NO_COLOR": ""}, True),
        (_Tty(), {"TERM": "dumb"}, False),
        (io.StringIO(), {}, False),
    ],
)
def test_should_color(stream: io.StringIO, env: dict[str, str], expected: bool) -> None:
    assert should_color(stream, env) is expected


def test_paths_relative_below_cwd_absolute_elsewhere() -> None:
    below = PathDisplay(root="/work/bots/bank", cwd="/work")
    assert below("domain.yml") == "bots/bank/domain.yml"
    assert PathDisplay(root="/work/bank", cwd="/work/bank")("data/f.yml") == "data/f.yml"
    assert PathDisplay(root="/srv/bank", cwd="/work")("domain.yml") == "/srv/bank/domain.yml"
    assert PathDisplay(root="/work/bank2", cwd="/work/bank")("d.yml") == "/work/bank2/d.yml"
    assert below("<calmtui>/default_flows.yml") == "<calmtui>/default_flows.yml"


def test_github_annotation_escapes() -> None:
    d = Diagnostic.warning("CT209", "uses '{a}': 100%\nnext", Span("x, y.yml", 2, 5), hint="h")
    assert github_annotation(d, plain) == (
        "::warning file=x%2C y.yml,line=2,col=5,title=CT209::uses '{a}': 100%25%0Anext%0Ahint: h"
    )
    info = Diagnostic.info("CT343", "only by link")
    assert github_annotation(info, plain) == "::notice title=CT343::only by link"


def test_json_document() -> None:
    document = json.loads(render_json(project="/p", diagnostics=[SLOT], summary={"errors": 1}))
    assert document == {
        "version": 1,
        "project": "/p",
        "diagnostics": [SLOT.to_json()],
        "summary": {"errors": 1},
    }
