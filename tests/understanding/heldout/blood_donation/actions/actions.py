"""Custom actions for the donor line assistant (rasa_sdk action server).

The donor records and session calendar are faked so the assistant can be demoed and tested."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

MALARIA_RISK = ("kenya", "nigeria", "ghana", "india", "thailand", "uganda", "tanzania", "brazil")
DEFERRAL_WEEKS = 26.0


class ActionCheckSession(Action):
    """Saturday sessions are always full in the fake calendar."""

    def name(self) -> Text:
        return "action_check_session"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        day = str(tracker.get_slot("donation_date") or "").lower()
        return [SlotSet("session_has_space", "saturday" not in day)]


class ActionAssessEligibility(Action):
    def name(self) -> Text:
        return "action_assess_eligibility"

    def run(self, dispatcher, tracker, domain):
        ok = not tracker.get_slot("has_cold_or_infection") and not tracker.get_slot("had_recent_tattoo")
        return [SlotSet("eligible_today", ok)]


class ActionBookDonation(Action):
    def name(self) -> Text:
        return "action_book_donation"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("new_appointment_reference", "BD-7731")]


class ActionFindAppointment(Action):
    """References are BD- followed by 4 digits."""

    def name(self) -> Text:
        return "action_find_appointment"

    def run(self, dispatcher, tracker, domain):
        ref = str(tracker.get_slot("appointment_reference") or "").strip()
        return [SlotSet("appointment_found", bool(re.fullmatch(r"(?i)bd-?\s?\d{4}", ref)))]


class ActionRescheduleAppointment(Action):
    def name(self) -> Text:
        return "action_reschedule_appointment"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionCancelAppointment(Action):
    def name(self) -> Text:
        return "action_cancel_appointment"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionLookupBloodType(Action):
    """Donor numbers are DN followed by 6 digits; the group comes from the last digit."""

    def name(self) -> Text:
        return "action_lookup_blood_type"

    def run(self, dispatcher, tracker, domain):
        number = str(tracker.get_slot("donor_number") or "").strip()
        match = re.fullmatch(r"(?i)dn\s?(\d{6})", number)
        if not match:
            return [SlotSet("donor_found", False)]
        groups = ["O negative", "O positive", "A positive", "A negative", "B positive"]
        return [SlotSet("donor_found", True), SlotSet("blood_type", groups[int(match.group(1)) % 5])]


class ActionCheckTravelDeferral(Action):
    """Malaria-risk countries mean a 6-month (26-week) wait after coming back."""

    def name(self) -> Text:
        return "action_check_travel_deferral"

    def run(self, dispatcher, tracker, domain):
        country = str(tracker.get_slot("travel_country") or "").lower()
        weeks = float(tracker.get_slot("weeks_since_return") or 0)
        risky = any(c in country for c in MALARIA_RISK)
        if risky and weeks < DEFERRAL_WEEKS:
            return [SlotSet("travel_deferred", True), SlotSet("weeks_to_wait", DEFERRAL_WEEKS - weeks)]
        return [SlotSet("travel_deferred", False)]


class ActionCheckBasicEligibility(Action):
    def name(self) -> Text:
        return "action_check_basic_eligibility"

    def run(self, dispatcher, tracker, domain):
        age = float(tracker.get_slot("donor_age") or 0)
        weight = float(tracker.get_slot("weight_kg") or 0)
        if age < 17:
            result = "too_young"
        elif age > 65:
            result = "too_old"
        elif weight < 50:
            result = "underweight"
        else:
            result = "eligible"
        return [SlotSet("basic_eligibility", result)]
