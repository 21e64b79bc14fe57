"""Understanding: turning user text into commands (LLM, offline, record/replay, scripted).

Only `llm.py` in this package imports litellm, and only inside the function that calls it.
"""
