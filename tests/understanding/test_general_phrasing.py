"""General phrasing any project's users write (issue 13, round 3): rules about language, not
about one project's words. Each test builds a small project of its own."""

from __future__ import annotations

from calmtui.core.model.slots import Slot
from calmtui.understanding.categorical_meaning import value_by_meaning

SPECIALTIES = Slot(
    name="specialty",
    type="categorical",
    values=("general_practice", "dermatology", "cardiology", "physiotherapy", "dentistry"),
)
BUTTONS = (
    ("GP / family doctor", "general_practice"),
    ("Dermatology", "dermatology"),
    ("Cardiology", "cardiology"),
    ("Physiotherapy", "physiotherapy"),
    ("Dentist", "dentistry"),
)


def test_a_value_is_meant_by_the_words_that_say_it_not_by_the_generic_ones() -> None:
    """ "heart specialist": 'heart' means cardiology clearly; 'specialist' means every value a
    little (a dentist most): the contrast is measured where the value is said."""
    found = value_by_meaning("book me in with a heart specialist", SPECIALTIES, BUTTONS)
    assert found is not None
    assert found.value == "cardiology"
    skin = value_by_meaning("are there any skin specialists at the clinic?", SPECIALTIES, BUTTONS)
    assert skin is not None
    assert skin.value == "dermatology"


def test_generic_words_alone_mean_no_value() -> None:
    assert value_by_meaning("I need to see a specialist", SPECIALTIES, BUTTONS) is None
    assert value_by_meaning("book me an appointment", SPECIALTIES, BUTTONS) is None


def test_two_values_each_said_clearly_set_neither() -> None:
    """ "a skin doctor": 'skin' says dermatology, 'doctor' the button "GP / family doctor"."""
    assert value_by_meaning("a video consult with a skin doctor", SPECIALTIES, BUTTONS) is None
