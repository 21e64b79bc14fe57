"""References that point to a flow by their shape: "what's happening with INC0012345?" is about
the ticket flow, whose ticket number is described as "e.g. INC0012345 or RITM0004567".

Projects often describe a reference slot with an example or its prefix ("the booking reference,
it starts with TB-", "the course code, e.g. CS101"). A reference in the message with the same
letter prefix ("INC…", "TB-…") is evidence for the flows that ask for such references; so is one
of the same form (letters then digits, "HIST210") when only one flow asks for that form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from calmtui.core.dialogue.index import ProjectIndex
from calmtui.core.model.project import Project
from calmtui.understanding import entities

_STARTS_WITH = re.compile(r"\b(?:starts?|begins?)\s+with\s+['\"]?(?P<prefix>[A-Za-z]{1,6}-?)")
_LETTERS = re.compile(r"(?P<letters>[A-Za-z]{1,6})(?P<sep>[- ]?)\d")


def keys(code: str) -> tuple[str, str] | None:
    """(prefix, form) of a reference: "INC0012345" -> ("INC", "A9"), "TB-3310" -> ("TB-",
    "A-9"); None for references that do not start with letters."""
    match = _LETTERS.match(code)
    if match is None:
        return None
    sep = match["sep"]
    return match["letters"].upper() + sep, f"A{sep}9"


def shapes_in(texts: Iterable[str]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for text in texts:
        for mention in entities.codes(text):
            key = keys(mention.text)
            if key is not None:
                found.add(key)
        for match in _STARTS_WITH.finditer(text):
            prefix = match["prefix"].upper()
            found.add((prefix, "A-9" if prefix.endswith("-") else "A9"))
    return found


def flow_shapes(project: Project, flow_ids: Iterable[str]) -> dict[str, set[tuple[str, str]]]:
    """The reference shapes each flow's questions describe (collect descriptions, questions)."""
    index = ProjectIndex(project)
    shapes: dict[str, set[tuple[str, str]]] = {}
    for flow_id in flow_ids:
        texts: list[str] = []
        for step in index.collect_steps(flow_id):
            texts.append(step.description or "")
            response = project.domain.responses.get(step.utter)
            texts.extend(v.text or "" for v in (response.variations if response else ()))
        shapes[flow_id] = shapes_in(texts)
    return shapes


def flows_for(message: str, shapes: dict[str, set[tuple[str, str]]]) -> list[str]:
    """Flows that ask for a reference shaped like one in the message."""
    said = {key for m in entities.codes(message) if (key := keys(m.text)) is not None}
    if not said:
        return []
    prefixes = {prefix for prefix, _ in said}
    forms = {form for _, form in said}
    by_prefix = [f for f, own in shapes.items() if prefixes & {p for p, _ in own}]
    if by_prefix:
        return by_prefix
    by_form = [f for f, own in shapes.items() if forms & {form for _, form in own}]
    return by_form if len(by_form) == 1 else []
