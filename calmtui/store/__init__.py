"""calmtui.store (see ARCHITECTURE.md)."""
