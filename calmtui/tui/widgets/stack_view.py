"""Stack: the dialogue stack after a turn, top first — frame type, flow id and name, the
current step, and a pattern frame's context; then what the turn pushed and popped."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from calmtui.app.safe_text import printable
from calmtui.core.model.flows import CONTINUE_PREFIX
from calmtui.core.model.project import Project

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


def frame_text(frame: Frame, project: Project | None, *, top: bool) -> Text:
    """`▸ flow_id`, then its kind and step, then a pattern's context one field per line."""
    text = Text()
    text.append("▸ " if top else "  ", style="bold")
    text.append(frame.flow_id, style="bold" if top else "")
    flow = project.flow(frame.flow_id) if project else None
    if flow is None and project is not None:
        text.append("  (no longer in the project)", style="red")
    # Frames are told apart by their `kind` field: the engine's classes are only imported for
    # type checking, so opening the UI does not wait for the engine to load.
    if frame.kind == "flow":
        named = f" '{flow.name}'" if flow is not None and flow.name else ""
        kind = f"{frame.frame_type} flow{named}"
    else:
        kind = "pattern"
    text.append(f"\n    {kind} · ", style="dim")
    text.append(printable(short_step(frame.flow_id, frame.step_id), one_line=True))
    if frame.kind == "pattern":
        for key, value in frame.fields.items():
            if value not in (None, "", [], {}, ()):
                text.append(f"\n    {key}: ", style="dim")
                text.append(printable(_value(value), one_line=True))
    return text


def stack_text(result: TurnResult, project: Project | None) -> Text:
    frames = list(reversed(result.stack_after))
    if not frames:
        text = Text("empty (no flow is active)", style="dim")
    else:
        text = Text("\n").join(frame_text(f, project, top=i == 0) for i, f in enumerate(frames))
    before = {f.frame_id: f.flow_id for f in result.stack_before}
    after = {f.frame_id: f.flow_id for f in result.stack_after}
    pushed = [flow for fid, flow in after.items() if fid not in before]
    popped = [flow for fid, flow in before.items() if fid not in after]
    if pushed or popped:
        change = [f"+{f}" for f in pushed] + [f"-{f}" for f in popped]
        text.append("\n\nthis turn: " + " ".join(change), style="dim italic")
    return text


class StackView(VerticalScroll):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self.border_title = "Stack"
        self.result: TurnResult | None = None
        self._text: Text | None = None
        self._body = Static(Text("No turn yet.", style="dim"), id="stack-body")

    def compose(self) -> ComposeResult:
        yield self._body

    def show(self, result: TurnResult, project: Project | None) -> None:
        self.result = result
        self.border_title = f"Stack ({len(result.stack_after)})"
        self._text = stack_text(result, project)
        self._body.update(self._text)

    def copy_text(self) -> str | None:
        """The stack, top first, as `flow_id@step_id` lines (full step ids)."""
        if self.result is None:
            return None
        return (
            "\n".join(f"{f.flow_id}@{f.step_id}" for f in reversed(self.result.stack_after))
            or "(empty)"
        )
