"""Custom actions: in-process Python, the rasa-sdk action server over HTTP, and test stubs."""
