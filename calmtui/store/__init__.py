"""Conversation persistence: every turn is written as it happens, so nothing is lost.

`Store` (base.py) is the small protocol the shell depends on; `SqliteStore` (sqlite_store.py)
is the default, a stdlib `sqlite3` database in the project's `.calmtui/` folder. Stores keep
turns as JSON documents (`TurnResult.to_json()`): this layer sits below the session and does
not know the types it stores.
"""
