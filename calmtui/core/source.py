"""YAML loading that remembers where every element came from.

Project files are user input, so this module is the one place that turns text into data:
- PyYAML's C composer when present (about 2x faster), the pure one otherwise;
- YAML 1.2 scalars: only true/false are booleans, `yes`/`no`/`on`/`off`, `1:20` and dates
  stay strings (Rasa reads its files the same way);
- duplicate keys are an error (PyYAML silently keeps the last one);
- mappings and sequences come back as `YMap`/`YSeq`, which carry the `Span` of the container and
  of every key and value, so any later check can point at the exact line and column;
- nothing raises: syntax errors, binary junk, recursive aliases and absurd nesting become
  `CT1xx` diagnostics; files nested too deeply or too large once their aliases are expanded are
  refused before they are composed (`yaml_bounds.py`), whoever reads them.

Lines and columns are converted from PyYAML's 0-based marks to 1-based here and nowhere else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from calmtui.core.diagnostics import Diagnostic, Span
from calmtui.core.yaml_bounds import MAX_DEPTH, shape_problem, too_deep

_BaseLoader: type[yaml.SafeLoader] = (
    yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader  # type: ignore[assignment]
)

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

_INT_RE = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_NULL_RE = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")

YAML_SUFFIXES = (".yml", ".yaml")
MAX_ALIASES = 2000


_PLAIN = "!calmtui/plain"
_SPECIAL_FIRST = frozenset("-+0123456789.~nNtTfF<")


class _Yaml12Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that leaves plain scalars unresolved; `_resolve_plain` applies YAML 1.2.

    PyYAML's resolver walks regex lists in Python for every scalar; tagging plain scalars and
    resolving them in the builder (most are names, decided by their first character) is faster.
    """

    def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool]) -> str:  # type: ignore[override]
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP


def _resolve_plain(text: str) -> Any:
    if not text:
        return None
    if text[0] not in _SPECIAL_FIRST:
        return text
    if _NULL_RE.match(text):
        return None
    if _BOOL_RE.match(text):
        return text.lower() == "true"
    if _INT_RE.match(text):
        return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
    if _FLOAT_RE.match(text):
        return float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))
    return text


class YMap(dict[str, Any]):
    """A mapping read from YAML: a dict that also knows where it and its entries are.

    Positions are kept as the composed nodes and turned into `Span`s only when asked for:
    most of them are never needed, and building them eagerly cost a third of the load time.
    """

    __slots__ = ("_key_nodes", "_node", "_path", "_span", "_value_nodes")

    def __init__(
        self, span: Span | None = None, *, path: str = "", node: Node | None = None
    ) -> None:
        super().__init__()
        self._span = span
        self._path = path
        self._node = node
        self._key_nodes: dict[str, Node | Span] = {}
        self._value_nodes: dict[str, Node | Span] = {}

    @property
    def span(self) -> Span:
        if self._span is None:
            self._span = (
                span_of_node(self._path, self._node)
                if self._node is not None
                else Span(self._path, 1, 1)
            )
        return self._span

    def key_span(self, key: str) -> Span:
        return self._resolve(self._key_nodes.get(key))

    def value_span(self, key: str) -> Span:
        return self._resolve(self._value_nodes.get(key))

    def set_position(self, key: str, key_at: Node | Span, value_at: Node | Span) -> None:
        self._key_nodes[key] = key_at
        self._value_nodes[key] = value_at

    def copy_positions(self, other: YMap) -> None:
        self._key_nodes = other._key_nodes
        self._value_nodes = other._value_nodes

    def has_position(self, key: str) -> bool:
        return key in self._key_nodes

    def _resolve(self, where: Node | Span | None) -> Span:
        if where is None:
            return self.span
        if isinstance(where, Span):
            return where
        return span_of_node(self._path, where)


class YSeq(list[Any]):
    """A sequence read from YAML, with the span of the sequence and of each item (lazily)."""

    __slots__ = ("_item_nodes", "_node", "_path", "_span")

    def __init__(
        self, span: Span | None = None, *, path: str = "", node: Node | None = None
    ) -> None:
        super().__init__()
        self._span = span
        self._path = path
        self._node = node
        self._item_nodes: list[Node | Span] = []

    @property
    def span(self) -> Span:
        if self._span is None:
            self._span = (
                span_of_node(self._path, self._node)
                if self._node is not None
                else Span(self._path, 1, 1)
            )
        return self._span

    def item_span(self, index: int) -> Span:
        if 0 <= index < len(self._item_nodes):
            where = self._item_nodes[index]
            return where if isinstance(where, Span) else span_of_node(self._path, where)
        return self.span

    def add(self, value: Any, at: Node | Span) -> None:
        self.append(value)
        self._item_nodes.append(at)

    def copy_positions(self, other: YSeq) -> None:
        self._item_nodes = other._item_nodes


