"""Model groups with a `router:` through litellm's real Router against fake OpenAI servers.

Each deployment of a group is its own `FakeOpenAI` on 127.0.0.1 (or a port nobody listens on,
for a deployment that is down), so the tests see which deployment each request reached and
compare it with the deployment the trace names.
"""

from __future__ import annotations

import inspect
import random
import re
import socket
from collections import Counter
from collections.abc import Iterator

import pytest

from calmtui.core.commands import Error, StartFlow
from calmtui.core.loading.routers import LITELLM_ROUTER_SETTINGS
from calmtui.understanding.base import UnderstandingTrace
from calmtui.understanding.errors import UnderstandingConfigError
from calmtui.understanding.llm_generator import RetryPolicy
from calmtui.understanding.modes import describe_generator, make_generator
from tests.understanding.conftest import ProjectFactory, converse
from tests.understanding.fake_openai import FakeOpenAI, Reply

pytestmark = pytest.mark.anyio
FAST = RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02)
ANSWER = Reply.ok("start flow check_balance")
NOTE = re.compile(
    r"^router/test_llm: deployment (\d) of (\d): openai/(\S+) at (\S+?)(, after .*)?$"
)


@pytest.fixture(scope="module")
def _server_pair() -> Iterator[list[FakeOpenAI]]:
    started = [FakeOpenAI(), FakeOpenAI()]
    for server in started:
        server.start()
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def servers(_server_pair: list[FakeOpenAI]) -> list[FakeOpenAI]:
    """Two OpenAI-compatible deployments on 127.0.0.1, fresh for each test."""
    for server in _server_pair:
        server.reset()
        server.default = ANSWER
    return _server_pair


def down_url() -> str:
    """An OpenAI-compatible URL nobody answers at (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def routed(deployments: list[tuple[str, str]], router: str, extra: str = "") -> str:
    models = "".join(
        f"      - provider: openai\n        model: {model}\n        api_base: {url}\n{extra}"
        for model, url in deployments
    )
    return f"model_groups:\n  - id: test_llm\n    models:\n{models}    router:\n{router}"


def traces(results: list[object]) -> list[UnderstandingTrace]:
    found = [getattr(r, "understanding", None) for r in results]
    assert all(isinstance(t, UnderstandingTrace) for t in found)
    return found  # type: ignore[return-value]


def answered_by(trace: UnderstandingTrace) -> tuple[int, str, str]:
    """(deployment number, model, api_base) from the trace's note."""
    [match] = [m for n in trace.notes if (m := NOTE.match(n))]
    return int(match[1]), match[3], match[4]


async def test_requests_are_spread_over_the_groups_deployments(
    servers: list[FakeOpenAI], llm_project: ProjectFactory
) -> None:
    first, second = servers
    endpoints = routed(
        [("gpt-4o-mini", first.url), ("gpt-4o-mini", second.url)],
        "      routing_strategy: simple-shuffle\n",
    )
    project, root = llm_project(endpoints)
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    random.seed(7)  # simple-shuffle draws from `random`: the same spread on every run
    found = traces(await converse(project, generator, ["what is my balance?"] * 16))
    assert all(t.commands[0] == StartFlow(flow="check_balance") for t in found)
    assert all(t.error is None for t in found)
    named = Counter(answered_by(t)[2] for t in found)
    assert named == {first.url: len(first.requests), second.url: len(second.requests)}
    assert len(first.requests) + len(second.requests) == 16
    assert first.requests, "the second deployment got every request"
    assert second.requests, "the first deployment got every request"
    assert {t.model for t in found} == {"openai/gpt-4o-mini"}


async def test_a_deployment_that_is_down_is_passed_over(
    servers: list[FakeOpenAI], llm_project: ProjectFactory
) -> None:
    """The Router retries a failed request (num_retries, litellm's default 2) and, with
    `allowed_fails: 0`, cools the dead deployment down after its first failure: every turn is
    answered, and the one turn that met the dead deployment says so."""
    live = servers[0]
    endpoints = routed(
        [("gpt-4o-mini", down_url()), ("gpt-4o-mini", live.url)],
        "      routing_strategy: simple-shuffle\n      allowed_fails: 0\n      cooldown_time: 60\n",
    )
    project, root = llm_project(endpoints)
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    random.seed(3)
    found = traces(await converse(project, generator, ["what is my balance?"] * 10))
    assert [t.commands[0] for t in found] == [StartFlow(flow="check_balance")] * 10
    assert all(t.error is None for t in found)
    assert len(live.requests) == 10
    assert {answered_by(t)[0] for t in found} == {2}
    retried = [n for t in found for n in t.notes if n.endswith(", after 1 retry")]
    assert len(retried) <= 1  # the dead deployment was tried once at most


