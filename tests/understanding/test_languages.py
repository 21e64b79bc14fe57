"""Understanding in the conversation's language (docs/languages.md): offline matching of German
messages (stems, folded accents, translated names, per-language examples, translated buttons,
the repair phrasebook), the LLM prompt's language, and the rephraser's."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from calmtui.core.model.project import Project
from calmtui.session import Session, TurnResult
from calmtui.understanding.client import Completion, CompletionRequest
from calmtui.understanding.flow_catalog import catalog_for, flow_examples
from calmtui.understanding.languages import analysis, analyzer, from_phrasebook
from calmtui.understanding.llm_generator import LLMCommandGenerator
from calmtui.understanding.offline import OfflineGenerator
from calmtui.understanding.prompt import PromptTemplate
from calmtui.understanding.settings import load_settings
from calmtui.understanding.text import content_tokens, fold, words
from tests.understanding.conftest import load

MULTILINGUAL = Path(__file__).resolve().parents[2] / "templates" / "multilingual"


@pytest.fixture(scope="module")
def project() -> Project:
    return load(MULTILINGUAL)


def talk(project: Project, messages: list[str], language: str | None = "de") -> list[TurnResult]:
    async def run() -> list[TurnResult]:
        session = Session(project, generator=OfflineGenerator(origin="test"))
        await session.start({"language": language} if language else None)
        return [await session.turn(m) for m in messages]

    return asyncio.run(run())


def said(result: TurnResult) -> list[str]:
    return [m.text or "" for m in result.bot_messages]


# -- words ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [("Überweisung", "uberweisung"), ("Straße", "strasse"), ("Café", "cafe"), ("ABC", "abc")],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_words_keep_letters_of_any_language() -> None:
    assert words("Grüß Gott, ça va?") == ["gruss", "gott", "ca", "va"]
    assert words("Привет мир") == ["привет", "мир"]


def test_german_stems_and_function_words_only_inside_the_analysis() -> None:
    assert content_tokens("Ich möchte Überweisungen") == ["ich", "mochte", "uberweisungen"]
    with analysis("de") as german:
        assert german is not None
        assert german.has_stemmer
        assert content_tokens("Ich möchte Überweisungen") == ["uberweis"]
    with analysis("en-GB") as english:
        assert english is None


def test_a_language_without_a_stemmer_keeps_folded_words() -> None:
    assert not analyzer("ja").has_stemmer
    with analysis("ja"):
        assert content_tokens("Kōhī") == ["kohi"]


@pytest.mark.parametrize(
    ("message", "language", "expected"),
    [
        ("Nein, danke!", "de", "no thanks"),
        ("abbrechen", "de", "cancel"),
        ("oui", "fr", "yes"),
        ("nein", "en", None),
        ("Ich möchte bestellen", "de", None),
    ],
)
def test_phrasebook(message: str, language: str, expected: str | None) -> None:
    assert from_phrasebook(message, language) == expected


# -- the catalog ------------------------------------------------------------------------------------
def test_examples_per_language(project: Project) -> None:
    flow = project.flows["order_coffee"]
    assert "Ich möchte einen Kaffee bestellen" in flow_examples(flow, "de")
    assert "order a drink" in flow_examples(flow, "en")
    assert set(flow_examples(flow, "de")) < set(flow_examples(flow))  # every language


def test_each_language_has_its_own_catalog(project: Project) -> None:
    english = catalog_for(project)
    with analysis("de"):
        german = catalog_for(project)
    assert german is not english
    names = {p.text for p in german.by_id["order_coffee"].phrases if p.kind == "name"}
    assert "ein Getränk bestellen" in names
    values = {p.text for p in german.by_id["order_coffee"].phrases if p.kind == "value"}
    assert "Tee" in values
    assert german.semantic() is None  # the meaning model is English


# -- whole conversations, offline -------------------------------------------------------------------
def test_a_german_conversation_offline(project: Project) -> None:
    start, name, drink = talk(project, ["Ich möchte einen Kaffee bestellen", "Sam", "Tee"])
    assert said(start) == ["Gerne! Welchen Namen soll ich auf den Becher schreiben?"]
    assert said(name)[0].startswith("Was möchten Sie, Sam")
    assert [b["title"] for b in name.bot_messages[0].buttons] == ["Espresso", "Latte", "Tee"]
    assert said(drink)[0].startswith("Ein Tee für Sam")
    trace = start.understanding
    assert trace is not None
    assert any("read in de (stems)" in n for n in trace.notes)


def test_german_repair_words(project: Project) -> None:
    _, cancelled = talk(project, ["ein Getränk bestellen", "abbrechen"])
    assert "Okay, ich breche ein Getränk bestellen ab." in said(cancelled)
    trace = cancelled.understanding
    assert trace is not None
    assert any("phrasebook" in n for n in trace.notes)


def test_english_conversations_are_unchanged(project: Project) -> None:
    (first,) = talk(project, ["I'd like to order a coffee"], language=None)
    assert said(first) == ["Lovely! What name should I put on the cup?"]
    trace = first.understanding
    assert trace is not None
    assert not any("read in" in n for n in trace.notes)


# -- the LLM prompt and the rephraser ----------------------------------------------------------------
class Capture:
    def __init__(self) -> None:
        self.prompts: list[str] = []

    async def complete(self, request: CompletionRequest) -> Completion:
        self.prompts.append(request.prompt)
        return Completion(text="cannot handle", model=request.model_name)


def prompt_in(project: Project, language: str | None) -> str:
    async def run() -> str:
        capture = Capture()
        generator = LLMCommandGenerator(
            load_settings(project, project.root), capture, template=PromptTemplate.default()
        )
        session = Session(project, generator=generator)
        await session.start({"language": language} if language else None)
        await session.turn("hallo")
        return capture.prompts[0]

    return asyncio.run(run())


def test_the_prompt_names_the_conversation_language(project: Project) -> None:
    assert "The conversation is in German (de)." in prompt_in(project, "de")
    assert "The conversation is in English (en)." in prompt_in(project, None)


def test_a_single_language_project_prompt_says_nothing_about_languages(basic: Project) -> None:
    assert "## Language" not in prompt_in(basic, None)


def test_a_slot_profile_is_remembered_per_language() -> None:
    """A profile made while a German message was understood holds German stems; an English
    conversation afterwards must get English ones ("customer" names whom an order is for)."""
    from calmtui.core.model.flows import END, CollectStep, StaticNext
    from calmtui.understanding.slot_roles import profile

    steps = [
        CollectStep(
            id="ask_name",
            index=0,
            next=StaticNext(target=END),
            collect="customer_name",
            utter="utter_ask_customer_name",
            description="name of the customer",
        )
    ]
    with analysis("de"):
        german = profile("customer_name", steps)
    english = profile("customer_name", steps)
    assert "customer" in english.words
    assert english is not german
