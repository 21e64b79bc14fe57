"""Stack queries (FORMATS.md e.1) and the stack surgery built on them."""

from __future__ import annotations

import pytest

from calmtui.core.dialogue import frames as F
from calmtui.core.dialogue.frames import FlowFrame, Frame, PatternFrame
from calmtui.core.dialogue.state import DialogueState, Tracker
from calmtui.core.engine import stack_ops


def flow(
    frame_id: str, flow_id: str, frame_type: F.FrameType = "regular", step: str = "s1"
) -> FlowFrame:
    return FlowFrame(frame_id=frame_id, flow_id=flow_id, step_id=step, frame_type=frame_type)


def pattern(frame_id: str, flow_id: str, **fields: object) -> PatternFrame:
    return PatternFrame(frame_id=frame_id, flow_id=flow_id, step_id="p1", fields=fields)


A = flow("a", "transfer")
A_ASK = pattern("a_ask", F.COLLECT, collect="amount", utter="utter_ask_amount")
B = flow("b", "verify", "call")
B_ASK = pattern("b_ask", F.COLLECT, collect="dob")
C = flow("c", "weather", "interrupt")
L = flow("l", "menu", "link")
CI = pattern("ci", F.CONTINUE_INTERRUPTED, interrupted_flow_ids=["transfer"])
CORR = pattern("corr", F.CORRECTION)

TOP_USER = [
    ([], None, None, None),
    ([A, A_ASK], "a", "a", "a"),
    ([A, B, B_ASK], "a", "b", "a"),
    ([A, A_ASK, C], "c", "c", "c"),
    ([A, L], "a", "l", "l"),
    ([L], None, "l", "l"),
]


@pytest.mark.parametrize(("stack", "primary", "any_user", "cancelable"), TOP_USER)
def test_top_user_frames(
    stack: list[Frame], primary: str | None, any_user: str | None, cancelable: str | None
) -> None:
    def frame_id(f: Frame | None) -> str | None:
        return f.frame_id if f else None

    assert frame_id(F.top_user_frame(stack)) == primary
    assert frame_id(F.top_user_frame(stack, skip_call_and_link=False)) == any_user
    assert frame_id(F.cancelable_user_frame(stack)) == cancelable


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        ([A, A_ASK], "a"),
        ([A, B, B_ASK], "a"),
        ([A, A_ASK, CORR, pattern("x", F.COLLECT)], "corr"),
        ([], None),
    ],
)
def test_top_flow_frame_skips_questions_and_called_flows(
    stack: list[Frame], expected: str | None
) -> None:
    top = F.top_flow_frame(stack)
    assert (top.frame_id if top else None) == expected


def test_a_pattern_is_active_only_above_the_top_user_flow() -> None:
    assert F.is_continue_interrupted_active([A, A_ASK, CI, pattern("q", F.COLLECT)])
    assert not F.is_continue_interrupted_active([CI, A, A_ASK])
    assert F.pattern_above_user_flow([A, CORR], F.CORRECTION) == CORR


def test_context_of_the_collect_pattern_includes_the_frame_below() -> None:
    context = F.context_of([A, A_ASK])
    assert context["collect"] == "amount"
    assert context["flow_id"] == F.COLLECT
    assert context["frame_type"] == "regular"  # from the transfer frame below
    assert F.context_of([A])["flow_id"] == "transfer"
    assert F.context_of([]) == {}


def test_paused_user_frames_skip_ending_and_called_flows() -> None:
    ending = flow("e", "x", "interrupt", step=F.ENDED)
    assert F.paused_user_frames([A, B, C, ending, L]) == [A, C]


def test_frames_round_trip_through_json() -> None:
    for frame in (A, A_ASK, B, CI, L):
        assert F.frame_from_json(frame.to_json()) == frame


def test_segment_of_a_flow_reaches_up_to_the_next_started_flow() -> None:
    stack = [A, A_ASK, C, pattern("c_ask", F.COLLECT)]
    assert stack_ops.segment_of(stack, A) == [A, A_ASK]
    assert stack_ops.segment_of([A, B, B_ASK, CORR], A) == [A, B, B_ASK, CORR]


def test_canceled_frames_go_down_to_the_first_flow_not_started_by_a_call() -> None:
    assert stack_ops.canceled_frames([C, A, B, B_ASK]) == ["b_ask", "b", "a"]
    assert stack_ops.canceled_frames([A, A_ASK, C, pattern("q", F.COLLECT)]) == ["q", "c"]
    assert stack_ops.canceled_frames([pattern("x", F.SEARCH)]) == []


def test_resume_moves_the_segment_up_and_marks_it_an_interruption() -> None:
    tracker = Tracker(DialogueState(stack=(A, A_ASK, C, pattern("c_ask", F.COLLECT))))
    stack_ops.resume(tracker, A)
    assert [f.frame_id for f in tracker.stack] == ["c", "c_ask", "a", "a_ask"]
    moved = tracker.stack[2]
    assert isinstance(moved, FlowFrame)
    assert moved.frame_type == "interrupt"
    assert tracker.events[-1].event == "flow_resumed"


def test_remove_patterns_takes_their_questions_and_reports_them() -> None:
    tracker = Tracker(DialogueState(stack=(A, A_ASK, CI, pattern("ci_ask", F.COLLECT))))
    stack_ops.remove_patterns(tracker, (F.CONTINUE_INTERRUPTED,))
    assert [f.frame_id for f in tracker.stack] == ["a", "a_ask"]
    completed = [e for e in tracker.events if e.event == "flow_completed"]
    assert [getattr(e, "flow_id", None) for e in completed] == [F.COLLECT, F.CONTINUE_INTERRUPTED]
