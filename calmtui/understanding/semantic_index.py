"""The flows' phrases as vectors, computed once per catalog, and the meaning score of a message.

Every phrase of the catalog (request and detail phrases, `flow_catalog`) is embedded once when
the index is built. A message is embedded once per turn and compared with:

1. one centroid per flow (the mean of its request phrases' vectors) — a single matrix-vector
   product picks the `SHORTLIST` flows closest in meaning, so the per-turn work stays nearly
   flat as a project grows (issue 16.7: never score every phrase of every flow);
2. every phrase of the shortlisted flows and of the flows the caller asks about (the lexical
   candidates). A flow's meaning score is the cosine of its best *request* phrase; its best
   *detail* phrase (a question it asks, a value it offers) can raise that at most halfway —
   `max(request, (request + detail) / 2)` — because a message that merely echoes a question
   ("how old are you" / "How old is the driver?") or a value ("2 plus 2" / the "Plus" plan) is
   not a request for the flow, while "someone crashed into my car" is helped by the value
   "Car accident".

With the sentence encoder (`sentence_model`, a small transformer that reads a phrase as a
sentence), step 2 compares the message with the phrases as sentences: the static vectors still
pick the shortlist in one product, and only the shortlisted flows' phrases are encoded, once each
and kept, so start-up does not grow with the project and a 2,000-flow catalog costs no more per
turn than a 20-flow one once its phrases have been seen. Without the encoder (not installed,
refused, or `CALMTUI_NO_SENTENCE_MODEL`), step 2 uses the static vectors.

Scores are rounded to 4 decimals so that the decision never depends on the last bits of a
floating-point sum.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calmtui.understanding.flow_catalog import FlowCatalog, Phrase
from calmtui.understanding.semantic_model import SemanticModel
from calmtui.understanding.sentence_model import SentenceEncoder

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SHORTLIST = 12
WARM_PHRASES = 1500  # ~5 s of one core in the background; realistic projects have 100-1,000
_BATCH = 2048


@dataclass(frozen=True, slots=True)
class Meaning:
    """How close a message is in meaning to one flow, and through which phrase."""

    flow_id: str
    score: float
    phrase: Phrase


@dataclass(frozen=True, slots=True)
class Query:
    """A message as vectors: the static one picks the shortlist, the sentence one (when the
    encoder is there) scores the shortlisted phrases."""

    static: Any
    sentence: Any | None = None


class SemanticIndex:
    def __init__(
        self, catalog: FlowCatalog, model: SemanticModel, encoder: SentenceEncoder | None = None
    ) -> None:
        import numpy as np

        self.model = model
        self.encoder = encoder
        self._sentence_rows: dict[int, Any] = {}
        self._sentence_lock = threading.Lock()
        self.catalog = catalog
        owners: list[int] = []
        phrases: list[Phrase] = []
        for position, entry in enumerate(catalog.entries):
            for phrase in entry.phrases:
                owners.append(position)
                phrases.append(phrase)
        self.phrases = phrases
        texts = [p.text for p in phrases]
        vectors = np.concatenate(
            [model.embed(texts[i : i + _BATCH]) for i in range(0, len(texts), _BATCH)]
            or [np.zeros((0, model.dimension), dtype=np.float32)]
        )
        self.vectors: npt.NDArray[np.float32] = vectors
        self.request = np.array([p.is_request for p in phrases], dtype=bool)
        self.owner = np.array(owners, dtype=np.int32)
        # Phrase rows of each flow (phrases are stored flow by flow).
        bounds = np.searchsorted(self.owner, np.arange(len(catalog.entries) + 1))
        self.rows: list[tuple[int, int]] = [
            (int(bounds[i]), int(bounds[i + 1])) for i in range(len(catalog.entries))
        ]
        centroids = np.zeros((len(catalog.entries), model.dimension), dtype=np.float32)
        for position, (start, end) in enumerate(self.rows):
            request = [i for i in range(start, end) if phrases[i].is_request]
            if request:
                centroid = vectors[request].mean(axis=0)
                norm = float(np.linalg.norm(centroid))
                centroids[position] = centroid / norm if norm else centroid
        self.centroids = centroids

    def embed(self, text: str) -> Query:
        sentence = self.encoder.embed_one(text) if self.encoder is not None else None
        return Query(static=self.model.embed_one(text), sentence=sentence)

    def scores(self, query: Query, also: Iterable[str] = ()) -> dict[str, Meaning]:
        """Meaning scores of the shortlisted flows and of the flows in `also`, by flow id."""
        import numpy as np

        entries = self.catalog.entries
        if not entries or not np.any(query.static):
            return {}
        positions = set(_top(self.centroids @ query.static, SHORTLIST))
        positions.update(self.catalog.position[f] for f in also if f in self.catalog.position)
        result: dict[str, Meaning] = {}
        for position in sorted(positions):
            start, end = self.rows[position]
            if start == end:
                continue
            if query.sentence is not None:
                similarities = self._sentence_vectors(position) @ query.sentence
            else:
                similarities = self.vectors[start:end] @ query.static
            request = self.request[start:end]
            if not request.any():
                continue
            best = int(np.argmax(np.where(request, similarities, -2.0)))
            score = float(similarities[best])
            phrase = self.phrases[start + best]
            if not request.all():
                detail = int(np.argmax(np.where(request, -2.0, similarities)))
                mixed = (score + float(similarities[detail])) / 2
                if mixed > score:
                    score, phrase = mixed, self.phrases[start + detail]
            flow_id = entries[position].id
            result[flow_id] = Meaning(flow_id=flow_id, score=round(score, 4), phrase=phrase)
        return result

    def encode_sentences(self, limit: int = WARM_PHRASES) -> int:
        """Encode every flow's phrases now (a background warm-up), when the catalog has at most
        `limit` phrases; a bigger one is encoded flow by flow as flows are shortlisted. The
        vectors are the same either way: only when the time is spent differs. Returns how many
        phrases were encoded."""
        if self.encoder is None or len(self.phrases) > limit:
            return 0
        for position in range(len(self.rows)):
            self._sentence_vectors(position)
        return len(self.phrases)

    def _sentence_vectors(self, position: int) -> Any:
        """The sentence vectors of one flow's phrases, encoded the first time it is shortlisted."""
        vectors = self._sentence_rows.get(position)
        if vectors is None:
            assert self.encoder is not None
            start, end = self.rows[position]
            vectors = self.encoder.embed([p.text for p in self.phrases[start:end]])
            with self._sentence_lock:
                self._sentence_rows[position] = vectors
        return vectors


def _top(values: Any, k: int) -> list[int]:
    import numpy as np

    if len(values) <= k:
        return list(range(len(values)))
    top = np.argpartition(-values, k)[:k]
    return [int(i) for i in top]
