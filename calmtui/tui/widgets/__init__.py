"""Dumb views of immutable snapshots (STYLE.md 3.7): each renders what it is given."""
