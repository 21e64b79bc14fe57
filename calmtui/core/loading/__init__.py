"""Turning project files into the typed model, collecting diagnostics instead of raising."""
