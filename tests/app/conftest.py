"""The application layer is tested on the TUI tests' small bank project (no Textual needed)."""

from tests.tui.conftest import anyio_backend, bank

__all__ = ["anyio_backend", "bank"]
