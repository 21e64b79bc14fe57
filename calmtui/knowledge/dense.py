"""Dense retrieval: passage embeddings in a faiss index (what Rasa's default vector store uses).

Vectors come from the embeddings model of the EnterpriseSearchPolicy (through
calmtui.understanding, so they are recorded and replayed like every LLM call) and are cached
under `.calmtui/knowledge/embeddings/` by model and passage text: re-indexing embeds only
passages never seen before. The index is exact (`IndexFlatIP` over L2-normalised vectors, i.e.
cosine similarity): at tens of thousands of passages it answers in milliseconds, and exact
search keeps answers reproducible (an HNSW index answers in 0.1 ms but takes 20 s to build for
50,000 passages). faiss and numpy are imported lazily; without faiss
(`pip install 'calmtui[faiss]'`) retrieval stays lexical and CT604 says so.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from calmtui.knowledge.index import write_atomically

MISSING_FAISS = "dense retrieval needs faiss: pip install 'calmtui[faiss]'"


class FaissMissingError(ImportError):
    pass


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class VectorCache:
    """Passage vectors of one embeddings model, keyed by the passage's text."""

    def __init__(self, directory: Path, model: str) -> None:
        self.path = directory / f"{hashlib.sha256(model.encode()).hexdigest()[:16]}.json"
        self.model = model
        self._vectors: dict[str, str] | None = None
        self._dirty = False

    def _load(self) -> dict[str, str]:
        if self._vectors is None:
            try:
                data: Any = json.loads(self.path.read_text(encoding="utf-8"))
                document = cast(dict[str, Any], data) if isinstance(data, dict) else {}
                ok = document.get("model") == self.model
                self._vectors = cast(dict[str, str], document["vectors"]) if ok else {}
            except (OSError, ValueError, KeyError, TypeError):
                self._vectors = {}
        return self._vectors

    def missing(self, texts: Sequence[str]) -> list[str]:
        known = self._load()
        return list(dict.fromkeys(t for t in texts if text_key(t) not in known))

    def put(self, texts: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        import numpy as np

        known = self._load()
        for text, vector in zip(texts, vectors, strict=True):
            known[text_key(text)] = base64.b64encode(
                np.asarray(vector, dtype="<f4").tobytes()
            ).decode("ascii")
        self._dirty = True

    def matrix(self, texts: Sequence[str]) -> Any:
        """The vectors of `texts` (all cached) as a normalised float32 matrix."""
        import numpy as np

        known = self._load()
        rows = [np.frombuffer(base64.b64decode(known[text_key(t)]), dtype="<f4") for t in texts]
        matrix = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 1), np.float32)
        return normalise(matrix)

    def save(self) -> None:
        if self._dirty and self._vectors is not None:
            write_atomically(self.path, {"model": self.model, "vectors": self._vectors})
            self._dirty = False


def normalise(matrix: Any) -> Any:
    import numpy as np

    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


def import_faiss() -> Any:
    try:
        import faiss
    except ImportError:
        raise FaissMissingError(MISSING_FAISS) from None
    # One query at a time: OpenMP threads only add start-up cost (measured on 2 cores over
    # 50,000 256-d vectors: 24 ms a query with 2 threads, 4 ms with 1).
    faiss.omp_set_num_threads(1)
    return faiss


class DenseIndex:
    """Exact cosine search over passage vectors (row i = passage i)."""

    def __init__(self, matrix: Any) -> None:
        faiss = import_faiss()
        self.size = int(matrix.shape[0])
        self.dimension = int(matrix.shape[1]) if self.size else 0
        self._index: Any = faiss.IndexFlatIP(max(1, self.dimension))
        if self.size:
            self._index.add(matrix)

    def top(self, vector: Sequence[float], k: int) -> list[tuple[int, float]]:
        import numpy as np

        if not self.size or k <= 0:
            return []
        query = normalise(np.asarray([vector], dtype=np.float32))
        if query.shape[1] != self.dimension:
            raise ValueError(
                f"the query vector has {query.shape[1]} dimensions, the passages {self.dimension}"
            )
        scores, ids = self._index.search(query, min(k, self.size))
        pairs = [
            (int(i), round(float(s), 6))
            for i, s in zip(ids[0].tolist(), scores[0].tolist(), strict=True)
            if i >= 0
        ]
        return sorted(pairs, key=lambda pair: (-pair[1], pair[0]))
