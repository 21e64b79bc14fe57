"""Values stated in a message, round 5 of issue 13: mechanisms about language or about what every
project says (slot names, types, descriptions, questions), each checked on small flows of domains
the tune projects do not have (pet grooming, meeting rooms, garages, tickets)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from calmtui.core.commands import SetSlot
from calmtui.core.model.domain import Response
from calmtui.core.model.flows import CollectStep
from calmtui.core.model.slots import Slot
from calmtui.understanding.categorical_meaning import value_by_meaning
from calmtui.understanding.entities import codes, dates, proper_names
from calmtui.understanding.offline import OfflineGenerator
from calmtui.understanding.slot_filling import clean_text_value, named_values
from calmtui.understanding.slot_roles import _profile
from calmtui.understanding.stated_flags import stated_flag
from calmtui.understanding.stated_values import stated_values
from calmtui.understanding.text import stem
from calmtui.understanding.thing_values import thing_value
from tests.understanding.conftest import collect_flow, converse, load, make_slot, needs_model


def _stated(
    text: str,
    flow: tuple[list[CollectStep], dict[str, Slot], Mapping[str, Response]],
    flow_words: frozenset[str] = frozenset(),
    request_words: frozenset[str] = frozenset(),
) -> dict[str, object]:
    steps, slots, responses = flow
    found = stated_values(
        text, steps, slots, frozenset(), responses, request_words, flow_words=flow_words
    )
    return {name: filled.value for name, filled in found}


GROOMING = collect_flow(
    (make_slot("pet_name"), "the pet's name", "What's your pet's name?"),
    (
        make_slot("pet_species", "categorical", ("dog", "cat")),
        "dog or cat",
        "Is it a dog or a cat?",
    ),
    (
        make_slot("groom_service", "categorical", ("bath", "full_groom", "nail_trim")),
        "which grooming service",
        "Which service would you like?",
    ),
)
GROOMING_WORDS = frozenset({"book", "groom", "session", "dog", "cat", "custom"})


@needs_model
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a categorical value named in the message is no thing: "full" is not the pet's name
        (
            "I'd like to book a full groom for my dog Max",
            {"pet_name": "Max", "pet_species": "dog", "groom_service": "full_groom"},
        ),
        ("just a bath for Rocky please", {"pet_name": "Rocky", "groom_service": "bath"}),
        # "near Victoria Park" is a place, not the name of the pet
        ("a bath for my dog near Victoria Park", {"groom_service": "bath", "pet_species": "dog"}),
    ],
)
def test_the_name_of_a_thing_is_a_capitalised_name_not_a_value_already_taken(
    text: str, expected: dict[str, object]
) -> None:
    assert _stated(text, GROOMING, GROOMING_WORDS) == expected


DELIVERY = collect_flow(
    (
        make_slot("delivery_items"),
        "the dishes and how many of each, as the guest listed them",
        "What would you like to order? Tell me the dishes and how many of each.",
    ),
    (make_slot("delivery_address"), "the street address", "Where should we deliver it to?"),
)
PRICE_MATCH = collect_flow(
    (
        make_slot("product_name"),
        "the product the customer wants a price match for",
        "Which product?",
    ),
    (make_slot("competitor_price", "float"), "the other shop's price", "What price?"),
)


@pytest.mark.parametrize(
    ("text", "flow", "expected"),
    [
        # "how many of each" on a text slot counts nothing: the dishes are a thing
        ("order for delivery please: lasagne x2", DELIVERY, {"delivery_items": "lasagne x2"}),
        (
            "can I get the seafood linguine delivered?",
            DELIVERY,
            {"delivery_items": "seafood linguine"},
        ),
        # a price in the description makes no amount of a text slot
        (
            "they sell the trail shoes for $80",
            PRICE_MATCH,
            {"product_name": "trail shoes", "competitor_price": "80"},
        ),
    ],
)
def test_text_slots_that_count_or_price_something_still_hold_a_thing(
    text: str, flow: tuple[list[CollectStep], dict[str, Slot], dict[str, Response]], expected: dict
) -> None:
    words = frozenset(stem(w) for w in ("order", "delivery", "food", "price", "match", "sell"))
    assert _stated(text, flow, words) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("can you ping me when it is back?", None),  # a verb after "can you"
        ("I need photoshop installed", "photoshop"),
        ("order please: lasagne x2", "lasagne x2"),  # "please:" is no verb cue
    ],
)
def test_the_only_words_of_a_message_are_no_thing_where_a_verb_goes(
    text: str, expected: str | None
) -> None:
    found = thing_value(text, frozenset({"order", "install", "alert", "notify"}))
    assert (found.value if found else None) == expected


@pytest.mark.parametrize(
    ("slot", "description", "question", "person"),
    [
        ("product_name", "the product the customer wants a price match for", "", False),
        ("competitor_name", "the other shop or website", "", False),
        ("guest_name", "name for the booking", "", True),
        ("patient_name", "", "What is the patient's name?", True),
        ("holder_name", "the name on the card", "", True),
        ("booking_name", "the name of the guest", "", True),
        ("contact_name", "", "", True),
    ],
)
def test_a_name_slot_is_a_person_by_whose_name_it_is(
    slot: str, description: str, question: str, person: bool
) -> None:
    assert _profile(slot, description, question, "").has("person") is person


def test_an_email_address_slot_takes_the_email() -> None:
    tickets = collect_flow(
        (make_slot("ticket_ref"), "ticket reference", "What's the ticket reference?"),
        (make_slot("friend_email"), "friend's email", "What's your friend's email address?"),
    )
    assert _stated("give my ticket TK-55510 to jane@example.com", tickets) == {
        "ticket_ref": "TK-55510",
        "friend_email": "jane@example.com",
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("remind me that Bella's rabies shot is due", ["Bella"]),
        ("a charge from McDonald's", ["McDonald's"]),  # no noun after it: part of the name
        ("Sarah Jones's flight", ["Sarah Jones"]),
    ],
)
def test_a_possessive_is_not_part_of_the_name(text: str, expected: list[str]) -> None:
    assert [m.text for m in proper_names(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I need a taxi to the airport at 5am", ["to_airport"]),
        ("pick us up from the airport", ["from_airport"]),
        ("freeze my debit card", ["debit_card"]),
        ("to airport", ["to_airport"]),
        ("the airport", []),  # names neither
        ("a car to or from the airport", []),
    ],
)
def test_a_value_is_named_with_an_article_between_its_words(text: str, expected: list[str]) -> None:
    values = ("to_airport", "from_airport", "debit_card", "credit_card")
    assert named_values(values, text) == expected


@pytest.mark.parametrize(
    ("text", "slot", "expected"),
    [
        ("book a room for 8 people with a projector", "needs_projector", True),
        ("a room for 8, no projector needed", "needs_projector", False),
        ("book a service and I'll need a courtesy car", "needs_courtesy_car", True),
        ("I don't need a courtesy car", "needs_courtesy_car", False),
        ("broken desk lamp in room 3B, not urgent", "is_urgent", False),
        ("it's urgent, the heating is off", "is_urgent", True),
        ("someone broke in, I've reported it to the police", "police_report_filed", True),
        ("the power went off", "power_back", None),  # every telling word, or two of three
        ("book a room for 8", "needs_projector", None),
        ("I want to cancel my policy", "confirm_cancel_policy", None),  # a confirmation
        ("does the room have a projector?", "needs_projector", None),  # a question
        ("I want to add a hotel", "add_hotel", None),  # the flow's own request
    ],
)
def test_a_yes_no_slot_is_stated_by_its_telling_words(
    text: str, slot: str, expected: bool | None
) -> None:
    found = stated_flag(text, slot, request_words=frozenset({"add", "hotel"}))
    assert (found.value if found else None) == expected


RETURNS = collect_flow(
    (
        make_slot("return_reason", "categorical", ("wrong_size", "damaged", "changed_mind")),
        "why the item is going back",
        "Why are you returning it?",
    ),
)
METERS = collect_flow(
    (
        make_slot("meter_type", "categorical", ("electricity", "gas")),
        "which meter the reading is for",
        "Is this for your electricity or your gas meter?",
    ),
)
ACCOUNTS = collect_flow(
    (
        make_slot("acct_type", "categorical", ("windows", "email", "vpn", "sap")),
        "which account (windows login, email, vpn, sap)",
        "Which account?",
        ("Windows login", "Email", "VPN", "SAP"),
    ),
)
VPN = collect_flow(
    (
        make_slot("vpn_location", "categorical", ("office", "home", "travelling")),
        "where the user is connecting from",
        "Where are you connecting from?",
    ),
)


@needs_model
@pytest.mark.parametrize(
    ("text", "flow", "flow_words", "expected"),
    [
        # less closely than a value stated outright, but far ahead of the other values
        (
            "these jeans are too small, I want to send them back",
            RETURNS,
            "return item",
            "wrong_size",
        ),
        ("can't connect to the VPN from the hotel", VPN, "vpn connect issue", "travelling"),
        # ...and never by words that ask for the flow: "my meter reading" is no kind of meter
        ("I want to give you my meter reading", METERS, "submit meter reading", None),
        ("I want to return an item", RETURNS, "return item", None),
        ("forgot my password again", ACCOUNTS, "reset forgotten expired password", None),
    ],
)
def test_a_value_stated_with_a_start_is_meant_by_words_that_do_not_ask_for_the_flow(
    text: str,
    flow: tuple[list[CollectStep], dict[str, Slot], dict[str, Response]],
    flow_words: str,
    expected: str | None,
) -> None:
    asking = frozenset(stem(w) for w in flow_words.split())
    found = _stated(text, flow, asking, request_words=asking)
    assert next(iter(found.values()), None) == expected


MEMBERSHIP = collect_flow(
    (make_slot("cancel_reason"), "why the member is leaving", "May I ask why you're leaving?"),
)
ORDER = collect_flow(
    (make_slot("allergy_details"), "what they are allergic to", "What are they allergic to?"),
)


@pytest.mark.parametrize(
    ("text", "flow", "flow_words", "expected"),
    [
        # the clause beside the request is the reason
        (
            "I'd like to cancel my membership, I'm moving away",
            MEMBERSHIP,
            "cancel gym membership",
            "I'm moving away",
        ),
        (
            "please cancel my membership because the gym is always full",
            MEMBERSHIP,
            "cancel gym membership",
            "the gym is always full",
        ),
        # one clause: the request alone; a clause that is a request or a question is no reason
        ("I want to cancel my gym membership", MEMBERSHIP, "cancel gym membership", None),
        ("cancel my membership, can you do it today?", MEMBERSHIP, "cancel membership", None),
        (
            "Do you deliver? I'd like a margherita and a tiramisu",
            ORDER,
            "order food delivery deliver",
            None,
        ),
    ],
)
def test_a_reason_is_the_clause_beside_the_request(
    text: str,
    flow: tuple[list[CollectStep], dict[str, Slot], dict[str, Response]],
    flow_words: str,
    expected: str | None,
) -> None:
    asking = frozenset(stem(w) for w in flow_words.split())
    found = _stated(text, flow, asking, request_words=asking)
    assert next(iter(found.values()), None) == expected


LUGGAGE = collect_flow(
    (make_slot("flight_number"), "the flight number", "What was your flight number?"),
    (make_slot("bag_colour"), "colour of the bag", "What colour is the bag?"),
    (
        make_slot("bag_type", "categorical", ("suitcase", "backpack", "duffel")),
        "kind of bag",
        "What kind of bag is it?",
    ),
)
LOANS = collect_flow(
    (make_slot("book_title"), "title of the book to renew", "Which book would you like to renew?"),
    (make_slot("renew_weeks", "float"), "how many extra weeks", "For how many more weeks?"),
)


@pytest.mark.parametrize(
    ("text", "flow", "expected"),
    [
        # a word naming another slot labels its value: "flight" is no colour
        (
            "my suitcase didn't arrive on flight BA 117",
            LUGGAGE,
            {"flight_number": "BA 117", "bag_type": "suitcase"},
        ),
        # "red" is no verb form ending in -ed
        (
            "I lost a red backpack on my flight",
            LUGGAGE,
            {"bag_type": "backpack", "bag_colour": "red"},
        ),
        # a title is the name of a thing too, and keeps its article
        (
            "can I renew Dune for another 2 weeks?",
            LOANS,
            {"book_title": "Dune", "renew_weeks": "2"},
        ),
        ("I want to renew The Hobbit", LOANS, {"book_title": "The Hobbit"}),
    ],
)
def test_things_are_not_labels_of_other_values(
    text: str,
    flow: tuple[list[CollectStep], dict[str, Slot], dict[str, Response]],
    expected: dict[str, object],
) -> None:
    asking = frozenset(stem(w) for w in ("report", "bag", "arrive", "renew", "loan", "borrow"))
    assert _stated(text, flow, asking, request_words=asking) == expected


TICKETS = collect_flow(
    (make_slot("event_name"), "the name of the show, artist or play", "Which show?"),
    (make_slot("ticket_quantity", "float"), "how many tickets to buy", "How many tickets?"),
    (
        make_slot("ticket_delivery", "categorical", ("e_ticket", "post", "box_office")),
        "",
        "How would you like to get your tickets?",
    ),
)
VENUES = collect_flow((make_slot("venue_name"), "which venue", "Which venue?"))
QUOTES = collect_flow((make_slot("car_model"), "make and model", "What make and model is the car?"))


@needs_model
@pytest.mark.parametrize(
    ("text", "flow", "expected"),
    [
        # a name is no meaning: "tickets for Les" does not mean an e-ticket; accents are letters
        ("tickets for Les Misérables", TICKETS, {"event_name": "Les Misérables"}),
        ("2 tickets for Hamilton", TICKETS, {"event_name": "Hamilton", "ticket_quantity": "2"}),
        # a word of digits right before a name is part of it
        ("is there parking at the O2 Arena?", VENUES, {"venue_name": "O2 Arena"}),
        (
            "how much for brake pads on a 2015 Vauxhall Corsa?",
            QUOTES,
            {"car_model": "2015 Vauxhall Corsa"},
        ),
        # a model is a name, never any words
        ("my air con isn't blowing cold, can you give me a price?", QUOTES, {}),
    ],
)
def test_names_of_things_are_read_whole_and_mean_nothing(
    text: str,
    flow: tuple[list[CollectStep], dict[str, Slot], dict[str, Response]],
    expected: dict[str, object],
) -> None:
    asking = frozenset(stem(w) for w in ("buy", "ticket", "venue", "info", "repair", "quote"))
    assert _stated(text, flow, asking, request_words=asking) == expected


def test_a_remark_before_the_request_is_no_description() -> None:
    repairs = collect_flow(
        (make_slot("repair_description"), "what is wrong, in the tenant's words", "What's wrong?")
    )
    asking = frozenset(stem(w) for w in ("report", "repair", "leak", "broken"))
    said = "sorry, cat on the keyboard. I want to report a leak"
    assert _stated(said, repairs, asking, request_words=asking) == {}
    said = "I want to report a leak, water is coming through the ceiling"
    assert _stated(said, repairs, asking, request_words=asking) == {
        "repair_description": "water is coming through the ceiling"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("please cancel my order, it's 55821", ["55821"]),  # not the "s" of "it's"
        ("sorry it's 1234567", ["1234567"]),
        ("a full service for AB12 CDE next Monday", ["AB12 CDE"]),  # a registration
        ("I need 4 new tyres, 205/55 R16", ["205/55 R16"]),  # a size with a slash
        ("my new sort code is 20-45-67", ["20-45-67"]),
        ("bw 7654321", ["bw 7654321"]),
    ],
)
def test_references_read_whole(text: str, expected: list[str]) -> None:
    assert [c.text for c in codes(text)] == expected


TYRES = collect_flow(
    (make_slot("tyre_size"), "the tyre size from the sidewall, like 205/55 R16", "What size?"),
    (make_slot("tyre_quantity", "float"), "how many tyres, from 1 to 4", "How many tyres?"),
)
REFILLS = collect_flow((make_slot("rx_number"), "the prescription number", "What's the Rx number?"))
VIEWINGS = collect_flow(
    (
        make_slot("property_ref"),
        "the listing reference or the address of the flat",
        "Which property would you like to view?",
    ),
)


@pytest.mark.parametrize(
    ("text", "flow", "expected"),
    [
        # a value written like the slot's example goes to it; its digits count nothing
        (
            "I need 4 new tyres, 205/55 R16",
            TYRES,
            {"tyre_size": "205/55 R16", "tyre_quantity": "4"},
        ),
        # the slot's own word before the digits is a label
        ("refill Rx 5520187 please", REFILLS, {"rx_number": "5520187"}),
        # a slot for "the listing reference or the address" takes a reference
        ("book a viewing for KL-2041", VIEWINGS, {"property_ref": "KL-2041"}),
    ],
)
def test_references_go_to_the_slot_that_shows_them(
    text: str,
    flow: tuple[list[CollectStep], dict[str, Slot], dict[str, Response]],
    expected: dict[str, object],
) -> None:
    assert _stated(text, flow, frozenset({"buy", "tyre", "refil", "book", "view"})) == expected


@pytest.mark.parametrize(
    ("slot", "description", "question", "roles"),
    [
        # "from" is an origin only with a word for going somewhere
        ("restaurant_name", "the restaurant or takeaway to order from", "", set()),
        ("missing_item", "what was missing from the order", "", set()),
        ("departure_city", "the city the traveller flies from", "", {"origin", "place"}),
        # a placeholder in the question says nothing of the slot
        ("order_items", "the dishes", "What would you like from {restaurant_name}?", set()),
    ],
)
def test_roles_are_read_from_what_the_slot_is_about(
    slot: str, description: str, question: str, roles: set[str]
) -> None:
    assert set(_profile(slot, description, question, "").roles) == roles


CANCELLING_DOMAIN = """\
slots:
  booking_ref: {type: text}
  notes: {type: text}
  confirm_cancel_booking: {type: bool}
