"""Screens: the chat (shell), the inspector (chat plus panels), and small dialogs."""
