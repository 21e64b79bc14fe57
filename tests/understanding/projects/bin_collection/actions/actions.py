"""Custom actions for the Hollin Vale waste services assistant (rasa_sdk action server).

The council's round planner, bin store and payments are faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
GARDEN_SUBSCRIBERS = {"HV27PL", "HV114RD"}
BIN_CHARGES = {"stolen": 25.0, "extra": 35.0}
BULKY_BOOKINGS = {"BK4821": "a sofa and two armchairs", "BK5077": "a fridge freezer"}


def _postcode(tracker: Tracker) -> str:
    return re.sub(r"\s+", "", str(tracker.get_slot("postcode") or "")).upper()


class ActionCheckGardenSubscription(Action):
    def name(self) -> Text:
        return "action_check_garden_subscription"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return [SlotSet("garden_subscribed", _postcode(tracker) in GARDEN_SUBSCRIBERS)]


class ActionLogMissedBin(Action):
    def name(self) -> Text:
        return "action_log_missed_bin"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("missed_reference", "MB-30417")]


class ActionLookupCollectionDay(Action):
    """Only HV postcodes are in the borough; the round day comes from the digits of the postcode."""

    def name(self) -> Text:
        return "action_lookup_collection_day"

    def run(self, dispatcher, tracker, domain):
        code = _postcode(tracker)
        if not code.startswith("HV"):
            return [SlotSet("postcode_covered", False), SlotSet("collection_day", None)]
        total = sum(int(d) for d in re.findall(r"\d", code))
        return [SlotSet("postcode_covered", True), SlotSet("collection_day", WEEKDAYS[total % 5])]


class ActionQuoteBin(Action):
    def name(self) -> Text:
        return "action_quote_bin"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("bin_fee", BIN_CHARGES.get(tracker.get_slot("order_reason") or "", 0.0))]


class ActionPlaceBinOrder(Action):
    def name(self) -> Text:
        return "action_place_bin_order"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("bin_order_reference", "BO-11893")]


class ActionQuoteBulky(Action):
    """£20 covers up to 3 items; each further item is £6."""

    def name(self) -> Text:
        return "action_quote_bulky"

    def run(self, dispatcher, tracker, domain):
        count = int(float(tracker.get_slot("bulky_item_count") or 0))
        return [SlotSet("bulky_fee", 20.0 + 6.0 * max(0, count - 3))]


class ActionBookBulky(Action):
    def name(self) -> Text:
        return "action_book_bulky"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("bulky_booking_ref", "BK-6150")]


class ActionFindBulkyBooking(Action):
    def name(self) -> Text:
        return "action_find_bulky_booking"

    def run(self, dispatcher, tracker, domain):
        ref = re.sub(r"[\s-]", "", str(tracker.get_slot("cancel_reference") or "")).upper()
        items = BULKY_BOOKINGS.get(ref)
        return [SlotSet("bulky_booking_found", items is not None), SlotSet("bulky_items", items)]


class ActionCancelBulky(Action):
    def name(self) -> Text:
        return "action_cancel_bulky"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionPriceGardenSubscription(Action):
    """£48 a year per brown bin."""

    def name(self) -> Text:
        return "action_price_garden_subscription"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("garden_fee", 48.0 * float(tracker.get_slot("garden_bin_count") or 0))]


class ActionSubscribeGarden(Action):
    def name(self) -> Text:
        return "action_subscribe_garden"

    def run(self, dispatcher, tracker, domain):
        return []
