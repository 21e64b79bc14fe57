"""`calmtui inspect`: the shell plus live panels showing what the assistant decided each turn.

Same options as `calmtui shell` (see shell_cmd.py, which does the work). In a pipe or with
`--plain` it runs the line-based shell with `--debug` output, the inspector's content as text.
"""

from __future__ import annotations

import typer

from calmtui.cli.project_options import (
    ConfigOption,
    DataOption,
    DomainOption,
    EndpointsOption,
    ProjectOption,
)
from calmtui.cli.shell_cmd import (
    ConversationOption,
    DebugOption,
    JsonOption,
    ListOption,
    PlainOption,
    ShellRequest,
    StubOption,
    UnderstandingOption,
    run,
)


def register(app: typer.Typer) -> None:
    @app.command("inspect")
    def inspect_command(
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
        """Chat with the assistant and watch what it decides: commands, stack, slots, flow, events."""
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
        raise typer.Exit(run(request, inspector=True))
