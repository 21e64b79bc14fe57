"""Documents: which files count, how they are split into passages (file and line range), and
the clear reason for a file that cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.knowledge import documents
from calmtui.knowledge.documents import (
    SkippedDocument,
    find_documents,
    read_document,
    split_passages,
)


def test_passages_keep_their_file_and_line_range() -> None:
    text = "# Billing\n\n## When\nPaid on the 8th.\nIssued on the 1st.\n\n\n## Refunds\nOne day per day.\n"
    passages = split_passages(text, "docs/billing.md")
    assert [(p.start_line, p.end_line) for p in passages] == [(1, 5), (8, 9)]
    assert passages[0].text == "# Billing\n\n## When\nPaid on the 8th.\nIssued on the 1st."
    assert passages[1].location == "docs/billing.md:8-9"


def test_paragraphs_are_joined_up_to_the_passage_size_and_long_lines_are_cut() -> None:
    words = " ".join(f"word{i}" for i in range(400))
    passages = split_passages(f"short one\n\nshort two\n\n{words}\n", "a.txt", limit=300)
    assert passages[0].text == "short one\n\nshort two"
    assert all(len(p.text) <= 300 for p in passages)
    assert " ".join(p.text for p in passages[1:]).split() == words.split()
    assert {p.start_line for p in passages[1:]} == {5}


def test_only_txt_and_md_files_outside_hidden_folders_are_documents(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    for name in ("a.md", "b.TXT", "c.pdf", ".hidden.md", "sub/d.md", ".git/e.md"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("text")
    found = [d.relative for d in find_documents(docs, tmp_path)]
    assert found == ["docs/a.md", "docs/b.TXT", "docs/sub/d.md"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"PK\x03\x04\x00\x00binary", "is a binary file, not text"),
        (b"line one\ncaf\xe9\n", "is not UTF-8 text (byte 0xe9 on line 2); save it as UTF-8"),
    ],
)
def test_binary_and_non_utf8_documents_are_skipped_with_the_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    (tmp_path / "bad.md").write_bytes(content)
    (document,) = find_documents(tmp_path, tmp_path)
    assert read_document(document) == SkippedDocument("bad.md", reason)


def test_huge_documents_are_skipped_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents, "MAX_DOCUMENT_BYTES", 1024 * 1024)
    (tmp_path / "huge.txt").write_text("x" * (2 * 1024 * 1024))
    (document,) = find_documents(tmp_path, tmp_path)
    result = read_document(document)
    assert isinstance(result, SkippedDocument)
    assert result.reason == "larger than 1 MB (2,097,152 bytes); split it"


def test_a_utf8_bom_is_not_part_of_the_text(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes("\ufeffHello".encode())
    (document,) = find_documents(tmp_path, tmp_path)
    text, digest = read_document(document)  # type: ignore[misc]
    assert text == "Hello"
    assert len(digest) == 64
