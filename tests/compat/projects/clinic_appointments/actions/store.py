"""The clinic's bookings, kept per conversation (the `sender_id` of the tracker), as an action
server keeps state between the calls of one conversation."""

from collections import defaultdict
from itertools import count

PATIENTS = {"P1234": "Ada Lovelace", "P2345": "Alan Turing"}
# Fully booked: (department, day)
FULL = {("cardiology", "friday")}

BOOKINGS = defaultdict(dict)  # sender_id -> {reference: (department, day)}
MESSAGES = defaultdict(int)  # sender_id -> messages seen
_NUMBERS = defaultdict(lambda: count(1))  # sender_id -> the next booking number


def next_reference(sender_id):
    return f"RB-{next(_NUMBERS[sender_id])}"
