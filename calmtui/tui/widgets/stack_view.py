"""Stack: the dialogue stack after a turn, top first — frame type, flow id and name, the
current step, and a pattern frame's context; then what the turn pushed and popped.

Each frame is a row whose lines end in `…` where the panel is too narrow (a long flow id never
breaks mid-word); the highlighted frame is shown in full below the list.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from textual.content import Content

from calmtui.app.safe_text import printable
from calmtui.core.model.flows import CONTINUE_PREFIX
from calmtui.core.model.project import Project
from calmtui.tui.widgets.item_list import Item, ItemList

if TYPE_CHECKING:
    from calmtui.core.dialogue.frames import Frame
    from calmtui.session import TurnResult


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def short_step(flow_id: str, step_id: str) -> str:
    """`step 4 action_listen` for a default id (`<flow>_<index>_<what>`, the flow is shown
    above), the id itself for custom ids; `next: END` for a frame about to continue."""
    prefix = "next: " if step_id.startswith(CONTINUE_PREFIX) else "step "
    step_id = step_id.removeprefix(CONTINUE_PREFIX)
    rest = step_id.removeprefix(f"{flow_id}_")
    index, _, what = rest.partition("_")
    if rest != step_id and index.isdigit() and what:
        return f"{prefix}{index} {what}"
    return f"{prefix}{step_id}"


def _kind(frame: Frame, project: Project | None) -> str:
    # Frames are told apart by their `kind` field: the engine's classes are only imported for
    # type checking, so opening the UI does not wait for the engine to load.
    if frame.kind != "flow":
        return "pattern"
    flow = project.flow(frame.flow_id) if project else None
    named = f" '{flow.name}'" if flow is not None and flow.name else ""
    return f"{frame.frame_type} flow{named}"


def _fields(frame: Frame) -> list[tuple[str, str]]:
    if frame.kind != "pattern":
        return []
    return [
        (k, printable(_value(v), one_line=True))
        for k, v in frame.fields.items()
        if v not in (None, "", [], {}, ())
    ]


def frame_item(frame: Frame, project: Project | None, *, top: bool) -> Item:
    """`▸ flow_id`, then its kind and step, then a pattern's context one field per line; the
    detail names the flow and its step in full (a default step id is its index and what it
    does, `step 4 action_listen`; `ctrl+y` copies the stack with the ids as they are)."""
    gone = project is not None and project.flow(frame.flow_id) is None
    lines = [
        Content.assemble(
            ("▸ " if top else "  ", "bold"),
            (frame.flow_id, "bold" if top else ""),
            ("  (no longer in the project)", "red") if gone else "",
        ),
        Content.assemble(
            (f"    {_kind(frame, project)} · ", "dim"),
            printable(short_step(frame.flow_id, frame.step_id), one_line=True),
        ),
    ]
    lines += [Content.assemble((f"    {key}: ", "dim"), value) for key, value in _fields(frame)]
    detail = Content.assemble(
        (frame.flow_id, "bold"), "\n", short_step(frame.flow_id, frame.step_id)
    )
    return Item(prompt=Content("\n").join(lines), detail=detail)


def stack_items(result: TurnResult, project: Project | None) -> list[Item]:
    frames = list(reversed(result.stack_after))
    return [frame_item(f, project, top=i == 0) for i, f in enumerate(frames)]


def stack_change(result: TurnResult) -> Content | None:
    """`this turn: +pattern_x -flow_y`, or None when the turn pushed and popped nothing."""
    before = {f.frame_id: f.flow_id for f in result.stack_before}
    after = {f.frame_id: f.flow_id for f in result.stack_after}
    pushed = [flow for fid, flow in after.items() if fid not in before]
    popped = [flow for fid, flow in before.items() if fid not in after]
    if not pushed and not popped:
        return None
    change = [f"+{f}" for f in pushed] + [f"-{f}" for f in popped]
    return Content.styled("this turn: " + " ".join(change), "dim italic")


class StackView(ItemList):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id or "stack", title="Stack")
        self.result: TurnResult | None = None

    def on_mount(self) -> None:
        self.set_items([], empty="No turn yet.")

    def show(self, result: TurnResult, project: Project | None) -> None:
        self.result = result
        self.border_title = f"Stack ({len(result.stack_after)})"
        self.set_items(
            stack_items(result, project),
            empty="empty (no flow is active)",
            footer=stack_change(result),
        )

    def text(self) -> str:
        """Every row in full, top first, then the turn's change (for tests and copying)."""
        rows = [item.prompt.plain for item in self.items]
        change = stack_change(self.result) if self.result is not None else None
        return "\n".join(rows + ([change.plain] if change is not None else []))

    def copy_text(self) -> str | None:
        """The stack, top first, as `flow_id@step_id` lines (full step ids)."""
        if self.result is None:
            return None
        return (
            "\n".join(f"{f.flow_id}@{f.step_id}" for f in reversed(self.result.stack_after))
            or "(empty)"
        )
