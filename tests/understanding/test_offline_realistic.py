"""Issue 13 behaviour by behaviour, on a small car-rental project written like real ones: flows
with descriptions only, an NLU intent trigger, buttons on questions, a user flow for a human.

* values stated with the flow start, by the slots' roles (places, dates, counts, references);
* categorical values meant but not named ("someone scratched the car" -> damage);
* buttons picked by number or by title;
* at a question: an answer, a question (a digression), or a correction of another slot —
  a value of the wrong type is never coerced;
* every decision explains itself: what matched, and the runner-up's score.
"""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from calmtui.core.commands import (
    ChitChat,
    Clarify,
    Command,
    HumanHandoff,
    SetSlot,
    StartFlow,
)
from calmtui.core.model.project import Project
from calmtui.understanding.flow_catalog import catalog_for
from calmtui.understanding.offline import OfflineGenerator
from tests.understanding.conftest import converse, load

pytestmark = pytest.mark.anyio

DOMAIN = """\
version: "3.1"
intents:
  - report_accident
slots:
  pickup_city: {type: text, mappings: [{type: from_llm}]}
  pickup_date: {type: text, mappings: [{type: from_llm}]}
  rental_days: {type: float, mappings: [{type: from_llm}]}
  car_class:
    type: categorical
    values: [economy, compact, suv]
    mappings: [{type: from_llm}]
  confirm_rental: {type: bool, mappings: [{type: from_llm}]}
  booking_ref: {type: text, mappings: [{type: from_llm}]}
  incident_kind:
    type: categorical
    values: [damage, breakdown, theft]
    mappings: [{type: from_llm}]
responses:
  utter_ask_pickup_city:
    - text: Which city do you want to pick the car up in?
  utter_ask_pickup_date:
    - text: On which day?
  utter_ask_rental_days:
    - text: For how many days?
  utter_ask_car_class:
    - text: Which kind of car?
      buttons:
        - {title: Economy, payload: "/SetSlots(car_class=economy)"}
        - {title: Compact, payload: "/SetSlots(car_class=compact)"}
        - {title: SUV, payload: "/SetSlots(car_class=suv)"}
  utter_ask_confirm_rental:
    - text: "Book a {car_class} in {pickup_city} for {rental_days} days?"
      buttons:
        - {title: "Yes, book it", payload: "/SetSlots(confirm_rental=true)"}
        - {title: "No", payload: "/SetSlots(confirm_rental=false)"}
  utter_booked:
    - text: Booked.
  utter_not_booked:
    - text: Not booked.
  utter_ask_booking_ref:
    - text: What's your booking reference?
  utter_ask_incident_kind:
    - text: What happened?
      buttons:
        - {title: "The car is damaged", payload: "/SetSlots(incident_kind=damage)"}
        - {title: "It broke down", payload: "/SetSlots(incident_kind=breakdown)"}
        - {title: "It was stolen", payload: "/SetSlots(incident_kind=theft)"}
  utter_incident_logged:
    - text: Logged.
  utter_connecting:
    - text: Connecting you.
"""
FLOWS = """\
flows:
  rent_car:
    description: Reserve a rental car for some days.
    steps:
      - collect: pickup_city
        description: the city where the customer picks the car up
      - collect: pickup_date
        description: the day of the pick-up
      - collect: rental_days
        description: how many days the rental lasts
      - collect: car_class
      - collect: confirm_rental
        ask_before_filling: true
        next:
          - if: slots.confirm_rental
            then:
              - action: utter_booked
                next: END
          - else:
              - action: utter_not_booked
                next: END
  report_incident:
    description: Tell us about a problem with a rented car.
    nlu_trigger:
      - intent: report_accident
    steps:
      - collect: booking_ref
        description: the booking reference
      - collect: incident_kind
      - action: utter_incident_logged
  speak_to_staff:
    description: Put the customer through to a member of staff.
    steps:
      - action: utter_connecting
      - link: pattern_human_handoff
"""
NLU = """\
nlu:
  - intent: report_accident
    examples: |
      - I had a [crash](incident) with the car
      - there was a collision on the way
"""


