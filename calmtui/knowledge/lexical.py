"""Okapi BM25 over passages, vectorised with numpy: the default retriever (no service, no key).

Each document's passages are turned into arrays once (term ids, term counts, passage lengths)
and kept with the document, so re-indexing after one edited file only converts that file; the
whole index is then a concatenation, one sort and a few array operations. A query adds each of
its terms' precomputed weights into one score array: about 1 ms over 50,000 passages, where a
dictionary walk in Python took a hundred times longer. numpy is imported lazily (`calmtui
--help`, `validate` and `init` never load it).

Scores depend only on the passages (term counts, lengths, document frequencies), never on the
order in which files were indexed; ties go to the earlier passage in the canonical order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

K1 = 1.5
B = 0.75


class Vocabulary:
    """Token -> id, growing for the life of the process (ids never change meaning)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def id(self, token: str) -> int:
        found = self.ids.get(token)
        if found is None:
            found = self.ids[token] = len(self.ids)
        return found


@dataclass(frozen=True, slots=True)
class PassageArrays:
    """One document's passages as arrays: (term id, passage within the document, count)."""

    terms: NDArray[np.int32]
    passages: NDArray[np.int32]
    counts: NDArray[np.float32]
    lengths: NDArray[np.float32]


def passage_arrays(tokens: Sequence[Sequence[str]], vocabulary: Vocabulary) -> PassageArrays:
    import numpy as np

    terms: list[int] = []
    owners: list[int] = []
    counts: list[int] = []
    for number, passage in enumerate(tokens):
        for token, count in Counter(passage).items():
            terms.append(vocabulary.id(token))
            owners.append(number)
            counts.append(count)
    return PassageArrays(
        terms=np.asarray(terms, dtype=np.int32),
        passages=np.asarray(owners, dtype=np.int32),
        counts=np.asarray(counts, dtype=np.float32),
        lengths=np.asarray([len(p) for p in tokens], dtype=np.float32),
    )


class LexicalIndex:
    """BM25 over the concatenation of documents' `PassageArrays`, in the given order."""

    def __init__(self, documents: Sequence[PassageArrays], vocabulary: Vocabulary) -> None:
        import numpy as np

        self.vocabulary = vocabulary
        sizes = [len(d.lengths) for d in documents]
        self.size = sum(sizes)
        offsets = np.cumsum([0, *sizes[:-1]]) if sizes else np.zeros(0, dtype=np.int64)
        if not documents or self.size == 0:
            self._empty()
            return
        terms = np.concatenate([d.terms for d in documents])
        owners = np.concatenate(
            [d.passages + np.int32(offset) for d, offset in zip(documents, offsets, strict=True)]
        )
        counts = np.concatenate([d.counts for d in documents])
        lengths = np.concatenate([d.lengths for d in documents])
        average = float(lengths.mean()) or 1.0
        norm = K1 * (1 - B + B * lengths / average)
        weights = counts * (K1 + 1) / (counts + norm[owners])
        order = np.argsort(terms, kind="stable")
        self._owners: Any = owners[order]
        self._weights: Any = weights[order].astype(np.float32)
        span = len(vocabulary.ids)
        frequency = np.bincount(terms, minlength=span)
        self._starts: Any = np.concatenate([[0], np.cumsum(frequency)])
        self._idf: Any = np.log(1 + (self.size - frequency + 0.5) / (frequency + 0.5))

    def _empty(self) -> None:
        import numpy as np

        self._owners = np.zeros(0, dtype=np.int32)
        self._weights = np.zeros(0, dtype=np.float32)
        self._starts = np.zeros(1, dtype=np.int64)
        self._idf = np.zeros(0, dtype=np.float64)

    def top(self, query: Sequence[str], k: int) -> list[tuple[int, float]]:
        """(passage index, score) of the best `k` passages sharing a term with the query."""
        import numpy as np

        if self.size == 0 or k <= 0:
            return []
        scores = np.zeros(self.size, dtype=np.float64)
        touched = False
        for token in dict.fromkeys(query):
            term = self.vocabulary.ids.get(token)
            if term is None or term + 1 >= len(self._starts):
                continue
            start, end = int(self._starts[term]), int(self._starts[term + 1])
            if start == end:
                continue
            scores[self._owners[start:end]] += self._idf[term] * self._weights[start:end]
            touched = True
        if not touched:
            return []
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            best = np.argpartition(-scores[candidates], k - 1)[:k]
            cutoff = scores[candidates[best]].min()
            candidates = candidates[scores[candidates] >= cutoff]  # keep ties for a stable order
        ranked = sorted(candidates.tolist(), key=lambda i: (-scores[i], i))[:k]
        return [(int(i), round(float(scores[i]), 6)) for i in ranked]

    def coverage(self, query: Sequence[str], passage: Sequence[str]) -> float:
        """The share of the query's weight (idf) that the passage's terms cover, 0..1. A query
        word no document has weighs as much as the average known query word (it may be the
        topic, as in "zebra", or a filler, as in "until"); with no known word at all, nothing
        is covered."""
        present = set(passage)
        known: list[tuple[str, float]] = []
        unseen = 0
        for token in dict.fromkeys(query):
            term = self.vocabulary.ids.get(token)
            if (
                term is not None
                and term < len(self._idf)
                and self._starts[term + 1] > self._starts[term]
            ):
                known.append((token, float(self._idf[term])))
            else:
                unseen += 1
        if not known:
            return 0.0
        average = sum(w for _, w in known) / len(known)
        total = sum(w for _, w in known) + unseen * average
        covered = sum(w for t, w in known if t in present)
        return covered / total if total else 0.0
