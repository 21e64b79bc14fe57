"""The root of calmtui's own exceptions.

User-facing problems are `Diagnostic`s, not exceptions; exceptions are for the few places where
a layer must stop and tell the one above. They all descend from `CalmtuiError`, so the CLI can
tell "a problem we explain" from "a bug" (which prints "internal error" and exits 3).
"""


class CalmtuiError(Exception):
    """Something calmtui understands and can explain to the user."""
