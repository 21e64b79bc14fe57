"""calmtui: build, inspect and test CALM-style conversational assistants in the terminal.

The package root stays import-light: `calmtui --help` must start fast, so nothing here pulls in
the engine, the TUI or any LLM client.
"""

__version__ = "0.1.0"
