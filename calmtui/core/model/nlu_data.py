"""What the NLU-based half of a project says: stories and rules, and the intents' examples.

calmtui does not run stories or rules, but a project that migrates to CALM keeps them next to its
flows (FORMATS.md a.1), and the responses, actions and slots they use are not unused. The
validator reads this to avoid false "never used" warnings. The intents' training examples
(`nlu:` entries) are ways users ask for the flows whose `nlu_trigger` lists the intent: the offline
understanding indexes them with the flow's own phrases.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True, kw_only=True)
class NluData:
    actions: frozenset[str] = frozenset()  # `action:` steps of stories and rules (utter_* too)
    slots: frozenset[str] = frozenset()  # slots named in `slot_was_set` steps and conditions
    files: tuple[str, ...] = ()  # data files with stories or rules
    stories: int = 0  # how many stories and rules there are (what a coexistence project's
    rules: int = 0  # NLU-based half runs, which calmtui does not)
    # intent -> its examples as plain text (entity annotations `[Berlin](city)` reduced to "Berlin")
    intent_examples: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict[str, tuple[str, ...]]
    )
