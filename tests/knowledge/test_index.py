"""The document index: incremental re-indexing through the cache, scores that never depend on
the order of edits, an empty or missing folder, and 10,000 passages."""

from __future__ import annotations

import os
import random
from pathlib import Path

from calmtui.knowledge.index import DocumentIndex
from calmtui.understanding.text import content_tokens


def write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text)


FILES = {
    "billing.md": "# Billing\n\nYour bill is paid by direct debit on the 8th.\n",
    "router.txt": "The router light turns green after five minutes.\n",
    "moving.md": "Moving house is free once a year.\n",
}


def top(index: DocumentIndex, question: str, k: int = 3) -> list[tuple[str, float]]:
    return [
        (index.passages[i].source, score) for i, score in index.lexical(content_tokens(question), k)
    ]


def test_a_refresh_reads_only_what_changed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, FILES)
    index = DocumentIndex(source=docs, root=tmp_path)
    first = index.refresh()
    assert (first.documents, first.passages) == (3, 3)
    assert sorted(first.changed) == ["docs/billing.md", "docs/moving.md", "docs/router.txt"]
    assert not index.refresh().changed_anything  # nothing changed: nothing re-read

    (docs / "router.txt").write_text("The router light turns blue when the WiFi is off.\n")
    os.utime(docs / "moving.md")  # touched, same content: not a change
    (docs / "billing.md").unlink()
    report = index.refresh()
    assert report.changed == ("docs/router.txt",)
    assert report.removed == ("docs/billing.md",)
    assert top(index, "router light blue")[0][0] == "docs/router.txt"
    assert top(index, "bill direct debit") == []


def test_the_cache_serves_a_new_index_and_a_changed_file_is_re_read(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, FILES)
    DocumentIndex(source=docs, root=tmp_path).refresh()
    assert (tmp_path / ".calmtui" / "knowledge" / "manifest.json").is_file()

    (docs / "moving.md").write_text("Moving house costs 40 euros the second time.\n")
    report = DocumentIndex(source=docs, root=tmp_path).refresh()
    assert report.changed == ("docs/moving.md",)
    assert report.passages == 3


def test_scores_do_not_depend_on_the_order_of_edits(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, {"a.md": "alpha beta"})
    incremental = DocumentIndex(source=docs, root=tmp_path, use_cache=False)
    incremental.refresh()
    write(docs, dict(FILES.items()))
    incremental.refresh()
    (docs / "a.md").unlink()
    incremental.refresh()
    fresh = DocumentIndex(source=docs, root=tmp_path, use_cache=False)
    fresh.refresh()
    for question in ("router green", "bill paid", "moving free year"):
        assert top(incremental, question) == top(fresh, question)


def test_a_broken_cache_is_rebuilt_from_the_documents(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, FILES)
    DocumentIndex(source=docs, root=tmp_path).refresh()
    (tmp_path / ".calmtui" / "knowledge" / "manifest.json").write_text("{not json")
    report = DocumentIndex(source=docs, root=tmp_path).refresh()
    assert (report.documents, len(report.changed)) == (3, 3)


def test_an_empty_or_missing_folder_indexes_nothing(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    empty = DocumentIndex(source=tmp_path / "docs", root=tmp_path).refresh()
    assert (empty.documents, empty.passages, empty.missing_source) == (0, 0, False)
    missing = DocumentIndex(source=tmp_path / "nope", root=tmp_path)
    report = missing.refresh()
    assert report.missing_source
    assert missing.lexical(["anything"], 3) == []


def test_unreadable_documents_are_reported_and_the_others_indexed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, FILES)
    (docs / "scan.md").write_bytes(b"\x00\x01\x02")
    report = DocumentIndex(source=docs, root=tmp_path).refresh()
    assert report.documents == 3
    assert [(s.path, s.reason) for s in report.skipped] == [
        ("docs/scan.md", "is a binary file, not text")
    ]


def test_ten_thousand_passages(tmp_path: Path) -> None:
    rng = random.Random(7)
    words = [f"w{i}" for i in range(3000)]
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(250):
        paragraphs = [" ".join(rng.choice(words) for _ in range(150)) + "." for _ in range(41)]
        if number == 123:
            paragraphs[17] = "The unicorn tariff includes zebra support on weekends."
        (docs / f"doc{number:03}.md").write_text("\n\n".join(paragraphs))
    index = DocumentIndex(source=docs, root=tmp_path, use_cache=False)
    report = index.refresh()
    assert report.passages >= 10_000
    (best, _), *_ = index.lexical(
        content_tokens("does the unicorn tariff include zebra support"), 5
    )
    assert "unicorn tariff" in index.passages[best].text
    assert index.passages[best].source == "docs/doc123.md"
