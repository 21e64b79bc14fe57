"""Which flow does a message ask for? Lexical matching with a confidence in [0, 1].

1. A message equal (after normalising) to a flow's example or name matches it with 1.0.
2. Otherwise BM25 over the flow documents picks up to `CANDIDATES` flows, and each is scored as
   the mean of two IDF-weighted measures over content tokens:
   * *coverage*: how much of the message the flow's vocabulary explains (an unknown word counts
     against every flow), and
   * *best phrase*: the cosine between the message and the flow's closest phrase (name,
     description or example), which keeps one shared word ("money") from looking like a match.
3. Misspelt words ("balnce") are mapped to the nearest vocabulary word first (rapidfuzz).

The result is a ranked list of candidates with a readable reason each; deciding what to do with
it (start, clarify, give up) is the offline generator's job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from calmtui.understanding.flow_catalog import FlowCatalog, FlowEntry, Phrase
from calmtui.understanding.text import content_tokens, normalize, stem

CANDIDATES = 8
TYPO_CUTOFF = 85.0
_MAX_TYPO_LOOKUPS = 4
_WHOLE_PHRASE_CUTOFF = 88.0
_NAME = re.compile(r"[A-Za-z][\w']*")


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    flow_id: str
    score: float
    reason: str
    phrase: Phrase | None = None
    exact: bool = False  # the message is one of the flow's phrases, word for word


def rank_flows(
    text: str,
    catalog: FlowCatalog,
    *,
    allowed: Callable[[str], bool] = lambda _flow_id: True,
    limit: int = 5,
) -> list[Candidate]:
    """Flows the message may be asking for, best first (only those `allowed` says can start)."""
    normalized = normalize(text)
    exact = [f for f in catalog.exact.get(normalized, []) if allowed(f)]
    if exact:
        return [_exact(catalog.by_id[f], normalized) for f in exact][:limit]
    if not content_tokens(text):
        return _whole_phrase(normalized, catalog, allowed, limit)
    query = _query_tokens(text, catalog)
    if not query:
        return []  # only values ("625", "Anna"): nothing asks for a flow
    candidates = _bm25_candidates(query, catalog)
    weights = {t: catalog.idf(t) ** 2 for t in set(query)}
    total = sum(weights.values())
    ranked: list[Candidate] = []
    for flow_id in candidates:
        if not allowed(flow_id):
            continue
        entry = catalog.by_id[flow_id]
        covered = sum(w for t, w in weights.items() if t in entry.vocabulary) / total
        phrase, similarity = _best_phrase(entry, weights, catalog)
        score = round((covered + similarity) / 2, 4)
        if score > 0:
            ranked.append(
                Candidate(
                    flow_id=flow_id, score=score, reason=_reason(phrase, score), phrase=phrase
                )
            )
    ranked.sort(key=lambda c: (-c.score, catalog.position[c.flow_id]))
    return ranked[:limit]


def _exact(entry: FlowEntry, normalized: str) -> Candidate:
    phrase = next((p for p in entry.phrases if normalize(p.text) == normalized), None)
    return Candidate(
        flow_id=entry.id, score=1.0, reason=_reason(phrase, 1.0), phrase=phrase, exact=True
    )


def _query_tokens(text: str, catalog: FlowCatalog) -> list[str]:
    """Content tokens, misspellings mapped to the vocabulary (a few lookups at most).

    Numbers and capitalised names that no flow mentions are values, not requests ("send 50 to
    Anna"): they are left out instead of counting against every flow.
    """
    names = {stem(w.lower()) for w in _NAME.findall(text)[1:] if w[:1].isupper()}
    tokens = [
        t for t in content_tokens(text) if t in catalog.index or not (t.isdigit() or t in names)
    ]
    lookups = 0
    for i, token in enumerate(tokens):
        if (
            token in catalog.index
            or len(token) < 4
            or token.isdigit()
            or lookups >= _MAX_TYPO_LOOKUPS
        ):
            continue
        lookups += 1
        match = process.extractOne(
            token, catalog.vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
        )
        # "broken" is not a misspelling of "broke": a word that extends another is another word.
        if match is not None and not (token.startswith(match[0]) or match[0].startswith(token)):
            tokens[i] = match[0]
    return tokens


def _bm25_candidates(query: list[str], catalog: FlowCatalog) -> list[str]:
    """Top documents by BM25; tokens in most flows only count when nothing rarer matches."""
    size = catalog.index.size
    common = max(50, size // 2)
    rare = [t for t in query if 0 < catalog.index.document_frequency(t) <= common]
    hits = catalog.index.top(rare or query, CANDIDATES)
    return [catalog.entries[i].id for i, _ in hits]


def _best_phrase(
    entry: FlowEntry, weights: dict[str, float], catalog: FlowCatalog
) -> tuple[Phrase | None, float]:
    query_norm = math.sqrt(sum(weights.values()))
    best: tuple[Phrase | None, float] = (None, 0.0)
    for phrase in entry.phrases:
        if not phrase.tokens:
            continue
        shared = sum(w for t, w in weights.items() if t in phrase.tokens)
        if shared == 0:
            continue
        phrase_norm = math.sqrt(sum(catalog.idf(t) ** 2 for t in phrase.tokens))
        similarity = shared / (query_norm * phrase_norm)
        if similarity > best[1]:
            best = (phrase, similarity)
    return best


def _whole_phrase(
    normalized: str, catalog: FlowCatalog, allowed: Callable[[str], bool], limit: int
) -> list[Candidate]:
    """Messages made only of function words ("what can you do"): compare whole phrases."""
    if not normalized:
        return []
    choices = {
        (entry.id, i): normalize(p.text)
        for entry in catalog.entries
        if allowed(entry.id)
        for i, p in enumerate(entry.phrases)
        if p.kind != "description"
    }
    best = process.extractOne(
        normalized, choices, scorer=fuzz.ratio, score_cutoff=_WHOLE_PHRASE_CUTOFF
    )
    if best is None:
        return []
    flow_id, index = best[2]
    phrase = catalog.by_id[flow_id].phrases[index]
    score = round(best[1] / 100, 4)
    return [Candidate(flow_id=flow_id, score=score, reason=_reason(phrase, score), phrase=phrase)][
        :limit
    ]


def _reason(phrase: Phrase | None, score: float) -> str:
    if phrase is None:
        return f"matched words of the flow ({score:.2f})"
    return f"matched {phrase.kind} {phrase.text!r} ({score:.2f})"
