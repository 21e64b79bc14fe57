"""Knowledge search speed (issue 12 "Knowledge answers and generated responses").

Targets (2 cores):
* index 1,000 documents (about 5 MB) lexically: under 5 s;
* re-index after one changed file: under 0.5 s;
* retrieval over 50,000 passages: under 10 ms per query, lexical (BM25) and dense (256-d
  vectors, faiss exact inner product).
Also printed: re-reading the index from the cache in a new process-like index (restart), import
time of numpy and faiss, and the load average (the machine may be shared).

    python benchmarks/bench_knowledge.py [--documents 1000] [--passages 50000] [--queries 200]

The documents are generated (seeded): paragraphs of words drawn from a Zipf-like vocabulary with
common support words mixed in, so posting lists have realistic lengths.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from calmtui.knowledge.index import DocumentIndex  # noqa: E402
from calmtui.understanding.text import content_tokens  # noqa: E402

COMMON = [
    "card",
    "account",
    "transfer",
    "payment",
    "fee",
    "limit",
    "bank",
    "money",
    "app",
    "phone",
    "bill",
    "refund",
    "router",
    "wifi",
    "password",
    "outage",
    "speed",
    "contract",
    "address",
    "delivery",
    "order",
]


def vocabulary(size: int = 30_000) -> list[str]:
    rng = random.Random(1)
    letters = "abcdefghijklmnoprstuvwy"
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(4, 10))))
    return sorted(words)


def paragraph(rng: random.Random, words: list[str], length: int) -> str:
    picked = [
        rng.choice(COMMON)
        if rng.random() < 0.08
        else words[int(rng.paretovariate(1.05)) % len(words)]
        for _ in range(length)
    ]
    return " ".join(picked).capitalize() + "."


def write_documents(folder: Path, count: int, words: list[str]) -> int:
    rng = random.Random(7)
    total = 0
    for number in range(count):
        text = f"# Article {number}\n\n" + "\n\n".join(
            paragraph(rng, words, rng.randint(50, 110)) for _ in range(10)
        )
        (folder / f"article{number:05}.md").write_text(text, encoding="utf-8")
        total += len(text.encode())
    return total


def queries(count: int, words: list[str]) -> list[list[str]]:
    rng = random.Random(3)
    return [
        content_tokens(
            " ".join(
                [rng.choice(COMMON), *(words[int(rng.paretovariate(1.2)) % 3000] for _ in range(3))]
            )
        )
        for _ in range(count)
    ]


def per_query_ms(search: object, items: list[object]) -> tuple[float, float]:
    timings = []
    for item in items:
        started = time.perf_counter()
        search(item)  # type: ignore[operator]
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1]


def import_ms(module: str) -> float:
    code = f"import time; s = time.perf_counter(); import {module}; print((time.perf_counter() - s) * 1000)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    return float(done.stdout.strip() or "nan")


def bench_index(documents: int, words: list[str]) -> None:
    root = Path(tempfile.mkdtemp(prefix="calmtui-bench-knowledge-"))
    try:
        docs = root / "docs"
        docs.mkdir()
        size = write_documents(docs, documents, words)
        index = DocumentIndex(source=docs, root=root)
        started = time.perf_counter()
        report = index.refresh()
        first = time.perf_counter() - started
        print(
            f"index {report.documents:,} documents ({size / 1e6:.1f} MB, {report.passages:,} "
            f"passages) lexically: {first:.2f} s   (target < 5 s)"
        )
        target = docs / "article00042.md"
        target.write_text(target.read_text() + "\n\nA new paragraph about zebra refunds.\n")
        started = time.perf_counter()
        report = index.refresh()
        again = time.perf_counter() - started
        print(
            f"re-index after one changed file: {again * 1000:.0f} ms   (target < 500 ms; "
            f"changed: {', '.join(report.changed)})"
        )
        started = time.perf_counter()
        DocumentIndex(source=docs, root=root).refresh()
        print(f"a new index from the cache (a restart): {time.perf_counter() - started:.2f} s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def bench_retrieval(passages: int, count: int, words: list[str]) -> None:
    from calmtui.knowledge.lexical import LexicalIndex, Vocabulary, passage_arrays

    rng = random.Random(11)
    tokens = [content_tokens(paragraph(rng, words, rng.randint(50, 110))) for _ in range(passages)]
    vocabulary_ids = Vocabulary()
    chunks = [passage_arrays(tokens[i : i + 10], vocabulary_ids) for i in range(0, passages, 10)]
    started = time.perf_counter()
    lexical = LexicalIndex(chunks, vocabulary_ids)
    built = time.perf_counter() - started
    asked = queries(count, words)
    median, p95 = per_query_ms(lambda q: lexical.top(q, 4), asked)
    print(
        f"lexical retrieval over {passages:,} passages: median {median:.2f} ms, p95 {p95:.2f} ms "
        f"per query   (target < 10 ms; index build {built * 1000:.0f} ms)"
    )
    try:
        import numpy as np

        from calmtui.knowledge.dense import DenseIndex, normalise
    except ImportError:
        print("dense retrieval: numpy is missing")
        return
    try:
        matrix = normalise(
            np.random.default_rng(5).standard_normal((passages, 256)).astype("float32")
        )
        started = time.perf_counter()
        dense = DenseIndex(matrix)
        built = time.perf_counter() - started
    except ImportError as exc:
        print(f"dense retrieval: {exc}")
        return
    vectors = list(np.random.default_rng(9).standard_normal((count, 256)).astype("float32"))
    median, p95 = per_query_ms(lambda v: dense.top(v, 4), vectors)
    print(
        f"dense retrieval (256-d, faiss IndexFlatIP) over {passages:,} passages: median "
        f"{median:.2f} ms, p95 {p95:.2f} ms per query   (target < 10 ms; index build {built * 1000:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--passages", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    print(f"import numpy: {import_ms('numpy'):.0f} ms · import faiss: {import_ms('faiss'):.0f} ms")
    words = vocabulary()
    bench_index(args.documents, words)
    bench_retrieval(args.passages, args.queries, words)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
