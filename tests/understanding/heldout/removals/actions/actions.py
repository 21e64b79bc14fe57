"""Custom actions for the SwiftMove removals assistant (rasa_sdk action server).

The pricing engine, the crew calendar and the claims system are faked so the assistant can be
demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

BASE_PRICE = {
    "studio": 350.0,
    "one_bedroom": 450.0,
    "two_bedrooms": 650.0,
    "three_bedrooms": 900.0,
    "four_plus_bedrooms": 1200.0,
}
PACKING_SERVICE = 150.0
BOX_PRICE = 1.5
BUBBLE_WRAP = 12.0
INSURANCE_COVER = 1000.0


def _saturday(value: Any) -> bool:
    """Every Saturday is fully booked in the fake crew calendar."""
    return "sat" in str(value or "").lower()


class ActionCalculateQuote(Action):
    def name(self) -> Text:
        return "action_calculate_quote"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        price = BASE_PRICE.get(tracker.get_slot("property_size") or "", 650.0)
        if tracker.get_slot("needs_packing_service"):
            price += PACKING_SERVICE
        return [SlotSet("quote_amount", price)]


class ActionCheckMoveDate(Action):
    def name(self) -> Text:
        return "action_check_move_date"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("date_available", not _saturday(tracker.get_slot("move_date")))]


class ActionBookMove(Action):
    def name(self) -> Text:
        return "action_book_move"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("move_reference", "MV-60418")]


class ActionFindMove(Action):
    """References are MV followed by 5 digits."""

    def name(self) -> Text:
        return "action_find_move"

    def run(self, dispatcher, tracker, domain):
        reference = str(tracker.get_slot("move_reference") or "").strip()
        return [SlotSet("move_found", bool(re.fullmatch(r"(?i)mv[\s-]?\d{5}", reference)))]


class ActionRescheduleMove(Action):
    def name(self) -> Text:
        return "action_reschedule_move"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("date_available", not _saturday(tracker.get_slot("new_move_date")))]


class ActionCancelMove(Action):
    def name(self) -> Text:
        return "action_cancel_move"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("deposit_refund", 100.0)]


class ActionOrderMaterials(Action):
    def name(self) -> Text:
        return "action_order_materials"

    def run(self, dispatcher, tracker, domain):
        cost = float(tracker.get_slot("box_count") or 0) * BOX_PRICE
        if tracker.get_slot("wants_bubble_wrap"):
            cost += BUBBLE_WRAP
        return [SlotSet("materials_cost", cost)]


class ActionCheckClaim(Action):
    """Damage up to the insurance cover is accepted straight away."""

    def name(self) -> Text:
        return "action_check_claim"

    def run(self, dispatcher, tracker, domain):
        value = float(tracker.get_slot("damage_value") or 0)
        return [SlotSet("within_cover", value <= INSURANCE_COVER), SlotSet("claim_id", "DC-3384")]


class ActionBookAssessor(Action):
    def name(self) -> Text:
        return "action_book_assessor"

    def run(self, dispatcher, tracker, domain):
        return []
