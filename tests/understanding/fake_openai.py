"""A scripted OpenAI-compatible chat server on 127.0.0.1 (stdlib only), for the real litellm client.

    server.script(Reply.ok("start flow x"), Reply.status(429), Reply.stall(5))

Each request takes the next scripted reply (or `default` when the script is empty) and is
recorded with its path, headers and JSON body, so tests can check what litellm really sent.
`/v1/completions` (text completions) is answered in that format, everything else as a chat.
`/v1/embeddings` is answered apart from the script: deterministic hashed bag-of-words vectors of
`embedding_dim` dimensions (texts that share words are close), or HTTP 503 while
`embeddings_down` is set.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Kind = Literal["ok", "status", "stall", "garbage", "no_choices"]


@dataclass(frozen=True)
class Reply:
    kind: Kind = "ok"
    content: str = ""
    status: int = 200
    seconds: float = 0.0
    message: str = "scripted failure"

    @classmethod
    def ok(cls, content: str) -> Reply:
        return cls("ok", content)

    @classmethod
    def error(cls, status: int, message: str = "scripted failure") -> Reply:
        return cls("status", status=status, message=message)

    @classmethod
    def stall(cls, seconds: float) -> Reply:
        return cls("stall", seconds=seconds)

    @classmethod
    def garbage(cls) -> Reply:
        return cls("garbage")

    @classmethod
    def no_choices(cls) -> Reply:
        return cls("no_choices")


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    arrived: float = 0.0  # time.monotonic() when the request was read

    @property
    def prompt(self) -> str:
        return "\n".join(str(m.get("content", "")) for m in self.body.get("messages", []))


@dataclass
class FakeOpenAI:
    default: Reply = field(default_factory=lambda: Reply.ok("cannot handle"))
    requests: list[Seen] = field(default_factory=list[Seen])
    _script: deque[Reply] = field(default_factory=deque[Reply])
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _server: ThreadingHTTPServer | None = None
    embedding_dim: int = 64
    embeddings_down: bool = False
    embedded: list[str] = field(default_factory=list[str])
    # Consulted before the script: a reply text for prompts it recognises (e.g. rephrasing),
    # None for the others.
    answer: Callable[[str], str | None] | None = None

    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()
            self.default = Reply.ok("cannot handle")
            self.embedding_dim = 64
            self.embeddings_down = False
            self.embedded.clear()
            self.answer = None

    def start(self) -> None:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/").endswith("embeddings"):
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        fake._embed(self, body)
                    return
                with fake._lock:
                    seen = Seen(
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        time.monotonic(),
                    )
                    fake.requests.append(seen)
                    known = fake.answer(seen.prompt) if fake.answer is not None else None
                    if known is not None:
                        reply = Reply.ok(known)
                    else:
                        reply = fake._script.popleft() if fake._script else fake.default
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    fake._answer(self, reply, body)  # the client may have given up (timeouts)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _embed(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if self.embeddings_down:
            _send(handler, 503, {"error": {"message": "embeddings are down", "type": "scripted"}})
            return
        items = body.get("input") or [""]
        texts = [str(t) for t in (items if isinstance(items, list) else [items])]
        with self._lock:
            self.embedded.extend(texts)
        data = [
            {"object": "embedding", "index": i, "embedding": embed_text(t, self.embedding_dim)}
            for i, t in enumerate(texts)
        ]
        _send(
            handler,
            200,
            {
                "object": "list",
                "data": data,
                "model": body.get("model", "fake"),
                "usage": {"prompt_tokens": len(texts), "total_tokens": len(texts)},
            },
        )

    def _answer(self, handler: BaseHTTPRequestHandler, reply: Reply, body: dict[str, Any]) -> None:
        match reply.kind:
            case "stall":
                self._stop.wait(reply.seconds)
                _send(handler, 200, _completion(body, "cannot handle"))
            case "status":
                _send(
                    handler, reply.status, {"error": {"message": reply.message, "type": "scripted"}}
                )
            case "garbage":
                _send_raw(handler, 200, b"<html>this is not json")
            case "no_choices":
                _send(handler, 200, {**_completion(body, ""), "choices": []})
            case "ok" if handler.path.endswith("/completions") and "/chat/" not in handler.path:
                _send(handler, 200, _text_completion(body, reply.content))
            case "ok":
                _send(handler, 200, _completion(body, reply.content))


def embed_text(text: str, dim: int) -> list[float]:
    """Hashed bag of words, L2-normalised: deterministic, and close for texts sharing words."""
    vector = [0.0] * dim
    for word in re.findall(r"[a-z0-9]+", text.lower()):
        vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % dim] += 1.0
    norm = sum(x * x for x in vector) ** 0.5 or 1.0
    return [x / norm for x in vector]


def _completion(body: dict[str, Any], content: str) -> dict[str, Any]:
    prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content},
            }
        ],
        "usage": {
            "prompt_tokens": len(prompt) // 4,
            "completion_tokens": 5,
            "total_tokens": len(prompt) // 4 + 5,
        },
    }


def _text_completion(body: dict[str, Any], content: str) -> dict[str, Any]:
    """The legacy `/v1/completions` answer (a router with use_chat_completions_endpoint: false)."""
    prompt = str(body.get("prompt", ""))
    return {
        "id": "cmpl-fake",
        "object": "text_completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "finish_reason": "stop", "text": content, "logprobs": None}],
        "usage": {
            "prompt_tokens": len(prompt) // 4,
            "completion_tokens": 5,
            "total_tokens": len(prompt) // 4 + 5,
        },
    }


def _send(handler: BaseHTTPRequestHandler, status: int, data: dict[str, Any]) -> None:
    _send_raw(handler, status, json.dumps(data).encode())


def _send_raw(handler: BaseHTTPRequestHandler, status: int, data: bytes) -> None:
    handler.send_response(status)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
