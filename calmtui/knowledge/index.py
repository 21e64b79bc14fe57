"""The document index: passages of every usable document, a lexical (BM25) index over them, and
its cache under `.calmtui/knowledge/`.

    index = DocumentIndex(source=root / "docs", root=root)
    report = index.refresh()              # reads only what changed since the last refresh/cache
    hits = index.lexical(["lost", "card"], k=3)

The cache holds each document's passages and tokens keyed by the file's sha256 (a file whose size
and modification time are unchanged is not even read again), so a restart or a hot reload after
one edited file re-reads and re-splits that file only. The BM25 index is then rebuilt over all
passages in a canonical order (by path, then position): scores never depend on the order of
edits, so the same documents always give the same answers.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from calmtui.knowledge.documents import (
    DocumentFile,
    Passage,
    SkippedDocument,
    find_documents,
    read_document,
    split_passages,
)
from calmtui.knowledge.lexical import LexicalIndex, PassageArrays, Vocabulary, passage_arrays
from calmtui.understanding.text import content_tokens

CACHE_DIR = Path(".calmtui") / "knowledge"
CACHE_VERSION = 3  # bump when splitting or tokenizing changes


@dataclass(slots=True)
class _Entry:
    sha256: str
    size: int
    mtime_ns: int
    passages: list[Passage]
    tokens: list[list[str]]
    arrays: PassageArrays | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class IndexReport:
    """What a refresh did: the numbers `calmtui knowledge` prints and the inspector shows."""

    source: str
    documents: int
    passages: int
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    skipped: tuple[SkippedDocument, ...] = ()
    seconds: float = 0.0
    missing_source: bool = False

    @property
    def changed_anything(self) -> bool:
        return bool(self.changed or self.removed)


@dataclass(slots=True)
class DocumentIndex:
    source: Path
    root: Path
    cache_dir: Path | None = None
    use_cache: bool = True
    passages: list[Passage] = field(default_factory=list[Passage])
    _entries: dict[str, _Entry] = field(default_factory=dict[str, _Entry])
    _bm25: LexicalIndex | None = None
    _vocabulary: Vocabulary = field(default_factory=Vocabulary)
    _loaded_cache: bool = False
    version: int = 0  # bumped whenever the passages change (dense vectors follow it)

    # -- building ---------------------------------------------------------------------------------
    def refresh(self) -> IndexReport:
        started = time.perf_counter()
        shown = _relative(self.source, self.root)
        if not self.source.is_dir():
            had_documents = bool(self._entries)
            self._entries.clear()
            if had_documents or self._bm25 is None:
                self._rebuild()
            return IndexReport(
                source=shown, documents=0, passages=0, missing_source=True,
                seconds=time.perf_counter() - started,
            )  # fmt: skip
        if not self._loaded_cache:
            self._loaded_cache = True
            if self.use_cache:
                self._entries = self._load_cache()
        found = list(find_documents(self.source, self.root))
        changed: list[str] = []
        skipped: list[SkippedDocument] = []
        entries: dict[str, _Entry] = {}
        for document in found:
            entry = self._entries.get(document.relative)
            if entry is not None and (entry.size, entry.mtime_ns) == (
                document.size,
                document.mtime_ns,
            ):
                entries[document.relative] = entry
                continue
            fresh = self._read(document, entry)
            if isinstance(fresh, SkippedDocument):
                skipped.append(fresh)
                continue
            entries[document.relative] = fresh
            if entry is None or entry.sha256 != fresh.sha256:
                changed.append(document.relative)
        removed = sorted(set(self._entries) - set(entries))
        dirty = (
            bool(changed or removed) or self._bm25 is None or entries.keys() != self._entries.keys()
        )
        cache_stale = dirty or any(
            (e.size, e.mtime_ns) != (self._entries[k].size, self._entries[k].mtime_ns)
            for k, e in entries.items()
            if k in self._entries
        )
        self._entries = entries
        if dirty:
            self._rebuild()
        if cache_stale and self.use_cache:
            self._save_cache({entries[name].sha256 for name in changed})
        return IndexReport(
            source=shown,
            documents=len(entries),
            passages=len(self.passages),
            changed=tuple(changed),
            removed=tuple(removed),
            skipped=tuple(skipped),
            seconds=time.perf_counter() - started,
        )

    def _read(self, document: DocumentFile, previous: _Entry | None) -> _Entry | SkippedDocument:
        result = read_document(document)
        if isinstance(result, SkippedDocument):
            return result
        text, sha256 = result
        if previous is not None and previous.sha256 == sha256:  # touched, not changed
            return _Entry(
                sha256,
                document.size,
                document.mtime_ns,
                previous.passages,
                previous.tokens,
                previous.arrays,
            )
        passages = split_passages(text, document.relative)
        return _Entry(
            sha256,
            document.size,
            document.mtime_ns,
            passages,
            [content_tokens(p.text) for p in passages],
        )

    def _rebuild(self) -> None:
        passages: list[Passage] = []
        arrays: list[PassageArrays] = []
        for name in sorted(self._entries):
            entry = self._entries[name]
            if entry.arrays is None:
                entry.arrays = passage_arrays(entry.tokens, self._vocabulary)
            passages.extend(entry.passages)
            arrays.append(entry.arrays)
        self.passages = passages
        self._bm25 = LexicalIndex(arrays, self._vocabulary)
        self.version += 1

    # -- searching --------------------------------------------------------------------------------
    def lexical(self, query_tokens: Sequence[str], k: int) -> list[tuple[int, float]]:
        """(passage index, BM25 score) of the `k` best passages, best first, ties by position."""
        if self._bm25 is None or not query_tokens:
            return []
        return self._bm25.top(query_tokens, k)

    def coverage(self, query_tokens: Sequence[str], passage: int) -> float:
        if self._bm25 is None:
            return 0.0
        return self._bm25.coverage(query_tokens, content_tokens(self.passages[passage].text))

    # -- the cache --------------------------------------------------------------------------------
    # `manifest.json` maps each document to its content hash; `passages/<sha256>.json` holds that
    # content's passages and tokens. After one edit only that file's entry and the manifest are
    # written again.
    @property
    def _cache_root(self) -> Path:
        return self.cache_dir or self.root / CACHE_DIR

    def _load_cache(self) -> dict[str, _Entry]:
        root = self._cache_root
        try:
            data: Any = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
            manifest = cast(dict[str, Any], data) if isinstance(data, dict) else {}
            if manifest.get("version") != CACHE_VERSION:
                return {}
            files = cast(dict[str, list[Any]], manifest["files"])
        except (OSError, ValueError, KeyError, TypeError):
            return {}  # no cache, or a broken one: rebuild from the documents
        entries: dict[str, _Entry] = {}
        for name, (sha256, size, mtime_ns) in files.items():
            try:
                raw: Any = json.loads((root / "passages" / f"{sha256}.json").read_text("utf-8"))
                passages = [
                    Passage(name, int(start), int(end), str(text))
                    for start, end, text in cast(list[list[Any]], raw["passages"])
                ]
                tokens = [str(t).split() for t in cast(list[Any], raw["tokens"])]
            except (OSError, ValueError, KeyError, TypeError):
                continue
            if len(tokens) == len(passages):
                entries[name] = _Entry(str(sha256), int(size), int(mtime_ns), passages, tokens)
        return entries

    def _save_cache(self, written: set[str]) -> None:
        root = self._cache_root
        folder = root / "passages"
        for entry in self._entries.values():
            if entry.sha256 not in written and (folder / f"{entry.sha256}.json").exists():
                continue
            content = {
                "passages": [[p.start_line, p.end_line, p.text] for p in entry.passages],
                "tokens": [" ".join(t) for t in entry.tokens],
            }
            write_atomically(folder / f"{entry.sha256}.json", content)
        files = {name: [e.sha256, e.size, e.mtime_ns] for name, e in sorted(self._entries.items())}
        write_atomically(root / "manifest.json", {"version": CACHE_VERSION, "files": files})
        used = {f"{e.sha256}.json" for e in self._entries.values()}
        with contextlib.suppress(OSError):
            for stale in folder.iterdir():
                if stale.name.endswith(".json") and stale.name not in used:
                    stale.unlink()


def write_atomically(path: Path, data: Any) -> None:
    """JSON to `path` via a temporary file and a rename; a cache that cannot be written is not
    an error (the index simply rebuilds next time)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    except OSError:
        return
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix() or "."
    except ValueError:
        return path.as_posix()
