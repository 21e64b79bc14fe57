"""`calmtui shell` (and the machinery `calmtui inspect` shares): chat with the assistant.

    calmtui shell [--project DIR ...] [--understanding MODE] [--conversation-id ID] [--list]
                  [--plain] [--json] [--debug] [--stub-actions FILE] [--language CODE]
                  [--ignore CODE] [--strict]

On a terminal this opens the Textual chat; when stdin or stdout is not a terminal, or with
`--plain`/`--json`, it runs the line-based shell (scripts, CI). Conversations are saved after
every turn in `<project>/.calmtui/conversations.db`; `--conversation-id` resumes one, `--list`
shows them. Whether the project may start is the project policy's answer (`calmtui.app.policy`,
the same as `validate`'s): errors stop it (exit 1, diagnostics on stderr), warnings are shown and
it runs, and one line names what calmtui does not run; an unknown understanding mode stops it
too (exit 2, before the UI opens). The conversation itself is the
application layer's (`calmtui.app`); this module parses options, wires and maps outcomes to exit
codes. Textual and watchfiles are imported only inside the command, never by `calmtui --help`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from calmtui.app.exit_codes import ExitCode
from calmtui.cli.project_options import (
    ConfigOption,
    DataOption,
    DomainOption,
    EndpointsOption,
    IgnoreOption,
    ProjectOption,
    StrictOption,
    load_from_options,
    policy_from_options,
    project_paths,
    project_root,
)

if TYPE_CHECKING:
    from calmtui.actions.stubs import ActionStubs
    from calmtui.app.conversation import Assistant
    from calmtui.app.policy import ProjectPolicy
    from calmtui.core.model.project import Project
    from calmtui.core.validate import ValidationReport
    from calmtui.store.base import Store

UnderstandingOption = Annotated[
    str | None,
    typer.Option(
        "--understanding",
        "-u",
        metavar="MODE",
        help="offline (no LLM), llm, record or replay (default: config.yml's calmtui.understanding, "
        "then $CALMTUI_UNDERSTANDING, then offline).",
    ),
]
ConversationOption = Annotated[
    str | None,
    typer.Option(
        "--conversation-id",
        metavar="ID",
        help="Resume this saved conversation (or start one with this id).",
    ),
]
ListOption = Annotated[
    bool, typer.Option("--list", help="List the saved conversations of the project and exit.")
]
PlainOption = Annotated[
    bool,
    typer.Option(
        "--plain",
        help="Line-based mode: read messages from stdin, print replies (automatic in pipes).",
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Plain mode printing one JSON object per turn.")
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show each turn's commands (and, in plain mode, the stack).")
]
LanguageOption = Annotated[
    str | None,
    typer.Option(
        "--language",
        metavar="CODE",
        help="Start the conversation in this language, as session-start metadata "
        "{language: CODE} would (one of config.yml's language and additional_languages).",
    ),
]
StubOption = Annotated[
    Path | None,
    typer.Option(
        "--stub-actions",
        metavar="FILE",
        help="Answer custom actions from a YAML file's stub_custom_actions.",
    ),
]


@dataclass(frozen=True, slots=True, kw_only=True)
class ShellRequest:
    """The parsed command line of `shell` / `inspect`."""

    project: Path | None = None
    config: Path | None = None
    domain: Path | None = None
    data: list[Path] | None = None
    endpoints: Path | None = None
    understanding: str | None = None
    conversation_id: str | None = None
    list_conversations: bool = False
    plain: bool = False
    json: bool = False
    debug: bool = False
    stub_actions: Path | None = None
    language: str | None = None
    ignore: tuple[str, ...] = ()
    strict: bool = False


def register(app: typer.Typer) -> None:
    app.command("shell", help="Chat with the assistant (a terminal chat; line-based in pipes).")(
        chat_command(inspector=False)
    )


def chat_command(*, inspector: bool) -> Callable[..., None]:
    """The body of `shell` and `inspect`, which share every option and differ in the screen."""

    def command(
        project: ProjectOption = None,
        config: ConfigOption = None,
        domain: DomainOption = None,
        data: DataOption = None,
        endpoints: EndpointsOption = None,
        understanding: UnderstandingOption = None,
        conversation_id: ConversationOption = None,
        list_conversations: ListOption = False,
        plain: PlainOption = False,
        json_output: JsonOption = False,
        debug: DebugOption = False,
        stub_actions: StubOption = None,
        language: LanguageOption = None,
        ignore: IgnoreOption = None,
        strict: StrictOption = False,
    ) -> None:
        request = ShellRequest(
            project=project,
            config=config,
            domain=domain,
            data=data,
            endpoints=endpoints,
            understanding=understanding,
            conversation_id=conversation_id,
            list_conversations=list_conversations,
            plain=plain,
            json=json_output,
            debug=debug,
            stub_actions=stub_actions,
            language=language,
            ignore=tuple(ignore or ()),
            strict=strict,
        )
        raise typer.Exit(run(request, inspector=inspector))

    command.__name__ = "inspect_command" if inspector else "shell_command"
    return command


# -- the shared command body -------------------------------------------------------------------


def run(request: ShellRequest, *, inspector: bool) -> ExitCode:
    """Load, wire and run a conversation; returns the exit code."""
    root = project_root(request.project)
    if request.list_conversations:
        return list_saved(root)
    policy = policy_from_options(list(request.ignore), request.strict)
    report = load(request, root, policy)
    if report.project is None or not policy.allows(report):
        show_load_problems(report, policy)
        return ExitCode.PROBLEMS if report.found_project else ExitCode.USAGE
    project = report.project
    if request.language is not None:
        from dataclasses import replace

        from calmtui.app.languages import LanguageError, requested_language

        try:
            request = replace(request, language=requested_language(project, request.language))
        except LanguageError as exc:
            note(f"error: --language: {exc}")
            return ExitCode.USAGE
    not_run = not_run_line(report)
    stubs = load_stubs(request.stub_actions)
    failure = check_understanding(project, request.understanding)
    if failure is not None:
        return failure
    from calmtui.app.conversation import assistant_for

    assistant = assistant_for(request.understanding, stubs)
    store = open_store(root)
    if store is not None and request.conversation_id:
        from calmtui.store.claims import ConversationInUseError

        try:  # before any screen opens: one process per conversation (never lose a turn)
            store.claim(request.conversation_id)
        except ConversationInUseError as exc:
            store.close()
            note(f"error: {exc}")
            return ExitCode.USAGE
        if store.get(request.conversation_id) is None:
            note(
                f"no saved conversation {request.conversation_id!r}: starting a new one with that id"
            )
    use_plain = request.plain or request.json or not (sys.stdin.isatty() and sys.stdout.isatty())
    try:
        if use_plain:
            warnings = sum(d.severity == "warning" for d in report.diagnostics)
            if warnings:  # the TUI's Problems panel lists them instead
                note(
                    f"project loaded with {warnings} warning{'' if warnings == 1 else 's'} "
                    "(calmtui validate lists them)"
                )
            if not_run is not None:  # the TUI shows it in the chat instead
                note(not_run)
            return run_plain(request, project, assistant, store, debug=request.debug or inspector)
        return run_tui(
            request, report, assistant, store, inspector=inspector, policy=policy, not_run=not_run
        )
    finally:
        if store is not None:
            store.close()


def note(message: str) -> None:
    sys.stderr.write(message + "\n")


def check_understanding(project: Project, flag: str | None) -> ExitCode | None:
    """Resolve the understanding mode and check its keys before anything opens: an unknown mode
    or an LLM mode without its API key ends the command with one message."""
    from calmtui.app.understanding import check_keys
    from calmtui.understanding.errors import UnderstandingConfigError

    try:
        warnings = check_keys(project, flag)
    except UnderstandingConfigError as exc:
        return unusable(exc)
    for warning in warnings:
        note(f"warning: {warning}")
    return None


def unusable(error: Exception) -> ExitCode:
    """Understanding cannot be set up: say why, and map the reason to its exit code."""
    from calmtui.app.exit_codes import exit_code_for
    from calmtui.app.understanding import unusable_message

    note(unusable_message(error))
    return exit_code_for(error)


def load(request: ShellRequest, root: Path, policy: ProjectPolicy) -> ValidationReport:
    """The project as the options name it, reviewed by the project policy."""
    result = load_from_options(
        request.project, request.config, request.domain, request.data, request.endpoints
    )
    return policy.review(result, root)


def show_load_problems(report: ValidationReport, policy: ProjectPolicy) -> None:
    """Why the shell cannot start: every problem, compiler style, on stderr."""
    from calmtui.app.diagnostics_view import write_text

    shown = [d for d in report.diagnostics if d.severity != "info"]
    write_text(sys.stderr, shown, report.sources, root=report.root)
    if report.found_project:
        errors = len(policy.blocking(report.diagnostics))
        note(
            f"cannot start: {errors} error{'' if errors == 1 else 's'} in the project (calmtui validate lists them)"
        )


def not_run_line(report: ValidationReport) -> str | None:
    """The one line naming what calmtui reads in this project but does not run."""
    from calmtui.core.validate.not_run import summary

    return summary(report.diagnostics)


def load_stubs(path: Path | None) -> ActionStubs | None:
    if path is None:
        return None
    from calmtui.actions.stubs import load_stub_file
    from calmtui.app.diagnostics_view import write_text

    stubs, problems = load_stub_file(path)
    errors = [d for d in problems if d.is_error]
    if problems:
        write_text(sys.stderr, problems, {}, root=".")
    if errors:
        raise typer.BadParameter(
            f"the stub file {str(path)!r} has errors (see above)", param_hint="'--stub-actions'"
        )
    return stubs


def open_store(root: Path) -> Store | None:
    from calmtui.store.base import StoreError
    from calmtui.store.sqlite_store import SqliteStore, default_database

    try:
        return SqliteStore(default_database(root))
    except StoreError as exc:
        note(f"warning: conversations will not be saved: {exc}")
        return None


def list_saved(root: Path) -> ExitCode:
    from calmtui.store.base import StoreError
    from calmtui.store.sqlite_store import SqliteStore, default_database

    path = default_database(root)
    if not path.is_file():
        note(
            f"no saved conversations in {root} (they are saved in .calmtui/{path.name} as you chat)"
        )
        return ExitCode.OK
    try:
        store = SqliteStore(path)
        try:
            saved = store.conversations()
        finally:
            store.close()
    except StoreError as exc:
        note(f"error: {exc}")
        return ExitCode.PROBLEMS
    if not saved:
        note(f"no saved conversations in {root}")
        return ExitCode.OK
    width = max(len(c.id) for c in saved)
    typer.echo(f"{'ID':<{width}}  {'UPDATED':<16}  {'TURNS':>5}  FIRST MESSAGE")
    for c in saved:
        updated = time.strftime("%Y-%m-%d %H:%M", time.localtime(c.updated))
        typer.echo(f"{c.id:<{width}}  {updated:<16}  {c.turns:>5}  {c.title}")
    note(f"resume one with: calmtui shell --conversation-id {saved[0].id}")
    return ExitCode.OK


def run_plain(
    request: ShellRequest,
    project: Project,
    assistant: Assistant,
    store: Store | None,
    *,
    debug: bool,
) -> ExitCode:
    from calmtui.app.conversation import Conversation
    from calmtui.app.plain import PlainOptions, PlainShell
    from calmtui.understanding.errors import UnderstandingConfigError

    conversation = Conversation(
        project,
        assistant,
        store=store,
        conversation_id=request.conversation_id,
        on_warning=lambda m: note(f"warning: {m}"),
        language=request.language,
    )
    interactive = sys.stdin.isatty()

    def read_line() -> str | None:
        if interactive:
            try:
                return input("you> ")
            except EOFError:
                return None
        line = sys.stdin.readline()
        return line if line else None

    options = PlainOptions(debug=debug, json=request.json, echo=not interactive)
    shell = PlainShell(conversation, sys.stdout, sys.stderr, options)
    try:
        import asyncio  # only when a plain shell actually runs: ~30 ms off every `calmtui` start

        asyncio.run(shell.run(read_line))
    except UnderstandingConfigError as exc:
        return unusable(exc)
    if shell.unanswered:
        count = shell.unanswered
        note(
            f"error: {count} message{'' if count == 1 else 's'} could not be understood (see above)"
        )
        return ExitCode.PROBLEMS
    return ExitCode.OK


def run_tui(
    request: ShellRequest,
    report: ValidationReport,
    assistant: Assistant,
    store: Store | None,
    *,
    inspector: bool,
    policy: ProjectPolicy,
    not_run: str | None = None,
) -> ExitCode:
    from calmtui.app.diagnostics_view import PathDisplay
    from calmtui.tui.app import CalmApp
    from calmtui.tui.config import ShellConfig

    assert report.project is not None
    root = report.project.root

    config = ShellConfig(
        project=report.project,
        assistant=assistant,
        store=store,
        conversation_id=request.conversation_id,
        language=request.language,
        inspector=inspector,
        debug=request.debug,
        paths=project_paths(
            Path(root), request.config, request.domain, request.data, request.endpoints
        ),
        diagnostics=tuple(report.diagnostics),
        sources=dict(report.sources),
        show_path=PathDisplay(root),
        policy=policy,
        notices=(not_run,) if not_run else (),
    )
    app = CalmApp(config)
    app.run()
    if app.failure is not None:  # the conversation could not start
        return unusable(app.failure)
    if app.return_code:  # Textual ended on an error of its own (and printed it)
        return ExitCode.PROBLEMS
    conversation = app.conversation
    if store is not None and conversation.store is not None and conversation.id:
        note(
            f"conversation saved as {conversation.id} (resume: calmtui {'inspect' if inspector else 'shell'} --conversation-id {conversation.id})"
        )
    return ExitCode.OK
