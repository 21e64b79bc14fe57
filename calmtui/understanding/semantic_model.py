"""An embedded sentence-similarity model: meaning without a network, a key or a GPU.

Lexical matching cannot bridge "I lost my card" and "Replace a lost or damaged card" when the
words differ ("confirm my account" / "verify account"). This module embeds short texts with the
static token embeddings that the `wordllama` wheel ships (MIT; 32,000 Llama-2 tokens x 256
dimensions, 16 MB of float16 inside the package): a text's vector is the mean of its tokens'
vectors, normalised, so two texts compare by one dot product.

Only the two data files of the wheel are used — the weights (read straight into numpy from the
safetensors layout, no `safetensors` import) and the tokenizer (`tokenizers.Tokenizer`). The
`wordllama` Python package itself is never imported: its loader looks for files in a cache and
downloads from a model hub when they are missing, and its inference module configures the root
logger at import. Nothing here can reach the network: there is no code path that downloads.

Loading costs ~0.3 s (numpy import, the tokenizer's JSON, 16 MB read) and ~50 MB, once per
process (`ModelLoader`). The offline generator starts it in a background thread a moment after
it is created, so that a UI paints first; the first message that needs the model waits for it.
When the package is missing or its files are unreadable, `get()` returns None with a reason and
understanding falls back to words alone (every trace says so).
"""

from __future__ import annotations

import importlib.util
import json
import os
import struct
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Matrix = npt.NDArray[np.float32]

PACKAGE = "wordllama"
WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
WEIGHTS_KEY = "embedding.weight"
MAX_TOKENS = 128  # longer texts are cut: phrases are short, and a 10,000-character message
# must cost no more than a normal one


_BATCH_FROM = 64
_CACHE_SIZE = 20_000
_CACHED_LENGTH = 80  # characters: spans, values and titles, not whole documents


class ModelUnavailable(Exception):
    """The embedded model cannot be used (package missing, files unreadable)."""


class SemanticModel:
    """Mean-pooled static token embeddings; `embed` returns unit-length float32 rows."""

    def __init__(self, table: Any, tokenizer: Any, source: str) -> None:
        self.table = table  # (vocabulary, dimension) float16
        self.tokenizer = tokenizer
        self.dimension = int(table.shape[1])
        self.source = source
        # Short texts recur within a turn (a message's spans, a slot's values and buttons):
        # their vectors are kept, up to `_CACHE_SIZE`, oldest dropped first.
        self._cache: dict[str, Any] = {}
        self._words: frozenset[str] | None = None
        self._by_initial: dict[str, list[str]] | None = None
        self._cache_lock = threading.Lock()

    def is_word(self, word: str) -> bool:
        """Is `word` a whole word of the tokenizer's vocabulary (a common word, then, not a
        misspelling: "movie" is not "move" mistyped; "cancle" is split into pieces)?"""
        if self._words is None:
            self._words = frozenset(
                t[1:] for t in self.tokenizer.get_vocab() if t.startswith("\u2581") and len(t) > 2
            )
        return word in self._words

    def is_wordlike(self, word: str) -> bool:
        """Is `word` an English word, as far as the vocabulary tells: a whole word of it, or two
        long pieces ("hungry": "hung" + "ry"), not keyboard mash ("asdfjkl": four short ones)?"""
        if self.is_word(word) or self.is_word(word.capitalize()):
            return True
        pieces = len(self.tokenizer.encode(word, add_special_tokens=False).ids)
        return pieces <= 2 and len(word) >= 3 * pieces

    def is_misspelt_word(self, word: str) -> bool:
        """Is `word` one edit (or one swap) away from a common word ("teh", "accont")? Then it is
        a typo, not a rare name."""
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if self._by_initial is None:
            table: dict[str, list[str]] = {}
            self.is_word("")  # builds the vocabulary
            for known in self._words or ():
                if known.islower():
                    table.setdefault(known[:1], []).append(known)
            self._by_initial = table
        close = process.extractOne(
            word, self._by_initial.get(word[:1], ()), scorer=OSA.distance, score_cutoff=1
        )
        return close is not None

    def is_proper_only(self, word: str) -> bool:
        """Is `word` (typed in lower case) a name: a whole word of the vocabulary only when
        capitalised ("joe" / "Joe", "paris" / "Paris"; not "sam", an everyday word too)?"""
        if not word.islower() or len(word) < 3 or self.is_word(word):
            return False
        return self.is_word(word.capitalize())

    def token_ids(self, text: str) -> list[int]:
        ids: list[int] = self.tokenizer.encode(text, add_special_tokens=False).ids
        return ids[:MAX_TOKENS]

    def embed(self, texts: Sequence[str]) -> Matrix:
        import numpy as np

        result = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return result
        cached = self._cache
        todo = [i for i, text in enumerate(texts) if text not in cached]
        # One by one for a few texts: the batch call hands work to a thread pool, which costs
        # more than it saves below a few dozen texts (~0.7 ms against ~10 us per text).
        encodings = (
            self.tokenizer.encode_batch([texts[i] for i in todo], add_special_tokens=False)
            if len(todo) > _BATCH_FROM
            else [self.tokenizer.encode(texts[i], add_special_tokens=False) for i in todo]
        )
        fresh: dict[str, Any] = {}
        for row, encoding in zip(todo, encodings, strict=True):
            ids = encoding.ids[:MAX_TOKENS]
            if not ids:
                continue
            vector = self.table[ids].astype(np.float32).mean(axis=0)
            norm = float(np.linalg.norm(vector))
            if norm > 0:
                result[row] = vector / norm
            if len(texts[row]) <= _CACHED_LENGTH:
                fresh[texts[row]] = result[row]
        for row, text in enumerate(texts):
            hit = cached.get(text)
            if hit is not None:
                result[row] = hit
        if fresh:
            with self._cache_lock:
                cached.update(fresh)
                while len(cached) > _CACHE_SIZE:
                    del cached[next(iter(cached))]
        return result

    def embed_one(self, text: str) -> Matrix:
        return self.embed([text])[0]


