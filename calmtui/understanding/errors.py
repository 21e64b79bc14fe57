"""What can go wrong in understanding, as our own exception types with a next step for the user.

Provider exceptions (litellm's, openai's, httpx's) never leave `llm.py`: they are translated into
an `LLMError` subclass there (STYLE.md 3.5, httpx's `map_exceptions`). A generator catches
`LLMError` and turns it into an `Error` command with `UnderstandingTrace.error` set, so a failing
provider costs one turn, never the conversation. Configuration problems (an unknown mode, a model
group that does not exist, a prompt template that cannot be read) are `UnderstandingConfigError`s
raised by `make_generator`, before the first turn, for the CLI to print.
"""

from __future__ import annotations

from calmtui.core.errors import CalmtuiError


class UnderstandingError(CalmtuiError):
    """Base of every error this package raises on purpose."""


class UnderstandingConfigError(UnderstandingError):
    """The project's understanding settings cannot be used (message says what to change)."""


class UnknownModeError(UnderstandingConfigError):
    pass


class LLMError(UnderstandingError):
    """A language-model call failed. `kind` is a stable short name (for traces and tests),
    `next_step` says what the user can do about it; `retryable` errors are retried with backoff
    before the turn gives up."""

    kind = "provider_error"
    retryable = False

    def __init__(self, message: str, *, model: str = "", next_step: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.model = model
        self.next_step = next_step

    def __str__(self) -> str:
        where = f"{self.model}: " if self.model else ""
        step = f" ({self.next_step})" if self.next_step else ""
        return f"{where}{self.message}{step}"


class LLMAuthError(LLMError):
    kind = "auth"


class LLMRateLimitError(LLMError):
    kind = "rate_limited"
    retryable = True


class LLMTimeoutError(LLMError):
    kind = "timeout"


class LLMConnectionError(LLMError):
    kind = "connection"


class LLMModelNotFoundError(LLMError):
    kind = "model_not_found"


class LLMBadRequestError(LLMError):
    kind = "bad_request"


class LLMBadResponseError(LLMError):
    """The provider answered, but not with a chat completion we can read."""

    kind = "bad_response"


class LLMProviderError(LLMError):
    kind = "provider_error"


class ReplayMissError(LLMError):
    """Replay mode found no recording for a prompt; the message shows the nearest one's diff."""

    kind = "replay_miss"


class PromptRenderError(UnderstandingError):
    """A (custom) prompt template failed while rendering a turn's prompt."""
