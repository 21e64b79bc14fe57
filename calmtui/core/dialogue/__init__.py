"""The dialogue state and what reads it, without the engine that changes it (pure).

    frames.py   the dialogue stack's frames (user flows, patterns) and their JSON
    state.py    `DialogueState` between turns, the `Tracker` within one, presetting slots
    index.py    `ProjectIndex`: the project looked up the way turns need it (cached per version)
    outcome.py  `ActionResult`: what a custom action gives back, typed
    reload.py   carrying a conversation's state over to a new project version (hot reload)

The engine (`calmtui.core.engine`) runs turns on this state; the session, understanding, the
actions layer, the test runner and the inspector read it without importing the engine. The
package itself imports nothing, so each module costs only what it needs.
"""