responses:
  utter_ask_booking_ref:
    - text: What's your booking reference?
  utter_ask_confirm_cancel_booking:
    - text: Cancel booking {booking_ref}?
  utter_done:
    - text: Done.
"""
CANCELLING_FLOWS = """\
flows:
  cancel_booking:
    description: Cancel a garage booking.
    steps:
      - collect: booking_ref
        description: the booking reference, e.g. GB-1234
      - collect: confirm_cancel_booking
        ask_before_filling: true
      - action: utter_done
"""


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # a no that says more is a no, not a new booking reference
        ("actually no, leave it booked", SetSlot(name="confirm_cancel_booking", value=False)),
        ("no, keep it actually", SetSlot(name="confirm_cancel_booking", value=False)),
        # a reference still corrects the reference
        ("no, I meant GB-5678", SetSlot(name="booking_ref", value="GB-5678")),
    ],
)
async def test_a_no_at_a_confirmation_corrects_nothing_else(
    tmp_path: Path, message: str, expected: SetSlot
) -> None:
    (tmp_path / "domain.yml").write_text(CANCELLING_DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(CANCELLING_FLOWS)
    project = load(tmp_path)
    turns = await converse(
        project, OfflineGenerator(), ["I want to cancel my booking", "GB-1234", message]
    )
    last = turns[-1].understanding
    assert last is not None
    assert expected in last.commands, last.notes


VIEWING_DOMAIN = """\
slots:
  property_ref: {type: text}
  viewing_date: {type: text}
  viewing_time: {type: text}
  confirm_viewing: {type: bool}