async def test_deployment_priority_falls_back_to_the_next_one_and_says_so(
    servers: list[FakeOpenAI], llm_project: ProjectFactory
) -> None:
    """litellm's `order` makes the first deployment preferred and the second its fallback."""
    backup = servers[0]
    down = down_url()
    models = (
        f"      - {{provider: openai, model: primary, api_base: '{down}', order: 1}}\n"
        f"      - {{provider: openai, model: backup, api_base: '{backup.url}', order: 2}}\n"
    )
    endpoints = (
        "model_groups:\n  - id: test_llm\n    models:\n"
        + models
        + "    router:\n      routing_strategy: simple-shuffle\n"
    )
    project, root = llm_project(endpoints)
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [trace] = traces(await converse(project, generator, ["what is my balance?"]))
    assert trace.commands == (StartFlow(flow="check_balance"),)
    assert trace.model == "openai/backup"
    assert (
        f"router/test_llm: deployment 2 of 2: openai/backup at {backup.url}, after 1 fallback"
        in trace.notes
    )
    assert [r.body["model"] for r in backup.requests] == ["backup"]


async def test_when_every_deployment_fails_the_turn_has_one_clear_error(
    servers: list[FakeOpenAI], llm_project: ProjectFactory
) -> None:
    endpoints = routed(
        [("gpt-4o-mini", down_url()), ("gpt-4o-mini", down_url())],
        "      routing_strategy: least-busy\n      num_retries: 1\n",
    )
    project, root = llm_project(endpoints)
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    first, second = traces(await converse(project, generator, ["balance", "balance"]))
    assert isinstance(first.commands[0], Error)
    assert first.error_kind == "connection"
    assert first.error is not None
    assert first.error.startswith("router/test_llm: cannot connect")
    assert [d.code for d in first.diagnostics] == ["CT432"]
    assert isinstance(second.commands[0], Error)  # the conversation goes on


async def test_text_completions_when_the_router_says_so(
    servers: list[FakeOpenAI], llm_project: ProjectFactory
) -> None:
    server = servers[0]
    endpoints = routed(
        [("gpt-4o-mini", server.url)],
        "      routing_strategy: simple-shuffle\n      use_chat_completions_endpoint: false\n",
    )
    project, root = llm_project(endpoints)
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [trace] = traces(await converse(project, generator, ["what is my balance?"]))
    assert trace.commands == (StartFlow(flow="check_balance"),)
    # litellm's text completion, as Rasa calls it; for a chat model litellm sends it on to the
    # chat endpoint with the prompt as the one message.
    [request] = server.requests
    assert request.path.endswith("/completions")
    assert "what is my balance?" in request.prompt


async def test_router_settings_reach_litellms_router(
    servers: list[FakeOpenAI], llm_project: ProjectFactory
) -> None:
    """`num_retries: 0`: litellm gives up after one failure, our own rate-limit retry then asks
    the Router again — the two layers stay separate and both show in the trace."""
    server = servers[0]
    server.script(Reply.error(429, "slow down"))
    endpoints = routed(
        [("gpt-4o-mini", server.url)],
        "      routing_strategy: simple-shuffle\n      num_retries: 0\n",
    )
    project, root = llm_project(endpoints)
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [trace] = traces(await converse(project, generator, ["what is my balance?"]))
    assert trace.commands == (StartFlow(flow="check_balance"),)
    assert len(server.requests) == 2
    assert any("slow down" in n and "retrying in" in n for n in trace.notes)


async def test_an_unknown_router_setting_is_one_clear_error_per_turn(
    servers: list[FakeOpenAI], llm_project: ProjectFactory
) -> None:
    """Refused by the loader (CT237); should it get past that, litellm's refusal is still clear."""
    from dataclasses import replace

    server = servers[0]
    endpoints = routed([("gpt-4o-mini", server.url)], "      routing_strategy: simple-shuffle\n")
    project, root = llm_project(endpoints)
    group = project.endpoints.model_groups["test_llm"]
    broken = replace(group, router={"routing_strategy": "simple-shuffle", "not_a_setting": 1})
    project = replace(
        project,
        endpoints=replace(project.endpoints, model_groups={"test_llm": broken}),
    )
    generator = make_generator(project, "llm", project_dir=root, environ={}, retry=FAST)
    [trace] = traces(await converse(project, generator, ["what is my balance?"]))
    assert trace.error_kind == "bad_request"
    assert trace.error is not None
    assert "litellm's Router refused the router of model group 'test_llm'" in trace.error
    assert "not_a_setting" in trace.error
    assert server.requests == []


