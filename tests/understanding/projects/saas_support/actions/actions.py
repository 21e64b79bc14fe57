"""Custom actions for the Quillo customer support assistant (rasa_sdk action server).

Billing, identity and API back-ends are faked: the demo workspace is on the Team plan with
12 seats, billed monthly since March 2024."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

CURRENT_SEATS = 12
SEAT_PRICE = {"starter": 8.0, "team": 15.0, "business": 25.0}
ANNUAL_DISCOUNT = 0.8
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]


class ActionQuoteSeats(Action):
    """Extra seats cost the Team plan price each."""

    def name(self) -> Text:
        return "action_quote_seats"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        count = float(tracker.get_slot("seat_count") or 0)
        return [
            SlotSet("seat_cost", count * SEAT_PRICE["team"]),
            SlotSet("total_seats", CURRENT_SEATS + count),
        ]


class ActionAddSeats(Action):
    def name(self) -> Text:
        return "action_add_seats"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionQuotePlan(Action):
    def name(self) -> Text:
        return "action_quote_plan"

    def run(self, dispatcher, tracker, domain):
        price = SEAT_PRICE.get(tracker.get_slot("new_plan") or "team", 15.0) * CURRENT_SEATS
        if tracker.get_slot("billing_cycle") == "annual":
            price *= ANNUAL_DISCOUNT
        return [SlotSet("plan_price", round(price, 2))]


class ActionChangePlan(Action):
    def name(self) -> Text:
        return "action_change_plan"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionFindInvoice(Action):
    """Invoices exist from March 2024 on; a period naming an earlier year is not found."""

    def name(self) -> Text:
        return "action_find_invoice"

    def run(self, dispatcher, tracker, domain):
        period = str(tracker.get_slot("invoice_period") or "").lower()
        years = [int(y) for y in re.findall(r"\b(20\d\d)\b", period)]
        if years and min(years) < 2024:
            return [SlotSet("invoice_found", False), SlotSet("invoice_number", None)]
        month = next((i + 1 for i, m in enumerate(MONTHS) if m[:3] in period), 11)
        year = years[0] if years else 2026
        return [SlotSet("invoice_found", True), SlotSet("invoice_number", f"QL-{year}-{month:02d}")]


class ActionCancelSubscription(Action):
    def name(self) -> Text:
        return "action_cancel_subscription"

    def run(self, dispatcher, tracker, domain):
        return []


class ActionBookSalesCall(Action):
    """Large companies go to the enterprise account executive."""

    def name(self) -> Text:
        return "action_book_sales_call"

    def run(self, dispatcher, tracker, domain):
        size = float(tracker.get_slot("team_size") or 0)
        return [SlotSet("sales_rep", "Priya" if size >= 200 else "Marco")]


class ActionCheckSsoSetup(Action):
    """The Azure AD tenant's SAML certificate has expired; other providers look fine."""

    def name(self) -> Text:
        return "action_check_sso_setup"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("sso_cert_expired", tracker.get_slot("sso_provider") == "azure_ad")]


class ActionOpenSsoTicket(Action):
    def name(self) -> Text:
        return "action_open_sso_ticket"

    def run(self, dispatcher, tracker, domain):
        return [SlotSet("ticket_id", "SSO-4821")]


class ActionCreateApiKey(Action):
    def name(self) -> Text:
        return "action_create_api_key"

    def run(self, dispatcher, tracker, domain):
        live = tracker.get_slot("key_environment") == "production"
        return [SlotSet("key_prefix", "qk_live_7f3a" if live else "qk_test_2c91")]
