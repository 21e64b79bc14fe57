"""The embedded meaning model: read from the wordllama wheel's files, never from the network.

The loader must work with every socket refused, must not import the `wordllama` package (its
loader downloads missing files; its inference module configures the root logger), and must
degrade to words only — saying so in the trace — when the package is missing or switched off.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import numpy as np
import pytest

from calmtui.core.model.project import Project
from calmtui.understanding import semantic_model
from calmtui.understanding.flow_catalog import FlowCatalog
from calmtui.understanding.flow_matching import rank_flows
from calmtui.understanding.offline import OfflineGenerator
from calmtui.understanding.semantic_model import (
    DISABLE_ENV,
    ModelLoader,
    ModelUnavailable,
    load_model,
    package_dir,
)
from tests.understanding.conftest import converse

pytestmark = pytest.mark.anyio


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the embedded model tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_the_model_loads_from_the_package_without_network_or_its_code(no_network: None) -> None:
    before = set(sys.modules)
    model = load_model()
    assert "wordllama" not in set(sys.modules) - before
    assert not any(name.startswith("wordllama") for name in sys.modules)
    vectors = model.embed(["I lost my card", "Replace a lost or damaged card", "", "🙂"])
    assert vectors.shape == (4, model.dimension) == (4, 256)
    assert vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    assert not vectors[2].any()  # nothing to embed: a zero vector, never an error


def test_paraphrases_are_closer_than_unrelated_texts(no_network: None) -> None:
    model = load_model()
    [lost, replace, weather] = model.embed(
        ["I lost my card", "Replace a lost or damaged card", "what's the weather like"]
    )
    assert float(lost @ replace) > float(lost @ weather) + 0.3


def test_a_10000_character_message_costs_no_more_than_a_short_one() -> None:
    model = load_model()
    assert len(model.token_ids("send money " * 2000)) == semantic_model.MAX_TOKENS
    assert model.embed(["send money " * 2000]).shape == (1, 256)


def test_a_missing_package_is_a_clear_reason(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailable, match="missing"):
        load_model(tmp_path)


def test_the_loader_loads_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fake_load() -> object:
        calls.append(1)
        raise ModelUnavailable("no weights here")

    monkeypatch.setattr(semantic_model, "load_model", fake_load)
    loader = ModelLoader()
    assert loader.get() is None
    assert loader.get() is None
    assert calls == [1]
    assert loader.error == "no weights here"
    assert loader.ready


def test_the_package_is_found_without_importing_it() -> None:
    folder = package_dir()
    assert folder is not None
    assert (folder / semantic_model.WEIGHTS).is_file()


async def test_switched_off_means_words_only_and_the_trace_says_so(
    banking: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DISABLE_ENV, "1")
    [result] = await converse(banking, OfflineGenerator(), ["I want to send money"])
    trace = result.understanding
    assert trace is not None
    assert any("words only" in note for note in trace.notes)
    assert [c.flow for c in trace.commands if c.kind == "start_flow"] == ["transfer_money"]  # type: ignore[attr-defined]
    ranked = rank_flows("I want to send money", FlowCatalog(banking))
    assert ranked[0].meaning is None


def test_meaning_bridges_words_that_differ(banking: Project) -> None:
    """No word of "I misplaced my visa" is in any flow; its meaning is "I lost my card"."""
    catalog = FlowCatalog(banking)
    [best, *_] = rank_flows("I misplaced my visa", catalog)
    assert best.flow_id == "replace_card"
    assert best.words == 0.0
    assert best.meaning is not None
    assert best.meaning > 0.3
    assert best.meaning_phrase is not None
    assert best.meaning_phrase.text == "I lost my card"


@pytest.mark.parametrize(
    "code",
    [
        "import calmtui.understanding.offline, calmtui.understanding.modes",
        "import sys; sys.argv = ['calmtui', '--help']\n"
        "from calmtui.cli.main import app\ntry:\n    app()\nexcept SystemExit:\n    pass",
    ],
)
def test_numpy_and_the_tokenizer_load_only_when_the_model_does(code: str) -> None:
    """The meaning model is lazy: `calmtui --help` and importing understanding stay light."""
    import json
    import subprocess

    probe = f"{code}\nimport json, sys\nprint(json.dumps([m in sys.modules for m in ('numpy', 'tokenizers', 'wordllama')]))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == [False, False, False]


def test_a_bug_while_reading_is_named_as_one_not_as_a_bad_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_: object) -> object:
        raise NameError("name 'np' is not defined")

    monkeypatch.setattr(semantic_model, "_read_safetensors_matrix", broken)
    with pytest.raises(ModelUnavailable, match=r"NameError: .*a calmtui bug"):
        load_model()


def test_a_test_run_says_once_that_the_model_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Per-turn notes are only read in verbose runs: a failed load is a warning of the run."""
    import shutil

    from typer.testing import CliRunner

    from calmtui.cli.main import app

    loader = ModelLoader()
    loader.error = "cannot read the embedded model: truncated file"
    loader._done = True  # pyright: ignore[reportPrivateUsage]
    monkeypatch.setattr(semantic_model, "_loader", loader)
    root = tmp_path / "banking"
    shutil.copytree(Path(semantic_model.__file__).parents[2] / "templates" / "banking", root)
    monkeypatch.chdir(root)
    env = {"CALMTUI_UNDERSTANDING": None, DISABLE_ENV: None}
    result = CliRunner(env=env).invoke(app, ["test", "-q", "-n", "1"])  # type: ignore[arg-type]
    warning = "warning: the offline understanding matched by words only: cannot read the embedded"
    assert result.output.count(warning) == 1, result.output
    monkeypatch.setenv(DISABLE_ENV, "1")  # switched off on purpose: no warning
    result = CliRunner().invoke(app, ["test", "-q", "-n", "1"])
    assert "matched by words only" not in result.output, result.output
