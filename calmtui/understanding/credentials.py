"""Whether a model has the API key it needs: one rule for the start-up check and for each call.

What "no key" means, per model, in this order:

1. The model's own `api_key` (endpoints.yml, usually `api_key: ${SOME_VARIABLE}`): given and not
   blank, it is the key; blank (the variable is not set), the model has **no key**.
2. A server at the model's `api_base` that speaks OpenAI's API (provider `openai`, `openai_like`,
   `hosted_vllm`, `lm_studio`, `llamafile`, `ollama`, `ollama_chat`,
   `text-completion-openai`) needs **no key**: llama.cpp, vLLM, LM Studio and Ollama serve
   without one (a key in the environment is still sent when there is one).
3. Providers whose credentials litellm may find outside the environment (`bedrock`,
   `sagemaker`: AWS profiles and roles; `vertex_ai`: Google's application default credentials)
   are **not checked**: the call reports what is missing.
4. Providers of `PROVIDER_KEY_ENV` need one of their variables set (not blank).
5. Any other provider: what litellm's `validate_environment` says is missing, counting only
   variables that hold keys or tokens (not `..._API_BASE`); a provider litellm does not know is
   not checked. Only this step imports litellm (through `calmtui.understanding.llm`; in a test
   run whose calls go to the LLM process, the process answers it).

The environment is the process's, where the CLI has already put the project's `.env`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from calmtui.core.model.config import ModelConfig
from calmtui.understanding.errors import UnderstandingConfigError

# Where each provider's key is read from when the model config has no `api_key` (any one of them).
PROVIDER_KEY_ENV: Mapping[str, tuple[str, ...]] = {
    "openai": ("OPENAI_API_KEY",),
    "azure": ("AZURE_API_KEY",),
    "anthropic": ("ANTHROPIC_API_KEY",),
    "gemini": ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
    "mistral": ("MISTRAL_API_KEY",),
    "groq": ("GROQ_API_KEY",),
    "cohere": ("COHERE_API_KEY",),
    "deepseek": ("DEEPSEEK_API_KEY",),
    "openrouter": ("OPENROUTER_API_KEY",),
    "together_ai": ("TOGETHERAI_API_KEY",),
}
OPENAI_COMPATIBLE = frozenset(
    {
        "openai",
        "openai_like",
        "hosted_vllm",
        "lm_studio",
        "llamafile",
        "ollama",
        "ollama_chat",
        "text-completion-openai",
    }
)
CREDENTIAL_CHAINS = frozenset({"bedrock", "sagemaker", "vertex_ai", "vertex_ai_beta"})


def provider_of(model: ModelConfig) -> str:
    return (model.provider or model.litellm_model.split("/", 1)[0]).lower()


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyCheck:
    """The answer for one model: `key` to send (None: leave it to litellm), or `missing`
    (the variables one of which must be set; empty with `empty_api_key`)."""

    key: str | None = None
    missing: tuple[str, ...] = ()
    empty_api_key: bool = False
    no_key_needed: bool = False

    @property
    def ok(self) -> bool:
        return not self.missing and not self.empty_api_key


def check_key(model: ModelConfig, environ: Mapping[str, str], *, ask_litellm: bool) -> KeyCheck:
    """Rules 1-5 for one model; `ask_litellm=False` skips rule 5 (a call: litellm reports it)."""
    if "api_key" in model.params:
        given = str(model.params["api_key"] or "").strip()
        return KeyCheck(key=given) if given else KeyCheck(empty_api_key=True)
    provider = provider_of(model)
    names = PROVIDER_KEY_ENV.get(provider, ())
    for name in names:
        if value := environ.get(name, "").strip():
            return KeyCheck(key=value)
    if model.api_base and provider in OPENAI_COMPATIBLE:
        return KeyCheck(no_key_needed=True)
    if names:
        return KeyCheck(missing=names)
    if provider in CREDENTIAL_CHAINS or not ask_litellm:
        return KeyCheck()
    return KeyCheck(missing=_missing_per_litellm(model, environ))


def _missing_per_litellm(model: ModelConfig, environ: Mapping[str, str]) -> tuple[str, ...]:
    from calmtui.understanding.llm_process import current

    process = current(start=False)  # a test run asks its LLM process: no import here
    names = process.missing_environment(model) if process is not None else None
    if names is None:
        from calmtui.understanding.llm import missing_environment

        names = missing_environment(model)
    keys = [n for n in names if ("KEY" in n or "TOKEN" in n) and not environ.get(n, "").strip()]
    return tuple(keys)


@dataclass(frozen=True, slots=True, kw_only=True)
class MissingKey:
    """A model of the generator that cannot be called for want of a key."""

    model: ModelConfig
    check: KeyCheck

    def describe(self) -> str:
        where = ""
        if self.model.span is not None:
            where = f" ({self.model.span.path}:{self.model.span.line})"
        name = self.model.litellm_model
        if self.check.empty_api_key:
            return f"the api_key of {name}{where} is empty (its ${{...}} variable is not set)"
        variables = " or ".join(self.check.missing)
        return f"{name}{where} reads its key from {variables}, which is not set"


def missing_keys(models: Sequence[ModelConfig], environ: Mapping[str, str]) -> list[MissingKey]:
    """The models among `models` that have no key (start-up: rule 5 asks litellm)."""
    found: list[MissingKey] = []
    for model in models:
        check = check_key(model, environ, ask_litellm=True)
        if not check.ok:
            found.append(MissingKey(model=model, check=check))
    return found


class MissingKeyError(UnderstandingConfigError):
    """An LLM mode was asked for and no model of the generator has the key it needs."""
