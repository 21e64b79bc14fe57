"""calmtui.tui (see ARCHITECTURE.md)."""
