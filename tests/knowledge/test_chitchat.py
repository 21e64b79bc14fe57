"""Generative chitchat (action_trigger_chitchat with the IntentlessPolicy): the LLM's reply picks
the closest response no flow uses, or is said as is; offline and on failure, Rasa's fallbacks."""

from __future__ import annotations

import pytest

from calmtui.generation.chitchat import intentless_candidates
from tests.knowledge.conftest import SupportFactory, converse, responder
from tests.understanding.fake_openai import FakeOpenAI, Reply

pytestmark = pytest.mark.anyio
SMALL_TALK = {"thanks!": "offtopic reply", "who are you?": "offtopic reply"}


def test_the_candidates_are_the_responses_no_flow_uses(support: SupportFactory) -> None:
    project, _ = support()
    names = [c.name for c in intentless_candidates(project)]
    assert names == ["utter_chitchat_thanks", "utter_chitchat_whoami"]


async def test_the_reply_picks_the_closest_domain_response(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    project, root = support(url=fake_llm.url)
    fake_llm.script(Reply.ok("I am Fibrely's virtual help desk for support articles."))
    (result,) = await converse(
        project, ["who are you?"], responder=responder(project, root, "llm"), commands=SMALL_TALK
    )
    (message,) = [m for m in result.bot_messages if m.utter_action == "utter_chitchat_whoami"]
    assert message.metadata["utter_source"] == "IntentlessPolicy"
    prompt = fake_llm.requests[0].prompt
    assert "You're welcome! Anything else I can help with?" in prompt
    assert "USER: who are you?" in prompt
    (trace,) = result.generated
    assert (trace.kind, trace.outcome, trace.response) == (
        "chitchat",
        "answered",
        "utter_chitchat_whoami",
    )


async def test_a_reply_close_to_no_response_is_said_as_generated(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    project, root = support(url=fake_llm.url)
    fake_llm.script(Reply.ok("Penguins cannot fly, but they swim very well."))
    (result,) = await converse(
        project, ["thanks!"], responder=responder(project, root, "llm"), commands=SMALL_TALK
    )
    texts = [m.text for m in result.bot_messages]
    assert "Penguins cannot fly, but they swim very well." in texts


async def test_offline_the_fixed_chitchat_response(support: SupportFactory) -> None:
    project, root = support()
    (result,) = await converse(
        project, ["thanks!"], responder=responder(project, root), commands=SMALL_TALK
    )
    assert "utter_free_chitchat_response" in [m.utter_action for m in result.bot_messages]
    (trace,) = result.generated
    assert (trace.outcome, [d.code for d in trace.diagnostics]) == ("offline", ["CT614"])


async def test_a_failed_reply_is_the_internal_error_and_the_conversation_continues(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    project, root = support(url=fake_llm.url)
    fake_llm.script(Reply.error(500, "down"), Reply.ok("You're welcome, glad to help!"))
    failed, fine = await converse(
        project,
        ["thanks!", "who are you?"],
        responder=responder(project, root, "llm"),
        commands=SMALL_TALK,
    )
    assert "utter_internal_error_rasa" in [m.utter_action for m in failed.bot_messages]
    assert [d.code for d in failed.generated[0].diagnostics] == ["CT615"]
    assert "utter_chitchat_thanks" in [m.utter_action for m in fine.bot_messages]


async def test_without_the_intentless_policy_chitchat_is_not_generated(
    support: SupportFactory,
) -> None:
    project, root = support(intentless=False)
    (result,) = await converse(
        project, ["thanks!"], responder=responder(project, root), commands=SMALL_TALK
    )
    # pattern_chitchat runs action_trigger_chitchat, which needs the policy (Rasa: cannot handle)
    assert result.generated == ()
    assert "utter_cannot_handle" in [m.utter_action for m in result.bot_messages]
