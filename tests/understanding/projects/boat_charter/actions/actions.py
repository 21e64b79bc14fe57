"""Custom actions for the Saltmarsh boat charters assistant (rasa_sdk action server).

The booking system, the card terminal and the marine forecast are faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

HOURLY_RATE = {"sailboat": 60.0, "motor_yacht": 150.0, "catamaran": 110.0}
SKIPPER_HOURLY = 35.0
CATERING_PER_PERSON = {"picnic": 15.0, "bbq": 25.0, "champagne": 40.0}
DEPOSIT_SHARE = 0.25

# reference -> days until the trip, marine forecast unsafe?, balance still owed
CHARTERS = {
    "CH2048": {"days_away": 40, "unsafe": False, "balance": 840.0},
    "CH3117": {"days_away": 1, "unsafe": True, "balance": 900.0},
    "CH5590": {"days_away": 3, "unsafe": False, "balance": 270.0},
}


def _charter(tracker: Tracker):
    ref = re.sub(r"[^A-Za-z0-9]", "", str(tracker.get_slot("booking_reference") or "")).upper()
    return CHARTERS.get(ref)


def _is_saturday(day: Any) -> bool:
    """The fake diary: every boat is booked out on Saturdays."""
    return "sat" in str(day or "").lower()


class ActionQuoteCharter(Action):
    def name(self) -> Text:
        return "action_quote_charter"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        hours = float(tracker.get_slot("charter_hours") or 0)
        people = float(tracker.get_slot("party_size") or 0)
        rate = HOURLY_RATE.get(tracker.get_slot("boat_type") or "", 0.0)
        if tracker.get_slot("with_skipper"):
            rate += SKIPPER_HOURLY
        price = rate * hours
        if tracker.get_slot("wants_catering"):
            price += CATERING_PER_PERSON.get(tracker.get_slot("catering_package") or "", 0.0) * people
        return [SlotSet("charter_price", price), SlotSet("deposit_amount", round(price * DEPOSIT_SHARE, 2))]


class ActionTakeDeposit(Action):
    def name(self) -> Text:
        return "action_take_deposit"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("charter_reference", "CH-7301")]


class ActionCheckBoatAvailability(Action):
    def name(self) -> Text:
        return "action_check_boat_availability"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("boat_available", not _is_saturday(tracker.get_slot("charter_date")))]


class ActionCheckWeather(Action):
    def name(self) -> Text:
        return "action_check_weather"

    def run(self, dispatcher, tracker, domain):
        charter = _charter(tracker)
        return [
            SlotSet("charter_found", charter is not None),
            SlotSet("weather_unsafe", bool(charter and charter["unsafe"])),
        ]


class ActionRefundForWeather(Action):
    def name(self) -> Text:
        return "action_refund_for_weather"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionFindCharter(Action):
    """The deposit comes back only when the trip is at least 14 days away."""

    def name(self) -> Text:
        return "action_find_charter"

    def run(self, dispatcher, tracker, domain):
        charter = _charter(tracker)
        return [
            SlotSet("charter_found", charter is not None),
            SlotSet("deposit_refundable", bool(charter and charter["days_away"] >= 14)),
        ]


class ActionCancelCharter(Action):
    def name(self) -> Text:
        return "action_cancel_charter"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionChangeCharterDate(Action):
    def name(self) -> Text:
        return "action_change_charter_date"

    def run(self, dispatcher, tracker, domain):
        ok = _charter(tracker) is not None and not _is_saturday(tracker.get_slot("new_charter_date"))
        return [SlotSet("date_available", ok)]


class ActionGetBalance(Action):
    def name(self) -> Text:
        return "action_get_balance"

    def run(self, dispatcher, tracker, domain):
        charter = _charter(tracker)
        return [
            SlotSet("charter_found", charter is not None),
            SlotSet("balance_due", charter["balance"] if charter else None),
        ]


class ActionPayBalance(Action):
    def name(self) -> Text:
        return "action_pay_balance"

    def run(self, dispatcher, tracker, domain):
        return []
