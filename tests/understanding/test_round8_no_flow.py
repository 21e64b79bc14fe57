"""Which flow a message asks for, round 8 of issue 13 (helper r8n): a request word the project
itself uses keeps the project's meaning. The synonyms of common request verbs ("move" is
"change", "issue" is "problem", "return" is "refund") join a message only for a word the project
does not ask its flows with: where "move" is the removals service, "issue" what a clinic does
with sick notes, or "return" a form filed, reading them as another flow's word starts the wrong
flow (the tax office's "did you get my 2025 return?" started the refund check). Checked in
domains no tune project has: removals, a GP clinic, a car-hire desk, a gym."""

from __future__ import annotations

from pathlib import Path

import pytest

from calmtui.core.model.project import Project
from calmtui.understanding.flow_catalog import catalog_for
from calmtui.understanding.flow_choice import WORDS_ONLY
from calmtui.understanding.flow_matching import rank_flows
from tests.understanding.conftest import write_project

DOMAIN = """version: "3.1"
responses:
  utter_done:
    - text: Done.
"""


def _flows(*flows: tuple[str, str, str]) -> str:
    return "flows:\n" + "".join(
        f"  {flow_id}:\n    name: {name}\n    description: {description}\n"
        "    steps:\n      - action: utter_done\n"
        for flow_id, name, description in flows
    )


REMOVALS = _flows(
    ("book_move", "book removals", "Book a van and crew to move home on a given day."),
    ("change_booking", "change a booking", "Change the date of a removals booking."),
)
CLINIC = _flows(
    ("sick_note", "issue a sick note", "Ask the doctor for a fit note for an employer."),
    ("report_problem", "report a problem", "Tell the practice about something wrong."),
)
CAR_HIRE = _flows(
    ("return_car", "return a hire car", "Arrange where to drop the car off at the end."),
    ("deposit_refund", "get a refund", "Ask for the security deposit back."),
)
GYM = _flows(
    ("join", "become a member", "Sign up to the gym and choose a membership."),
    ("register_class", "register for a class", "Register for a fitness class."),
)
PROJECTS = {"removals": REMOVALS, "clinic": CLINIC, "car_hire": CAR_HIRE, "gym": GYM}


def _project(tmp_path: Path, name: str) -> Project:
    return write_project(tmp_path, DOMAIN, PROJECTS[name])


@pytest.mark.parametrize(
    ("project", "message", "flow"),
    [
        # the project's own verb, not a synonym of another flow's
        ("removals", "we move on Friday", "book_move"),
        ("removals", "we're moving on the 14th", "book_move"),
        ("clinic", "can the doctor issue me one for work", "sick_note"),
        ("car_hire", "where do I return it?", "return_car"),
        ("car_hire", "returning it tomorrow", "return_car"),
        # a phrasal verb read as another flow's word is not the user's word: "sign up" is
        # "register", and "register" still reaches "sign" (the gym's own word for joining)
        ("gym", "I want to sign up", "join"),
    ],
)
def test_a_request_word_the_project_uses_keeps_its_meaning(
    tmp_path: Path, project: str, message: str, flow: str
) -> None:
    catalog = catalog_for(_project(tmp_path, project))
    [best, *rest] = rank_flows(message, catalog, semantic=False)
    assert best.flow_id == flow, (best, rest)
    assert not rest or rest[0].score <= best.score - WORDS_ONLY.margin, (best, rest)


@pytest.mark.parametrize(
    ("project", "word", "kept"),
    [
        ("removals", "move", True),  # the project moves homes
        ("removals", "postpone", False),  # ...and changes bookings: "postpone" is its "change"
        ("clinic", "issue", True),
        ("car_hire", "return", True),
        ("car_hire", "exchange", False),
        ("gym", "register", True),
        ("gym", "sign", False),  # only its description says "sign up"
    ],
)
def test_the_words_flows_are_named_with(
    tmp_path: Path, project: str, word: str, kept: bool
) -> None:
    catalog = catalog_for(_project(tmp_path, project))
    assert (word in catalog.name_words) is kept
