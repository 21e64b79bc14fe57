"""`--shard i/n`: one of n disjoint parts of a suite, the same part on every machine.

    calmtui test --shard 2/4 --json results-2.json     # machine 2 of a CI matrix of 4

The split is by test case, after `PATHS`, `-k` and `--last-failed` selected them, so each of n
machines runs 1/n of the suite and every selected case runs in exactly one shard. It depends only
on the cases' ids (`path::name`) and, when `.calmtui/durations.json` has them, on the last run's
durations — never on file-system order, the working directory or hash seeds:

* cases are taken longest first (ties and unknown durations by id; a case the file does not
  know counts as the median known duration) and each goes to the shard with the least total so
  far (ties to the lower shard): the classic longest-processing-time rule, within 4/3 of the best
  balance;
* without durations every case weighs the same, which deals the cases, sorted by id, round-robin:
  shard sizes differ by at most one.

Every machine must therefore see the same durations file (commit it, or restore one cache for
the whole matrix) — or none. The JSON report of a shard records its shard, the suite's size and
fingerprint, and which durations balanced it, so `calmtui test --merge-results` can check that
the shards fit together.

After every run without `--shard` the cases' durations are written to `.calmtui/durations.json`
(cases that did not run keep their entry). A shard never writes it: the shards of one suite run
one after another on the same machine must split it the same way.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from calmtui.testing.state import STATE_DIR

if TYPE_CHECKING:
    from calmtui.testing.spec import TestCase

DURATIONS = "durations.json"
VERSION = 1
_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True, slots=True)
class Shard:
    index: int  # 1-based, as in `--shard 1/4`
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def parse_shard(text: str) -> Shard:
    """`i/n` with 1 <= i <= n; raises ValueError with a message for the user."""
    match = _SHARD.match(text)
    if match is None:
        raise ValueError(f"--shard takes i/n, e.g. 2/4 (got {text!r})")
    index, count = int(match[1]), int(match[2])
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"--shard {text}: i must be between 1 and n (shards are numbered from 1)")
    return Shard(index, count)


@dataclass(frozen=True, slots=True, kw_only=True)
class ShardPlan:
    """What one shard runs, and what it needs to say about the whole suite."""

    shard: Shard
    cases: list[TestCase]
    total: int  # cases selected before sharding
    fingerprint: str  # of the selected suite: shards of the same suite share it
    durations: str | None  # fingerprint of the durations that balanced the split, if any

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.shard.index,
            "count": self.shard.count,
            "suite_cases": self.total,
            "suite_fingerprint": self.fingerprint,
            "durations_fingerprint": self.durations,
        }

    def describe(self) -> str:
        """`shard 2/4 of 200 cases, balanced by the last run's durations`."""
        how = "balanced by the last run's durations" if self.durations else "by case"
        return f"shard {self.shard} of {self.total} cases, {how}"


def plan_shard(
    cases: Sequence[TestCase], shard: Shard, durations: Mapping[str, float]
) -> ShardPlan:
    """The cases of `shard`, in the suite's order."""
    ids = [case.node_id for case in cases]
    known = {i: durations[i] for i in ids if i in durations}
    owner = assign(ids, shard.count, known)
    mine = [case for case, k in zip(cases, owner, strict=True) if k == shard.index - 1]
    return ShardPlan(
        shard=shard,
        cases=mine,
        total=len(ids),
        fingerprint=fingerprint(ids),
        durations=fingerprint(f"{i}={known[i]!r}" for i in sorted(known)) if known else None,
    )


def assign(ids: Sequence[str], count: int, durations: Mapping[str, float]) -> list[int]:
    """The shard (0-based) of each id: longest first to the least loaded shard (module doc)."""
    known = [d for d in durations.values() if d >= 0]
    fallback = statistics.median(known) if known else 1.0
    weight = {i: max(0.0, durations.get(i, fallback)) for i in ids}
    loads = [(0.0, k) for k in range(count)]  # a heap of (total so far, shard)
    owner: dict[str, int] = {}
    for case_id in sorted(set(ids), key=lambda i: (-weight[i], i)):
        load, k = heapq.heappop(loads)
        owner[case_id] = k
        heapq.heappush(loads, (load + weight[case_id], k))
    return [owner[i] for i in ids]


def fingerprint(items: Iterable[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(items)).encode()).hexdigest()
    return digest[:16]


# -- the durations of the last run ----------------------------------------------------------------


def durations_path(project_root: str | os.PathLike[str]) -> Path:
    return Path(project_root) / STATE_DIR / DURATIONS


def read_durations(project_root: str | os.PathLike[str]) -> dict[str, float]:
    """Case id -> milliseconds of its last run; empty when the file is missing or unreadable."""
    try:
        data = json.loads(durations_path(project_root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    raw: Any = cast(dict[str, Any], data).get("durations_ms") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        return {}
    found: dict[str, float] = {}
    for key, value in cast(dict[Any, Any], raw).items():
        if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
            found[str(key)] = float(value)
    return found


def update_durations(
    project_root: str | os.PathLike[str], measured: Iterable[tuple[str, float]]
) -> None:
    """Record the cases' durations (ms, whole); others keep theirs. Raises OSError when the file
    cannot be written."""
    durations = read_durations(project_root)
    durations.update((case_id, float(round(ms))) for case_id, ms in measured)
    path = durations_path(project_root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    document = {"version": VERSION, "durations_ms": dict(sorted(durations.items()))}
    tmp.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)
