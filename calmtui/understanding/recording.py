"""Record and replay LLM calls, so LLM-backed tests run in CI deterministically and for free.

A recording is one YAML file in `<project>/.calmtui/recordings/`, named after its key: the
sha256 of the model, the messages and the parameters that shape the answer (secrets and
connection settings such as `api_key`, `api_base` and `timeout` are left out, so a key or a local
server's port never changes a key). Files are sorted-key YAML with the prompt as a literal
block, so `git diff` shows what changed in a prompt; they hold no secrets. Writes are atomic
(temporary file + rename), so concurrent test runs never leave half a file.

`RecordingClient` wraps a real client and writes every answer; `ReplayClient` answers from the
files and raises `ReplayMissError` for a prompt it has never seen, naming the turn and showing a
unified diff against the most similar recording.
"""

from __future__ import annotations

import base64
import contextlib
import difflib
import hashlib
import json
import os
import struct
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, cast

import yaml

from calmtui.core.yaml_bounds import shape_problem
from calmtui.understanding.client import (
    Completion,
    CompletionClient,
    CompletionRequest,
    EmbeddingClient,
    EmbeddingRequest,
    Embeddings,
)
from calmtui.understanding.errors import LLMProviderError, ReplayMissError
from calmtui.understanding.redaction import public_params, redact, secret_values