def test_several_models_without_a_router_cannot_be_used(llm_project: ProjectFactory) -> None:
    """The loader refuses it (CT237); the generator refuses it too if that error is silenced."""
    from dataclasses import replace

    endpoints = routed([("a", "http://127.0.0.1:1/v1"), ("b", "http://127.0.0.1:2/v1")], "  {}\n")
    endpoints = endpoints.replace("    router:\n  {}\n", "    router: {routing_strategy: null}\n")
    project, root = llm_project(endpoints)
    group = project.endpoints.model_groups["test_llm"]
    project = replace(
        project,
        endpoints=replace(
            project.endpoints, model_groups={"test_llm": replace(group, router=None)}
        ),
    )
    with pytest.raises(UnderstandingConfigError, match=r"has 2 models but no 'router' \(CT237\)"):
        make_generator(project, "llm", project_dir=root, environ={})


def test_the_status_line_names_the_router(llm_project: ProjectFactory) -> None:
    endpoints = routed(
        [("gpt-4o-mini", "http://127.0.0.1:1/v1"), ("gpt-4o", "http://127.0.0.1:2/v1")],
        "      routing_strategy: latency-based-routing\n",
    )
    project, root = llm_project(endpoints)
    generator = make_generator(project, "llm", project_dir=root, environ={})
    assert describe_generator(generator) == (
        "llm router/test_llm (latency-based-routing): openai/gpt-4o-mini, openai/gpt-4o "
        "[--understanding]"
    )


def test_the_router_settings_calmtui_accepts_are_litellms() -> None:
    """CT237's list of router settings is the pinned litellm's Router signature."""
    from calmtui.understanding.llm import import_litellm

    router = import_litellm().Router
    parameters = set(inspect.signature(router.__init__).parameters) - {"self", "model_list"}
    assert parameters == set(LITELLM_ROUTER_SETTINGS)


async def test_text_answers_of_a_router_group_go_through_the_router_too(
    servers: list[FakeOpenAI], llm_project: ProjectFactory
) -> None:
    """Rephrasing, knowledge answers and chitchat (`TextLLM`) of a group with a `router:` are
    spread over its deployments as the command generator's calls are, and say which answered
    (they used to take the first deployment, then the next as a fallback)."""
    from calmtui.understanding.llm import LiteLLMClient
    from calmtui.understanding.text_llm import TextLLM, resolve_models, resolve_route

    first, second = servers
    first.default = second.default = Reply.ok("Here you go.")
    endpoints = routed(
        [("gpt-4o-mini", first.url), ("gpt-4o-mini", second.url)],
        "      routing_strategy: simple-shuffle\n",
    )
    project, _ = llm_project(endpoints)
    option = {"model_group": "test_llm"}
    route = resolve_route(project, option)
    assert route is not None
    models = resolve_models(project, option, route.models[0], "test")
    llm = TextLLM(models, LiteLLMClient({}), route=route)
    assert llm.model_names == ("openai/gpt-4o-mini", "openai/gpt-4o-mini")
    random.seed(7)
    answers = [await llm.ask("Rephrase: hello") for _ in range(16)]
    assert all(a.ok and a.text == "Here you go." for a in answers)
    assert first.requests, "the second deployment got every request"
    assert second.requests, "the first deployment got every request"
    named = [n for a in answers for n in a.notes if n.startswith("router/test_llm: deployment")]
    assert len(named) == 16
    assert resolve_route(project, {"llm": {"provider": "openai"}}) is None

    # the rephraser of the nlg endpoint gets the route
    from calmtui.generation.factory import make_responder

    nlg = "nlg:\n  type: rephrase\n  llm:\n    model_group: test_llm\n"
    project, root = llm_project(endpoints + nlg)
    responder = make_responder(project, "llm", root=root, environ={})
    assert responder.rephraser is not None
    assert responder.rephraser.llm is not None
    assert responder.rephraser.llm.route == route
