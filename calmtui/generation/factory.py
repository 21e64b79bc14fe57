"""Building the responder of a project for an understanding mode (offline, llm, record, replay).

Generated text follows the mode of understanding: offline, search answers are extractive,
chitchat is the fixed response and nothing is rephrased; with llm/record/replay the same
clients answer (and record, and replay) the answer, chitchat and rephrase prompts and the
embeddings. Building never imports litellm and never reads the documents (the first search, or
`Responder.refresh`, does).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from calmtui.core.diagnostics import Diagnostic
from calmtui.core.model.config import ModelConfig
from calmtui.core.model.project import Project
from calmtui.generation import chitchat as chitchat_module
from calmtui.generation import rephraser as rephraser_module
from calmtui.generation.chitchat import ChitchatResponder
from calmtui.generation.rephraser import Rephraser
from calmtui.generation.responder import Responder
from calmtui.generation.settings import chitchat_settings, rephrase_settings
from calmtui.knowledge import answer as answers
from calmtui.knowledge.base import KnowledgeBase
from calmtui.knowledge.settings import search_settings
from calmtui.understanding.errors import UnderstandingConfigError
from calmtui.understanding.text_llm import (
    DEFAULT_EMBEDDINGS,
    Embedder,
    LLMClients,
    TextLLM,
    resolve_models,
    resolve_route,
)

# Rasa's defaults for these components (model, temperature, token limit).
SEARCH_MODEL = ModelConfig(provider="openai", model="gpt-4.1-mini-2025-04-14")
SEARCH_DEFAULTS = {"temperature": 0.0, "max_tokens": 256}
REPHRASE_MODEL = ModelConfig(provider="openai", model="gpt-4.1-mini-2025-04-14")
REPHRASE_DEFAULTS = {"temperature": 0.3, "max_tokens": 256}
CHITCHAT_MODEL = ModelConfig(provider="openai", model="gpt-4.1-mini-2025-04-14")
CHITCHAT_DEFAULTS = {"temperature": 0.0, "max_tokens": 256}


def make_responder(
    project: Project,
    mode: str,
    *,
    root: Path | None = None,
    environ: Mapping[str, str] | None = None,
    client: object | None = None,
    recordings_dir: Path | None = None,
    use_cache: bool = True,
    previous: Responder | None = None,
) -> Responder:
    """Raises UnderstandingConfigError (a message for the user) for an unknown model group or
    a prompt template that cannot be read."""
    base = Path(root if root is not None else project.root)
    clients = LLMClients.for_mode(
        mode, base, environ=environ, client=client, recordings_dir=recordings_dir
    )
    problems: list[Diagnostic] = []
    knowledge = None
    search = search_settings(project, base)
    if search is not None:
        problems.extend(search.problems)
        llm = _llm(
            project, clients, search.llm, SEARCH_MODEL, SEARCH_DEFAULTS, "EnterpriseSearchPolicy"
        )
        embedder = None
        if search.dense and clients.embedding is not None:
            model = resolve_models(
                project, search.embeddings, DEFAULT_EMBEDDINGS, "EnterpriseSearchPolicy embeddings"
            )[0]
            embedder = Embedder(model, clients.embedding)
        knowledge = KnowledgeBase(
            search,
            base,
            llm=llm,
            embedder=embedder,
            template=_template(search.prompt_template, answers.DEFAULT_PROMPT),
            use_cache=use_cache,
        )
        old = previous.knowledge if previous is not None else None
        if old is not None and old.settings.source == search.source:
            knowledge.index = old.index  # keep what is indexed: a refresh reads only changes
    chitchat = None
    intentless = chitchat_settings(project, base)
    if intentless is not None:
        problems.extend(intentless.problems)
        chitchat = ChitchatResponder(
            project,
            llm=_llm(
                project,
                clients,
                intentless.llm,
                CHITCHAT_MODEL,
                CHITCHAT_DEFAULTS,
                "IntentlessPolicy",
            ),
            template=_template(intentless.prompt_template, chitchat_module.DEFAULT_PROMPT),
            mode=clients.mode,
        )
    rephraser = None
    rephrase = rephrase_settings(project, base)
    if rephrase is not None:
        problems.extend(rephrase.problems)
        rephraser = Rephraser(
            rephrase,
            project.domain,
            llm=_llm(
                project,
                clients,
                rephrase.llm,
                REPHRASE_MODEL,
                REPHRASE_DEFAULTS,
                "the nlg endpoint",
            ),
            template=_template(rephrase.prompt_template, rephraser_module.DEFAULT_PROMPT),
            language=project.config.language,
            mode=clients.mode,
        )

    def rebuild(new: Project, old: Responder) -> Responder:
        return make_responder(
            new,
            mode,
            root=base,
            environ=environ,
            client=client,
            recordings_dir=recordings_dir,
            use_cache=use_cache,
            previous=old,
        )

    return Responder(
        mode=clients.mode,
        knowledge=knowledge,
        chitchat=chitchat,
        rephraser=rephraser,
        problems=tuple(problems),
        root=base,
        rebuild=rebuild,
    )


def _llm(
    project: Project,
    clients: LLMClients,
    option: object,
    default: ModelConfig,
    defaults: Mapping[str, object],
    owner: str,
) -> TextLLM | None:
    if clients.completion is None:
        return None
    models = resolve_models(project, option, default, owner)
    route = resolve_route(project, option)
    return TextLLM(models, clients.completion, defaults=dict(defaults), route=route)


def _template(path: Path | None, default: str) -> str:
    if path is None:
        return default
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnderstandingConfigError(f"prompt template {path} cannot be read: {exc}") from None
