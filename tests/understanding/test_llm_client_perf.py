"""The litellm client's per-call economy: request starts are spaced (`RequestPacer`), litellm's
own cost is reused instead of computed twice, and importing litellm freezes its objects out of
the garbage collector's full collections.

The pacer is tested with a fake clock (first come first served, no wait for a lone call, slots
reserved before the first await); with the real litellm client against the fake server, every
call asks the pacer before it starts. Nothing here measures wall-clock time.
"""

from __future__ import annotations

import asyncio
import gc
from types import SimpleNamespace
from typing import Any

import pytest

from calmtui.core.model.config import ModelConfig
from calmtui.understanding import llm
from calmtui.understanding.client import CompletionRequest
from calmtui.understanding.llm import LiteLLMClient, import_litellm
from calmtui.understanding.pacing import DEFAULT_SPACING_S, RequestPacer
from tests.understanding.fake_openai import FakeOpenAI, Reply


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))


def pacer(spacing: float, clock: FakeClock) -> RequestPacer:
    return RequestPacer(spacing, clock=clock, sleep=clock.sleep)


def test_a_lone_request_never_waits() -> None:
    clock = FakeClock()
    paced = pacer(0.01, clock)
    assert paced.reserve() == 0.0
    clock.now += 0.5
    assert paced.reserve() == 0.0


def test_requests_arriving_together_start_spacing_apart_in_arrival_order() -> None:
    clock = FakeClock()
    paced = pacer(0.01, clock)
    delays = [paced.reserve() for _ in range(4)]
    assert delays == pytest.approx([0.0, 0.01, 0.02, 0.03])


def test_a_request_waits_only_for_what_is_left_of_the_spacing() -> None:
    clock = FakeClock()
    paced = pacer(0.01, clock)
    paced.reserve()
    clock.now += 0.004
    assert paced.reserve() == pytest.approx(0.006)
    clock.now += 0.1
    assert paced.reserve() == 0.0


def test_zero_spacing_never_waits() -> None:
    clock = FakeClock()
    paced = pacer(0.0, clock)
    assert [paced.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert RequestPacer(-1.0).spacing == 0.0


@pytest.mark.anyio
async def test_wait_sleeps_for_the_reserved_delay() -> None:
    clock = FakeClock()
    paced = pacer(0.02, clock)
    assert await paced.wait() == 0.0
    assert await paced.wait() == pytest.approx(0.02)
    assert clock.slept == [0.02]


def test_clients_share_one_pacer_unless_given_their_own() -> None:
    own = RequestPacer(0.5)
    assert LiteLLMClient().pacer is LiteLLMClient().pacer
    assert LiteLLMClient().pacer.spacing == DEFAULT_SPACING_S
    assert LiteLLMClient(pacer=own).pacer is own


def _request(url: str, index: int) -> CompletionRequest:
    model = ModelConfig(provider="openai", model="local-model", api_base=url, timeout=10)
    return CompletionRequest(model=model, messages=({"role": "user", "content": f"hello {index}"},))


class CountingPacer(RequestPacer):
    """A pacer that never sleeps and counts the calls that asked it when to start."""

    def __init__(self) -> None:
        super().__init__(0.0)
        self.waits = 0

    async def wait(self) -> float:
        self.waits += 1
        return await super().wait()


@pytest.mark.anyio
async def test_every_call_asks_the_pacer_before_it_starts(fake_llm: FakeOpenAI) -> None:
    # The spacing itself is checked above with a fake clock; timing the real server would make
    # this test flaky on a busy machine, so here only the wiring is checked.
    counting = CountingPacer()
    client = LiteLLMClient({}, pacer=counting)
    fake_llm.script(*(Reply.ok("start flow check_balance") for _ in range(4)))
    completions = await asyncio.gather(
        *(client.complete(_request(fake_llm.url, i)) for i in range(4))
    )
    assert [c.text for c in completions] == ["start flow check_balance"] * 4
    assert counting.waits == 4
    assert len(fake_llm.requests) == 4


@pytest.mark.anyio
async def test_a_call_reports_the_cost_litellm_computed(
    fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_llm.script(Reply.ok("start flow check_balance"))
    model = ModelConfig(provider="openai", model="gpt-4o-mini", api_base=fake_llm.url, timeout=10)
    request = CompletionRequest(model=model, messages=({"role": "user", "content": "balance"},))
    litellm = import_litellm()
    calls: list[Any] = []
    original = litellm.completion_cost

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(litellm, "completion_cost", counting)
    completion = await LiteLLMClient({}).complete(request)
    assert completion.cost is not None
    assert completion.cost > 0
    assert calls == []  # litellm computed it once, inside the call; the client reused it


class _Priced:
    def __init__(self, hidden: dict[str, Any] | None) -> None:
        if hidden is not None:
            self._hidden_params = hidden


def _pricing(cost: object) -> Any:
    def completion_cost(**kwargs: Any) -> object:
        if isinstance(cost, Exception):
            raise cost
        return cost

    return SimpleNamespace(completion_cost=completion_cost)


def test_the_cost_comes_from_the_response_when_litellm_put_it_there() -> None:
    never = _pricing(AssertionError("must not be computed again"))
    assert llm._cost(never, _Priced({"response_cost": 0.25})) == 0.25  # pyright: ignore[reportPrivateUsage]
    assert llm._cost(never, _Priced({"response_cost": None})) is None  # pyright: ignore[reportPrivateUsage]


def test_the_cost_is_computed_only_for_a_response_without_one() -> None:
    assert llm._cost(_pricing(0.5), _Priced(None)) == 0.5  # pyright: ignore[reportPrivateUsage]
    assert llm._cost(_pricing(0.5), _Priced({})) == 0.5  # pyright: ignore[reportPrivateUsage]
    unknown = _pricing(ValueError("model not mapped"))
    assert llm._cost(unknown, _Priced(None)) is None  # pyright: ignore[reportPrivateUsage]


def test_importing_litellm_freezes_its_objects_out_of_full_collections() -> None:
    import_litellm()
    assert gc.get_freeze_count() > 100_000
