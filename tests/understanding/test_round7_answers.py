"""Answers mid-flow, round 7 of issue 13: what a reply to a question says, read as an LLM reads
it on any project (the project's own questions, slots and flows; no project's words)."""

from __future__ import annotations

import pytest

from calmtui.core.commands import Command, SetSlot, StartFlow
from calmtui.core.model.project import Project
from calmtui.core.model.slots import Slot
from calmtui.understanding.categorical_meaning import value_by_meaning
from calmtui.understanding.semantic_model import shared_model
from calmtui.understanding.sentence_model import shared_encoder
from calmtui.understanding.spelling import corrected, dictionary_by_initial
from tests.understanding.conftest import last_commands, needs_model, write_project

pytestmark = pytest.mark.anyio
needs_encoder = pytest.mark.skipif(
    shared_encoder() is None or shared_model() is None, reason="the sentence encoder is missing"
)

DOMAIN = """\
slots:
  fine_payment_amount: {type: float}
  order_ref: {type: text}
  confirm_refund: {type: bool}
  room_hours: {type: float}
  from_pharmacy: {type: text}
  patient_dob: {type: text}
  issue_details: {type: text}
  pickup_method: {type: categorical, values: [store_pickup, home_delivery]}
  confirm_refill: {type: bool}
  library_card_number: {type: text}
  renew_item_title: {type: text}
  renewal_fee_method: {type: categorical, values: [card, cash]}
  uk_taxpayer: {type: bool}
  donor_full_name: {type: text}
responses:
  utter_owed:
    - text: You currently owe $6.75 in late fees.
  utter_ask_fine_payment_amount:
    - text: How much would you like to pay today?
  utter_ask_order_ref:
    - text: What's your order reference?
  utter_ask_confirm_refund:
    - text: Shall I refund order {order_ref} to your card?
  utter_ask_room_hours:
    - text: For how many hours?
  utter_ask_from_pharmacy:
    - text: Which pharmacy is it at now?
  utter_ask_patient_dob:
    - text: And the patient's date of birth?
  utter_ask_issue_details:
    - text: What's the problem?
  utter_open:
    - text: We're open 9 to 5.
  utter_done:
    - text: Done.
  utter_ask_pickup_method:
    - text: Will you pick it up, or shall we deliver it?
  utter_ask_confirm_refill:
    - text: Shall I send someone to prepare it now?
  utter_ask_library_card_number:
    - text: What's your library card number?
  utter_ask_renew_item_title:
    - text: Which one would you like to renew?
  utter_ask_renewal_fee_method:
    - text: How will you pay the renewal fee?
  utter_ask_uk_taxpayer:
    - text: Are you a UK taxpayer?
  utter_ask_donor_full_name:
    - text: What's your full name?
"""
FLOWS = """\
flows:
  pay_fines:
    description: Pay the library fines owed on a card.
    steps:
      - action: utter_owed
      - collect: fine_payment_amount
        description: how much to pay now
      - action: utter_done
  refund_order:
    description: Refund an order to the customer's card.
    steps:
      - collect: order_ref
        description: the order reference
      - collect: confirm_refund
        description: whether to go ahead with the refund
      - action: utter_done
  book_study_room:
    description: Book a study room in the library.
    steps:
      - collect: room_hours
        description: how long, in hours
      - action: utter_done
  opening_hours:
    description: When the library is open, its opening hours.
    steps:
      - action: utter_open
  transfer_prescription:
    description: Transfer a prescription from another pharmacy.
    steps:
      - collect: from_pharmacy
        description: the pharmacy that has the prescription now
      - collect: patient_dob
        description: the patient's date of birth
      - collect: issue_details
        description: what is wrong, in the customer's words
      - action: utter_done
  refill_prescription:
    description: Refill a prescription, to pick up or have delivered.
    steps:
      - collect: pickup_method
        description: store pickup or home delivery
      - collect: confirm_refill
        description: whether to go ahead with the refill
      - action: utter_done
  renew_item:
    description: Renew a borrowed library item.
    steps:
      - collect: library_card_number
        description: the library card number
      - collect: renew_item_title
        description: the title of the item to renew
      - collect: renewal_fee_method
        description: card or cash for the renewal fee
      - action: utter_done
  make_donation:
    description: Make a one-off donation to the charity.
    steps:
      - collect: uk_taxpayer
        description: whether the donor pays UK tax
      - collect: donor_full_name
        description: the donor's full name
      - action: utter_done
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return write_project(tmp_path_factory.mktemp("answers"), DOMAIN, FLOWS)


def _set(name: str, value: object) -> SetSlot:
    return SetSlot(name=name, value=value)


# -- a no that yes/no phrasing misses -----------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "value"),
    [
        ("ok, no that's everything", False),  # an acknowledgement, then the answer
        ("alright, no thanks", False),
        ("that's a lot, I'll think about it", False),  # put off
        ("let me think about it", False),
        ("hmm actually I'll keep them", False),  # what the question would change stays
        ("no, leave it as it is", False),
        ("ys", True),  # one letter off a yes
        ("yse", True),
        ("noo", False),
        ("ok, yes", True),  # as before
    ],
)
async def test_a_reply_at_a_yes_no_question(project: Project, reply: str, value: bool) -> None:
    commands = await last_commands(project, ["refund my order", "AB-1234", reply])
    assert _set("confirm_refund", value) in commands


async def test_an_unclear_two_letters_are_no_yes_or_no(project: Project) -> None:
    # "np" is "no problem" as often as a mistyped no: passed on for the type check
    commands = await last_commands(project, ["refund my order", "AB-1234", "np"])
    assert _set("confirm_refund", False) not in commands


# -- "all of it": the amount the question shows ---------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "value"),
    [("all of it", "6.75"), ("the whole thing", "6.75"), ("the full amount please", "6.75"),
     ("5", "5")],
)  # fmt: skip
async def test_all_of_it_is_the_amount_shown(project: Project, reply: str, value: str) -> None:
    commands = await last_commands(project, ["I want to pay my library fines", reply])
    assert _set("fine_payment_amount", value) in commands


# -- another flow wins only through words of its own ----------------------------------------------


@needs_model
@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        # "hours" is the question's own word: an answer, not the opening hours
        (["book a study room", "all day, like 5 hours"], _set("room_hours", "5")),
        # a yes, then a question another flow answers: that flow
        (["refund my order", "AB-1234", "yes, when are you open?"],
         StartFlow(flow="opening_hours")),
    ],
)  # fmt: skip
async def test_another_flow_wins_through_its_own_words(
    project: Project, messages: list[str], expected: Command
) -> None:
    assert expected in await last_commands(project, messages)


# -- a plain "X not Y" corrects the slot holding Y --------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("oh wait, it's Rite Aid not CVS", _set("from_pharmacy", "Rite Aid")),
        ("oops, Rite Aid not CVS", _set("from_pharmacy", "Rite Aid")),
    ],
)
async def test_a_plain_contrast_corrects_the_slot_holding_the_old_value(
    project: Project, reply: str, expected: SetSlot
) -> None:
    commands = await last_commands(project, ["transfer a prescription", "CVS", reply])
    assert expected in commands


async def test_a_statement_with_not_is_no_correction(project: Project) -> None:
    messages = ["transfer a prescription", "CVS", "12 May 1980", "the CVS app is not working"]
    commands = await last_commands(project, messages)
    assert not any(getattr(c, "name", None) == "from_pharmacy" for c in commands)


# -- spelling: real words and units stay as typed -----------------------------------------------


@needs_model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two cans of coke", "two cans of coke"),  # a word of the encoder's vocabulary
        ("I'd like to pay 400 quid", "I'd like to pay 400 quid"),  # a unit after a number
        ("we're moivng out", "we're moving out"),  # as before
    ],
)
def test_spelling_keeps_words_and_units(text: str, expected: str) -> None:
    dictionary = dictionary_by_initial(["come collect", "quit the plan", "moving house"])
    assert corrected(text, dictionary, shared_model())[0] == expected


# -- categorical meaning: the sentence encoder -------------------------------------------------------

REASON = Slot(
    name="return_reason",
    type="categorical",
    values=("wrong_size", "damaged", "not_as_described", "changed_mind"),
)
REFUND = Slot(name="refund_method", type="categorical", values=("original_payment", "store_credit"))


@needs_encoder
@pytest.mark.parametrize(
    ("text", "slot", "expected"),
    [
        ("they don't fit", REASON, "wrong_size"),  # a clause read whole
        ("I need to return the trail shoes", REASON, None),  # names no reason
    ],
)
def test_a_clause_means_a_value_read_as_a_sentence(
    text: str, slot: Slot, expected: str | None
) -> None:
    found = value_by_meaning(text, slot, min_similarity=1.0, wide_lead=(0.2, 0.1), sentences=True)
    assert (found.value if found else None) == expected
    assert value_by_meaning(text, slot, min_similarity=1.0, wide_lead=(0.2, 0.1)) is None


@needs_encoder
def test_a_wide_lead_alone_needs_the_encoders_agreement() -> None:
    # word vectors put "shoes" near "store credit"; the sentence encoder does not
    found = value_by_meaning("trail shoes", REFUND, min_similarity=1.0, wide_lead=(0.1, 0.05))
    assert found is None


# -- more mid-flow answers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("messages", "expected", "unexpected"),
    [
        # a yes that repeats the question's "send someone" is no request for a human
        (["refill my prescription", "pick it up", "yes send someone asap"],
         _set("confirm_refill", True), None),
        # a correction naming a value in another form: deliver -> home_delivery
        (["refill my prescription", "pick it up", "actually can you deliver it instead"],
         _set("pickup_method", "home_delivery"), None),
        # "card" names the slot asked, not the renewal fee paid by card
        (["renew a library item", "card is 77001234"],
         _set("library_card_number", "77001234"), _set("renewal_fee_method", "card")),
        # "the one for ..." says which; a title keeps its article
        (["renew a library item", "77001234", "the one for Fourth Wing"],
         _set("renew_item_title", "Fourth Wing"), None),
        (["renew a library item", "77001234", "the atlas of birds"],
         _set("renew_item_title", "the atlas of birds"), None),
    ],
)  # fmt: skip
async def test_more_mid_flow_answers(
    project: Project, messages: list[str], expected: Command, unexpected: Command | None
) -> None:
    commands = await last_commands(project, messages)
    assert expected in commands
    assert unexpected not in commands


async def test_a_yes_that_says_why_gives_no_name(project: Project) -> None:
    commands = await last_commands(project, ["make a donation", "yes I pay tax"])
    assert commands == {_set("uk_taxpayer", True)}


async def test_a_yes_with_a_name_still_gives_it(project: Project) -> None:
    commands = await last_commands(project, ["make a donation", "yes, Anna Lee"])
    assert _set("donor_full_name", "Anna Lee") in commands


@pytest.mark.parametrize("remark", ["ugh I'm so hungry", "haha nice one"])
async def test_a_remark_at_a_choice_is_no_answer(project: Project, remark: str) -> None:
    commands = await last_commands(project, ["refill my prescription", remark])
    assert not any(isinstance(c, SetSlot) for c in commands)
