"""What the NLU-based half of a coexistence project uses (stories, rules).

calmtui does not run stories or rules, but a project that migrates to CALM keeps them next to its
flows (FORMATS.md a.1), and the responses, actions and slots they use are not unused. The
validator reads this to avoid false "never used" warnings.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class NluData:
    actions: frozenset[str] = frozenset()  # `action:` steps of stories and rules (utter_* too)
    slots: frozenset[str] = frozenset()  # slots named in `slot_was_set` steps and conditions
    files: tuple[str, ...] = ()  # data files with stories or rules
