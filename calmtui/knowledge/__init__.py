"""Knowledge answers: documents under the search source, split into passages, indexed
(lexically by default, densely with an embeddings model), retrieved for a question, and turned
into an answer (by the LLM with the passages in its prompt, or offline, extracted from the best
passage). Used by calmtui.generation for `action_trigger_search` (pattern_search), and by
`calmtui knowledge`. LLM calls and embeddings go through calmtui.understanding.
"""
