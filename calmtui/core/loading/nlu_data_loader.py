"""Reads the parts of stories and rules that tell what they use (see `model/nlu_data.py`).

Lenient on purpose: calmtui does not run this data, so a shape it does not understand is skipped
without a diagnostic (Rasa's own validator owns that format). Flow files may hold stories and
rules too; every data file is read. `nlu:` entries give each intent's examples (Rasa's block
string of `- ` lines, or a list), with entity annotations reduced to their text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, cast

from calmtui.core.model.nlu_data import NluData
from calmtui.core.source import YamlFile, YMap

STORY_KEYS = ("stories", "rules")
# `[Berlin](city)`, `[Berlin]{"entity": "city"}`: the annotated text stays.
_ANNOTATION = re.compile(r"\[(?P<text>[^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def read_nlu_data(files: Iterable[YamlFile]) -> NluData:
    actions: set[str] = set()
    slots: set[str] = set()
    paths: list[str] = []
    examples: dict[str, list[str]] = {}
    counts = dict.fromkeys(STORY_KEYS, 0)
    for file in files:
        if not isinstance(file.data, YMap):
            continue
        if "nlu" in file.data:
            _read_intents(file.data.get("nlu"), examples)
        if not any(k in file.data for k in STORY_KEYS):
            continue
        paths.append(file.path)
        for key in STORY_KEYS:
            for entry in _maps(file.data.get(key)):
                counts[key] += 1
                for step in (*_maps(entry.get("condition")), *_maps(entry.get("steps"))):
                    _read_step(step, actions, slots)
    return NluData(
        actions=frozenset(actions),
        slots=frozenset(slots),
        files=tuple(paths),
        stories=counts["stories"],
        rules=counts["rules"],
        intent_examples={k: tuple(dict.fromkeys(v)) for k, v in examples.items()},
    )


def _read_intents(section: Any, examples: dict[str, list[str]]) -> None:
    for entry in _maps(section):
        intent = entry.get("intent")
        if not isinstance(intent, str):
            continue
        raw = entry.get("examples")
        lines = raw.splitlines() if isinstance(raw, str) else _list(raw)
        found = examples.setdefault(intent, [])
        for line in lines:
            if not isinstance(line, str):
                continue
            text = _ANNOTATION.sub(lambda m: m["text"], line.strip().removeprefix("-").strip())
            if text:
                found.append(text)


def _read_step(step: dict[str, Any], actions: set[str], slots: set[str]) -> None:
    action = step.get("action")
    if isinstance(action, str):
        actions.add(action)
    loop = step.get("active_loop")
    if isinstance(loop, str):
        actions.add(loop)  # a form is run as an action of the same name
    for item in _list(step.get("slot_was_set")):
        if isinstance(item, str):
            slots.add(item)
        elif isinstance(item, dict):
            slots.update(str(k) for k in cast(dict[Any, Any], item))
    for item in _maps(step.get("or")):
        _read_step(item, actions, slots)


def _list(value: Any) -> list[Any]:
    return cast(list[Any], value) if isinstance(value, list) else []


def _maps(value: Any) -> Iterator[dict[str, Any]]:
    for item in _list(value):
        if isinstance(item, dict):
            yield cast(dict[str, Any], item)
