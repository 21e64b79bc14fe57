"""The response rephraser: which messages are rephrased, with which prompt, what the turn keeps
(the template text beside the rephrased one, Rasa's metadata, the transcript later prompts
quote), failures that keep the template text, offline mode saying so once, and what
`bot_uttered` assertions match."""

from __future__ import annotations

import pytest

from calmtui.core.events import BotUttered
from calmtui.session import TurnResult
from calmtui.testing.assertions import TurnView, check_bot_uttered
from calmtui.testing.spec import BotUtteredAssertion
from tests.knowledge.conftest import SupportFactory, converse, load, responder
from tests.understanding.fake_openai import FakeOpenAI, Reply

pytestmark = pytest.mark.anyio

TRANSCRIPT_MODE = """\
type: rephrase
llm: {model_group: test_llm}
summarize_history: false
"""
GREET = {"hello": "start flow greet"}


def greeting(result: TurnResult) -> BotUttered:
    (message,) = [m for m in result.bot_messages if m.utter_action == "utter_greet"]
    return message


async def test_a_response_marked_rephrase_is_rewritten_and_keeps_its_template(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    project, root = support(url=fake_llm.url, nlg=TRANSCRIPT_MODE)
    fake_llm.script(Reply.ok('"Hey! Fibrely help desk here: ask away."'))
    (result,) = await converse(
        project, ["hello"], responder=responder(project, root, "llm"), commands=GREET
    )
    message = greeting(result)
    assert message.text == "Hey! Fibrely help desk here: ask away."
    assert message.metadata["rephrased_from"].startswith("Hi, I'm the Fibrely help desk.")
    assert message.metadata["utter_source"] == "ContextualResponseRephraser"
    assert message.metadata["domain_ground_truth"] == [message.metadata["rephrased_from"]]
    (request,) = fake_llm.requests
    assert "USER: hello" in request.prompt
    assert "Suggested response: Hi, I'm the Fibrely help desk." in request.prompt
    (trace,) = result.generated
    assert (trace.kind, trace.outcome, trace.response) == ("rephrase", "rephrased", "utter_greet")
    assert trace.template_text == message.metadata["rephrased_from"]
    # later prompts and `repeat` see what the user read
    assert ("bot", "Hey! Fibrely help desk here: ask away.") in result.state.transcript
    assert result.state.last_bot_messages[-1].text == "Hey! Fibrely help desk here: ask away."


async def test_unmarked_responses_stay_unless_rephrase_all(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    project, root = support(url=fake_llm.url, nlg=TRANSCRIPT_MODE)
    commands = {"open a ticket": "start flow open_ticket"}
    (result,) = await converse(
        project, ["open a ticket"], responder=responder(project, root, "llm"), commands=commands
    )
    assert [m.text for m in result.bot_messages] == [
        "Sorry to hear that. In a sentence, what is going wrong?"
    ]
    assert fake_llm.requests == []

    project, root = support(url=fake_llm.url, nlg=TRANSCRIPT_MODE + "rephrase_all: true\n")
    fake_llm.default = Reply.ok("What seems to be the problem?")
    (result,) = await converse(
        project, ["open a ticket"], responder=responder(project, root, "llm"), commands=commands
    )
    assert [m.text for m in result.bot_messages] == ["What seems to be the problem?"]


async def test_rephrase_false_opts_out_of_rephrase_all_and_rephrase_prompt_is_used(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    project, root = support(url=fake_llm.url, nlg=TRANSCRIPT_MODE + "rephrase_all: true\n")
    domain = (root / "domain.yml").read_text()
    domain = domain.replace(
        "      metadata:\n        rephrase: true\n",
        "      metadata:\n        rephrase_prompt: 'SHOUT THIS: {{ suggested_response }}'\n",
    ).replace(
        '    - text: "Sorry to hear that. In a sentence, what is going wrong?"\n',
        '    - text: "What is wrong?"\n      metadata: {rephrase: false}\n',
    )
    (root / "domain.yml").write_text(domain)
    project = load(root)
    fake_llm.default = Reply.ok("HELLO THERE!")
    greeted, asked = await converse(
        project,
        ["hello", "open a ticket"],
        responder=responder(project, root, "llm"),
        commands={**GREET, "open a ticket": "start flow open_ticket"},
    )
    assert greeting(greeted).text == "HELLO THERE!"
    assert fake_llm.requests[0].prompt.startswith("SHOUT THIS: Hi, I'm the Fibrely help desk.")
    assert "What is wrong?" in [m.text for m in asked.bot_messages]


async def test_a_failed_rephrase_keeps_the_template_text(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    project, root = support(url=fake_llm.url, nlg=TRANSCRIPT_MODE)
    fake_llm.script(Reply.error(500, "no rephrasing today"))
    (result,) = await converse(
        project, ["hello"], responder=responder(project, root, "llm"), commands=GREET
    )
    message = greeting(result)
    assert message.text is not None
    assert message.text.startswith("Hi, I'm the Fibrely help desk.")
    assert "rephrased_from" not in message.metadata
    (trace,) = result.generated
    assert trace.outcome == "unchanged"
    assert [d.code for d in trace.diagnostics] == ["CT612"]


async def test_history_is_summarised_first_by_default(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    project, root = support(url=fake_llm.url, nlg="type: rephrase\nllm: {model_group: test_llm}\n")
    fake_llm.script(Reply.ok("The user said hello."), Reply.ok("Hello again!"))
    (result,) = await converse(
        project, ["hello"], responder=responder(project, root, "llm"), commands=GREET
    )
    summary, rephrase = fake_llm.requests
    assert "Summarise the conversation" in summary.prompt
    assert "The user said hello." in rephrase.prompt
    assert greeting(result).text == "Hello again!"


async def test_offline_leaves_the_text_and_says_so_once(support: SupportFactory) -> None:
    project, root = support(nlg=TRANSCRIPT_MODE)
    first, second = await converse(
        project,
        ["hello", "hello"],
        responder=responder(project, root),
        commands={"hello": "start flow greet"},
    )
    assert greeting(first).text is not None
    assert "rephrased_from" not in greeting(first).metadata
    (trace,) = first.generated
    assert (trace.outcome, [d.code for d in trace.diagnostics]) == ("offline", ["CT611"])
    assert second.generated == ()


async def test_bot_uttered_keeps_rasas_semantics_for_rephrased_responses(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    project, root = support(url=fake_llm.url, nlg=TRANSCRIPT_MODE)
    fake_llm.script(Reply.ok("Hey, how can I help?"))
    (result,) = await converse(
        project, ["hello"], responder=responder(project, root, "llm"), commands=GREET
    )
    view = TurnView(events=result.events)
    # utter_name still matches, text_matches checks what the user read
    assert check_bot_uttered(BotUtteredAssertion(utter_name="utter_greet"), view).passed
    assert check_bot_uttered(BotUtteredAssertion(text_matches="how can I help"), view).passed
    failed = check_bot_uttered(BotUtteredAssertion(text_matches="Fibrely help desk"), view)
    assert not failed.passed
    assert "The template text of the rephrased response 'utter_greet' matches" in failed.message
    assert any("(rephrased from \"Hi, I'm the Fibrely" in line for line in failed.actual)


async def test_the_rephraser_speaks_the_conversation_language(
    support: SupportFactory, fake_llm: FakeOpenAI
) -> None:
    """Rasa's prompt says "use simple {{language}}": the conversation's, from the built-in slot."""
    project, root = support(url=fake_llm.url, nlg=TRANSCRIPT_MODE)
    config = (
        (root / "config.yml")
        .read_text()
        .replace("language: en", "language: en\nadditional_languages: [de]")
    )
    (root / "config.yml").write_text(config)
    project = load(root)
    fake_llm.script(Reply.ok("Hallo! Hier ist der Fibrely-Helpdesk."), Reply.ok("Hi there!"))
    from calmtui.session import Session
    from calmtui.understanding.scripted import ScriptedGenerator

    for language in ("de", None):
        session = Session(
            project,
            generator=ScriptedGenerator(["start flow greet"]),
            responder=responder(project, root, "llm"),
        )
        await session.start({"language": language} if language else None)
        await session.turn("hello")
    german, english = (r.prompt for r in fake_llm.requests)
    assert "use simple\nGerman." in german
    assert "use simple\nEnglish." in english
