"""Custom actions for the Northwind Outfitters shop assistant (calmtui in-process API).

Order and account data come from small fake services, so conversations are reproducible.
The actions live in actions/orders.py and actions/account.py."""
