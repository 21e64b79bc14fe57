"""calmtui.testing (see ARCHITECTURE.md)."""
