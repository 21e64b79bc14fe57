"""`--shard i/n` (issue 16.9): every selected case runs in exactly one shard, the split is the
same on every machine (it depends on the case ids and the durations only), balanced by the last
run's durations when `.calmtui/durations.json` has them and by case count when it has not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from calmtui.testing.sharding import (
    Shard,
    assign,
    durations_path,
    parse_shard,
    read_durations,
    update_durations,
)

ids_strategy = st.lists(
    st.from_regex(r"tests/[a-c]{1,3}\.yml::[a-z_]{1,8}", fullmatch=True), unique=True, max_size=60
)


@given(ids=ids_strategy, count=st.integers(1, 9), data=st.data())
@settings(max_examples=200, deadline=None)
def test_every_case_runs_in_exactly_one_shard(
    ids: list[str], count: int, data: st.DataObject
) -> None:
    timed = data.draw(st.lists(st.sampled_from(ids), unique=True) if ids else st.just([]))
    durations = {i: float(data.draw(st.integers(0, 10_000))) for i in timed}
    owner = assign(ids, count, durations)
    shards = [[i for i, k in zip(ids, owner, strict=True) if k == s] for s in range(count)]
    assert sorted(i for shard in shards for i in shard) == sorted(ids)  # all, none twice
    assert all(0 <= k < count for k in owner)
    # the same split whatever order the cases come in (file-system order, -k, another machine)
    shuffled = data.draw(st.permutations(ids))
    again = dict(
        zip(shuffled, assign(shuffled, count, dict(reversed(durations.items()))), strict=True)
    )
    assert again == dict(zip(ids, owner, strict=True))


@given(ids=ids_strategy, count=st.integers(1, 9))
def test_without_durations_shard_sizes_differ_by_at_most_one(ids: list[str], count: int) -> None:
    sizes = [0] * count
    for k in assign(ids, count, {}):
        sizes[k] += 1
    assert max(sizes) - min(sizes) <= 1


@given(
    weights=st.dictionaries(
        st.from_regex(r"c[0-9]{1,3}", fullmatch=True),
        st.integers(1, 5_000),
        min_size=1,
        max_size=50,
    ),
    count=st.integers(1, 6),
)
def test_with_durations_no_shard_exceeds_the_mean_by_more_than_one_case(
    weights: dict[str, int], count: int
) -> None:
    ids = sorted(weights)
    durations = {i: float(w) for i, w in weights.items()}
    loads = [0.0] * count
    for case_id, k in zip(ids, assign(ids, count, durations), strict=True):
        loads[k] += durations[case_id]
    assert max(loads) <= sum(loads) / count + max(durations.values())


def test_durations_balance_the_split_and_unknown_cases_weigh_the_median() -> None:
    ids = ["a::slow", "a::x", "a::y", "b::z", "b::new"]
    durations = {"a::slow": 900.0, "a::x": 300.0, "a::y": 300.0, "b::z": 300.0}
    owner = dict(zip(ids, assign(ids, 2, durations), strict=True))
    assert owner["a::slow"] != owner["a::x"]
    loads = [0.0, 0.0]
    for case_id, k in owner.items():
        loads[k] += durations.get(case_id, 300.0)
    assert sorted(loads) == [900.0, 1200.0]


SHARDS = [
    ("1/4", Shard(1, 4)),
    ("4/4", Shard(4, 4)),
    (" 2 / 3 ", Shard(2, 3)),
    ("1/1", Shard(1, 1)),
]
BAD = ["0/4", "5/4", "1/0", "2", "a/b", "-1/2", "1/2/3", ""]


@pytest.mark.parametrize(("text", "shard"), SHARDS)
def test_parse_shard(text: str, shard: Shard) -> None:
    assert parse_shard(text) == shard


@pytest.mark.parametrize("text", BAD)
def test_a_bad_shard_says_what_it_takes(text: str) -> None:
    with pytest.raises(ValueError, match="--shard"):
        parse_shard(text)


def test_durations_are_recorded_merged_and_read_back(tmp_path: Path) -> None:
    assert read_durations(tmp_path) == {}
    update_durations(tmp_path, [("a::x", 12.4), ("a::y", 3.6)])
    update_durations(tmp_path, [("a::x", 20.0)])
    assert read_durations(tmp_path) == {"a::x": 20.0, "a::y": 4.0}
    data = json.loads(durations_path(tmp_path).read_text())
    assert data["version"] == 1


@pytest.mark.parametrize(
    "text",
    ["not json", "[]", '{"durations_ms": [1]}', '{"durations_ms": {"a": "x", "b": -1, "c": true}}'],
)
def test_an_unreadable_durations_file_means_none(tmp_path: Path, text: str) -> None:
    path = durations_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(text)
    assert read_durations(tmp_path) == {}
