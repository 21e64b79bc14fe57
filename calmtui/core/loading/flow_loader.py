"""Reads flow files into `Flow`s and checks what only the flow's own structure can tell
(FORMATS.md c and the load-time checks of h.2): keys per step type, step ids, `next` targets,
branches, reachability. Cross-references to the domain and to other flows are `validate`'s job.

Two passes per flow: first the YAML becomes a tree of `_Raw` steps numbered in depth-first
document order (which is what default step ids count), then every step gets its resolved `next`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from calmtui.core.diagnostics import Diagnostic, Span, did_you_mean
from calmtui.core.loading.domain_loader import read_rejections
from calmtui.core.loading.reader import Reader, type_name
from calmtui.core.loading.translations import read_flow_translation
from calmtui.core.model.flows import (
    CONTINUE_PREFIX,
    END,
    START,
    ActionStep,
    Branch,
    BranchNext,
    CallStep,
    CollectStep,
    Flow,
    LinkStep,
    Next,
    NluTrigger,
    NoopStep,
    SetSlotsStep,
    StaticNext,
    Step,
)
from calmtui.core.source import YamlFile, YMap, YSeq

FLOW_ID_RE = re.compile(r"^[a-zA-Z0-9_][a-zA-Z0-9_-]*$")
STEP_ID_RE = re.compile(r"^[^\s]+$")
FLOW_KEYS = (
    "description",
    "name",
    "if",
    "always_include_in_prompt",
    "nlu_trigger",
    "persisted_slots",
    "run_pattern_completed",
    "translation",
    "metadata",
    "on_activate",
    "file_path",
    "steps",
)
STEP_TYPES = ("action", "collect", "link", "call", "set_slots", "noop")
COMMON = ("id", "next", "metadata")
STEP_KEYS: dict[str, tuple[str, ...]] = {
    "action": COMMON,
    "collect": (
        *COMMON,
        "description",
        "utter",
        "ask_before_filling",
        "reset_after_flow_ends",
        "force_slot_filling",
        "rejections",
        "silence_timeout",
        "dtmf",
        "collect-tool-binding",
    ),
    "link": ("id", "metadata"),
    "call": (*COMMON, "description", "mcp_server", "mapping", "exit_if"),
    "set_slots": (*COMMON, "description"),
    "noop": (*COMMON, "description"),
}
# Keys calmtui reads but does not act on (voice channels, MCP tools and sub-agents): CT371.
UNSUPPORTED_STEP_KEYS: dict[str, tuple[str, ...]] = {
    "collect": ("silence_timeout", "dtmf", "collect-tool-binding"),
    "call": ("mcp_server", "mapping", "exit_if"),
}
UNSUPPORTED_FLOW_KEYS = ("on_activate",)
# Rasa's flow schema refuses other keys on flows and on action and collect steps
# (`additionalProperties: false`); on the other steps and on branches it accepts and ignores them.
STRICT_STEP_TYPES = frozenset({"action", "collect"})


@dataclass
class _Raw:
    """A step read from YAML before its id and `next` are final."""

    kind: str
    data: YMap
    span: Span
    index: int = -1
    id: str = ""
    children: list[list[_Raw]] = field(default_factory=list["list[_Raw]"])
    step: Step | None = None


@dataclass
class FlowFileResult:
    flows: list[Flow] = field(default_factory=list[Flow])
    diagnostics: list[Diagnostic] = field(default_factory=list[Diagnostic])


def is_flow_file(file: YamlFile) -> bool:
    return isinstance(file.data, YMap) and "flows" in file.data


def load_flow_file(file: YamlFile, *, builtin: bool = False) -> FlowFileResult:
    reader = Reader(file.path)
    result = FlowFileResult()
    data = file.data
    if not isinstance(data, YMap):
        return result
    other = [k for k in data if k not in ("flows", "version")]
    for key in other:
        if key in ("nlu", "stories", "rules", "responses", "retrieval_intents"):
            reader.info(
                "CT222", f"{key!r} is NLU-era data and is ignored by calmtui", data.key_span(key)
            )
        else:
            reader.warning(
                "CT111", f"unknown top-level key {key!r} in a flows file", data.key_span(key)
            )
    flows = data.get("flows")
    if flows is None:
        reader.warning("CT113", "'flows:' is empty", data.key_span("flows"))
    elif (m := reader.as_map(flows, data.value_span("flows"), "'flows'")) is not None:
        for flow_id, value in m.items():
            flow = _read_flow(
                reader, flow_id, value, m.key_span(flow_id), m.value_span(flow_id), builtin
            )
            if flow is not None:
                result.flows.append(flow)
    result.diagnostics.extend(reader.diagnostics)
    return result


def _read_flow(
    reader: Reader, flow_id: str, value: Any, key_span: Span, value_span: Span, builtin: bool
) -> Flow | None:
    what = f"flow {flow_id!r}"
    if not FLOW_ID_RE.match(flow_id):
        reader.error(
            "CT321",
            f"flow id {flow_id!r} is not valid",
            key_span,
            hint=f"flow ids must match {FLOW_ID_RE.pattern}",
        )
    m = reader.as_map(value, value_span, what)
    if m is None:
        return None
    reader.check_keys(m, FLOW_KEYS, what, code="CT301", severity="error")
    description = reader.string(m, "description", what)
    if description is None and not builtin:
        reader.error(
            "CT339",
            f"{what} has no description",
            key_span,
            hint="describe when the flow should start: the LLM and the offline matcher read it",
        )
    guard: str | bool | None = None
    if "if" in m:
        raw_guard = m["if"]
        if isinstance(raw_guard, bool | str):
            guard = raw_guard
        else:
            reader.wrong_type(f"'if' of {what}", "a condition", raw_guard, m.value_span("if"))
    steps = _read_steps(reader, flow_id, m, key_span)
    persisted = reader.string_list(m, "persisted_slots", what)
    names, name_spans = read_flow_translation(reader, m, what)
    triggers = _read_triggers(reader, m, what)
    unsupported = [(key, m.key_span(key)) for key in UNSUPPORTED_FLOW_KEYS if key in m]
    unsupported += [
        ("confidence_threshold", t.span)
        for t in triggers
        if t.confidence_threshold is not None and t.span is not None
    ]
    return Flow(
        id=flow_id,
        description=description or "",
        name=reader.string(m, "name", what) or "",
        guard=guard,
        guard_span=m.value_span("if") if "if" in m else None,
        always_include_in_prompt=reader.boolean(m, "always_include_in_prompt", what, False),
        nlu_triggers=triggers,
        persisted_slots=tuple(name for name, _ in persisted),
        persisted_slot_spans=tuple(span for _, span in persisted),
        run_pattern_completed=reader.boolean(m, "run_pattern_completed", what, True),
        metadata=dict(reader.map_at(m, "metadata", f"'metadata' of {what}") or {}),
        translation=names,
        translation_spans=name_spans,
        steps=steps,
        span=key_span,
        builtin=builtin,
        unsupported_spans=tuple(unsupported),
    )


def _read_triggers(reader: Reader, m: YMap, what: str) -> tuple[NluTrigger, ...]:
    seq = reader.seq_at(m, "nlu_trigger", f"'nlu_trigger' of {what}")
    if seq is None:
        return ()
    triggers: list[NluTrigger] = []
    for i, item in enumerate(seq):
        t = reader.as_map(item, seq.item_span(i), f"an nlu_trigger of {what}")
        if t is None:
            continue
        intent = t.get("intent")
        if isinstance(intent, str):
            triggers.append(NluTrigger(intent=intent, span=t.value_span("intent")))
        elif isinstance(intent, YMap) and isinstance(intent.get("name"), str):
            threshold = intent.get("confidence_threshold")
            triggers.append(
                NluTrigger(
                    intent=intent["name"],
                    confidence_threshold=float(threshold)
                    if isinstance(threshold, int | float)
                    else None,
                    span=intent.value_span("name"),
                )
            )
        else:
            reader.error("CT112", f"an nlu_trigger of {what} needs an 'intent'", t.span)
    return tuple(triggers)


# --- steps ------------------------------------------------------------------------------------


def _read_steps(reader: Reader, flow_id: str, m: YMap, key_span: Span) -> tuple[Step, ...]:
    what = f"flow {flow_id!r}"
    raw_steps = m.get("steps")
    if raw_steps is None or (isinstance(raw_steps, YSeq) and not raw_steps):
        reader.error(
            "CT303", f"{what} has no steps", m.key_span("steps") if "steps" in m else key_span
        )
        return ()
    seq = reader.as_seq(raw_steps, m.value_span("steps"), f"'steps' of {what}")
    if seq is None:
        return ()
    builder = _StepBuilder(reader, flow_id)
    root = builder.sequence(seq)
    ordered: list[_Raw] = []
    builder.number(root, ordered)
    builder.check_ids(ordered)
    builder.resolve(root, nested=False)
    steps = [r.step for r in ordered if r.step is not None]
    builder.check_reachable(steps)
    return tuple(steps)


class _StepBuilder:
    def __init__(self, reader: Reader, flow_id: str) -> None:
        self.reader = reader
        self.flow_id = flow_id

    @property
    def what(self) -> str:
        return f"flow {self.flow_id!r}"

    def sequence(self, seq: YSeq) -> list[_Raw]:
        result: list[_Raw] = []
        for i, item in enumerate(seq):
            data = self.reader.as_map(item, seq.item_span(i), f"a step of {self.what}")
            if data is None:
                continue
            kind = self.step_kind(data)
            if kind is None:
                continue
            raw = _Raw(kind=kind, data=data, span=data.span)
            nxt = data.get("next")
            if isinstance(nxt, YSeq):
                for branch in nxt:
                    if isinstance(branch, YMap):
                        for key in ("then", "else"):
                            target = branch.get(key)
                            if isinstance(target, YSeq):
                                raw.children.append(self.sequence(target))
            result.append(raw)
        return result

    def step_kind(self, data: YMap) -> str | None:
        kinds = [k for k in STEP_TYPES if k in data]
        if not kinds:
            legacy = "generation_prompt" in data or "entry_prompt" in data
            self.reader.error(
                "CT309",
                f"a step of {self.what} has no type"
                + (" (generation_prompt steps are not supported)" if legacy else ""),
                data.span,
                hint="a step needs exactly one of: " + ", ".join(STEP_TYPES),
            )
            return None
        if len(kinds) > 1:
            self.reader.error(
                "CT309",
                f"a step of {self.what} has several types: " + ", ".join(kinds),
                data.key_span(kinds[1]),
                hint="split it into one step per type",
            )
        kind = kinds[0]
        article = "an" if kind[0] in "aeiou" else "a"
        what = f"{article} {kind} step of {self.what}"
        if kind in STRICT_STEP_TYPES:
            self.reader.check_keys(
                data, (kind, *STEP_KEYS[kind]), what, code="CT301", severity="error"
            )
        else:  # a link's `next` is CT308's
            allowed = (kind, *STEP_KEYS[kind], *(("next",) if kind == "link" else ()))
            self.ignored_keys(data, allowed, what)
        return kind

    def ignored_keys(self, data: YMap, allowed: tuple[str, ...], what: str) -> None:
        """CT370: keys Rasa's schema accepts here and ignores; so does calmtui, and says so."""
        for key in data:
            if key in allowed or key in STEP_TYPES:
                continue
            self.reader.warning(
                "CT370",
                f"key {key!r} of {what} is ignored, as Rasa does",
                data.key_span(key),
                hint=did_you_mean(key, allowed),
            )

    def number(self, seq: list[_Raw], ordered: list[_Raw]) -> None:
        """Depth-first, document-order numbering: a step, then its nested branches, then the next."""
        for raw in seq:
            raw.index = len(ordered)
            ordered.append(raw)
            for child in raw.children:
                self.number(child, ordered)

    def check_ids(self, ordered: list[_Raw]) -> None:
        seen: dict[str, Span] = {}
        for raw in ordered:
            custom = raw.data.get("id")
            if custom is not None and not isinstance(custom, str):
                custom = str(custom)
            if isinstance(custom, str):
                span = raw.data.value_span("id")
                if custom in (START, END) or custom.startswith(CONTINUE_PREFIX):
                    self.reader.error(
                        "CT305", f"step id {custom!r} is reserved", span, hint="pick another id"
                    )
                elif not STEP_ID_RE.match(custom):
                    self.reader.warning(
                        "CT346",
                        f"step id {custom!r} contains whitespace (Rasa accepts it)",
                        span,
                        hint="quote it wherever a 'next' names it, or use '_' instead",
                    )
                raw.id = custom
            else:
                raw.id = f"{self.flow_id}_{raw.index}_{self._postfix(raw)}"
            if raw.id in seen:
                self.reader.error(
                    "CT306",
                    f"step id {raw.id!r} is used twice in {self.what}",
                    raw.data.value_span("id") if "id" in raw.data else raw.span,
                    related=(seen[raw.id],),
                )
            else:
                seen[raw.id] = raw.data.value_span("id") if "id" in raw.data else raw.span

    def _postfix(self, raw: _Raw) -> str:
        value = raw.data.get(raw.kind)
        match raw.kind:
            case "action":
                return str(value)
            case "collect" | "link" | "call":
                return f"{raw.kind}_{value}"
            case _:
                return raw.kind

    # -- next resolution ------------------------------------------------------------------------
    def resolve(self, seq: list[_Raw], *, nested: bool) -> None:
        for pos, raw in enumerate(seq):
            follower = seq[pos + 1].id if pos + 1 < len(seq) else None
            nxt = self.next_of(raw, follower, nested=nested)
            raw.step = self.make_step(raw, nxt)
            for child in raw.children:
                self.resolve(child, nested=True)

    def next_of(self, raw: _Raw, follower: str | None, *, nested: bool) -> Next:
        data = raw.data
        if raw.kind == "link":
            if "next" in data:
                self.reader.error(
                    "CT308",
                    "a link step cannot have 'next': the flow ends and the linked flow starts",
                    data.key_span("next"),
                )
            return StaticNext(target=END)
        spec = data.get("next")
        span = data.value_span("next") if "next" in data else raw.span
        if spec is None:
            if raw.kind == "noop":
                self.reader.error("CT341", f"a noop step of {self.what} needs 'next'", raw.span)
            if follower is not None:
                return StaticNext(target=follower)
            if nested:
                self.reader.error(
                    "CT310",
                    f"step {raw.id!r} is the last step of a branch and needs an explicit 'next'",
                    raw.span,
                    hint="add 'next: END' or 'next: <step id>'",
                )
            return StaticNext(target=END)
        if isinstance(spec, bool) or not isinstance(spec, str | int | float | YSeq):
            self.reader.wrong_type("'next'", "a step id or a list of branches", spec, span)
            return StaticNext(target=follower or END)
        if not isinstance(spec, YSeq):
            return StaticNext(target=str(spec), span=span)
        return self.branches(raw, spec, span, follower)

    def branches(self, raw: _Raw, spec: YSeq, span: Span, follower: str | None) -> Next:
        branches: list[Branch] = []
        else_target: str | None = None
        else_span: Span | None = None
        children = iter(raw.children)
        for i, item in enumerate(spec):
            m = self.reader.as_map(item, spec.item_span(i), "a branch of 'next'")
            if m is None:
                continue
            if "else" in m:
                self.ignored_keys(m, ("else",), f"an else branch of step {raw.id!r}")
                else_target = self.branch_target(m, "else", children)
                else_span = m.value_span("else")
                if i != len(spec) - 1:
                    self.reader.error("CT307", "'else' must be the last branch", m.key_span("else"))
                continue
            self.ignored_keys(m, ("if", "then"), f"a branch of step {raw.id!r}")
            condition = m.get("if")
            if not isinstance(condition, str | bool):
                self.reader.error("CT112", "a branch needs an 'if' condition", m.span)
                condition = False
            target = self.branch_target(m, "then", children)
            branches.append(
                Branch(
                    condition=condition,
                    target=target,
                    span=m.value_span("if"),
                    target_span=m.value_span("then"),
                )
            )
        if else_target is None:
            if branches:
                self.reader.error(
                    "CT307",
                    f"the branches of step {raw.id!r} have no 'else'",
                    span,
                    hint="add '- else: <step id or END>' as the last branch",
                )
            else_target = follower or END
        if not branches:
            return StaticNext(target=else_target, span=span)
        return BranchNext(
            branches=tuple(branches), else_target=else_target, span=span, else_span=else_span
        )

    def branch_target(self, m: YMap, key: str, children: Iterator[list[_Raw]]) -> str:
        value = m.get(key)
        if isinstance(value, YSeq):
            no_steps: list[_Raw] = []
            child = next(children, no_steps)
            if not child:
                if not value:
                    self.reader.error(
                        "CT304", f"'{key}' has an empty list of steps", m.value_span(key)
                    )
                return END
            return child[0].id
        if value is None or isinstance(value, bool) or not isinstance(value, str | int | float):
            self.reader.error(
                "CT112", f"'{key}' needs a step id or a list of steps", m.key_span(key)
            )
            return END
        return str(value)

    # -- building -------------------------------------------------------------------------------
    def make_step(self, raw: _Raw, nxt: Next) -> Step | None:
        data, reader = raw.data, self.reader
        common: dict[str, Any] = {
            "id": raw.id,
            "index": raw.index,
            "next": nxt,
            "has_custom_id": "id" in data,
            "description": reader.string(data, "description", f"step {raw.id!r}"),
            "metadata": dict(
                reader.map_at(data, "metadata", f"'metadata' of step {raw.id!r}") or {}
            ),
            "span": raw.span,
            "value_span": data.value_span(raw.kind),
            "unsupported_spans": tuple(
                (key, data.key_span(key))
                for key in UNSUPPORTED_STEP_KEYS.get(raw.kind, ())
                if key in data
            ),
        }
        value = data.get(raw.kind)
        what = f"step {raw.id!r}"
        match raw.kind:
            case "action":
                name = self.name_value(data, "action", what)
                return ActionStep(action=name, **common) if name else None
            case "collect":
                return self.collect_step(data, common, what)
            case "link":
                name = self.name_value(data, "link", what)
                return LinkStep(link=name, **common) if name else None
            case "call":
                name = self.name_value(data, "call", what)
                return CallStep(call=name, **common) if name else None
            case "set_slots":
                pairs, spans = self.slot_values(data, what)
                return SetSlotsStep(slot_values=pairs, slot_spans=spans, **common)
            case _:
                if value is not True:
                    reader.error("CT110", "'noop' must be true", data.value_span("noop"))
                return NoopStep(**common)

    def name_value(self, data: YMap, key: str, what: str) -> str | None:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        self.reader.wrong_type(f"{key!r} of {what}", "a name", value, data.value_span(key))
        return None

    def collect_step(self, data: YMap, common: dict[str, Any], what: str) -> CollectStep | None:
        reader = self.reader
        slot = self.name_value(data, "collect", what)
        if slot is None:
            return None
        utter = reader.string(data, "utter", what)
        rejections = read_rejections(
            reader,
            reader.seq_at(data, "rejections", f"'rejections' of {what}"),
            what,
            lenient=True,
        )
        if "reset_after_flow_ends" in data:
            reader.warning(
                "CT329",
                "'reset_after_flow_ends' is deprecated",
                data.key_span("reset_after_flow_ends"),
                hint="list the slot under the flow's 'persisted_slots' instead",
            )
        return CollectStep(
            collect=slot,
            utter=utter or f"utter_ask_{slot}",
            has_custom_utter=utter is not None,
            utter_span=data.value_span("utter") if utter is not None else None,
            ask_before_filling=reader.boolean(data, "ask_before_filling", what, False),
            reset_after_flow_ends=reader.boolean(data, "reset_after_flow_ends", what, True),
            force_slot_filling=reader.boolean(data, "force_slot_filling", what, False),
            rejections=rejections,
            silence_timeout=reader.number(data, "silence_timeout", what),
            **common,
        )

    def slot_values(
        self, data: YMap, what: str
    ) -> tuple[tuple[tuple[str, Any], ...], tuple[Span, ...]]:
        value = data.get("set_slots")
        pairs: list[tuple[str, Any]] = []
        spans: list[Span] = []
        if isinstance(value, YMap):  # tolerated: a plain mapping instead of a list of one-key maps
            return tuple(value.items()), tuple(value.key_span(k) for k in value)
        seq = self.reader.as_seq(value, data.value_span("set_slots"), f"'set_slots' of {what}")
        for i, item in enumerate(seq or []):
            if isinstance(item, YMap) and item:  # several pairs in one item: Rasa reads them all
                pairs.extend(item.items())
                spans.extend(item.key_span(k) for k in item)
            else:
                self.reader.error(
                    "CT347",
                    f"each entry of 'set_slots' must be a 'slot: value' pair, found {type_name(item)}",
                    seq.item_span(i) if seq is not None else None,
                )
        return tuple(pairs), tuple(spans)

    # -- structure ------------------------------------------------------------------------------
    def check_reachable(self, steps: list[Step]) -> None:
        if not steps:
            return
        ids = {s.id: s for s in steps}
        unresolved = False
        for step in steps:
            for target, target_span in step.targets_with_spans():
                if target != END and target not in ids and not target.startswith(CONTINUE_PREFIX):
                    unresolved = True
                    span = target_span or step.span
                    self.reader.error(
                        "CT311",
                        f"'next' points at step {target!r}, which {self.what} does not have",
                        span,
                        hint=did_you_mean(target, ids) or "use a step id of this flow or END",
                    )
        if unresolved:  # which steps are reachable depends on the fix: no unreachable cascade
            return
        reached: set[str] = set()
        todo = [steps[0].id]
        while todo:
            current = todo.pop()
            if current in reached or current not in ids:
                continue
            reached.add(current)
            todo.extend(ids[current].targets())
        for step in steps:
            if step.id not in reached:
                self.reader.error(
                    "CT312",
                    f"step {step.id!r} of {self.what} can never be reached",
                    step.span,
                    hint="point a 'next' at it or remove it",
                )
