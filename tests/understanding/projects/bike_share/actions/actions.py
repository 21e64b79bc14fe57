"""Custom actions for the Loop bike and e-scooter sharing assistant (rasa_sdk action server).

The fleet, billing and maintenance systems are faked so the assistant can be demoed and tested.

Vehicle IDs are a letter (B for bikes, E for e-bikes, S for e-scooters), a dash and 4 digits, like
S-4412. An ID ending in 0 is parked for maintenance; the lock of an ID ending in 9 is jammed.
Ride IDs are R followed by 6 digits."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

VEHICLE_ID = re.compile(r"(?i)\s*([BES])\s*-?\s*(\d{4})\s*")
RIDE_ID = re.compile(r"(?i)\s*R\s*-?\s*(\d{6})\s*")
PASS_PRICES = {"day": 9.0, "monthly": 30.0, "annual": 240.0}
STUDENT_DISCOUNT = 0.5
UNLOCK_FEE = 1.0
PER_MINUTE = 0.25


def _vehicle(tracker: Tracker):
    return VEHICLE_ID.fullmatch(str(tracker.get_slot("vehicle_id") or ""))


class ActionCheckVehicle(Action):
    def name(self) -> Text:
        return "action_check_vehicle"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        match = _vehicle(tracker)
        if not match:
            return [SlotSet("vehicle_found", False), SlotSet("vehicle_in_service", None)]
        return [SlotSet("vehicle_found", True), SlotSet("vehicle_in_service", not match.group(2).endswith("0"))]


class ActionRemoteUnlock(Action):
    def name(self) -> Text:
        return "action_remote_unlock"

    def run(self, dispatcher, tracker, domain):
        match = _vehicle(tracker)
        return [SlotSet("unlock_succeeded", bool(match) and not match.group(2).endswith("9"))]


class ActionEndRide(Action):
    """Every open ride in the fake back-end started 22 minutes ago."""

    def name(self) -> Text:
        return "action_end_ride"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("ride_cost", UNLOCK_FEE + 22 * PER_MINUTE)]


class ActionPricePass(Action):
    def name(self) -> Text:
        return "action_price_pass"

    def run(self, dispatcher, tracker, domain):
        price = PASS_PRICES.get(tracker.get_slot("pass_type") or "", 0.0)
        if tracker.get_slot("is_student"):
            price *= STUDENT_DISCOUNT
        return [SlotSet("pass_price", price)]


class ActionBuyPass(Action):
    def name(self) -> Text:
        return "action_buy_pass"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionLookupRide(Action):
    """Every ride that exists cost $14.50 (a 54-minute ride)."""

    def name(self) -> Text:
        return "action_lookup_ride"

    def run(self, dispatcher, tracker, domain):
        found = bool(RIDE_ID.fullmatch(str(tracker.get_slot("ride_id") or "")))
        return [SlotSet("ride_found", found), SlotSet("ride_charge", 14.5 if found else None)]


class ActionOpenDispute(Action):
    """A ride that was never ended is refunded down to a 15-minute ride; other disputes get half back."""

    def name(self) -> Text:
        return "action_open_dispute"

    def run(self, dispatcher, tracker, domain):
        charge = float(tracker.get_slot("ride_charge") or 0.0)
        if tracker.get_slot("dispute_reason") == "ride_not_ended":
            refund = charge - (UNLOCK_FEE + 15 * PER_MINUTE)
        else:
            refund = charge / 2
        return [SlotSet("refund_amount", round(refund, 2))]


class ActionLogDamage(Action):
    def name(self) -> Text:
        return "action_log_damage"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("damage_ticket", "DM-7731")]


class ActionFindVehicles(Action):
    """The fake map always finds the same dock; scooters are scarce."""

    def name(self) -> Text:
        return "action_find_vehicles"

    def run(self, dispatcher, tracker, domain):
        count = 1.0 if tracker.get_slot("vehicle_kind") == "scooter" else 4.0
        return [SlotSet("nearest_spot", "the Loop bay on Mercer Square"), SlotSet("vehicles_nearby", count)]
