"""The framing between calmtui and its LLM process (`llm_process`, `llm_worker`): a 4-byte
length, then a pickle. Both ends are calmtui's own code started from the same interpreter, so a
pickle carries requests, completions and model settings as they are (no schema to keep in step).
"""

from __future__ import annotations

import pickle
import struct
from typing import IO, Any

_LENGTH = struct.Struct(">I")


def write_frame(sink: IO[bytes], frame: tuple[Any, ...]) -> None:
    data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    sink.write(_LENGTH.pack(len(data)) + data)
    sink.flush()


def read_frame(source: IO[bytes]) -> tuple[Any, ...] | None:
    """The next frame; None at the end of the stream (the other side is gone)."""
    head = _read_exactly(source, _LENGTH.size)
    if head is None:
        return None
    data = _read_exactly(source, _LENGTH.unpack(head)[0])
    return None if data is None else pickle.loads(data)


def _read_exactly(source: IO[bytes], size: int) -> bytes | None:
    chunks: list[bytes] = []
    while size:
        chunk = source.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)