responses:
  utter_ask_property_ref:
    - text: Which property? (a reference like KL-1234)
  utter_ask_viewing_date:
    - text: Which day would you like to view it?
  utter_ask_viewing_time:
    - text: What time suits you?
  utter_ask_confirm_viewing:
    - text: Book {property_ref} on {viewing_date}, {viewing_time}?
  utter_done:
    - text: Booked.
"""
VIEWING_FLOWS = """\
flows:
  book_viewing:
    description: Book a viewing of a flat.
    steps:
      - collect: property_ref
        description: the listing reference, e.g. KL-1234
      - collect: viewing_date
        description: the day the person wants to view the flat
      - collect: viewing_time
        description: the time or part of the day for the viewing
      - collect: confirm_viewing
        ask_before_filling: true
      - action: utter_done
"""


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        # a part of the day goes to the time slot, the day to the date slot
        (
            ["Can I view KL-2041 on Saturday morning?"],
            {
                SetSlot(name="property_ref", value="KL-2041"),
                SetSlot(name="viewing_date", value="Saturday"),
                SetSlot(name="viewing_time", value="morning"),
            },
        ),
        # a new day at the confirmation corrects the date (not the time), with the day said
        (
            ["view KL-2041 on Saturday at 10am", "actually can we do thursday instead"],
            {SetSlot(name="viewing_date", value="thursday")},
        ),
        # a date at the time question corrects the date
        (
            ["view KL-2041 on Saturday", "wait, can we do Thursday 13 November instead"],
            {SetSlot(name="viewing_date", value="Thursday 13 November")},
        ),
    ],
)
async def test_days_and_times_go_to_their_own_slots(
    tmp_path: Path, messages: list[str], expected: set[SetSlot]
) -> None:
    (tmp_path / "domain.yml").write_text(VIEWING_DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(VIEWING_FLOWS)
    project = load(tmp_path)
    turns = await converse(project, OfflineGenerator(), messages)
    last = turns[-1].understanding
    assert last is not None
    assert expected <= set(last.commands), last.notes


STORES = collect_flow((make_slot("store_location"), "which store", "Which branch?"))
REPAIRS = collect_flow(
    (make_slot("repair_urgent", "bool"), "whether it is urgent", "Is it urgent?"),
)


@needs_model
def test_a_request_word_means_no_value() -> None:
    purposes = Slot(
        name="loan_purpose", type="categorical", values=("car", "home_improvement", "other")
    )
    found = value_by_meaning(
        "can you help me apply for a personal loan?",
        purposes,
        exclude=frozenset({"appli", "apply", "person", "personal", "loan"}),
        min_similarity=1.0,
        wide_lead=(0.25, 0.1),
    )
    assert found is None  # "help" is no home improvement


def test_more_values_by_their_words() -> None:
    # a name before the slot's own word ("branch") is its value
    stated = _stated("what time does the Riverside branch close?", STORES)
    assert stated == {"store_location": "Riverside"}
    # "repair" asks for the repair flow; "urgent" is what `repair_urgent` is about
    stated = _stated("my oven broke, it's not urgent", REPAIRS, request_words=frozenset({"repair"}))
    assert stated == {"repair_urgent": False}
    assert [d.text for d in dates("from the 1st of next month")] == ["the 1st of next month"]
    assert clean_text_value("it's at Walgreens in Springfield") == "Walgreens in Springfield"


@needs_model
def test_a_number_means_no_value() -> None:
    delivery = Slot(name="ticket_delivery", type="categorical", values=("e_ticket", "post"))
    assert value_by_meaning("1 ticket", delivery, ignore=frozenset({"ticket"})) is None


RENT_DOMAIN = """\
slots:
  tenancy_number: {type: text}
  rent_amount: {type: float}
  rent_payment_method:
    type: categorical
    values: [credit_card, debit_card, bank_transfer]
  room_type:
    type: categorical
    values: [single, double]
