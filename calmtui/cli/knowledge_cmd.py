"""`calmtui knowledge`: index the knowledge documents and say what happened.

    calmtui knowledge                         # index docs/ (only what changed), report
    calmtui knowledge --search "when is my bill paid?"   # and show what a question retrieves
    calmtui knowledge --rebuild --json        # from scratch, as a JSON document

The report: the source folder, documents and passages indexed, the time it took, what changed
since the cache, and every document that could not be read with the reason (CT601). Exit 1 when
the project cannot be loaded, has no EnterpriseSearchPolicy or its source folder is missing.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from calmtui.cli.project_options import (
    ConfigOption,
    DataOption,
    DomainOption,
    EndpointsOption,
    ProjectOption,
    load_from_options,
    project_root,
)

if TYPE_CHECKING:
    from calmtui.generation.responder import Responder
    from calmtui.generation.trace import GeneratedTrace
    from calmtui.knowledge.index import IndexReport

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def register(app: typer.Typer) -> None:
    @app.command("knowledge")
    def knowledge_command(
        project: ProjectOption = None,
        config: ConfigOption = None,
        domain: DomainOption = None,
        data: DataOption = None,
        endpoints: EndpointsOption = None,
        search: Annotated[
            str | None,
            typer.Option("--search", "-s", metavar="QUESTION", help="Also answer this question."),
        ] = None,
        rebuild: Annotated[
            bool, typer.Option("--rebuild", help="Ignore the index cache in .calmtui/knowledge/.")
        ] = False,
        understanding: Annotated[
            str | None,
            typer.Option(
                "--understanding",
                "-u",
                metavar="MODE",
                help="offline (lexical retrieval, extractive answers; the default), llm, record "
                "or replay (embeddings and LLM answers as the project configures them).",
            ),
        ] = None,
        json_output: Annotated[
            bool, typer.Option("--json", help="Print a JSON document instead of text.")
        ] = False,
    ) -> None:
        """Index the knowledge documents (EnterpriseSearchPolicy) and report what was indexed."""
        raise typer.Exit(
            run_knowledge(
                load_from_options(project, config, domain, data, endpoints),
                project_root(project),
                search=search,
                rebuild=rebuild,
                mode=understanding or "offline",
                json_output=json_output,
            )
        )


def run_knowledge(
    result: Any, root: Path, *, search: str | None, rebuild: bool, mode: str, json_output: bool
) -> int:
    from calmtui.generation.factory import make_responder
    from calmtui.understanding.errors import UnderstandingConfigError

    project = result.project
    if project is None:
        errors = [d.headline() for d in result.diagnostics if d.is_error] or ["no project found"]
        sys.stderr.write("".join(f"{line}\n" for line in errors))
        return EXIT_USAGE
    try:
        responder = make_responder(project, mode, root=Path(project.root))
    except UnderstandingConfigError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_PROBLEMS
    if responder.knowledge is None:
        sys.stderr.write(
            "error: config.yml has no EnterpriseSearchPolicy: there is no knowledge base to index "
            "(docs/knowledge.md shows how to add one)\n"
        )
        return EXIT_PROBLEMS
    if rebuild:
        shutil.rmtree(Path(project.root) / ".calmtui" / "knowledge", ignore_errors=True)
    report = responder.refresh()
    assert report is not None
    problems = _problems(responder, report)
    trace = asyncio.run(_search(responder, search)) if search else None
    if json_output:
        sys.stdout.write(json.dumps(_document(report, problems, trace), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("".join(f"{line}\n" for line in _text(responder, report, problems, trace)))
    return EXIT_PROBLEMS if report.missing_source else EXIT_OK


def _problems(responder: Responder, report: IndexReport) -> list[Any]:
    from calmtui.generation.checks import report_diagnostics

    return [*responder.problems, *report_diagnostics(report)]


async def _search(responder: Responder, question: str) -> GeneratedTrace:
    from calmtui.core.dialogue.index import TRIGGER_SEARCH
    from calmtui.knowledge.conversation import Conversation

    conversation = Conversation(transcript=(("user", question),), user_message=question)
    _, trace = await responder.run(TRIGGER_SEARCH, conversation)
    return trace


def _text(
    responder: Responder, report: IndexReport, problems: list[Any], trace: GeneratedTrace | None
) -> list[str]:
    from calmtui.generation.describe import trace_lines

    lines: list[str] = []
    if report.missing_source:
        lines.append(f"knowledge source {report.source}/ does not exist")
    else:
        changed = f", {len(report.changed)} changed" if report.changed else ""
        removed = f", {len(report.removed)} removed" if report.removed else ""
        lines.append(
            f"indexed {report.source}/: {_plural(report.documents, 'document')}, "
            f"{_plural(report.passages, 'passage')} in {report.seconds * 1000:.0f} ms"
            f"{changed}{removed}"
        )
        if report.skipped:
            lines.append(f"{_plural(len(report.skipped), 'document')} could not be indexed:")
            lines += [f"  {s.path}: {s.reason}" for s in report.skipped]
    lines.append(responder.describe())
    lines += [f"{d.severity}[{d.code}]: {d.message}" for d in problems if d.code != "CT601"]
    if trace is not None:
        lines += trace_lines(trace)
    return lines


def _document(
    report: IndexReport, problems: list[Any], trace: GeneratedTrace | None
) -> dict[str, Any]:
    return {
        "source": report.source,
        "missing_source": report.missing_source,
        "documents": report.documents,
        "passages": report.passages,
        "seconds": round(report.seconds, 4),
        "changed": list(report.changed),
        "removed": list(report.removed),
        "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
        "diagnostics": [d.to_json() for d in problems],
        "search": trace.to_json() if trace is not None else None,
    }


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"