@pytest.fixture(scope="module")
def rental(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root: Path = tmp_path_factory.mktemp("rental")
    (root / "domain.yml").write_text(DOMAIN)
    (root / "data").mkdir()
    (root / "data" / "flows.yml").write_text(dedent(FLOWS))
    (root / "data" / "nlu.yml").write_text(NLU)
    return load(root)


async def commands(project: Project, *messages: str) -> list[tuple[Command, ...]]:
    results = await converse(project, OfflineGenerator(), list(messages))
    return [r.understanding.commands if r.understanding else () for r in results]


def slot_values(found: tuple[Command, ...]) -> list[tuple[str, object]]:
    return [(c.name, c.value) for c in found if isinstance(c, SetSlot)]


def test_everything_the_project_says_is_indexed(rental: Project) -> None:
    entry = catalog_for(rental).by_id["report_incident"]
    kinds = {(p.kind, p.text) for p in entry.phrases}
    assert ("intent example", "I had a crash with the car") in kinds  # annotation removed
    assert ("question", "What's your booking reference?") in kinds
    assert ("step", "the booking reference") in kinds
    assert ("value", "It was stolen") in kinds
    assert (
        rental.nlu_data.intent_examples["report_accident"][1] == "there was a collision on the way"
    )


async def test_values_stated_with_the_start_fill_the_slots_by_role(rental: Project) -> None:
    [found] = await commands(rental, "I need an SUV in Lisbon from next Friday for 5 days")
    assert found == (
        StartFlow(flow="rent_car"),
        SetSlot(name="pickup_date", value="next Friday"),
        SetSlot(name="rental_days", value="5"),
        SetSlot(name="car_class", value="suv"),
        SetSlot(name="pickup_city", value="Lisbon"),
    )


async def test_an_nlu_example_starts_its_flow_and_a_meant_value_is_set(rental: Project) -> None:
    [example] = await commands(rental, "there was a collision on the way")
    assert example == (StartFlow(flow="report_incident"),)
    [meant] = await commands(rental, "the car was stolen last night, my reference is QX81ZP")
    assert meant == (
        StartFlow(flow="report_incident"),
        SetSlot(name="booking_ref", value="QX81ZP"),
        SetSlot(name="incident_kind", value="theft"),
    )


async def test_buttons_are_picked_by_number_and_title(rental: Project) -> None:
    start = "rent a car in Porto tomorrow for 3 days"
    by_number = await commands(rental, start, "2")
    assert slot_values(by_number[1]) == [("car_class", "compact")]
    by_title = await commands(rental, start, "suv", "yes, book it")
    assert slot_values(by_title[1]) == [("car_class", "suv")]
    assert slot_values(by_title[2]) == [("confirm_rental", "true")]
    out_of_range = await commands(rental, start, "7")
    assert not any(isinstance(c, SetSlot) and c.name == "car_class" for c in out_of_range[1])


async def test_a_number_at_a_yes_no_question_corrects_the_number_not_the_answer(
    rental: Project,
) -> None:
    found = await commands(rental, "rent a car in Porto tomorrow for 3 days", "1", "4")
    assert found[2] == (SetSlot(name="rental_days", value="4"),)
    results = await converse(
        rental, OfflineGenerator(), ["rent a car in Porto tomorrow for 3 days", "1", "4"]
    )
    assert results[2].state.slots["rental_days"] == 4.0
    assert results[2].state.slots.get("confirm_rental") is None


async def test_a_question_at_a_question_is_a_digression_not_an_answer(rental: Project) -> None:
    found = await commands(rental, "rent a car in Porto tomorrow for 3 days", "1", "help")
    assert found[2] == (ChitChat(),)
    found = await commands(rental, "rent a car", "what can you do?")
    assert found[1] == (ChitChat(),)


async def test_the_projects_own_flow_answers_a_request_for_a_person(rental: Project) -> None:
    [found] = await commands(rental, "I want to talk to a human")
    assert found == (StartFlow(flow="speak_to_staff"),)


async def test_without_a_flow_for_it_a_person_is_the_handoff_pattern(banking: Project) -> None:
    project = banking
    flows = {k: v for k, v in project.flows.items() if k != "talk_to_human"}
    from dataclasses import replace

    [found] = await commands(replace(project, flows=flows), "I want to talk to a human")
    assert found == (HumanHandoff(),)


async def test_every_decision_says_what_matched_and_the_runner_up(rental: Project) -> None:
    results = await converse(rental, OfflineGenerator(), ["I'd like to hire a car"])
    trace = results[0].understanding
    assert trace is not None
    note = trace.notes[0]
    assert "rent_car" in note
    assert "runner-up" in note
    assert "meaning" in note
    assert "words" in note
    assert trace.retrieved_flows[0][0] == "rent_car"


async def test_close_flows_are_offered_together(banking: Project) -> None:
    [found] = await commands(banking, "my money")
    assert isinstance(found[0], Clarify)