responses:
  utter_ask_tenancy_number:
    - text: What's your tenancy number? It's on the confirmation text we sent.
  utter_ask_rent_amount:
    - text: How much would you like to pay?
  utter_ask_rent_payment_method:
    - text: How would you like to pay?
  utter_ask_room_type:
    - text: Single or double room?
  utter_done:
    - text: Paid.
"""
RENT_FLOWS = """\
flows:
  pay_rent:
    description: Pay rent online.
    steps:
      - collect: tenancy_number
        description: the 6-digit tenancy number from the confirmation text
      - collect: rent_amount
        description: how much to pay
      - collect: rent_payment_method
        description: card or bank transfer
      - collect: room_type
        description: which room
      - action: utter_done
"""


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        # "from the confirmation text" makes no free text of a reference
        (
            ["I want to pay my rent", "it's 907731"],
            (SetSlot(name="tenancy_number", value="907731"),),
        ),
        # an answer that names another value sets it too
        (
            ["I want to pay my rent", "907731", "700 on my credit card"],
            (
                SetSlot(name="rent_amount", value="700"),
                SetSlot(name="rent_payment_method", value="credit_card"),
            ),
        ),
        # ...by name only: "one" means a single room, but is not said to be one
        (
            ["I want to pay my rent", "907731", "just one"],
            (SetSlot(name="rent_amount", value="1"),),
        ),
    ],
)
async def test_answers_state_their_own_values(
    tmp_path: Path, messages: list[str], expected: tuple[SetSlot, ...]
) -> None:
    (tmp_path / "domain.yml").write_text(RENT_DOMAIN)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flows.yml").write_text(RENT_FLOWS)
    project = load(tmp_path)
    turns = await converse(project, OfflineGenerator(), messages)
    last = turns[-1].understanding
    assert last is not None
    assert last.commands == expected, last.notes


POTHOLES = collect_flow(
    (make_slot("pothole_street"), "the street where it is", "Which street is it on?")
)
PERMITS = collect_flow(
    (make_slot("car_registration"), "the vehicle registration", "What's the registration?"),
    (make_slot("permit_months", "float"), "how many months", "For how many months?"),
)
FILMS = collect_flow(
    (make_slot("film_title"), "the film", "Which film?"),
    (make_slot("showing_time"), "the showing time", "Which showing?"),
    (make_slot("seats", "float"), "number of seats", "How many seats?"),
    (make_slot("wants_3d", "bool"), "whether they want the 3D version", "Would you like 3D?"),
)
OUTAGES = collect_flow(
    (make_slot("outage_since"), "when it stopped working", "When did it stop working?")
)


@pytest.mark.parametrize(
    ("text", "flow", "expected"),
    [
        # a street named without a number
        ("there's a huge pothole on Mill Road", POTHOLES, {"pothole_street": "Mill Road"}),
        # a registration is a reference
        (
            "a parking permit for 6 months for KY19 TBN",
            PERMITS,
            {"car_registration": "KY19 TBN", "permit_months": "6"},
        ),
        # "Two" ends a title; "3D" tells `wants_3d`; "tonight" is the showing when no date is asked
        (
            "2 seats for Dune Part Two tonight in 3D",
            FILMS,
            {
                "seats": "2",
                "film_title": "Dune Part Two",
                "showing_time": "tonight",
                "wants_3d": True,
            },
        ),
        ("down since this morning", OUTAGES, {"outage_since": "this morning"}),
    ],
)
def test_streets_registrations_titles_and_evenings(
    text: str,
    flow: tuple[list[CollectStep], dict[str, Slot], dict[str, Response]],
    expected: dict[str, object],
) -> None:
    asking = frozenset(stem(w) for w in ("report", "pothole", "parking", "permit", "book", "film"))
    assert _stated(text, flow, asking, request_words=asking) == expected


RENTED_REPAIRS = collect_flow(
    (
        make_slot("repair_description"),
        "what is wrong, in the tenant's words",
        "What's the problem?",
    ),
    (make_slot("problem_location"), "where in the home", "Where in the home is it?"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a message that only tells what is wrong is the description (its first clause)
        (
            "the electrics keep tripping in the hallway",
            {"repair_description": "the electrics keep tripping in the hallway"},
        ),
        (
            "my oven stopped working, it's a nightmare",
            {"repair_description": "my oven stopped working"},
        ),
        # not a request, nor a question
        ("I want to report a repair", {}),
        ("can you fix my oven?", {}),
    ],
)
def test_a_problem_told_is_its_description(text: str, expected: dict[str, object]) -> None:
    asking = frozenset(stem(w) for w in ("report", "repair"))
    assert _stated(text, RENTED_REPAIRS, asking, request_words=asking) == expected


@needs_model
def test_a_capitalised_word_alone_may_still_mean_a_value() -> None:
    coffee = collect_flow(
        (
            make_slot("drink", "categorical", ("espresso", "latte", "tea")),
            "the drink",
            "Which drink?",
        ),
        (make_slot("customer_name"), "the customer's name", "What name should I put on the cup?"),
    )
    # a German noun is capitalised: "Tee" means tea, and is then no name
    assert _stated("einen Tee bestellen", coffee) == {"drink": "tea"}


MOTS = collect_flow((make_slot("mot_date"), "the day for the MOT", "Which day?"))
FREEZES = collect_flow(
    (make_slot("freeze_months", "float"), "how many months to pause", "For how many months?"),
)


@pytest.mark.parametrize(
    ("text", "flow", "expected"),
    [
        # with no time slot, the time stays with the day
        ("Friday at 9", MOTS, {"mot_date": "Friday at 9"}),
        ("next Monday at 10am please", MOTS, {"mot_date": "next Monday at 10am"}),
        ("on the 5th at 3 people", MOTS, {"mot_date": "the 5th"}),
        # "a month" is one, for the slot that counts months
        ("put my membership on hold for a month", FREEZES, {"freeze_months": "1"}),
        ("I need a break", FREEZES, {}),
    ],
)
def test_a_day_keeps_its_time_and_a_month_is_one(
    text: str,
    flow: tuple[list[CollectStep], dict[str, Slot], dict[str, Response]],
    expected: dict[str, object],
) -> None:
    assert _stated(text, flow) == expected


VACCINES = collect_flow(
    (make_slot("vaccine_people", "float"), "how many people need it", "How many people?"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("book flu jabs for me and my wife on Saturday", {"vaccine_people": "2"}),
        ("my husband and I need a jab", {"vaccine_people": "2"}),
        ("3 of us need a jab, me and my kids", {"vaccine_people": "3"}),  # a number says more
        ("I need a jab", {}),
    ],
)
def test_me_and_my_wife_are_two(text: str, expected: dict[str, object]) -> None:
    assert _stated(text, VACCINES) == expected


def test_a_yes_no_slot_is_not_stated_by_the_flows_own_words() -> None:
    enrolment = collect_flow(
        (make_slot("join_waitlist", "bool"), "join the waitlist?", "Join the waitlist?")
    )
    asking = frozenset(stem(w) for w in ("enrol", "course", "offer", "waitlist", "full"))
    # the description says the flow offers the waitlist: saying so is no answer to it
    said = "enrol me in a course, and offer the waitlist if it is full"
    assert _stated(said, enrolment, asking, request_words=frozenset({"enrol"})) == {}
    assert _stated("enrol me, and put me on the waitlist", enrolment) == {"join_waitlist": True}