RECORDINGS_DIR = Path(".calmtui") / "recordings"
HEADER = (
    "# An LLM answer recorded by calmtui (--understanding record), replayed by\n"
    "# --understanding replay. The file name is the key: sha256(model, messages, parameters).\n"
)
DIFF_LINES = 40
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def recording_key(
    model: str, messages: Sequence[Mapping[str, str]], params: Mapping[str, Any]
) -> str:
    payload = {
        "model": model,
        "messages": [dict(m) for m in messages],
        "params": public_params(params),
    }
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embedding_key(model: str, texts: Sequence[str], params: Mapping[str, Any]) -> str:
    payload = {
        "kind": "embeddings",
        "model": model,
        "texts": list(texts),
        "params": public_params(params),
    }
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pack_vector(vector: Sequence[float]) -> str:
    """A vector as base64 of little-endian float32: a 1,536-d vector is 8 KB of text, not 30."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


def unpack_vector(text: str) -> tuple[float, ...]:
    data = base64.b64decode(text.encode("ascii"), validate=True)
    return struct.unpack(f"<{len(data) // 4}f", data)


@dataclass(frozen=True, slots=True, kw_only=True)
class Recording:
    key: str
    model: str
    messages: tuple[Mapping[str, str], ...]
    params: Mapping[str, Any]
    reply: str
    turn: int = 0
    user_message: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cost: float | None = None
    path: Path | None = None

    @property
    def prompt(self) -> str:
        return "\n\n".join(m.get("content", "") for m in self.messages)

    def to_data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "model": self.model,
            "params": dict(self.params),
            "turn": self.turn,
            "user_message": self.user_message,
            "messages": [dict(m) for m in self.messages],
            "reply": self.reply,
            "usage": {
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
            },
            "cost": self.cost,
        }


class RecordingStore:
    def __init__(self, directory: Path, *, project_root: Path | None = None) -> None:
        self.directory = directory
        self.project_root = project_root
        self._parsed: dict[Path, tuple[float, Recording | None]] = {}

    def path_for(self, key: str) -> Path:
        return self.directory / f"{key[:16]}.yml"

    def embeddings_path_for(self, key: str) -> Path:
        return self.directory / f"emb-{key[:16]}.yml"

    def save_embeddings(
        self, key: str, request: EmbeddingRequest, result: Embeddings, secrets: Sequence[str] = ()
    ) -> Path:
        data = {
            "key": key,
            "kind": "embeddings",
            "model": request.model_name,
            "params": public_params(request.params),
            "turn": request.turn,
            "texts": list(request.texts),
            "vectors": [pack_vector(v) for v in result.vectors],
        }
        return self._write(self.embeddings_path_for(key), _redacted(data, secrets))

    def load_embeddings(self, key: str) -> tuple[tuple[float, ...], ...] | None:
        path = self.embeddings_path_for(key)
        try:
            data: Any = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
            document = cast(dict[str, Any], data) if isinstance(data, dict) else {}
            if document.get("key") != key:
                return None
            raw = cast(list[Any], document["vectors"])
            return tuple(unpack_vector(str(v)) for v in raw)
        except (
            OSError,
            UnicodeDecodeError,
            yaml.YAMLError,
            KeyError,
            TypeError,
            ValueError,
            struct.error,
        ):
            return None

    def shown(self, path: Path) -> str:
        """A path as the user should see it: relative to the project when possible."""
        if self.project_root is not None:
            try:
                return path.relative_to(self.project_root).as_posix()
            except ValueError:
                pass
        return str(path)

    def load(self, key: str) -> Recording | None:
        recording = self._read(self.path_for(key))
        return recording if recording is not None and recording.key == key else None

    def save(self, recording: Recording, secrets: Sequence[str] = ()) -> Path:
        """Write atomically; any secret that slipped into the text is masked first."""
        return self._write(self.path_for(recording.key), _redacted(recording.to_data(), secrets))

    def _write(self, path: Path, data: Any) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        text = HEADER + yaml.dump(
            data, Dumper=_LiteralDumper, sort_keys=True, allow_unicode=True, width=100
        )
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".yml")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        return path

    def all(self) -> list[Recording]:
        if not self.directory.is_dir():
            return []
        paths = sorted(p for p in self.directory.glob("*.yml") if not p.name.startswith("emb-"))
        found = (self._read(p) for p in paths)
        return [r for r in found if r is not None]

    def nearest(self, prompt: str, model: str) -> tuple[Recording, float] | None:
        """The recording whose prompt is most similar (same model preferred)."""
        best: tuple[Recording, float] | None = None
        for recording in self.all():
            matcher = difflib.SequenceMatcher(None, recording.prompt, prompt, autojunk=False)
            if best is not None and matcher.quick_ratio() <= best[1]:
                continue
            ratio = matcher.ratio() + (0.01 if recording.model == model else 0.0)
            if best is None or ratio > best[1]:
                best = (recording, ratio)
        return best

    def _read(self, path: Path) -> Recording | None:
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return None
        cached = self._parsed.get(path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        recording = _parse(path)
        self._parsed[path] = (mtime, recording)
        return recording


def _parse(path: Path) -> Recording | None:
    """A recording file, or None when it is not one (a broken file is a miss, not a crash; so
    is one nested too deeply or too large once its aliases are expanded)."""
    try:
        text = path.read_text(encoding="utf-8")
        if shape_problem(text, path.name) is not None:
            return None
        data: Any = yaml.load(text, Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict):
        return None
    raw = cast(dict[str, Any], data)
    messages_raw: Any = raw.get("messages")
    if not isinstance(raw.get("key"), str) or not isinstance(messages_raw, list):
        return None
    messages = tuple(
        {str(k): str(v) for k, v in cast(dict[Any, Any], m).items()}
        for m in cast(list[Any], messages_raw)
        if isinstance(m, dict)
    )
    usage = cast(dict[str, Any], raw["usage"]) if isinstance(raw.get("usage"), dict) else {}
    params = raw.get("params")
    return Recording(
        key=raw["key"],
        model=str(raw.get("model", "")),
        messages=messages,
        params=cast(dict[str, Any], params) if isinstance(params, dict) else {},
        reply=str(raw.get("reply") or ""),
        turn=int(raw.get("turn") or 0),
        user_message=str(raw.get("user_message") or ""),
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        cost=raw.get("cost") if isinstance(raw.get("cost"), int | float) else None,
        path=path,
    )


def _redacted(data: Any, secrets: Sequence[str]) -> Any:
    if isinstance(data, str):
        return redact(data, secrets)
    if isinstance(data, dict):
        return {k: _redacted(v, secrets) for k, v in cast(dict[str, Any], data).items()}
    if isinstance(data, list):
        return [_redacted(v, secrets) for v in cast(list[Any], data)]
    return data


class _LiteralDumper(_Dumper):
    """Multi-line strings as `|` blocks: prompts stay readable and diff line by line."""


def _represent_str(dumper: Any, value: str) -> Any:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _represent_str)


class RecordingClient:
    """Calls the real client and records every answer."""

    def __init__(self, inner: CompletionClient, store: RecordingStore) -> None:
        self.inner = inner
        self.store = store

    async def complete(self, request: CompletionRequest) -> Completion:
        completion = await self.inner.complete(request)
        key = recording_key(request.model_name, request.messages, request.params)
        recording = Recording(
            key=key,
            model=request.model_name,
            messages=request.messages,
            params=public_params(request.params),
            reply=completion.text,
            turn=request.turn,
            user_message=request.user_message,
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            cost=completion.cost,
        )
        path = self.store.save(recording, secret_values(request.params))
        return replace(completion, source="provider", recording=self.store.shown(path))

    async def embed(self, request: EmbeddingRequest) -> Embeddings:
        result = await _embedder(self.inner).embed(request)
        key = embedding_key(request.model_name, request.texts, request.params)
        path = self.store.save_embeddings(key, request, result, secret_values(request.params))
        return Embeddings(
            vectors=result.vectors,
            model=result.model,
            prompt_tokens=result.prompt_tokens,
            cost=result.cost,
            latency_ms=result.latency_ms,
            source="provider",
            recording=self.store.shown(path),
        )


def _embedder(client: object) -> EmbeddingClient:
    embed = getattr(client, "embed", None)
    if not callable(embed):
        raise LLMProviderError(
            "this LLM client cannot compute embeddings",
            next_step="use --understanding llm or record with a litellm client",
        )
    return cast(EmbeddingClient, client)


class ReplayClient:
    """Answers from recordings only: no network, no key, no cost."""

    def __init__(self, store: RecordingStore) -> None:
        self.store = store

    async def embed(self, request: EmbeddingRequest) -> Embeddings:
        key = embedding_key(request.model_name, request.texts, request.params)
        vectors = self.store.load_embeddings(key)
        if vectors is None or len(vectors) != len(request.texts):
            shown = ", ".join(repr(t[:40]) for t in request.texts[:3])
            raise ReplayMissError(
                f"no recorded embeddings of {request.model_name} for {len(request.texts)} "
                f"text(s) ({shown}{', ...' if len(request.texts) > 3 else ''}; key {key[:16]})",
                model=request.model_name,
                next_step="re-run with --understanding record to record the new embeddings",
            )
        path = self.store.embeddings_path_for(key)
        return Embeddings(
            vectors=vectors,
            model=request.model_name,
            latency_ms=0.0,
            source="recording",
            recording=self.store.shown(path),
        )

    async def complete(self, request: CompletionRequest) -> Completion:
        key = recording_key(request.model_name, request.messages, request.params)
        recording = self.store.load(key)
        if recording is None:
            raise _miss(request, key, self.store)
        return Completion(
            text=recording.reply,
            model=request.model_name,
            prompt_tokens=recording.prompt_tokens,
            completion_tokens=recording.completion_tokens,
            cost=recording.cost,
            latency_ms=0.0,
            source="recording",
            recording=self.store.shown(recording.path) if recording.path else None,
        )


def _miss(request: CompletionRequest, key: str, store: RecordingStore) -> ReplayMissError:
    turn = f"turn {request.turn + 1} ({request.user_message!r})"
    head = f"no recording for the prompt of {turn} (key {key[:16]})"
    nearest = store.nearest(request.prompt, request.model_name)
    if nearest is None:
        where = store.shown(store.directory)
        detail = f"{head}; {where} has no recordings"
    else:
        recording, _ = nearest
        shown = store.shown(recording.path) if recording.path else "?"
        diff = difflib.unified_diff(
            recording.prompt.splitlines(),
            request.prompt.splitlines(),
            fromfile=f"recorded ({shown}, turn {recording.turn + 1} {recording.user_message!r})",
            tofile=f"now ({turn})",
            lineterm="",
            n=1,
        )
        lines = list(diff)
        if len(lines) > DIFF_LINES:
            lines = [*lines[:DIFF_LINES], f"... ({len(lines) - DIFF_LINES} more diff lines)"]
        if recording.model != request.model_name:
            lines.insert(0, f"model: recorded {recording.model}, now {request.model_name}")
        if dict(recording.params) != public_params(request.params):
            lines.insert(
                0,
                f"parameters: recorded {dict(recording.params)}, now {public_params(request.params)}",
            )
        detail = f"{head}; the nearest recording differs:\n" + "\n".join(
            lines or ["(only the parameters differ)"]
        )
    return ReplayMissError(
        detail,
        model=request.model_name,
        next_step="re-run with --understanding record to record the new prompts",
    )
