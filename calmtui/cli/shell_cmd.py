"""`calmtui shell` (and the machinery `calmtui inspect` shares): chat with the assistant.

    calmtui shell [--project DIR ...] [--understanding MODE] [--conversation-id ID] [--list]
                  [--plain] [--json] [--debug] [--stub-actions FILE]

On a terminal this opens the Textual chat; when stdin or stdout is not a terminal, or with
`--plain`/`--json`, it runs the line-based shell (scripts, CI). Conversations are saved after
every turn in `<project>/.calmtui/conversations.db`; `--conversation-id` resumes one, `--list`
shows them. A project with errors does not start (exit 1, diagnostics on stderr).
Textual and watchfiles are imported only inside the command, never by `calmtui --help`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from calmtui.cli.project_options import (
    ConfigOption,
    DataOption,
    DomainOption,
    EndpointsOption,
    ProjectOption,
    load_from_options,
    project_paths,
    project_root,
)

if TYPE_CHECKING:
    from calmtui.actions.protocol import ActionRunner
    from calmtui.actions.stubs import ActionStubs
    from calmtui.core.diagnostics import Diagnostic
    from calmtui.core.model.project import Project
    from calmtui.core.validate import ValidationReport
    from calmtui.generation.responder import Responder
    from calmtui.store.base import Store
    from calmtui.tui.conversation import Assistant
    from calmtui.understanding.base import CommandGenerator

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2

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
        )
        raise typer.Exit(run(request, inspector=inspector))

    command.__name__ = "inspect_command" if inspector else "shell_command"
    return command


# -- the shared command body -------------------------------------------------------------------


def run(request: ShellRequest, *, inspector: bool) -> int:
    """Load, wire and run a conversation; returns the exit code."""
    root = project_root(request.project)
    if request.list_conversations:
        return list_saved(root)
    report = load(request, root)
    if report.project is None or not report.is_valid():
        show_load_problems(report)
        return EXIT_PROBLEMS if report.found_project else EXIT_USAGE
    project = report.project
    stubs = load_stubs(request.stub_actions)
    assistant = make_assistant(project, request.understanding, stubs)
    store = open_store(root)
    if store is not None and request.conversation_id and store.get(request.conversation_id) is None:
        note(f"no saved conversation {request.conversation_id!r}: starting a new one with that id")
    use_plain = request.plain or request.json or not (sys.stdin.isatty() and sys.stdout.isatty())
    try:
        if use_plain:
            return run_plain(request, project, assistant, store, debug=request.debug or inspector)
        return run_tui(request, report, assistant, store, inspector=inspector)
    finally:
        if store is not None:
            store.close()


def note(message: str) -> None:
    sys.stderr.write(message + "\n")


def load(request: ShellRequest, root: Path) -> ValidationReport:
    """The project as the options name it, validated."""
    from calmtui.core.validate import report_for

    result = load_from_options(
        request.project, request.config, request.domain, request.data, request.endpoints
    )
    return report_for(result, root)


def show_load_problems(report: ValidationReport) -> None:
    """Why the shell cannot start: every problem, compiler style, on stderr."""
    from calmtui.cli.diagnostics_view import PathDisplay, render_text, should_color

    shown = [d for d in report.diagnostics if d.severity != "info"]
    text = render_text(
        shown, report.sources, show_path=PathDisplay(report.root), color=should_color(sys.stderr)
    )
    sys.stderr.write(text)
    if report.found_project:
        errors = report.errors
        note(
            f"cannot start: {errors} error{'' if errors == 1 else 's'} in the project (calmtui validate lists them)"
        )


def load_stubs(path: Path | None) -> ActionStubs | None:
    if path is None:
        return None
    from calmtui.actions.stubs import load_stub_file
    from calmtui.cli.diagnostics_view import PathDisplay, render_text, should_color

    stubs, problems = load_stub_file(path)
    errors = [d for d in problems if d.is_error]
    if problems:
        sys.stderr.write(
            render_text(problems, {}, show_path=PathDisplay("."), color=should_color(sys.stderr))
        )
    if errors:
        raise typer.BadParameter(
            f"the stub file {str(path)!r} has errors (see above)", param_hint="'--stub-actions'"
        )
    return stubs


def make_assistant(project: Project, mode: str | None, stubs: ActionStubs | None) -> Assistant:
    """Wire understanding and actions. Nothing is built here: the conversation builds them when
    it opens (off the UI thread, after the screen is up), and a mode or LLM setting that cannot
    work is reported then (exit 2 for an unknown mode, 1 for the project's settings)."""
    from calmtui.tui.conversation import Assistant

    def generator(p: Project) -> CommandGenerator:
        from calmtui.understanding.modes import make_generator

        return make_generator(p, mode, project_dir=p.root)

    def actions(p: Project) -> ActionRunner:
        from calmtui.actions.factory import make_action_runner

        return make_action_runner(p, stubs=stubs)

    def describe(p: Project, g: CommandGenerator) -> str:
        from calmtui.understanding.modes import describe_generator

        return describe_generator(g)

    def responder(p: Project) -> Responder:
        from calmtui.generation.factory import make_responder
        from calmtui.understanding.modes import resolve_mode

        return make_responder(p, resolve_mode(p, mode).mode, root=Path(p.root))

    return Assistant(
        make_generator=generator,
        make_action_runner=actions,
        describe=describe,
        make_responder=responder,
    )


def open_store(root: Path) -> Store | None:
    from calmtui.store.base import StoreError
    from calmtui.store.sqlite_store import SqliteStore, default_database

    try:
        return SqliteStore(default_database(root))
    except StoreError as exc:
        note(f"warning: conversations will not be saved: {exc}")
        return None


def list_saved(root: Path) -> int:
    from calmtui.store.base import StoreError
    from calmtui.store.sqlite_store import SqliteStore, default_database

    path = default_database(root)
    if not path.is_file():
        note(
            f"no saved conversations in {root} (they are saved in .calmtui/{path.name} as you chat)"
        )
        return EXIT_OK
    try:
        store = SqliteStore(path)
        try:
            saved = store.conversations()
        finally:
            store.close()
    except StoreError as exc:
        note(f"error: {exc}")
        return EXIT_PROBLEMS
    if not saved:
        note(f"no saved conversations in {root}")
        return EXIT_OK
    width = max(len(c.id) for c in saved)
    typer.echo(f"{'ID':<{width}}  {'UPDATED':<16}  {'TURNS':>5}  FIRST MESSAGE")
    for c in saved:
        updated = time.strftime("%Y-%m-%d %H:%M", time.localtime(c.updated))
        typer.echo(f"{c.id:<{width}}  {updated:<16}  {c.turns:>5}  {c.title}")
    note(f"resume one with: calmtui shell --conversation-id {saved[0].id}")
    return EXIT_OK


def run_plain(
    request: ShellRequest,
    project: Project,
    assistant: Assistant,
    store: Store | None,
    *,
    debug: bool,
) -> int:
    from calmtui.tui.conversation import Conversation
    from calmtui.tui.plain import PlainOptions, PlainShell
    from calmtui.understanding.errors import UnderstandingConfigError, UnknownModeError

    conversation = Conversation(
        project,
        assistant,
        store=store,
        conversation_id=request.conversation_id,
        on_warning=lambda m: note(f"warning: {m}"),
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

        return asyncio.run(shell.run(read_line))
    except UnderstandingConfigError as exc:
        note(f"error: cannot understand messages this way: {exc}")
        return EXIT_USAGE if isinstance(exc, UnknownModeError) else EXIT_PROBLEMS


def run_tui(
    request: ShellRequest,
    report: ValidationReport,
    assistant: Assistant,
    store: Store | None,
    *,
    inspector: bool,
) -> int:
    from calmtui.cli.diagnostics_view import PathDisplay, render_text
    from calmtui.tui.app import CalmApp
    from calmtui.tui.config import ShellConfig

    assert report.project is not None
    root = report.project.root

    def format_problems(diagnostics: list[Diagnostic], sources: dict[str, str]) -> str:
        return render_text(diagnostics, sources, show_path=PathDisplay(root), color=True)

    config = ShellConfig(
        project=report.project,
        assistant=assistant,
        store=store,
        conversation_id=request.conversation_id,
        inspector=inspector,
        debug=request.debug,
        paths=project_paths(
            Path(root), request.config, request.domain, request.data, request.endpoints
        ),
        diagnostics=tuple(report.diagnostics),
        sources=dict(report.sources),
        format_problems=format_problems,  # type: ignore[arg-type]
    )
    app = CalmApp(config)
    app.run()
    if app.return_code:  # the conversation could not start; the app printed why
        return app.return_code
    conversation = app.conversation
    if store is not None and conversation.store is not None and conversation.id:
        note(
            f"conversation saved as {conversation.id} (resume: calmtui {'inspect' if inspector else 'shell'} --conversation-id {conversation.id})"
        )
    return EXIT_OK
