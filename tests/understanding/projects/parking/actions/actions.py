"""Custom actions for the Brookfield city parking assistant (rasa_sdk action server).

The payment, permit, meter and enforcement back-ends are faked so the assistant can be demoed
and tested. The fake clock says every new session starts at 10:00."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

MAX_STAY_HOURS = 4.0
CENTRE_RATE = 3.20  # zones 1xxx are the city centre
OUTER_RATE = 1.60
PERMIT_PRICES = {"resident": 85.0, "visitor": 30.0, "business": 420.0}

# running sessions by plate: hours already booked and the current end time (minutes after midnight)
RUNNING_SESSIONS = {"KD19XRT": (2.0, 12 * 60 + 30), "LB21MHW": (3.0, 13 * 60 + 15)}
METER_ZONES = {"M3071": "2140", "M4420": "1185", "M2208": "3302"}
APPEALS = {"BK40213377": "under_review", "BK51880042": "rejected", "BK62004519": "accepted"}


def _plate(tracker: Tracker) -> str:
    return re.sub(r"\s+", "", str(tracker.get_slot("licence_plate") or "")).upper()


def _pcn(tracker: Tracker) -> str:
    return re.sub(r"\s+", "", str(tracker.get_slot("pcn_number") or "")).upper()


def _clock(minutes: float) -> str:
    minutes = int(round(minutes))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class ActionQuoteSession(Action):
    def name(self) -> Text:
        return "action_quote_session"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        zone = str(tracker.get_slot("zone_code") or "").strip()
        rate = CENTRE_RATE if zone.startswith("1") else OUTER_RATE
        hours = float(tracker.get_slot("parking_hours") or 0)
        return [SlotSet("session_cost", f"{rate * hours:.2f}")]


class ActionStartSession(Action):
    def name(self) -> Text:
        return "action_start_session"

    def run(self, dispatcher, tracker, domain):
        hours = float(tracker.get_slot("parking_hours") or 0)
        return [SlotSet("session_end", _clock(10 * 60 + hours * 60))]


class ActionFindSession(Action):
    def name(self) -> Text:
        return "action_find_session"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("session_found", _plate(tracker) in RUNNING_SESSIONS)]


class ActionExtendSession(Action):
    """A session may not run past the 4-hour maximum stay."""

    def name(self) -> Text:
        return "action_extend_session"

    def run(self, dispatcher, tracker, domain):
        booked, end = RUNNING_SESSIONS[_plate(tracker)]
        extra = float(tracker.get_slot("extra_hours") or 0)
        if booked + extra > MAX_STAY_HOURS:
            return [SlotSet("extension_allowed", False), SlotSet("session_end", _clock(end))]
        return [SlotSet("extension_allowed", True), SlotSet("session_end", _clock(end + extra * 60))]


class ActionPricePermit(Action):
    def name(self) -> Text:
        return "action_price_permit"

    def run(self, dispatcher, tracker, domain):
        permit_type = tracker.get_slot("permit_type") or "resident"
        price = PERMIT_PRICES.get(permit_type, 0.0)
        if permit_type == "business":
            price *= float(tracker.get_slot("company_vehicles") or 1)
        return [SlotSet("permit_price", price)]


class ActionIssuePermit(Action):
    def name(self) -> Text:
        return "action_issue_permit"

    def run(self, dispatcher, tracker, domain):
        prefix = {"resident": "RP", "visitor": "VP", "business": "BP"}.get(tracker.get_slot("permit_type") or "", "RP")
        return [SlotSet("permit_number", f"{prefix}-30418")]


class ActionLogMeterFault(Action):
    """Logs the fault; the meter's zone is filled in so the driver can pay here instead."""

    def name(self) -> Text:
        return "action_log_meter_fault"

    def run(self, dispatcher, tracker, domain):
        meter = re.sub(r"[\s-]+", "", str(tracker.get_slot("meter_number") or "")).upper()
        digits = "".join(re.findall(r"\d", meter)) or "0000"
        events = [SlotSet("fault_reference", f"MF-{digits}")]
        if meter in METER_ZONES:
            events.append(SlotSet("zone_code", METER_ZONES[meter]))
        return events


class ActionLookupPcn(Action):
    """PCNs are BK + 8 digits. Fake rule: an even last digit is still in the 14-day discount (£35), odd is £70."""

    def name(self) -> Text:
        return "action_lookup_pcn"

    def run(self, dispatcher, tracker, domain):
        pcn = _pcn(tracker)
        if not re.fullmatch(r"BK\d{8}", pcn) or APPEALS.get(pcn) == "accepted":
            return [SlotSet("pcn_found", False), SlotSet("fine_amount", None)]
        if APPEALS.get(pcn) == "rejected":
            amount = 70.0
        else:
            amount = 35.0 if int(pcn[-1]) % 2 == 0 else 70.0
        return [
            SlotSet("pcn_found", True),
            SlotSet("pcn_under_appeal", APPEALS.get(pcn) == "under_review"),
            SlotSet("fine_amount", amount),
        ]


class ActionPayPcn(Action):
    def name(self) -> Text:
        return "action_pay_pcn"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionSubmitAppeal(Action):
    def name(self) -> Text:
        return "action_submit_appeal"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("appeal_reference", f"APL-{_pcn(tracker)[-5:]}")]


class ActionGetAppealStatus(Action):
    def name(self) -> Text:
        return "action_get_appeal_status"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("appeal_status", APPEALS.get(_pcn(tracker), "none"))]