@dataclass(frozen=True, slots=True)
class YamlFile:
    """The outcome of reading one YAML file: its data (None when empty or broken) and problems."""

    path: str
    text: str
    data: Any
    diagnostics: tuple[Diagnostic, ...]

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


def span_of_node(path: str, node: Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(path, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def read_bytes(path: Path, rel: str, *, max_bytes: int) -> tuple[bytes | None, Diagnostic | None]:
    """A file's bytes, or the one diagnostic that says why not (too large CT107, unreadable CT108)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            limit = max_bytes // (1024 * 1024)
            return None, Diagnostic.error(
                "CT107",
                f"file is too large to be a project file ({size / 1e6:.1f} MB, limit {limit} MB)",
                Span(rel, 1, 1),
            )
        return path.read_bytes(), None
    except OSError as exc:
        return None, Diagnostic.error(
            "CT108", f"cannot read {rel!r}: {exc.strerror or exc}", Span(rel, 1, 1)
        )


def yaml_files_under(path: Path, *, skip_names: Collection[str] = ()) -> list[Path]:
    """`path` itself if it is a file, else every YAML file below it, sorted; hidden folders and
    files (`.calmtui/`, `.git/`) and names in `skip_names` are left out.

    Symlinked directories are followed like symlinked files (a `data/` assembled from links
    reads every flow in it), each real directory and file once: a link loop, or two links to the
    same place, cannot read a file twice or walk for ever."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        return []
    found: list[Path] = []
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(path, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen_dirs:
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            candidate = Path(dirpath) / name
            if (
                candidate.suffix in YAML_SUFFIXES
                and not name.startswith(".")
                and name not in skip_names
                and candidate.is_file()
            ):
                real_file = os.path.realpath(candidate)
                if real_file not in seen_files:
                    seen_files.add(real_file)
                    found.append(candidate)
    return sorted(found)


def decode_source(raw: bytes, path: str) -> tuple[str | None, Diagnostic | None]:
    """Bytes to text; binary or non-UTF-8 content is one clear diagnostic, not a traceback."""
    if b"\x00" in raw[:8192]:
        return None, Diagnostic.error(
            "CT103", f"{path!r} looks like a binary file, not YAML text", Span(path, 1, 1)
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, Diagnostic.error(
            "CT103",
            f"file is not valid UTF-8 text (byte {exc.start})",
            Span(path, line, 1),
            hint="save the file with UTF-8 encoding",
        )
    return text, None


def parse_yaml(text: str, path: str) -> YamlFile:
    """Parse one YAML document; never raises. Files too deep or too large once their aliases
    are expanded are refused before anything is built (`calmtui.core.yaml_bounds`)."""
    diagnostics: list[Diagnostic] = []
    problem = shape_problem(text, path)
    if problem is not None:
        return YamlFile(path, text, None, (problem,))
    try:
        node = cast("Node | None", yaml.compose(text, Loader=_Yaml12Loader))  # type: ignore[arg-type]
    except yaml.MarkedYAMLError as exc:
        return YamlFile(path, text, None, (_syntax_diagnostic(exc, path, text),))
    except yaml.YAMLError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "invalid YAML"
        return YamlFile(path, text, None, (Diagnostic.error("CT101", message, Span(path, 1, 1)),))
    except RecursionError:
        return YamlFile(path, text, None, (too_deep(path, Span(path, 1, 1)),))
    if node is None:
        return YamlFile(path, text, None, ())
    builder = _Builder(path, diagnostics)
    try:
        data = builder.build(node, 0)
    except RecursionError:
        return YamlFile(path, text, None, (too_deep(path, span_of_node(path, node)),))
    return YamlFile(path, text, data, tuple(diagnostics))


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, path: str, text: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    span = Span(path, mark.line + 1, mark.column + 1) if mark else Span(path, 1, 1)
    related: tuple[Span, ...] = ()
    if exc.context_mark is not None and exc.problem_mark is not None and exc.context:
        cm = exc.context_mark
        related = (Span(path, cm.line + 1, cm.column + 1),)
    hint = None
    lines = text.splitlines()
    bad_line = lines[mark.line] if mark and mark.line < len(lines) else ""
    if "\t" in bad_line[: (mark.column + 1) if mark else 0] or "'\\t'" in problem:
        hint = "YAML does not allow tabs for indentation; use spaces"
    elif "mapping values are not allowed" in problem:
        hint = "a value containing ': ' must be quoted"
    elif "could not find expected ':'" in problem:
        hint = "check the indentation of this block and that every key ends with ':'"
    message = f"YAML syntax error: {problem}"
    if exc.context and exc.context != problem:
        message += f" ({exc.context})"
    return Diagnostic.error("CT101", message, span, hint=hint, related=related)


class _Builder:
    """Builds YMap/YSeq/scalars from composed nodes, with memoised aliases and cycle checks."""

    def __init__(self, path: str, diagnostics: list[Diagnostic]) -> None:
        self.path = path
        self.diagnostics = diagnostics
        self.done: dict[int, Any] = {}
        self.in_progress: set[int] = set()
        self.alias_uses = 0

    def build(self, node: Node, depth: int) -> Any:
        key = id(node)
        if key in self.done:
            self.alias_uses += 1
            if self.alias_uses == MAX_ALIASES:
                self.diagnostics.append(
                    Diagnostic.error(
                        "CT104",
                        f"more than {MAX_ALIASES} alias uses in one file",
                        span_of_node(self.path, node),
                    )
                )
            return self.done[key] if self.alias_uses < MAX_ALIASES else None
        if key in self.in_progress:
            self.diagnostics.append(
                Diagnostic.error(
                    "CT104",
                    "recursive YAML alias (a node contains itself)",
                    span_of_node(self.path, node),
                )
            )
            return None
        if depth > MAX_DEPTH:
            raise RecursionError
        if isinstance(node, ScalarNode):
            value = self.scalar(node)
        elif isinstance(node, SequenceNode):
            self.in_progress.add(key)
            value = self.sequence(node, depth)
            self.in_progress.discard(key)
        else:
            assert isinstance(node, MappingNode)
            self.in_progress.add(key)
            value = self.mapping(node, depth)
            self.in_progress.discard(key)
        self.done[key] = value
        return value

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        if tag == _PLAIN:
            return _resolve_plain(text)
        if tag == _STR:
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() == "true"
        if tag == _INT:
            return int(text, 0) if text[:2] in ("0o", "0x") else int(text)
        if tag == _FLOAT:
            return float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf"))
        if tag == _MERGE:
            return text
        self.diagnostics.append(
            Diagnostic.warning(
                "CT105",
                f"unsupported YAML tag {tag!r}; the value is read as text",
                span_of_node(self.path, node),
            )
        )
        return text

    def sequence(self, node: SequenceNode, depth: int) -> YSeq:
        seq = YSeq(path=self.path, node=node)
        for item in node.value:
            seq.add(self.build(item, depth + 1), item)
        return seq

    def mapping(self, node: MappingNode, depth: int) -> YMap:
        result = YMap(path=self.path, node=node)
        merged: set[str] = set()
        for key_node, value_node in node.value:
            if (
                isinstance(key_node, ScalarNode)
                and key_node.value == "<<"
                and key_node.tag in (_PLAIN, _MERGE)
            ):
                merged |= self.merge(result, value_node, depth)
                continue
            if not isinstance(key_node, ScalarNode):
                self.diagnostics.append(
                    Diagnostic.error(
                        "CT106",
                        "mapping keys must be plain names, not lists or mappings",
                        span_of_node(self.path, key_node),
                    )
                )
                continue
            key = key_node.value
            if result.has_position(key) and key not in merged:
                self.diagnostics.append(
                    Diagnostic.error(
                        "CT102",
                        f"duplicate key {key!r} in this mapping",
                        span_of_node(self.path, key_node),
                        hint="YAML keeps only one of them; merge or rename the entries",
                        related=(result.key_span(key),),
                    )
                )
                continue
            merged.discard(key)
            result[key] = self.build(value_node, depth + 1)
            result.set_position(key, key_node, value_node)
        return result

    def merge(self, result: YMap, value_node: Node, depth: int) -> set[str]:
        """YAML merge keys (`<<: *defaults`): explicit keys win over merged ones."""
        added: set[str] = set()
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        for source in sources:
            merged = self.build(source, depth + 1)
            if not isinstance(merged, YMap):
                self.diagnostics.append(
                    Diagnostic.error(
                        "CT106", "'<<' must merge a mapping", span_of_node(self.path, source)
                    )
                )
                continue
            for key, value in merged.items():
                if key not in result:
                    result[key] = value
                    result.set_position(key, merged.key_span(key), merged.value_span(key))
                    added.add(key)
        return added
