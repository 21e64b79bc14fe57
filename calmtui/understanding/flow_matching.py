"""Which flow does a message ask for? Words and meaning, with a confidence in [0, 1].

1. A message equal (after normalising) to a flow's example, name or NLU example matches it
   with 1.0.
2. *Words*: BM25 over the flow documents picks up to `CANDIDATES` flows, and each is scored as
   the mean of two IDF-weighted measures over content tokens:
   * *coverage*: how much of the message the flow's vocabulary explains (an unknown word counts
     against every flow; a word only the flow's questions use counts half), and
   * *best phrase*: the cosine between the message and the flow's closest request phrase (name,
     description, example), which keeps one shared word ("money") from looking like a match.
   Phrasal verbs are read as the one verb the project uses ("send it back": return;
   `phrasal_verbs`). Misspelt words ("balnce") are mapped to the nearest vocabulary word with the same first
   letter first (rapidfuzz; the lookup does not grow with the whole vocabulary).
3. *Meaning*: the embedded model (`semantic_index`) scores the flows closest in meaning, and the
   word candidates, by the cosine with their best phrase — "I lost my card" meets "replace a
   lost or damaged card", "confirm my account" meets "verify account".
4. The two are blended (`blend`): meaning counts `MEANING_WEIGHT`, words the rest, and a flow
   found by one side only gets the other side's evidence as zero.

The result is a ranked list of candidates, each with both scores and a readable reason; deciding
what to do with it (start, clarify, give up — by the margin over the runner-up) is the offline
generator's job.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from calmtui.understanding.entities import codes, lowercase_names, without_values
from calmtui.understanding.flow_catalog import FlowCatalog, FlowEntry, Phrase
from calmtui.understanding.lexicon import asks_status, withdraws, without_pleasantries
from calmtui.understanding.phrasal_verbs import one_verb
from calmtui.understanding.text import (
    content_tokens,
    is_stopword,
    normalize,
    stem,
    word_set,
    words,
)

CANDIDATES = 8
CANCEL = "cancel"
STATUS = ("status", "check", "track")
TYPO_CUTOFF = 85.0
_TYPO_LOOKUP = 80.0  # candidates from here; below TYPO_CUTOFF only one edit away counts
DETAIL_COVERAGE = 0.5  # a message word only the flow's questions use explains half as much
MEANING_WEIGHT = 0.5
MEANING_FLOOR = 0.15  # cosines at or below this say nothing (unrelated texts land around 0.1)
MEANING_FULL = 0.75  # ...and at or above this, a paraphrase
# The sentence encoder (`sentence_model`) puts paraphrases higher than the static vectors do, and
# small talk ("are you a robot?", "what time is it") nearer to requests: both marks are higher.
# Measured on the tune projects: full mark 0.65-0.95 tried on fifteen (0.85 best, confirmed on
# six projects written after the choice); then the floor 0.15-0.30 on all 21 — at 0.15 the
# out-of-scope messages starting a flow rose from 39 to 58 of 567, at 0.25 they are 37.
SENTENCE_MEANING_FULL = 0.85
SENTENCE_MEANING_FLOOR = 0.25
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
    words: float | None = None  # the lexical score (None: not a word candidate)
    meaning: float | None = None  # the embedded model's cosine (None: model unavailable)
    meaning_phrase: Phrase | None = None


@dataclass(frozen=True, slots=True)
class _Lexical:
    score: float
    phrase: Phrase | None


def rank_flows(
    text: str,
    catalog: FlowCatalog,
    *,
    allowed: Callable[[str], bool] = lambda _flow_id: True,
    limit: int = 5,
    semantic: bool = True,
) -> list[Candidate]:
    """Flows the message may be asking for, best first (only those `allowed` says can start).

    A message of several sentences or clauses ("I've been with you for years. I want to leave",
    "before I book, is flight SK 101 on time today?") is scored whole and clause by clause: each
    flow keeps its best score, so that the request is not drowned by what is said around it."""
    ranked = _rank(text, catalog, allowed, max(limit, CANDIDATES), semantic)
    parts = clauses(text)
    if not parts or (ranked and ranked[0].exact):
        return ranked[:limit]
    best = {c.flow_id: c for c in ranked}
    for part in parts:
        for candidate in _rank(part, catalog, allowed, CANDIDATES, semantic):
            held = best.get(candidate.flow_id)
            if not candidate.exact and (held is None or candidate.score > held.score):
                best[candidate.flow_id] = replace(
                    candidate, reason=f"{candidate.reason} in {part!r}"
                )
    merged = sorted(best.values(), key=lambda c: (-c.score, catalog.position[c.flow_id]))
    return merged[:limit]


CLAUSE_BREAK = re.compile(
    r"(?<=[.?!;,:])\s+|\s+(?:but|because)\s+|\s+[-\u2013\u2014]+\s+|\s*[()]\s*", re.IGNORECASE
)
MAX_CLAUSES = 4
_CLAUSE_WORDS = 2  # a clause with fewer content words asks for nothing on its own


def clauses(text: str) -> list[str]:
    """The sentences and clauses of a message of several (at sentence punctuation, commas and
    "but"), those with at least two content words besides references, at most `MAX_CLAUSES`;
    [] for one clause. A clause that is only a reference and its label ("..., order 48113",
    "card # 41235566") says which thing, not what to do with it: scored alone, its one word
    would match whichever flow names that thing most (placing an order, getting a card)."""
    parts = [p.strip() for p in CLAUSE_BREAK.split(text) if p.strip()]
    if len(parts) < 2:
        return []
    return [p for p in parts if len(content_tokens(_without_codes(p))) >= _CLAUSE_WORDS][
        :MAX_CLAUSES
    ]


def _without_codes(part: str) -> str:
    """The clause with its references ("48113", "NW-100555") cut out."""
    kept: list[str] = []
    position = 0
    for mention in codes(part):
        kept.append(part[position : mention.start])
        position = mention.end
    return " ".join([*kept, part[position:]])


def _rank(
    text: str, catalog: FlowCatalog, allowed: Callable[[str], bool], limit: int, semantic: bool
) -> list[Candidate]:
    normalized = normalize(text)
    exact = [f for f in catalog.exact.get(normalized, []) if allowed(f)]
    if not exact:
        text = without_pleasantries(text)  # "hi, ... thanks!": the request, not its wrapping
        normalized = normalize(text)
        exact = [f for f in catalog.exact.get(normalized, []) if allowed(f)]
    if exact:
        return [_exact(catalog.by_id[f], normalized) for f in exact][:limit]
    if not content_tokens(text):
        return _whole_phrase(normalized, catalog, allowed, limit)
    said = set(_query_tokens(text, catalog))
    text = one_verb(text, lambda token: token in catalog.index.idf)  # "send it back": return
    query = _query_tokens(text, catalog)
    meant = without_values(text)
    if query and withdraws(text) and CANCEL in catalog.index.idf:
        query.append(CANCEL)  # "we can't make it tonight anymore"
        meant = f"{meant} ({CANCEL})"
    query = _with_synonyms(query, catalog, said)
    fault = [w for w in FAULT_WORDS if w in catalog.index.idf] if tells_fault(text) else []
    if query and fault:
        query.extend(w for w in fault if w not in query)  # "the display has gone blank"
        meant = f"{meant} ({' '.join(fault)})"
    if query and asks_status(text):
        status = [w for w in STATUS if w in catalog.index.idf]
        query.extend(status)  # "where's my claim at?"
        if status:
            meant = f"{meant} ({' '.join(status)})"  # the meaning of asking how it stands too
    if not query:
        return []  # only values ("625", "Anna"): nothing asks for a flow
    lexical = _lexical_scores(query, catalog, allowed)
    index = catalog.semantic() if semantic else None
    meanings = index.scores(index.embed(meant), also=lexical) if index is not None else {}
    scale = (
        (SENTENCE_MEANING_FLOOR, SENTENCE_MEANING_FULL)
        if index is not None and index.encoder is not None
        else None
    )
    ranked: list[Candidate] = []
    for flow_id in dict.fromkeys([*lexical, *meanings]):
        if flow_id not in lexical and not allowed(flow_id):
            continue
        words = lexical.get(flow_id)
        meaning = meanings.get(flow_id)
        score = blend(words.score if words else 0.0, meaning.score if meaning else None, scale)
        if score <= 0:
            continue
        phrase = words.phrase if words is not None else None
        ranked.append(
            Candidate(
                flow_id=flow_id,
                score=score,
                reason=_reason(phrase, meaning.phrase if meaning else None, score),
                phrase=phrase if phrase is not None else (meaning.phrase if meaning else None),
                words=words.score if words is not None else (0.0 if index else None),
                meaning=meaning.score if meaning is not None else None,
                meaning_phrase=meaning.phrase if meaning is not None else None,
            )
        )
    ranked.sort(key=lambda c: (-c.score, catalog.position[c.flow_id]))
    return ranked[:limit]


def blend(words: float, meaning: float | None, scale: tuple[float, float] | None = None) -> float:
    """One confidence from the word score and the meaning cosine (words alone without a model);
    `scale`: the cosines that say nothing and that count as a paraphrase (`MEANING_FLOOR` and
    `MEANING_FULL` for the static vectors)."""
    if meaning is None:
        return round(words, 4)
    low, top = (MEANING_FLOOR, MEANING_FULL) if scale is None else scale
    scaled = min(1.0, max(0.0, (meaning - low) / (top - low)))
    return round((1 - MEANING_WEIGHT) * words + MEANING_WEIGHT * scaled, 4)


def _lexical_scores(
    query: list[str], catalog: FlowCatalog, allowed: Callable[[str], bool]
) -> dict[str, _Lexical]:
    weights = {t: catalog.idf(t) ** 2 for t in set(query)}
    total = sum(weights.values())
    result: dict[str, _Lexical] = {}
    for flow_id in _bm25_candidates(query, catalog):
        if not allowed(flow_id):
            continue
        entry = catalog.by_id[flow_id]
        covered = (
            sum(
                w if t in entry.vocabulary else DETAIL_COVERAGE * w
                for t, w in weights.items()
                if t in entry.vocabulary or t in entry.detail_vocabulary
            )
            / total
        )
        phrase, similarity = _best_phrase(entry, weights, catalog)
        score = round((covered + similarity) / 2, 4)
        if score > 0:
            result[flow_id] = _Lexical(score, phrase)
    return result


def _exact(entry: FlowEntry, normalized: str) -> Candidate:
    phrase = next((p for p in entry.phrases if normalize(p.text) == normalized), None)
    return Candidate(
        flow_id=entry.id, score=1.0, reason=_reason(phrase, None, 1.0), phrase=phrase, exact=True
    )


def _query_tokens(text: str, catalog: FlowCatalog) -> list[str]:
    """Content tokens, misspellings mapped to the vocabulary (a few lookups at most).

    Numbers and capitalised names that no flow mentions are values, not requests ("send 50 to
    Anna"): they are left out instead of counting against every flow.
    """
    names = {stem(w.lower()) for w in _NAME.findall(text)[1:] if w[:1].isupper()}
    names.update(stem(w) for m in lowercase_names(text) for w in m.text.split())  # "to joe"
    tokens = [
        t for t in content_tokens(text) if t in catalog.index or not (t.isdigit() or t in names)
    ]
    lookups = 0
    known = _known_words(catalog)
    for i, token in enumerate(tokens):
        if token not in catalog.index and len(token) >= 3 and not token.isdigit():
            # "rate" / "rating" (stemmed "rat"), "close" / "closing": the light stem keeps a
            # final "e" that -ing and -ed take away
            if token.endswith("e") and token[:-1] in catalog.index:
                tokens[i] = token = token[:-1]
            elif token + "e" in catalog.index:
                tokens[i] = token = token + "e"
        if (
            token in catalog.index
            or len(token) < 4
            or token.isdigit()
            or lookups >= _MAX_TYPO_LOOKUPS
        ):
            continue
        lookups += 1
        match = process.extractOne(
            token,
            catalog.vocabulary_by_initial.get(token[:1], ()),
            scorer=fuzz.ratio,
            score_cutoff=_TYPO_LOOKUP,
        )
        if match is not None and _is_typo(token, match[0], match[1], known):
            tokens[i] = match[0]
    return tokens


def _known_words(catalog: FlowCatalog) -> Callable[[str], bool]:
    """Whole words of the embedded model's vocabulary (none without the model)."""
    index = catalog.semantic()
    return index.model.is_word if index is not None else (lambda _word: False)


def _is_typo(token: str, word: str, ratio: float, known: Callable[[str], bool]) -> bool:
    """ "balnce" / "cancle" (two letters swapped) / "instal" (a doubled letter missing) are
    misspellings; "broken" is not one of "broke": a word that extends another is another word."""
    if token.startswith(word) or word.startswith(token):
        longer, shorter = (token, word) if len(token) > len(word) else (word, token)
        return len(longer) == len(shorter) + 1 and longer[-1] == shorter[-1] == longer[-2]
    if known(token):
        return False  # a word in its own right ("movie" is not "move" mistyped)
    return ratio >= TYPO_CUTOFF or (len(token) >= 5 and OSA.distance(token, word) <= 1)


# Telling that something is out of order ("half my sockets stopped working", "Remote access isn't
# working", "the display on my smart meter has gone blank", "my car just died") asks for the
# project's flow about faults, in whichever of these words the project says it.
FAULT_WORDS = ("fault", "faulty", "broken", "problem", "issue", "outage")
_FAULT = re.compile(
    r"(?:(?:\bnot|n't)\s+(?:\w+\s+)?working|n't\s+work|\b(?:stopped|quit)\s+working"
    r"|\b(?:gone|went|is|are|was|were|'s|'re|got|arrived|came|been)\s+(?:\w+ly\s+|just\s+|now\s+|all\s+)?"
    r"(?:blank|dead|broken|faulty|smashed|cracked)|\b(?:died|broke)"
    r"|(?:won't|doesn't|isn't|can't)\s+(?:turn|switch|power)\s+on)\b",
    re.IGNORECASE,
)


def tells_fault(text: str) -> bool:
    """Does the message tell that something is broken or not working?"""
    return _FAULT.search(text.replace("\u2019", "'")) is not None


_SYNONYMS = [
    frozenset(g.split())
    for g in (
        "change modify update amend alter move push shift reschedule postpone increase decrease"
        " reduce",
        "register enrol enroll sign join",
        "return refund exchange",
        "buy purchase",
        "fix repair",
        "book reserve",
        "problem issue fault trouble",
        "cancel terminate discontinue quit",
        "appeal challenge contest dispute",
    )
]
# Said in a verb's place only ("end my session" is stopping it; "the card ending 4242" is not).
_VERB_SYNONYMS = [
    *_SYNONYMS,
    frozenset({"stop", "end", "finish"}),
    frozenset({"cancel", "close"}),  # "close my subscription"; not "close to the station"
]

# Common English request verbs: the word a flow's id leads with is its request verb when it is
# one of these ("cancel_membership"; not "gas_emergency", "gift_aid_declaration").
REQUEST_VERBS = word_set(
    """add activate appeal apply arrange ask book borrow buy block call cancel challenge change check
    choose claim close collect compare confirm contact contest create decrease delete deliver
    deposit dispute donate download drop edit email end enrol enroll escalate exchange extend
    file fill find fit fix freeze get give hire increase install join leave lock log make
    manage modify move open order pause pay pick place post print purchase put quit raise rate
    reactivate recover redeem reduce refill refund register reissue remove renew rent repair
    replace report request reschedule reserve reset resend restart resume return review
    schedule see sell send set share ship show sign skip start stop submit subscribe suspend
    swap switch take talk terminate top track transfer unblock unfreeze unlock unsubscribe
    update upgrade upload verify view visit withdraw"""
)


# Irregular past forms of common verbs ("I lost my card", "you sent me the wrong item"): they
# tell what happened, not what is asked (`verbs_in`). (Read as the base verb in the words that
# look for a flow, they gained nothing on the tune projects and "could you fit new lights, I
# bought them online" became a request to buy.)
IRREGULAR = {
    form: base
    for base, forms in (
        ("lose", "lost"),
        ("send", "sent"),
        ("pay", "paid"),
        ("buy", "bought"),
        ("sell", "sold"),
        ("break", "broke broken"),
        ("steal", "stole stolen"),
        ("get", "got gotten"),
        ("give", "gave given"),
        ("take", "took taken"),
        ("make", "made"),
        ("bring", "brought"),
        ("leave", "left"),
        ("forget", "forgot forgotten"),
        ("spend", "spent"),
        ("find", "found"),
        ("tell", "told"),
        ("keep", "kept"),
        ("hold", "held"),
        ("freeze", "froze frozen"),
        ("choose", "chose chosen"),
        ("write", "wrote written"),
        ("drive", "drove driven"),
        ("fly", "flew flown"),
        ("wear", "wore worn"),
        ("tear", "tore torn"),
        ("lend", "lent"),
        ("build", "built"),
        ("feel", "felt"),
        ("come", "came"),
        ("go", "went gone"),
        ("see", "saw seen"),
        ("fall", "fell fallen"),
        ("catch", "caught"),
        ("throw", "threw thrown"),
        ("eat", "ate eaten"),
        ("bite", "bit bitten"),
        ("shake", "shook"),
        ("spill", "spilt"),
    )
    for form in forms.split()
}


_BEFORE_A_VERB = word_set(
    "to you i we please pls plz me can't cannot don't won't let's wanna gotta just"
)
DETERMINERS = word_set("my our your his her their the a an this that these those")
_SUBORDINATE = word_set("before after when whenever if once until till since while though although")


def verbs_in(text: str) -> list[str]:
    """The stemmed words in a verb's place: the first word of a clause that is no function word,
    or a word after "to", "you", "I", "please", "can't" ... ("I want to quit the gym": quit;
    "can you add gift aid to my donations": add, not donations). Past forms ("ordered 40 min
    ago", "you sent me") tell what happened, not what is asked, and a clause that opens with
    "before", "when", "if" ... ("before I book, is my flight on time?") is not the request."""
    found: list[str] = []
    for part in CLAUSE_BREAK.split(text):
        said = words(part or "")
        if said and said[0] in _SUBORDINATE:
            continue
        first = next((i for i, w in enumerate(said) if not is_stopword(w)), None)
        if first and said[first - 1] in DETERMINERS:
            first = None  # "my order is late": a thing
        for i, word in enumerate(said):
            if (i == first or (i and said[i - 1] in _BEFORE_A_VERB)) and not (
                is_stopword(word) or _past(word)
            ):
                found.append(stem(word))
    return found


def _past(word: str) -> bool:
    """A past form ("ordered", "sent"), or an adverb in a verb's place ("it's quite urgent")."""
    if word in _ADVERBS or (len(word) > 5 and word.endswith("ly") and word not in REQUEST_VERBS):
        return True
    return (len(word) > 4 and word.endswith("ed")) or word in IRREGULAR


_ADVERBS = word_set("quite rather really ever too soon maybe perhaps")


def same_request_verb(said: str, word: str) -> bool:
    """Is `said` (a stemmed message word) the request verb `word` (a flow id's word), as it is,
    inflected ("cancell" / "cancel"), in an irregular form ("sent" / "send") or said another way
    ("purchase" / "buy", "quit" / "cancel")?"""
    said, word = IRREGULAR.get(said, said), stem(word)
    if said == word or _inflected(said, word):
        return True
    return any(
        any(s == said or _inflected(s, said) for s in group) and word in group
        for group in _VERB_SYNONYMS
    )


def _inflected(a: str, b: str) -> bool:
    """ "cancell" / "cancel", "purchas" / "purchase": one light stem extends the other."""
    short, long = sorted((a, b), key=len)
    return len(short) >= 4 and long.startswith(short) and len(long) - len(short) <= 2


def _with_synonyms(
    query: list[str], catalog: FlowCatalog, said: set[str] | frozenset[str] = frozenset()
) -> list[str]:
    """Common request verbs said another way ("push my booking" is "change" it, "enroll" is
    "register"): the project's own word joins the query when the user used another. A word the
    project names its flows with means what the project means by it ("did you get my 2025
    return?" where tax returns are filed is not asking for a refund): when the user `said` it
    (not when a phrasal verb was read as it), its synonyms join only as words of the flows
    asked for with it too ("change my address ... after they move")."""
    extra: list[str] = []
    for token in query:
        own = token in said and token in catalog.name_words
        for group in _SYNONYMS:
            if token in group:
                extra.extend(
                    w
                    for w in group
                    if w != token
                    and w in catalog.index.idf
                    and (not own or _asked_together(token, w, catalog))
                )
    return query + [w for w in dict.fromkeys(extra) if w not in query]


def _asked_together(word: str, other: str, catalog: FlowCatalog) -> bool:
    """Is some flow asked for (name, description, examples) with both words?"""
    return any(word in e.vocabulary and other in e.vocabulary for e in catalog.entries)


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
        if not phrase.tokens or not phrase.is_request:
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
        if p.kind in ("example", "name", "intent", "intent example")
    }
    best = process.extractOne(
        normalized, choices, scorer=fuzz.ratio, score_cutoff=_WHOLE_PHRASE_CUTOFF
    )
    if best is None:
        return []
    flow_id, index = best[2]
    phrase = catalog.by_id[flow_id].phrases[index]
    score = round(best[1] / 100, 4)
    return [
        Candidate(flow_id=flow_id, score=score, reason=_reason(phrase, None, score), phrase=phrase)
    ][:limit]


def _reason(phrase: Phrase | None, meaning: Phrase | None, score: float) -> str:
    if phrase is None and meaning is None:
        return f"matched words of the flow ({score:.2f})"
    if phrase is None or (meaning is not None and meaning != phrase):
        shown = meaning if meaning is not None else phrase
        assert shown is not None
        return f"means the same as {shown.kind} {shown.text!r} ({score:.2f})"
    return f"matched {phrase.kind} {phrase.text!r} ({score:.2f})"
