"""Reading the documents of the search source and splitting them into passages.

A document is a `.txt` or `.md` file below the source folder (recursively; hidden folders are
skipped). It is split at blank lines and Markdown headings into paragraphs, and paragraphs are
joined into passages of at most `PASSAGE_CHARS` characters, each remembering its file and line
range so answers can cite "docs/cards.md:12-18". A file that cannot be used (binary, not UTF-8,
too large, unreadable) is reported with the reason and skipped: the other documents still count.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

DOCUMENT_SUFFIXES = (".txt", ".md")
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024
PASSAGE_CHARS = 1000
_BINARY_PROBE = 8192


def location(source: str, start_line: int, end_line: int) -> str:
    """`docs/faq.md:12` or `docs/faq.md:12-18`: where a passage is, as reports show it."""
    if start_line == end_line:
        return f"{source}:{start_line}"
    return f"{source}:{start_line}-{end_line}"


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of a document: `source` is the path relative to the project, lines are 1-based."""

    source: str
    start_line: int
    end_line: int
    text: str

    @property
    def location(self) -> str:
        return location(self.source, self.start_line, self.end_line)

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class SkippedDocument:
    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """A candidate document: where it is and its (size, mtime) fingerprint for the cache."""

    path: Path
    relative: str
    size: int
    mtime_ns: int


def find_documents(source: Path, root: Path) -> Iterator[DocumentFile]:
    """Every `.txt`/`.md` file below `source`, in a stable (sorted) order."""
    for folder, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or not name.lower().endswith(DOCUMENT_SUFFIXES):
                continue
            path = Path(folder) / name
            try:
                stat = path.stat()
            except OSError:
                continue
            yield DocumentFile(
                path=path,
                relative=_relative(path, root),
                size=stat.st_size,
                mtime_ns=stat.st_mtime_ns,
            )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def read_document(document: DocumentFile) -> tuple[str, str] | SkippedDocument:
    """(text, sha256 of its bytes), or why the file cannot be used."""
    if document.size > MAX_DOCUMENT_BYTES:
        limit = MAX_DOCUMENT_BYTES // (1024 * 1024)
        return SkippedDocument(
            document.relative, f"larger than {limit} MB ({document.size:,} bytes); split it"
        )
    try:
        data = document.path.read_bytes()
    except OSError as exc:
        return SkippedDocument(document.relative, f"cannot be read: {exc.strerror or exc}")
    if b"\x00" in data[:_BINARY_PROBE]:
        return SkippedDocument(document.relative, "is a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return SkippedDocument(
            document.relative,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8",
        )
    return text, hashlib.sha256(data).hexdigest()


def split_passages(text: str, source: str, limit: int = PASSAGE_CHARS) -> list[Passage]:
    """Paragraphs (blank lines and headings start new ones) joined up to `limit` characters."""
    passages: list[Passage] = []
    current: list[tuple[int, str]] = []  # (line number, line)
    size = 0

    def flush() -> None:
        nonlocal current, size
        while current and not current[-1][1].strip():
            current.pop()
        if current:
            body = "\n".join(line for _, line in current).strip()
            passages.append(Passage(source, current[0][0], current[-1][0], body))
        current, size = [], 0

    for number, paragraph in _paragraphs(text):
        length = sum(len(line) + 1 for line in paragraph)
        heading = paragraph[0].lstrip().startswith("#")
        # A heading starts a passage, unless the passage so far is only headings (a title
        # followed by a section heading stays with the section's text).
        only_headings = all(
            not line.strip() or line.lstrip().startswith("#") for _, line in current
        )
        if current and (size + length > limit or (heading and not only_headings)):
            flush()
        for offset, line in enumerate(paragraph):
            for piece in _cut(line, limit):
                if current and size + len(piece) > limit:
                    flush()
                current.append((number + offset, piece))
                size += len(piece) + 1
        current.append((number + len(paragraph), ""))  # the blank line between paragraphs
        size += 1
    flush()
    return passages


def _paragraphs(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each block between blank lines."""
    block: list[str] = []
    start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line.rstrip())
        elif block:
            yield start, block
            block = []
    if block:
        yield start, block


def _cut(line: str, limit: int) -> list[str]:
    """A line longer than a passage, cut at spaces (or hard, for a run without spaces)."""
    if len(line) <= limit:
        return [line]
    pieces: list[str] = []
    while len(line) > limit:
        cut = line.rfind(" ", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(line[:cut])
        line = line[cut:].lstrip()
    if line:
        pieces.append(line)
    return pieces