def package_dir() -> Path | None:
    """Where the `wordllama` package's files are, found without importing it."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def load_model(root: Path | None = None) -> SemanticModel:
    """Read the packaged weights and tokenizer (`root`: the package folder, for tests)."""
    folder = root if root is not None else package_dir()
    if folder is None:
        raise ModelUnavailable(f"the {PACKAGE!r} package is not installed")
    weights, tokenizer_file = folder / WEIGHTS, folder / TOKENIZER
    for path in (weights, tokenizer_file):
        if not path.is_file():
            raise ModelUnavailable(f"{path} is missing (reinstall {PACKAGE})")
    # One BLAS thread: our products are small, and on two cores extra threads only contend.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        import numpy as np
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ModelUnavailable(f"{exc.name or exc} is not installed") from exc
    try:
        table = _read_safetensors_matrix(weights, WEIGHTS_KEY, np)
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
    except (OSError, ValueError, KeyError) as exc:  # a damaged or changed file
        raise ModelUnavailable(f"cannot read the embedded model: {exc}") from exc
    except Exception as exc:  # a bug must not end the turn, but it must not pass for a bad file
        raise ModelUnavailable(
            f"reading the embedded model failed with {type(exc).__name__}: {exc} "
            "(a calmtui bug: please report it)"
        ) from exc
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return SemanticModel(table, tokenizer, source=f"{PACKAGE} {weights.name}")


def _read_safetensors_matrix(path: Path, key: str, np: Any) -> Any:
    """One float16 tensor of a safetensors file: 8-byte header size, JSON header, raw data."""
    with path.open("rb") as handle:
        (size,) = struct.unpack("<Q", handle.read(8))
        header = json.loads(handle.read(size))
    entry = header[key]
    if entry["dtype"] != "F16" or len(entry["shape"]) != 2:
        raise ValueError(f"unexpected tensor {key}: {entry['dtype']} {entry['shape']}")
    start, end = entry["data_offsets"]
    rows, columns = entry["shape"]
    data = np.fromfile(path, dtype=np.float16, count=(end - start) // 2, offset=8 + size + start)
    return data.reshape(rows, columns)


class ModelLoader:
    """Loads the model once per process, in whichever thread asks first (the others wait)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False
        self._model: SemanticModel | None = None
        self.error: str | None = None

    def get(self) -> SemanticModel | None:
        """The model (loading it now if needed), or None when it is unavailable."""
        if self._done:
            return self._model
        with self._lock:
            if not self._done:
                try:
                    self._model = load_model()
                except ModelUnavailable as exc:
                    self.error = str(exc)
                self._done = True
        return self._model

    @property
    def ready(self) -> bool:
        return self._done


_loader = ModelLoader()


def disabled() -> bool:
    return os.environ.get(DISABLE_ENV, "") not in ("", "0")


def shared_model() -> SemanticModel | None:
    """The process-wide model, or None when it is unavailable or disabled."""
    if disabled():
        return None
    return _loader.get()


def load_failure() -> str | None:
    """Why the model could not be loaded, once something asked for it (None when it loaded, was
    never asked for, or is switched off on purpose): a run reports it once, not per turn."""
    return None if disabled() else _loader.error


def unavailable_reason() -> str | None:
    if disabled():
        return f"{DISABLE_ENV} is set"
    return _loader.error


# Set to 1 to match by words only (compare the two, or run on a machine without the model).
DISABLE_ENV = "CALMTUI_NO_SEMANTIC"
