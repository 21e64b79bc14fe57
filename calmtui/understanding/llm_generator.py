"""The LLM command generator: prompt -> model group -> reply -> checked commands.

One turn: pick the flows to offer (`retrieval`), render the prompt (`prompt`), ask the model —
or, for a model group with a router, litellm's Router, which picks one of the group's deployments
and retries past a failing one — retrying a rate limit with exponential backoff (our own retries,
separate from the Router's), and parse the reply (`parsing`). Whatever happens, the turn gets
a trace: a provider failure, a timeout, an empty reply or a replay miss becomes an `Error`
command (the internal-error pattern says sorry) with `error`, `error_kind` and a CT43x
diagnostic set, and the conversation carries on. The same class serves the `llm`, `record` and
`replay` modes; only the `CompletionClient` differs.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from calmtui.core.commands import ERROR_DEFAULT, Command, Error, SetSlot, StartFlow
from calmtui.core.diagnostics import Diagnostic
from calmtui.understanding.base import UnderstandingContext, UnderstandingTrace
from calmtui.understanding.client import Completion, CompletionClient, CompletionRequest
from calmtui.understanding.errors import LLMError, PromptRenderError
from calmtui.understanding.flow_catalog import catalog_for
from calmtui.understanding.parsing import parse_reply
from calmtui.understanding.prompt import PromptTemplate, prompt_variables
from calmtui.understanding.retrieval import Retrieved, select_flows
from calmtui.understanding.retrying import complete_with_retries
from calmtui.understanding.settings import GeneratorSettings, request_params
from calmtui.understanding.situation import situation_of
from calmtui.understanding.triggers import intent_commands
from calmtui.understanding.user_input import user_input_error


@dataclass(frozen=True, slots=True, kw_only=True)
class RetryPolicy:
    """Rate-limited calls are retried `attempts - 1` times per model, waiting
    `base_delay * 2**n` seconds (at most `max_delay`)."""

    attempts: int = 3
    base_delay: float = 1.0
    max_delay: float = 8.0

    def delay(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * 2 ** (attempt - 1))


@dataclass(slots=True)
class _Attempts:
    failures: list[LLMError] = field(default_factory=list[LLMError])
    notes: list[str] = field(default_factory=list[str])


class LLMCommandGenerator:
    def __init__(
        self,
        settings: GeneratorSettings,
        client: CompletionClient,
        *,
        template: PromptTemplate,
        mode: str = "llm",
        origin: str = "default",
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.settings = settings
        self.client = client
        self.template = template
        self._mode = mode
        self.origin = origin
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._now = now

    @property
    def mode(self) -> str:
        return self._mode

    def _model_name(self) -> str:
        route = self.settings.route
        return f"router/{route.id}" if route is not None else self.settings.model_names[0]

    def describe(self) -> str:
        return f"{self._mode} {self.settings.describe_models()}"

    async def generate(self, text: str, context: UnderstandingContext) -> UnderstandingTrace:
        started = time.perf_counter()
        rejected = user_input_error(text, self.settings.max_characters)
        if rejected is not None:
            return UnderstandingTrace(
                mode=self._mode,
                commands=(rejected[0],),
                notes=(rejected[1],),
                latency_ms=_ms(started),
            )
        triggered = (
            intent_commands(text.strip(), context.project) if text.strip().startswith("/") else None
        )
        if triggered is not None and self.settings.minimize_num_calls:
            return UnderstandingTrace(
                mode=self._mode,
                commands=triggered.commands,
                notes=(triggered.note, "minimize_num_calls: the LLM was not called"),
                latency_ms=_ms(started),
            )
        situation = situation_of(context)
        retrieved = select_flows(
            text, situation, context.state, catalog_for(context.project), self.settings.retrieval
        )
        variables = prompt_variables(
            text, situation, context.state, retrieved.flow_ids, self.settings, now=self._now
        )
        try:
            prompt = self.template.render(variables)
        except PromptRenderError as exc:
            return self._failed(started, None, "prompt", "CT435", str(exc), "fix the template")
        messages = ({"role": "user", "content": prompt},)
        attempts = _Attempts()
        completion = await self._ask(messages, context.turn, text, attempts)
        notes = [*([retrieved.note] if retrieved.note else []), *attempts.notes]
        if completion is None:
            return self._all_failed(started, prompt, attempts, notes)
        notes.extend(_completion_notes(completion))
        if not completion.text.strip():
            return self._failed(
                started, prompt, "empty_reply", "CT433", f"{completion.model} gave an empty reply",
                "check the model and its max_tokens", completion=completion, notes=notes,
            )  # fmt: skip
        asked = situation.asked.name if situation.asked else None
        checked = parse_reply(
            completion.text, context.index, version=self.settings.dsl_version, asked_slot=asked
        )
        commands = checked.commands
        if triggered is not None:
            commands = _merge(list(triggered.commands), commands, notes)
        return UnderstandingTrace(
            mode=self._mode,
            commands=tuple(commands),
            model=completion.model,
            prompt=prompt,
            raw_output=completion.text,
            retrieved_flows=_offered(retrieved),
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            cost=completion.cost,
            latency_ms=_ms(started),
            diagnostics=tuple(checked.diagnostics),
            dropped=tuple(checked.dropped),
            notes=tuple(notes),
        )

    async def _ask(
        self, messages: tuple[Mapping[str, str], ...], turn: int, text: str, attempts: _Attempts
    ) -> Completion | None:
        """The model's (or the router's) answer; rate limits are retried with backoff."""
        model = self.settings.models[0]
        request = CompletionRequest(
            model=model,
            messages=messages,
            params=request_params(model),
            turn=turn,
            user_message=text,
            route=self.settings.route,
        )
        outcome = await complete_with_retries(
            self.client,
            request,
            attempts=self.retry.attempts,
            delay=self.retry.delay,
            sleep=self._sleep,
            notes=attempts.notes,
        )
        if isinstance(outcome, LLMError):
            attempts.failures.append(outcome)
            return None
        if outcome.deployment:
            attempts.notes.append(f"{request.model_name}: {outcome.deployment}")
        return outcome

    def _all_failed(
        self, started: float, prompt: str, attempts: _Attempts, notes: list[str]
    ) -> UnderstandingTrace:
        error = attempts.failures[-1]
        code = "CT434" if error.kind == "replay_miss" else "CT432"
        # The next step goes on its own line once (str(error) repeats it in parentheses).
        message = f"{error.model}: {error.message}" if error.model else error.message
        return self._failed(
            started, prompt, error.kind, code, message, error.next_step, notes=notes
        )

    def _failed(
        self,
        started: float,
        prompt: str | None,
        kind: str,
        code: str,
        message: str,
        next_step: str,
        *,
        completion: Completion | None = None,
        notes: list[str] | None = None,
    ) -> UnderstandingTrace:
        return UnderstandingTrace(
            mode=self._mode,
            commands=(Error(error_type=ERROR_DEFAULT, info={"understanding_error": kind}),),
            model=completion.model if completion else self._model_name(),
            prompt=prompt,
            raw_output=completion.text if completion else None,
            prompt_tokens=completion.prompt_tokens if completion else None,
            completion_tokens=completion.completion_tokens if completion else None,
            cost=completion.cost if completion else None,
            latency_ms=_ms(started),
            diagnostics=(Diagnostic.error(code, message.splitlines()[0], hint=next_step or None),),
            error=message + (f"\nnext step: {next_step}" if next_step else ""),
            error_kind=kind,
            notes=tuple(notes or ()),
        )


def _offered(retrieved: Retrieved) -> tuple[tuple[str, float], ...]:
    """Retrieval scores scaled so the best is 1.0; unranked offers count as 1.0 each."""
    if not retrieved.scores:
        return tuple((flow_id, 1.0) for flow_id in retrieved.flow_ids)
    top = max(score for _, score in retrieved.scores) or 1.0
    return tuple((flow_id, round(score / top, 3)) for flow_id, score in retrieved.scores)


def _completion_notes(completion: Completion) -> list[str]:
    notes: list[str] = []
    if completion.source == "recording":
        notes.append(f"replayed from {completion.recording}")
    elif completion.recording:
        notes.append(f"recorded to {completion.recording}")
    return notes


def _merge(prior: list[Command], llm: list[Command], notes: list[str]) -> list[Command]:
    """Commands of an earlier component win (FORMATS.md d.3, merging between generators)."""
    started = any(isinstance(c, StartFlow) for c in prior)
    set_names = {c.name for c in prior if isinstance(c, SetSlot)}
    merged = list(prior)
    for command in llm:
        if isinstance(command, StartFlow) and started:
            notes.append(f"dropped LLM '{command.flow}': the payload already started a flow")
        elif isinstance(command, SetSlot) and command.name in set_names:
            notes.append(f"dropped LLM value for {command.name!r}: the payload already set it")
        else:
            merged.append(command)
    return merged


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
