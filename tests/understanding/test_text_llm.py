"""Plain completions and embeddings for generated replies, through the real litellm client and
the fake server, recorded and replayed like command generation."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.model.config import ModelConfig
from calmtui.understanding.errors import LLMError, ReplayMissError
from calmtui.understanding.llm import LiteLLMClient
from calmtui.understanding.recording import (
    RecordingClient,
    RecordingStore,
    ReplayClient,
    pack_vector,
    unpack_vector,
)
from calmtui.understanding.text_llm import Embedder, TextLLM
from tests.understanding.fake_openai import FakeOpenAI, Reply, embed_text

pytestmark = pytest.mark.anyio


def model(fake: FakeOpenAI, name: str = "fake") -> ModelConfig:
    return ModelConfig(provider="openai", model=name, api_base=fake.url)


async def test_embeddings_come_back_in_order_across_batches(fake_llm: FakeOpenAI) -> None:
    fake_llm.embedding_dim = 16
    texts = ["router light", "bill paid", "moving house", "router light green", "wifi"]
    vectors = await Embedder(model(fake_llm), LiteLLMClient({}), batch=2).embed(texts)
    assert len(vectors) == 5
    for text, vector in zip(texts, vectors, strict=True):
        assert vector == pytest.approx(embed_text(text, 16), abs=1e-6)
    assert len([r for r in fake_llm.requests if r.path.endswith("embeddings")]) == 0  # not chats
    assert fake_llm.embedded == texts


async def test_an_embeddings_server_that_is_down_is_an_llm_error(fake_llm: FakeOpenAI) -> None:
    fake_llm.embeddings_down = True
    with pytest.raises(LLMError, match="embeddings are down"):
        await Embedder(model(fake_llm), LiteLLMClient({})).embed(["x"])


async def test_embeddings_are_recorded_and_replayed(fake_llm: FakeOpenAI, tmp_path: Path) -> None:
    store = RecordingStore(tmp_path / "recordings", project_root=tmp_path)
    recorded = await Embedder(model(fake_llm), RecordingClient(LiteLLMClient({}), store)).embed(
        ["bill paid"]
    )
    (path,) = (tmp_path / "recordings").glob("emb-*.yml")
    assert "bill paid" in path.read_text()
    fake_llm.reset()
    replayed = await Embedder(model(fake_llm), ReplayClient(store)).embed(["bill paid"])
    assert len(replayed) == len(recorded) == 1
    assert list(replayed[0]) == pytest.approx(list(recorded[0]), abs=1e-6)
    assert fake_llm.embedded == []
    with pytest.raises(ReplayMissError, match="no recorded embeddings"):
        await Embedder(model(fake_llm), ReplayClient(store)).embed(["never seen"])
    assert store.all() == []  # embedding files are not chat recordings


def test_vectors_pack_losslessly_as_float32() -> None:
    vector = (0.5, -0.25, 1.0, 0.0)
    assert unpack_vector(pack_vector(vector)) == vector


async def test_text_answers_fall_back_along_the_group_and_never_raise(fake_llm: FakeOpenAI) -> None:
    fake_llm.script(Reply.error(404, "no such model"), Reply.ok("  Second model answers.  "))
    llm = TextLLM([model(fake_llm, "first"), model(fake_llm, "second")], LiteLLMClient({}))
    answer = await llm.ask("prompt", turn=2, user_message="hi")
    assert answer.ok
    assert (answer.text, answer.model) == ("Second model answers.", "openai/second")
    assert "falling back to openai/second" in answer.notes

    fake_llm.script(Reply.error(500, "boom"))
    failed = await TextLLM([model(fake_llm)], LiteLLMClient({})).ask("prompt")
    assert not failed.ok
    assert failed.error is not None
    assert "boom" in failed.error

    fake_llm.script(Reply.ok("   "))
    empty = await TextLLM([model(fake_llm)], LiteLLMClient({})).ask("prompt")
    assert (empty.ok, empty.error_kind) == (False, "empty_reply")
