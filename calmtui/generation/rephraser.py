"""The response rephraser (Rasa's ContextualResponseRephraser), run on a finished turn.

A bot message is rephrased when the rephraser is on (`nlg: {type: rephrase}`) and its response
variation says `rephrase: true` (or `rephrase_all` is set and it does not say `false`); only
messages of domain responses are (not a custom action's own text, not a search answer). The
prompt is the variation's `rephrase_prompt`, else the endpoint's template, else the default, with
Rasa's variables: `history`, `current_input`, `suggested_response`, `slots`, `language`.

The rephrased text replaces the template text in the turn (`calmtui.core.engine.retext`), which
is kept next to it (`rephrased_from`); the message also carries Rasa's `utter_source:
ContextualResponseRephraser` and `domain_ground_truth` (the response's texts), which the e2e judge
reads. A failed call keeps the template text (as Rasa does) and says why; offline, nothing is
rephrased and the first turn that would have been says so once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.engine.retext import NewText
from calmtui.core.events import BotUttered, Event
from calmtui.core.languages import language_name
from calmtui.core.model.domain import Domain
from calmtui.generation.settings import RephraseSettings
from calmtui.generation.trace import GeneratedTrace
from calmtui.knowledge.answer import render_prompt
from calmtui.knowledge.conversation import Conversation
from calmtui.understanding.text_llm import TextLLM

UTTER_SOURCE = "ContextualResponseRephraser"
DEFAULT_PROMPT = """\
You are a friendly, helpful assistant. Rewrite the suggested response so it fits the
conversation: keep its meaning and every fact in it, keep it about as short, and use simple
{{ language }}.

Conversation so far:
{{ history }}

{{ current_input }}

Suggested response: {{ suggested_response }}

Rewritten response:"""
SUMMARY_PROMPT = """\
Summarise the conversation below in at most three sentences, from the assistant's point of view.

{{ conversation }}

