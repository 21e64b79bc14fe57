"""What `calmtui validate` and the start of `shell`/`inspect`/`test` say about knowledge search,
chitchat and rephrasing: options calmtui cannot honour, a missing or empty source folder,
documents that cannot be indexed, and a policy without the pattern that uses it (CT6xx).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.dialogue.index import TRIGGER_SEARCH
from calmtui.core.model.config import ENTERPRISE_SEARCH_POLICY
from calmtui.core.model.flows import ActionStep
from calmtui.core.model.project import Project
from calmtui.generation.settings import chitchat_settings, nlg_problems
from calmtui.knowledge.documents import SkippedDocument, find_documents, read_document
from calmtui.knowledge.index import IndexReport
from calmtui.knowledge.settings import search_settings

SEARCH_PATTERN = "pattern_search"


def generative_diagnostics(
    project: Project, root: Path | None = None, *, read_documents: bool = True
) -> list[Diagnostic]:
    base = Path(root if root is not None else project.root)
    found: list[Diagnostic] = [*nlg_problems(project)]
    intentless = chitchat_settings(project, base)
    if intentless is not None:
        found.extend(intentless.problems)
    found.extend(_search_usage(project))
    search = search_settings(project, base)
    if search is None:
        return found
    found.extend(search.problems)
    if not search.local:
        return found
    if not search.source.is_dir():
        found.append(missing_source(search.source_shown, search.span))
    elif read_documents:
        documents = list(find_documents(search.source, base))
        if not documents:
            found.append(empty_source(search.source_shown, search.span))
        for document in documents:
            result = read_document(document)
            if isinstance(result, SkippedDocument):
                found.append(unreadable(result))
    return found


def report_diagnostics(report: IndexReport) -> list[Diagnostic]:
    """The same findings, from an index refresh (start-up, `calmtui knowledge`)."""
    if report.missing_source:
        return [missing_source(report.source, None)]
    found = [unreadable(s) for s in report.skipped]
    if report.documents == 0 and not report.skipped:
        found.append(empty_source(report.source, None))
    return found


def missing_source(source: str, span: Span | None) -> Diagnostic:
    return Diagnostic.warning(
        "CT600",
        f"the knowledge search source folder {source!r} does not exist: knowledge questions "
        "will not find an answer",
        span,
        hint="create it with .txt or .md documents, or set 'vector_store: {source: ...}'",
    )


def empty_source(source: str, span: Span | None) -> Diagnostic:
    return Diagnostic.warning(
        "CT602",
        f"the knowledge search source folder {source!r} has no .txt or .md documents",
        span,
        hint="add documents; they are picked up without a restart",
    )


def unreadable(skipped: SkippedDocument) -> Diagnostic:
    return Diagnostic.warning(
        "CT601",
        f"document {skipped.path} {skipped.reason}: it is not searched",
        Span(path=skipped.path, line=1, col=1),
    )


def _search_usage(project: Project) -> Iterator[Diagnostic]:
    has_policy = project.config.has_component(ENTERPRISE_SEARCH_POLICY)
    users = [
        (flow, step)
        for flow in project.flows.values()
        for step in flow.steps
        if isinstance(step, ActionStep) and step.action == TRIGGER_SEARCH
    ]
    if has_policy and not any(flow.id == SEARCH_PATTERN for flow, _ in users):
        component = project.config.component(ENTERPRISE_SEARCH_POLICY)
        yield Diagnostic.warning(
            "CT606",
            "EnterpriseSearchPolicy is configured, but pattern_search does not run "
            "action_trigger_search: the documents are never searched",
            component.span if component else None,
            hint="override pattern_search with the step '- action: action_trigger_search' "
            "(docs/knowledge.md)",
        )
    if not has_policy:
        for flow, step in users:
            yield Diagnostic.warning(
                "CT607",
                f"flow {flow.id!r} runs action_trigger_search, but config.yml has no "
                "EnterpriseSearchPolicy: it says utter_no_knowledge_base",
                getattr(step, "span", None),
                hint="add '- name: EnterpriseSearchPolicy' to the policies",
            )
