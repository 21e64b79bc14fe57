"""Flow: the active flow's steps as a tree, the current step marked, branch conditions shown.

Steps are stored flat; the tree follows `next` from the first step, so `then`/`else` lists
appear under their condition the way they were written. A jump back to a step already shown
is a `↺` leaf instead of a copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from calmtui.app.plain import format_value
from calmtui.app.safe_text import printable
from calmtui.core.events import FlowCompleted
from calmtui.core.model.flows import (
    CONTINUE_PREFIX,
    END,
    ActionStep,
    BranchNext,
    CallStep,
    CollectStep,
    Flow,
    LinkStep,
    NoopStep,
    SetSlotsStep,
    StaticNext,
    Step,
)
from calmtui.core.model.project import Project

if TYPE_CHECKING:
    from calmtui.core.dialogue.frames import Frame
    from calmtui.session import TurnResult

MAX_STEPS = 500  # a guard against pathological flows; validation reports real problems


def step_label(step: Step) -> str:
    match step:
        case CollectStep(collect=slot, rejections=rejections):
            extra = (
                f" ({len(rejections)} rejection{'s' if len(rejections) > 1 else ''})"
                if rejections
                else ""
            )
            return f"collect {slot}{extra}"
        case ActionStep(action=action):
            return f"action {action}"
        case LinkStep(link=target):
            return f"link → {target}"
        case CallStep(call=target):
            return f"call {target}"
        case SetSlotsStep(slot_values=values):
            return "set_slots " + ", ".join(f"{k}={format_value(v)}" for k, v in values)
        case NoopStep():
            return "noop"


def shown_frame(result: TurnResult) -> Frame | None:
    """The topmost user flow frame, else the top pattern frame."""
    stack = result.stack_after
    for frame in reversed(stack):
        if frame.kind == "flow":
            return frame
    return stack[-1] if stack else None


class FlowTree(Tree[str]):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("no active flow", id=id, classes="panel")
        self.border_title = "Flow"
        self.show_root = True
        self.flow: Flow | None = None
        self.current: str | None = None
        self._shown = 0
        self._current_node: TreeNode[str] | None = None

    def show(self, result: TurnResult, project: Project | None) -> None:
        frame = shown_frame(result)
        flow_id = frame.flow_id if frame else None
        status = ""
        if flow_id is None:
            done = [
                e.flow_id
                for e in result.events
                if isinstance(e, FlowCompleted) and not e.flow_id.startswith("pattern_")
            ]
            flow_id, status = (done[-1], "completed this turn") if done else (None, "")
        flow = project.flow(flow_id) if project is not None and flow_id else None
        self.flow = flow
        self.current = (
            frame.step_id.removeprefix(CONTINUE_PREFIX)
            if frame and flow_id == frame.flow_id
            else None
        )
        self.clear()
        if flow_id is None:
            self.root.set_label(Text("no active flow", style="dim"))
            self.border_title = "Flow"
            return
        self.border_title = f"Flow: {flow_id}"
        if flow is None:
            self.root.set_label(Text(f"{flow_id} is no longer in the project", style="red"))
            return
        label = Text(printable(flow.readable_name, one_line=True), style="bold")
        where = status or (f"at {self.current}" if self.current else "")
        if where:
            label.append(f"  {where}", style="dim")
        self.root.set_label(label)
        self._shown = 0
        self._current_node = None
        self._chain(self.root, flow.first_step.id if flow.first_step else END, set())
        self.root.expand_all()
        if self._current_node is not None:
            self.call_after_refresh(self.move_cursor, self._current_node)

    def _label(self, step: Step) -> Text:
        is_current = step.id == self.current
        text = Text("● " if is_current else "  ", style="bold green" if is_current else "")
        text.append(
            printable(step_label(step), one_line=True), style="bold reverse" if is_current else ""
        )
        if step.has_custom_id:
            text.append(f"  #{step.id}", style="dim")
        return text

    def _mark(self, node: TreeNode[str]) -> TreeNode[str]:
        if node.data == self.current:
            self._current_node = node
        return node

    def _chain(self, node: TreeNode[str], step_id: str, rendered: set[str]) -> None:
        assert self.flow is not None
        while step_id != END:
            self._shown += 1
            if self._shown > MAX_STEPS:
                node.add_leaf(Text("…", style="dim"))
                return
            if step_id in rendered:
                node.add_leaf(Text(f"↺ back to {step_id}", style="dim"), data=step_id)
                return
            step = self.flow.step(step_id)
            if step is None:
                node.add_leaf(Text(f"? unknown step {step_id}", style="red"))
                return
            rendered.add(step_id)
            match step.next:
                case StaticNext(target=target):
                    self._mark(node.add_leaf(self._label(step), data=step.id))
                    step_id = target
                case BranchNext(branches=branches, else_target=else_target):
                    parent = self._mark(node.add(self._label(step), data=step.id, expand=True))
                    for branch in branches:
                        condition = (
                            branch.condition
                            if isinstance(branch.condition, str)
                            else str(branch.condition).lower()
                        )
                        self._chain(
                            parent.add(
                                Text(printable(f"if {condition}", one_line=True), style="italic"),
                                expand=True,
                            ),
                            branch.target,
                            rendered,
                        )
                    self._chain(
                        parent.add(Text("else", style="italic"), expand=True), else_target, rendered
                    )
                    return
        node.add_leaf(Text("end", style="dim"))

    def copy_text(self) -> str | None:
        node = self.cursor_node
        if node is None:
            return None
        label = node.label
        return label.plain if isinstance(label, Text) else str(label)
