"""The prompt of the LLM command generator (FORMATS.md d.5).

`prompt_variables` gathers what a prompt may show: the offered flows with their extractable slots,
the active flow and the question being asked, the slots of the active flow, and the transcript
ending with the new message. Our compact default template (`templates/default_prompt.jinja2`)
and a project's own `prompt_template` get the same variables (Rasa's names, so Rasa templates
work) and the `to_json_escaped_string` filter. Templates are project files, so they are rendered
in calmtui's one sandbox (`calmtui.core.sandbox`): a template can format data, never reach Python
internals, and is held to the same size limits as responses and conditions.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from calmtui.core.dialogue.state import DialogueState
from calmtui.core.languages import language_name
from calmtui.core.model.flows import CollectStep
from calmtui.core.sandbox import sandbox
from calmtui.understanding.errors import PromptRenderError, UnderstandingConfigError
from calmtui.understanding.settings import GeneratorSettings
from calmtui.understanding.situation import Situation

DEFAULT_TEMPLATE = "default_prompt.jinja2"
HISTORY_TURNS = 20


def to_json_escaped_string(value: Any) -> str:
    """Rasa's filter: the value as a JSON string literal (quotes and escapes included)."""
    return json.dumps(value if isinstance(value, str) else str(value), ensure_ascii=False)


def to_json(value: Any) -> str:
    """Compact one-line JSON, keys in the order given."""
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


