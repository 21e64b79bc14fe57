"""Save a conversation as an e2e test case that `calmtui test` runs (FORMATS.md g.3, style B).

Each user turn becomes a `user:` step whose assertions say what happened in that turn: user
flows started, completed or cancelled, slots set (with their values), and responses uttered
(by name, or by exact text for messages sent by custom actions). The session-start turn is not
a step: the test runner starts every test conversation itself.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from calmtui.core.errors import CalmtuiError
from calmtui.core.events import BotUttered, FlowCancelled, FlowCompleted, FlowStarted, SlotSet
from calmtui.core.model.flows import PATTERN_PREFIX

if TYPE_CHECKING:
    from calmtui.session import TurnResult

T = TypeVar("T")
SAVED_DIR = Path("tests") / "e2e_test_cases" / "saved"
NAME_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../.calmtui/schemas/e2e.schema.json"


class ExportError(CalmtuiError):
    """The test case cannot be written; the message says why."""


class _Quoted(str):
    """A user message: always written double-quoted, as people write e2e files."""


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key, like the templates' hand-written test files."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _quoted(dumper: yaml.SafeDumper, data: _Quoted) -> yaml.ScalarNode:
    # PyYAML's stubs leave part of represent_scalar's signature untyped.
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style='"')  # pyright: ignore[reportUnknownMemberType]


_Dumper.add_representer(_Quoted, _quoted)


def _is_user_flow(flow_id: str) -> bool:
    return not flow_id.startswith(PATTERN_PREFIX)


def turn_assertions(result: TurnResult) -> list[dict[str, Any]]:
    """What happened in one turn, as e2e assertions (order-independent)."""
    started: list[str] = []
    completed: list[str] = []
    cancelled: list[str] = []
    slots: list[dict[str, Any]] = []
    uttered: list[dict[str, Any]] = []
    for event in result.events:
        match event:
            case FlowStarted(flow_id=flow_id) if _is_user_flow(flow_id):
                started.append(flow_id)
            case FlowCompleted(flow_id=flow_id) if _is_user_flow(flow_id):
                completed.append(flow_id)
            case FlowCancelled(flow_id=flow_id) if _is_user_flow(flow_id):
                cancelled.append(flow_id)
            case SlotSet(name=name, value=value, metadata=metadata) if (
                value is not None and not metadata.get("reset")
            ):
                slots.append({"name": name, "value": value})
            case BotUttered():
                uttered.append(_bot_assertion(event))
            case _:
                pass
    assertions: list[dict[str, Any]] = [{"flow_started": f} for f in _unique(started)]
    assertions += [{"flow_completed": {"flow_id": f}} for f in _unique(completed)]
    assertions += [{"flow_cancelled": {"flow_id": f}} for f in _unique(cancelled)]
    if slots:
        assertions.append({"slot_was_set": _unique(slots)})
    assertions += [{"bot_uttered": u} for u in _unique(uttered) if u]
    return assertions


def _bot_assertion(event: BotUttered) -> dict[str, Any]:
    if event.utter_action:
        return {"utter_name": event.utter_action}
    if event.text:
        return {"text_matches": "^" + re.escape(event.text) + "$"}
    return {}


def _unique(items: Sequence[T]) -> list[T]:
    kept: list[T] = []
    for item in items:
        if item not in kept:
            kept.append(item)
    return kept


def test_case(results: Sequence[TurnResult], name: str) -> dict[str, Any]:
    """The test case for a conversation: one step per user turn."""
    steps: list[dict[str, Any]] = []
    for result in results:
        if result.user_text is None:
            continue
        step: dict[str, Any] = {"user": _Quoted(result.user_text)}
        assertions = turn_assertions(result)
        if assertions:
            step["assertions"] = assertions
        steps.append(step)
    if not steps:
        raise ExportError("nothing to save yet: the conversation has no user messages")
    return {"test_case": name, "steps": steps}


def render_test_file(results: Sequence[TurnResult], name: str, *, header: str = "") -> str:
    if not NAME_PATTERN.match(name):
        raise ExportError(
            f"{name!r} is not a valid test case name (letters, digits and _, not starting with a digit)"
        )
    body = yaml.dump(
        {"test_cases": [test_case(results, name)]},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    comments = [SCHEMA_COMMENT, *(f"# {line}".rstrip() for line in header.splitlines())]
    return "\n".join(comments) + "\n" + body


def saved_path(project_root: str | os.PathLike[str], name: str) -> Path:
    return Path(project_root) / SAVED_DIR / f"{name}.yml"


def suggest_name(results: Sequence[TurnResult], project_root: str | os.PathLike[str]) -> str:
    """`<first user flow started>` (or `conversation`), numbered so no saved file is replaced."""
    base = "conversation"
    for result in results:
        flows = [
            e.flow_id
            for e in result.events
            if isinstance(e, FlowStarted) and _is_user_flow(e.flow_id)
        ]
        if flows:
            base = flows[0]
            break
    base = re.sub(r"[^A-Za-z0-9_]", "_", base) or "conversation"
    if not NAME_PATTERN.match(base):
        base = f"conversation_{base}"
    number = 1
    while saved_path(project_root, f"{base}_{number}").exists():
        number += 1
    return f"{base}_{number}"


def save_test_case(
    project_root: str | os.PathLike[str],
    results: Sequence[TurnResult],
    name: str,
    *,
    header: str = "",
    overwrite: bool = False,
) -> Path:
    """Write `tests/e2e_test_cases/saved/<name>.yml`; returns its path. Raises `ExportError`."""
    text = render_test_file(results, name, header=header)
    path = saved_path(project_root, name)
    if path.exists() and not overwrite:
        raise ExportError(f"{path} already exists; choose another name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
        ) as f:
            f.write(text)
        os.replace(f.name, path)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path
