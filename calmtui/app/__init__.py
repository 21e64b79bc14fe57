"""The application layer: what the CLI and the terminal UI both drive, with no Textual.

    conversation.py    a Session plus its saved record (open, send, rewind, restart, reload)
    controller.py      the turn queue and the lock every change to the session holds
    reload.py          hot reload: which files count, watching them, the reload policy
    plain.py           the line-based shell (`--plain`, `--json`, pipes)
    export.py          a conversation saved as an e2e test case
    understanding.py   the understanding mode, resolved once before a UI opens or a run starts
    policy.py          which diagnostics stop a project from running
    diagnostics_view.py  how diagnostics look: text (plain or colour), JSON, GitHub annotations
    exit_codes.py      the process exit codes, one enum

The test runner (`calmtui.testing`) uses the policy, the renderer, the exit codes and the
understanding step too; the layers are `cli → tui | testing → app → session → ...`
(ARCHITECTURE.md, AGENTS.md).
"""