class PromptTemplate:
    """A compiled, sandboxed prompt template."""

    def __init__(self, source: str, *, name: str) -> None:
        self.name = name
        environment = sandbox(
            mutable=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False
        )
        # Jinja types its filter table as dict[str, Unknown].
        filters: dict[str, Callable[[Any], str]] = environment.filters  # pyright: ignore[reportUnknownVariableType, reportUnknownMemberType]
        filters["to_json_escaped_string"] = to_json_escaped_string
        filters["to_json"] = to_json
        try:
            self._template = environment.from_string(source)
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f"{name}:{line}" if line else name
            raise UnderstandingConfigError(
                f"{where}: the prompt template cannot be read: {exc}"
            ) from None

    @classmethod
    def default(cls) -> PromptTemplate:
        source = resources.files("calmtui.understanding").joinpath("templates", DEFAULT_TEMPLATE)
        return cls(source.read_text(encoding="utf-8"), name=f"calmtui default ({DEFAULT_TEMPLATE})")

    @classmethod
    def from_file(cls, path: Path, *, shown_as: str | None = None) -> PromptTemplate:
        name = shown_as or str(path)
        try:
            source = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UnderstandingConfigError(
                f"prompt_template {name!r} in config.yml does not exist"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UnderstandingConfigError(
                f"prompt_template {name!r} cannot be read: {exc}"
            ) from None
        return cls(source, name=name)

    def render(self, variables: Mapping[str, Any]) -> str:
        try:
            return self._template.render(**variables).strip() + "\n"
        except Exception as exc:  # a project template can fail in many ways; report, don't crash
            raise PromptRenderError(f"{self.name}: {type(exc).__name__}: {exc}") from None


def load_template(settings: GeneratorSettings, project_root: str | Path) -> PromptTemplate:
    if settings.prompt_template is None:
        return PromptTemplate.default()
    path = settings.prompt_template
    try:
        shown = path.relative_to(Path(project_root)).as_posix()
    except ValueError:
        shown = str(path)
    return PromptTemplate.from_file(path, shown_as=shown)


def prompt_variables(
    text: str,
    situation: Situation,
    state: DialogueState,
    flow_ids: Sequence[str],
    settings: GeneratorSettings,
    *,
    now: Callable[[], dt.datetime] | None = None,
) -> dict[str, Any]:
    """The template variables of d.5 (plus `command_syntax` for our default template)."""
    asked = situation.asked
    step = asked.step if asked is not None else None
    slot = asked.slot if asked is not None else None
    current_flow = situation.active_flow
    config = situation.index.project.config
    language = situation.index.language_of(situation.slots)
    return {
        "available_flows": [_flow_info(flow_id, situation) for flow_id in flow_ids],
        "current_conversation": transcript(state, text),
        "flow_slots": _flow_slots(current_flow, situation) if current_flow else [],
        "current_flow": current_flow,
        "current_slot": asked.name if asked is not None else None,
        "current_slot_description": step.description if step is not None else None,
        "current_slot_type": slot.type if slot is not None else None,
        "current_slot_allowed_values": slot.allowed_values() if slot is not None else None,
        "user_message": text,
        "current_datetime": _datetime(settings, now) if settings.include_date_time else None,
        "command_syntax": settings.dsl_version,
        # The conversation's language (the built-in `language` slot; docs/languages.md), and
        # whether the assistant speaks several: the default template mentions it only then.
        "language": language,
        "language_name": language_name(language),
        "multilingual": config.is_multilingual,
    }


def transcript(state: DialogueState, text: str) -> str:
    """`USER:`/`AI:` lines of the last turns, ending with the new message."""
    lines = list(state.transcript)
    user_positions = [i for i, (role, _) in enumerate(lines) if role == "user"]
    if len(user_positions) >= HISTORY_TURNS:
        lines = lines[user_positions[-(HISTORY_TURNS - 1)] :]
    # One line per message: a line break inside a message must not start a fake "AI:" line.
    rendered = [f"{'USER' if role == 'user' else 'AI'}: {_one_line(line)}" for role, line in lines]
    rendered.append(f"USER: {_one_line(text)}")
    return "\n".join(rendered)


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def _flow_info(flow_id: str, situation: Situation) -> dict[str, Any]:
    flow = situation.index.flow(flow_id)
    slots = [_slot_info(step, situation) for step in _extractable(flow_id, situation)]
    return {"name": flow_id, "description": flow.description if flow else "", "slots": slots}


def _slot_info(step: CollectStep, situation: Situation) -> dict[str, Any]:
    info: dict[str, Any] = {"name": step.collect}
    if step.description:
        info["description"] = step.description
    slot = situation.index.slots.get(step.collect)
    allowed = slot.allowed_values() if slot is not None else None
    if allowed is not None:
        info["allowed_values"] = allowed
    return info


def _extractable(flow_id: str, situation: Situation) -> list[CollectStep]:
    """Collect steps whose slot the LLM may fill now (FORMATS.md d.5, section 3)."""
    steps: dict[str, CollectStep] = {}
    asked = situation.asked.name if situation.asked is not None else None
    for step in situation.index.collect_steps(flow_id):
        slot = situation.index.slots.get(step.collect)
        if slot is None or not slot.llm_fillable or step.collect in steps:
            continue
        if (
            step.ask_before_filling
            and step.collect not in situation.slots_set
            and step.collect != asked
        ):
            continue
        steps[step.collect] = step
    return list(steps.values())


def _flow_slots(flow_id: str, situation: Situation) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = []
    steps = _extractable(flow_id, situation)
    asked = situation.asked
    if asked is not None and asked.step is not None and all(s.collect != asked.name for s in steps):
        steps.append(asked.step)
    for step in steps:
        slot = situation.index.slots.get(step.collect)
        value = situation.slots.get(step.collect)
        info: dict[str, Any] = {
            "name": step.collect,
            "value": value if value is not None else "undefined",
            "type": slot.type if slot is not None else "any",
        }
        info.update({k: v for k, v in _slot_info(step, situation).items() if k != "name"})
        result.append(info)
    return result


def _datetime(settings: GeneratorSettings, now: Callable[[], dt.datetime] | None) -> str:
    moment = now() if now is not None else dt.datetime.now(dt.UTC)
    if settings.timezone:
        try:
            from zoneinfo import ZoneInfo

            moment = moment.astimezone(ZoneInfo(settings.timezone))
        except (KeyError, ValueError):
            pass
    return moment.strftime("%A, %d %B %Y, %H:%M %Z").strip()
