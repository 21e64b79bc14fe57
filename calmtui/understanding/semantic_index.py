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

Scores are rounded to 4 decimals so that the decision never depends on the last bits of a
floating-point sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calmtui.understanding.flow_catalog import FlowCatalog, Phrase
from calmtui.understanding.semantic_model import SemanticModel

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

SHORTLIST = 12
_BATCH = 2048


@dataclass(frozen=True, slots=True)
class Meaning:
    """How close a message is in meaning to one flow, and through which phrase."""

    flow_id: str
    score: float
    phrase: Phrase


class SemanticIndex:
    def __init__(self, catalog: FlowCatalog, model: SemanticModel) -> None:
        import numpy as np

        self.model = model
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

    def embed(self, text: str) -> Any:
        return self.model.embed_one(text)

    def scores(self, query: Any, also: Iterable[str] = ()) -> dict[str, Meaning]:
        """Meaning scores of the shortlisted flows and of the flows in `also`, by flow id."""
        import numpy as np

        entries = self.catalog.entries
        if not entries or not np.any(query):
            return {}
        positions = set(_top(self.centroids @ query, SHORTLIST))
        positions.update(self.catalog.position[f] for f in also if f in self.catalog.position)
        result: dict[str, Meaning] = {}
        for position in sorted(positions):
            start, end = self.rows[position]
            if start == end:
                continue
            similarities = self.vectors[start:end] @ query
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


def _top(values: Any, k: int) -> list[int]:
    import numpy as np

    if len(values) <= k:
        return list(range(len(values)))
    top = np.argpartition(-values, k)[:k]
    return [int(i) for i in top]
