"""Generative chitchat: `action_trigger_chitchat` with the IntentlessPolicy configured.

As Rasa's IntentlessPolicy does, the LLM writes a reply to the conversation given example
responses, and the reply is matched to the domain's responses that no flow uses (the
"intentless" ones): the closest one is uttered (`utter_source: IntentlessPolicy`). calmtui
matches by words (BM25 over the candidates), not by embeddings. A project with no such responses
gets the generated reply itself, said as free text. Offline, and when the LLM fails, Rasa's
fallbacks apply: the fixed chitchat response offline, the internal-error pattern on failure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.dialogue.outcome import GeneratedReply
from calmtui.core.model.flows import ActionStep, CollectStep
from calmtui.core.model.project import Project
from calmtui.core.patterns import builtin_domain
from calmtui.generation.trace import GeneratedTrace
from calmtui.knowledge.answer import render_prompt
from calmtui.knowledge.conversation import Conversation
from calmtui.understanding.bm25 import BM25Index
from calmtui.understanding.text import content_tokens
from calmtui.understanding.text_llm import TextLLM

UTTER_SOURCE = "IntentlessPolicy"
MIN_OVERLAP = 0.3  # BM25 share of the best candidate's own self-score needed to pick it
DEFAULT_PROMPT = """\
You are a friendly assistant having a short, casual exchange with a user. Reply to the user's
last message in one or two sentences. Do not promise to do anything; you cannot take actions.
{% if responses %}
Prefer to reply like one of these example replies:
{% for response in responses -%}
- {{ response }}
{% endfor -%}
{% endif %}
Conversation:
{{ current_conversation }}

Reply:"""


@dataclass(frozen=True, slots=True)
class Candidate:
    name: str
    text: str


def intentless_candidates(project: Project) -> list[Candidate]:
    """Domain responses with text that no flow says (Rasa's intentless responses)."""
    used: set[str] = set(builtin_domain().responses)
    for flow in project.flows.values():
        for step in flow.steps:
            if isinstance(step, ActionStep):
                used.add(step.action)
            elif isinstance(step, CollectStep):
                used.add(step.utter)
                used.add(f"utter_ask_{step.collect}")
                used.update(r.utter for r in step.rejections)
    found: list[Candidate] = []
    for name in sorted(project.domain.responses):
        if name in used or not name.startswith("utter_"):
            continue
        texts = [v.text for v in project.domain.responses[name].variations if v.text]
        if texts:
            found.append(Candidate(name, texts[0]))
    return found


class ChitchatResponder:
    def __init__(
        self, project: Project, *, llm: TextLLM | None, template: str = DEFAULT_PROMPT, mode: str
    ) -> None:
        self.llm = llm
        self.template = template
        self.mode = mode
        self.candidates = intentless_candidates(project)
        self._index = BM25Index([content_tokens(c.text) for c in self.candidates])

    async def reply(self, conversation: Conversation) -> tuple[GeneratedReply, GeneratedTrace]:
        base: dict[str, Any] = {
            "kind": "chitchat",
            "mode": self.mode,
            "action": "action_trigger_chitchat",
        }
        if self.llm is None:
            note = "offline: the fixed chitchat response (generative chitchat needs an LLM)"
            return GeneratedReply(kind="fallback"), GeneratedTrace(
                outcome="offline",
                notes=(note,),
                diagnostics=(Diagnostic.info("CT614", note),),
                **base,
            )
        prompt = render_prompt(
            self.template,
            {
                "responses": [c.text for c in self.candidates],
                "conversations": [],
                "current_conversation": conversation.readable(),
            },
        )
        answer = await self.llm.ask(
            prompt, turn=conversation.turn, user_message=conversation.user_message
        )
        common: dict[str, Any] = {
            "prompt": prompt,
            "raw_output": answer.text or None,
            "model": answer.model,
            "prompt_tokens": answer.prompt_tokens,
            "completion_tokens": answer.completion_tokens,
            "cost": answer.cost,
            "latency_ms": answer.latency_ms,
        }
        if not answer.ok:
            problem = f"the chitchat reply failed: {answer.error}"
            return GeneratedReply(kind="error", error=problem), GeneratedTrace(
                outcome="error",
                error=answer.error,
                notes=(*answer.notes, problem),
                diagnostics=(Diagnostic.error("CT615", problem),),
                **base,
                **common,
            )
        metadata = {"utter_source": UTTER_SOURCE}
        picked = self._closest(answer.text)
        if picked is None:
            note = "no domain response is close to the generated reply: it is said as is"
            return GeneratedReply(kind="say", text=answer.text, metadata=metadata), GeneratedTrace(
                outcome="answered", text=answer.text, notes=(*answer.notes, note), **base, **common
            )
        return GeneratedReply(
            kind="utter", response=picked.name, metadata=metadata
        ), GeneratedTrace(
            outcome="answered",
            response=picked.name,
            text=picked.text,
            notes=(*answer.notes, f"closest domain response: {picked.name}"),
            **base,
            **common,
        )

    def _closest(self, text: str) -> Candidate | None:
        if not self.candidates:
            return None
        ranked = self._index.top(content_tokens(text), 1)
        if not ranked:
            return None
        index, score = ranked[0]
        own = self._index.scores(content_tokens(self.candidates[index].text)).get(index, 0.0)
        return self.candidates[index] if own and score >= MIN_OVERLAP * own else None
