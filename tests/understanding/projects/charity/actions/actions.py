"""Custom actions for the Brightwater Trust supporter assistant (rasa_sdk action server).

The CRM and payment calls are faked with fixed data so the assistant can be demoed and tested."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

PLACES_LEFT = {"london_10k": 40.0, "coastal_walk": 120.0, "quiz_night": 4.0}


class ActionProcessDonation(Action):
    def name(self) -> Text:
        return "action_process_donation"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return []


class ActionSetupDirectDebit(Action):
    def name(self) -> Text:
        return "action_setup_direct_debit"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetPledge(Action):
    def name(self) -> Text:
        return "action_get_pledge"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("current_monthly_amount", 10.0)]


class ActionUpdatePledge(Action):
    def name(self) -> Text:
        return "action_update_pledge"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionRecordGiftAid(Action):
    def name(self) -> Text:
        return "action_record_gift_aid"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionGetDonationSummary(Action):
    def name(self) -> Text:
        return "action_get_donation_summary"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("total_given_this_year", 180.0), SlotSet("gift_aid_added", 45.0)]


class ActionCheckEventPlaces(Action):
    def name(self) -> Text:
        return "action_check_event_places"

    def run(self, dispatcher, tracker, domain):
        left = PLACES_LEFT.get(tracker.get_slot("event_name") or "", 0.0)
        wanted = float(tracker.get_slot("participant_count") or 1)
        return [SlotSet("places_left", left), SlotSet("event_full", wanted > left)]


class ActionRegisterEvent(Action):
    def name(self) -> Text:
        return "action_register_event"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionRegisterVolunteer(Action):
    def name(self) -> Text:
        return "action_register_volunteer"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSendFundraisingPack(Action):
    def name(self) -> Text:
        return "action_send_fundraising_pack"

    def run(self, dispatcher, tracker, domain):
        return []
