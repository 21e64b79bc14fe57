"""The tokenizer, the light stemmer and BM25."""

from __future__ import annotations

import pytest

from calmtui.understanding.bm25 import BM25Index
from calmtui.understanding.text import content_tokens, normalize, stem, words


def test_words_keep_numbers_and_apostrophes() -> None:
    assert words("I'd like to send $1,200 to Anna\u2019s mum!") == [
        "i'd",
        "like",
        "to",
        "send",
        "1",
        "200",
        "to",
        "anna's",
        "mum",
    ]
    assert normalize("  What is   my BALANCE?? ") == "what is my balance"


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("cards", "card"),
        ("balances", "balance"),
        ("transferring", "transfer"),
        ("transferred", "transfer"),
        ("sending", "send"),
        ("stories", "story"),
        ("address", "address"),
        ("status", "status"),
        ("anna's", "anna"),
        ("17", "17"),
        ("bus", "bus"),
    ],
)
def test_stem(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


def test_content_tokens_drop_function_words() -> None:
    assert content_tokens("I would like to check my card balances, please") == [
        "check",
        "card",
        "balance",
    ]


def test_bm25_ranks_by_rare_shared_words() -> None:
    index = BM25Index([["send", "money"], ["check", "balance", "money"], ["replace", "card"]])
    assert [doc for doc, _ in index.top(["money", "balance"], 3)] == [1, 0]
    assert index.top(["unknown"], 3) == []
    assert index.scores([]) == {}
    assert index.document_frequency("money") == 2
    assert index.idf["card"] > index.idf["money"]
    assert "card" in index
    assert "cards" not in index


def test_bm25_top_k_is_bounded_and_stable() -> None:
    index = BM25Index([["errand", str(i)] for i in range(100)])
    hits = index.top(["errand"], 5)
    assert [doc for doc, _ in hits] == [0, 1, 2, 3, 4]
    assert index.top(["errand", "42"], 1)[0][0] == 42
