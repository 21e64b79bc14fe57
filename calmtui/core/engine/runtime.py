"""What the executor and the built-in actions share during one turn: the tracker, the project
index, and how to say something (responses rendered with a seeded RNG, so runs repeat)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from calmtui.core.dialogue.frames import Frame, context_of
from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.dialogue.state import Tracker
from calmtui.core.events import ActionExecuted, BotUttered, EngineNote
from calmtui.core.nlg import RenderedResponse, render_response

INTERNAL_ERROR_RESPONSE = "utter_internal_error_rasa"
FALLBACK_TEXT = "Sorry, something went wrong on my side."
# Handed to responses with a single variation, which never draw from it (selection only draws
# to pick among several); saves seeding a generator for nearly every utterance.
_NEVER_DRAWN = random.Random(0)


@dataclass(kw_only=True)
class Runtime:
    tracker: Tracker
    index: ProjectIndex
    seed: int = 0
    channel: str | None = None
    utterances: int = 0
    # The session-start metadata (`calmtui shell --language`, an e2e case's metadata): read by
    # action_session_start, as Rasa's reads the first message's metadata.
    session_metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])
    problems: list[str] = field(default_factory=list[str])
    _context_frames: tuple[Frame | None, Frame | None] = (None, None)
    _context: dict[str, Any] = field(default_factory=dict[str, Any])

    def rng(self, variations: int = 2) -> random.Random:
        """A fresh generator per utterance, derived from (seed, turn, utterance number)."""
        self.utterances += 1
        if variations <= 1:
            return _NEVER_DRAWN
        return random.Random(f"{self.seed}:{self.tracker.turn}:{self.utterances}")

    def context(self) -> dict[str, Any]:
        """The stack context (read-only). Frames are immutable, so it is cached per pair of top
        frames: templates and conditions ask for it at nearly every step."""
        stack = self.tracker.stack
        top = stack[-1] if stack else None
        below = stack[-2] if len(stack) > 1 else None
        cached_top, cached_below = self._context_frames
        if top is None or top is not cached_top or below is not cached_below:
            # The cache holds the frames themselves (not their ids), so they stay alive and an
            # identity match really means the same frames.
            self._context_frames = (top, below)
            self._context = context_of(stack)
        return self._context

    @property
    def language(self) -> str:
        """The conversation's language now (the built-in `language` slot, docs/languages.md)."""
        return self.index.language_of(self.tracker.slots)

    def refused(self, name: str, value: Any, source: str) -> bool:
        """True (with a note) when a strict slot — the built-in `language` — refuses `value`:
        the slot keeps its value, as Rasa's strict categorical slot does not take it."""
        slot = self.index.slots.get(name)
        if slot is None or not slot.refuses(value):
            return False
        self.note(
            "slot_value_refused",
            f"{source} set {name!r} to {value!r}, which it does not allow (allowed: "
            f"{', '.join(slot.values)}); it stays {self.tracker.slots.get(name)!r} (CT709)",
        )
        return True

    def executed(self, name: str, flow_id: str | None = None, step_id: str | None = None) -> None:
        self.tracker.emit(ActionExecuted(name=name, flow_id=flow_id, step_id=step_id))

    def note(self, code: str, message: str) -> None:
        self.tracker.emit(EngineNote(code=code, message=message))

    def utter(self, name: str, extra: Mapping[str, Any] | None = None) -> bool:
        """Utter a response by name; False when it does not exist or nothing is eligible."""
        rendered = self.render(name, extra)
        if rendered is None:
            return False
        self.emit_rendered(rendered, name)
        return True

    def render(self, name: str, extra: Mapping[str, Any] | None = None) -> RenderedResponse | None:
        """A response filled in with the slots and context of now, not sent yet."""
        response = self.index.domain.responses.get(name)
        if response is None:
            return None
        return render_response(
            self.index.domain,
            name,
            slots=self.tracker.slots,
            context=self.context(),
            channel=self.channel,
            rng=self.rng(len(response.variations)),
            language=self.language,
            default_language=self.index.project.config.language,
            extra=extra,
        )

    def utter_or_error(self, name: str, extra: Mapping[str, Any] | None = None) -> None:
        self.send_or_error(self.render(name, extra), name)

    def send_or_error(self, rendered: RenderedResponse | None, name: str) -> None:
        """Send a rendered response; when there was nothing to render, the internal error."""
        if rendered is not None:
            self.emit_rendered(rendered, name)
            return
        self.note("no_response", f"response {name!r} has no variation that can be used now")
        if not self.utter(INTERNAL_ERROR_RESPONSE):
            self.tracker.emit(
                BotUttered(text=FALLBACK_TEXT, metadata={"utter_action": INTERNAL_ERROR_RESPONSE})
            )

    def emit_rendered(self, rendered: RenderedResponse, name: str | None) -> None:
        for problem in rendered.problems:
            self.note("response_problem", f"{name or 'message'}: {problem}")
        default = self.index.project.config.language
        missing = rendered.missing_translation
        if missing is not None:
            self.note(
                "translation_missing",
                f"{name or 'message'} has no {missing!r} translation: said in {default!r} (CT710)",
            )
        data: dict[str, Any] = {}
        if rendered.buttons:
            data["buttons"] = [b.to_json() for b in rendered.buttons]
        for key in ("image", "custom", "attachment", "quick_replies", "elements", "button_type"):
            value = getattr(rendered, key)
            if value is not None:
                data[key] = value
        metadata: dict[str, Any] = dict(rendered.metadata)
        if name is not None:
            metadata["utter_action"] = name
            language = self.language
            if language != default:  # which language the words are in, for reports and coverage
                metadata["language"] = default if missing is not None else language
                if missing is not None:
                    metadata["missing_translation"] = missing
        self.tracker.emit(BotUttered(text=rendered.text, data=data, metadata=metadata))
