"""The pure core: project model, validation and the dialogue engine.

No UI, LLM or network code is imported here (checked by import-linter and a runtime test); the
only I/O is reading the project files it is asked to load.
"""