Summary:"""


@dataclass(frozen=True, slots=True)
class Rephrasing:
    changes: dict[int, NewText]
    traces: list[GeneratedTrace]


def wants_rephrasing(message: BotUttered, settings: RephraseSettings) -> bool:
    if not message.text or message.utter_action is None:
        return False
    flag = message.metadata.get("rephrase")
    return bool(flag) if flag is not None else settings.rephrase_all


class Rephraser:
    def __init__(
        self,
        settings: RephraseSettings,
        domain: Domain,
        *,
        llm: TextLLM | None,
        template: str = DEFAULT_PROMPT,
        language: str = "en",
        mode: str = "offline",
    ) -> None:
        self.settings = settings
        self.domain = domain
        self.llm = llm
        self.template = template
        self.language = language_name(language)
        self.mode = mode
        self._said_offline = False

    async def rephrase(self, events: Sequence[Event], conversation: Conversation) -> Rephrasing:
        """New texts for the turn's eligible messages (by event index) and a trace for each."""
        eligible = [
            (i, e)
            for i, e in enumerate(events)
            if isinstance(e, BotUttered) and wants_rephrasing(e, self.settings)
        ]
        if not eligible:
            return Rephrasing({}, [])
        if self.llm is None:
            return self._offline(eligible)
        changes: dict[int, NewText] = {}
        traces: list[GeneratedTrace] = []
        lines = list(conversation.transcript)
        for index, message in eligible:
            trace, new_text = await self._one(message, conversation, lines)
            traces.append(trace)
            if new_text is not None:
                changes[index] = NewText(text=new_text, metadata=self._metadata(message))
                _replace_line(lines, message.text or "", new_text)
        return Rephrasing(changes, traces)

    def _offline(self, eligible: list[tuple[int, BotUttered]]) -> Rephrasing:
        if self._said_offline:
            return Rephrasing({}, [])
        self._said_offline = True
        names = ", ".join(sorted({m.utter_action or "?" for _, m in eligible}))
        note = (
            "offline: responses keep their template text (the rephraser needs an LLM; "
            "this is said once per conversation)"
        )
        return Rephrasing(
            {},
            [
                GeneratedTrace(
                    kind="rephrase",
                    outcome="offline",
                    mode=self.mode,
                    response=names,
                    notes=(note,),
                    diagnostics=(Diagnostic.info("CT611", note),),
                )
            ],
        )

    async def _one(
        self, message: BotUttered, conversation: Conversation, lines: list[tuple[str, str]]
    ) -> tuple[GeneratedTrace, str | None]:
        assert self.llm is not None
        template_text = message.text or ""
        view = Conversation(
            transcript=tuple(_before(lines, template_text)),
            slots=conversation.slots,
            user_message=conversation.user_message,
            turn=conversation.turn,
        )
        # Rasa's prompt says "use simple {{language}}": the conversation's language.
        language = language_name(conversation.language) if conversation.language else self.language
        notes: list[str] = []
        history = view.readable(max(1, self.settings.max_historical_turns))
        if self.settings.summarize_history and history:
            summary = await self.llm.ask(
                render_prompt(SUMMARY_PROMPT, {"conversation": history}),
                turn=conversation.turn,
                user_message=conversation.user_message,
            )
            notes.extend(summary.notes)
            if summary.ok:
                history = summary.text
            else:
                notes.append(f"the summary failed ({summary.error}): the transcript is used")
        custom = message.metadata.get("rephrase_prompt")
        template = custom if isinstance(custom, str) and custom.strip() else self.template
        base = GeneratedTrace(kind="rephrase", outcome="unchanged", mode=self.mode)
        try:
            prompt = render_prompt(
                template,
                {
                    "history": history,
                    "current_input": f"USER: {conversation.user_message}"
                    if conversation.user_message
                    else "",
                    "suggested_response": template_text,
                    "slots": dict(conversation.slots),
                    "language": language,
                },
            )
        except Exception as exc:
            problem = f"the rephrase prompt of {message.utter_action} cannot be rendered: {exc}"
            return _failed(base, message, problem, notes), None
        answer = await self.llm.ask(
            prompt, turn=conversation.turn, user_message=conversation.user_message
        )
        notes.extend(answer.notes)
        common: dict[str, Any] = {
            "response": message.utter_action,
            "prompt": prompt,
            "raw_output": answer.text or None,
            "template_text": template_text,
            "model": answer.model,
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "cost": answer.cost,
            "latency_ms": answer.latency_ms,
        }
        if not answer.ok:
            problem = f"rephrasing {message.utter_action} failed: {answer.error}"
            trace = GeneratedTrace(
                kind="rephrase",
                outcome="unchanged",
                mode=self.mode,
                notes=(*notes, f"{problem}; the template text is kept"),
                diagnostics=(Diagnostic.warning("CT612", problem),),
                error=answer.error,
                text=template_text,
                **common,
            )
            return trace, None
        text = _clean(answer.text)
        trace = GeneratedTrace(
            kind="rephrase",
            outcome="rephrased",
            mode=self.mode,
            text=text,
            notes=tuple(notes),
            **common,
        )
        return trace, text

    def _metadata(self, message: BotUttered) -> dict[str, object]:
        response = self.domain.responses.get(message.utter_action or "")
        truth = [v.text for v in response.variations if v.text] if response else []
        return {"utter_source": UTTER_SOURCE, "domain_ground_truth": truth}


def _failed(
    base: GeneratedTrace, message: BotUttered, problem: str, notes: list[str]
) -> GeneratedTrace:
    from dataclasses import replace

    return replace(
        base,
        response=message.utter_action,
        template_text=message.text,
        text=message.text,
        notes=(*notes, f"{problem}; the template text is kept"),
        diagnostics=(Diagnostic.warning("CT612", problem),),
        error=problem,
    )


def _clean(text: str) -> str:
    """Models like to wrap the line in quotes or prefix it: say only the response."""
    text = text.strip()
    for prefix in ("Rewritten response:", "Rephrased AI Response:", "AI:"):
        if text.startswith(prefix):
            text = text[len(prefix) :].strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1].strip()
    return text


def _before(lines: list[tuple[str, str]], text: str) -> list[tuple[str, str]]:
    """The conversation up to (not including) this message's own line."""
    for position in range(len(lines) - 1, -1, -1):
        if lines[position] == ("bot", text):
            return lines[:position]
    return lines


def _replace_line(lines: list[tuple[str, str]], old: str, new: str) -> None:
    for position in range(len(lines) - 1, -1, -1):
        if lines[position] == ("bot", old):
            lines[position] = ("bot", new)
            return
