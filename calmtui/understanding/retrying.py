"""One LLM request, retried while its failure is worth retrying (a rate limit).

The command generator and the text answers (rephrasing, knowledge, chitchat, judging) make their
calls the same way: an error of ours is kept with its kind and next step, anything else the
client raises becomes a provider error (a client bug must not end the conversation), every retry
and the final failure are written to the turn's notes, so the inspector shows what happened.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from calmtui.understanding.client import Completion, CompletionClient, CompletionRequest
from calmtui.understanding.errors import LLMError, LLMProviderError
from calmtui.understanding.redaction import redact, secret_values


async def complete_with_retries(
    client: CompletionClient,
    request: CompletionRequest,
    *,
    attempts: int,
    delay: Callable[[int], float],
    sleep: Callable[[float], Awaitable[None]],
    notes: list[str],
) -> Completion | LLMError:
    """The completion, or the last error once `attempts` are used up or the error is final.
    `delay(n)` is the wait after the n-th failed attempt."""
    error: LLMError = LLMProviderError("no attempt was made", model=request.model_name)
    for attempt in range(1, max(1, attempts) + 1):
        try:
            return await client.complete(request)
        except LLMError as exc:
            error = exc
        except Exception as exc:
            detail = redact(f"{type(exc).__name__}: {exc}", secret_values(request.params))
            error = LLMProviderError(detail, model=request.model_name)
        if not (error.retryable and attempt < attempts):
            break
        wait = delay(attempt)
        notes.append(f"{request.model_name}: {error.message}; retrying in {wait:g}s")
        await sleep(wait)
    error.model = error.model or request.model_name
    notes.append(f"failed: {error}")
    return error
