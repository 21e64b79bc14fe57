"""`complete_with_retries`: what the command generator and the text answers share."""

from __future__ import annotations

import pytest

from calmtui.core.model.config import ModelConfig
from calmtui.understanding.client import Completion, CompletionRequest
from calmtui.understanding.errors import LLMAuthError, LLMError, LLMRateLimitError
from calmtui.understanding.retrying import complete_with_retries

MODEL = ModelConfig(provider="openai", model="gpt-4o-mini")
pytestmark = pytest.mark.anyio

REQUEST = CompletionRequest(model=MODEL, messages=({"role": "user", "content": "hi"},))
OK = Completion(text="start flow x", model="openai/gpt-4o-mini")


class Scripted:
    """A client that raises or answers, one script entry per call."""

    def __init__(self, *script: object) -> None:
        self.script = list(script)
        self.calls = 0

    async def complete(self, request: CompletionRequest) -> Completion:
        self.calls += 1
        step = self.script.pop(0)
        if isinstance(step, BaseException):
            raise step
        assert isinstance(step, Completion)
        return step


@pytest.mark.parametrize(
    ("script", "calls", "result", "notes"),
    [
        ((OK,), 1, "ok", []),
        ((LLMRateLimitError("slow down"), OK), 2, "ok", ["retrying in 1s"]),
        ((LLMRateLimitError("slow down"),) * 3, 3, "LLMRateLimitError", ["retrying", "retrying", "failed"]),
        ((LLMAuthError("bad key"), OK), 1, "LLMAuthError", ["failed"]),
        ((RuntimeError("boom"), OK), 1, "LLMProviderError", ["RuntimeError: boom"]),
    ],
)  # fmt: skip
async def test_retries_only_what_is_worth_retrying(
    script: tuple[object, ...], calls: int, result: str, notes: list[str]
) -> None:
    client = Scripted(*script)
    waited: list[float] = []
    written: list[str] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    outcome = await complete_with_retries(
        client, REQUEST, attempts=3, delay=lambda n: float(n), sleep=sleep, notes=written
    )
    assert client.calls == calls
    assert (type(outcome).__name__ if isinstance(outcome, LLMError) else "ok") == result
    assert len(written) == len(notes)
    assert all(n in w for n, w in zip(notes, written, strict=True))
    assert waited == [float(n) for n in range(1, len(waited) + 1)]
    if isinstance(outcome, LLMError):
        assert outcome.model == "openai/gpt-4o-mini"
