"""Generated bot text: what the session asks for when the engine pauses at a generative built-in
action (`action_trigger_search` through calmtui.knowledge, `action_trigger_chitchat`), and the
response rephraser that rewrites a turn's templated messages after the engine.
"""
