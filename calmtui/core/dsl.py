"""The command DSL: the text an LLM answers with, and what e2e tests may write under `commands:`.

Rasa's command generators answer in a small line-based language (FORMATS.md d.4). This module
turns such an answer into `Command` values and back. The syntax version is a value passed in
(STYLE.md 3.3), never a global setting like Rasa's `CommandSyntaxManager`.

Spellings (`to_dsl` writes the column of the chosen version; `parse_dsl` reads all of them):

| command              | v1 (legacy)                 | v2 (default)                  | v3                       |
|----------------------|-----------------------------|-------------------------------|--------------------------|
| StartFlow            | `StartFlow(id)`             | `start flow id`               | same as v2               |
| SetSlot              | `SetSlot(name, value)`      | `set slot name value`         | same as v2               |
| CorrectSlots (*)     | `CorrectSlots(a=1, b=x)`    | `correct slots a=1, b=x`      | same as v2               |
| CancelFlow           | `CancelFlow()`              | `cancel flow`                 | same as v2               |
| Clarify              | `Clarify(a, b)`             | `disambiguate flows a b`      | same as v2               |
| ChitChat             | `ChitChat()`                | `offtopic reply`              | `offtopic reply` (**)    |
| KnowledgeAnswer      | `SearchAndReply()`          | `provide info`                | `search and reply`       |
| RepeatBotMessages    | `RepeatLastBotMessages()`   | `repeat message`              | same as v2               |
| SkipQuestion         | `SkipQuestion()`            | `skip question`               | same as v2               |
| HumanHandoff         | `HumanHandoff()`            | `hand over`                   | same as v2               |
| CannotHandle         | `CannotHandle()`            | `cannot handle`               | same as v2               |
| CannotHandle(r) (*)  | `CannotHandle(r)`           | `cannot handle r`             | same as v2               |
| ChangeFlow           | `ChangeFlow()`              | `change`                      | same as v2               |
| Error (*)            | `Error(type)`               | `error type`                  | same as v2               |
| Restart (*)          | `Restart()`                 | `restart`                     | same as v2               |
| SessionStart (*)     | `SessionStart()`            | `session start`               | same as v2               |
| SessionEnd (*)       | `SessionEnd()`              | `session end`                 | same as v2               |
| HandleCodeChange (*) | `HandleCodeChange()`        | `handle code change`          | same as v2               |
| Noop (*)             | `Noop()`                    | `noop`                        | same as v2               |

(*) calmtui extensions, so that every command has a text form (e2e `commands:`, the inspector,
recorded traces). Rasa's parser would ignore these lines. (**) v3 has no chit-chat command; the
v2 spelling is written so that the command still round-trips. Also read: `human handoff`,
`correct slot`, `disambiguate flow`, `KnowledgeAnswer()`, `ChitChatAnswer()`,
`RepeatBotMessages()`; every keyword is case-insensitive, ids and values keep their case.

Parsing (tolerant like Rasa's parser; the version argument only picks the example in hints,
because no spelling of one version means something else in another):
* The answer is split on `\\r\\n`, `\\r` and `\\n` only (a U+2028 inside a value is not a line
  break). Blank lines and code-fence lines (```` ``` ````, ```` ```text ````) are skipped.
* Each stripped line yields at most one command; the first matching rule wins, in this order:
  start flow, set slot, correct slots, disambiguate flows, `cannot handle <reason>`,
  `error <type>`, v1 calls with arguments, then the whole-line keyword commands. Every rule is a
  regex anchored after `^[\\s\\W\\d]*` (bullets, numbering, quotes, backticks are skipped).
* A line that matches nothing becomes a CT400 info diagnostic quoting the raw line; parsing never
  raises.
* Flow ids are `[a-zA-Z0-9_-]+`, optionally quoted. `start flow <id>` takes the id token and
  ignores the rest of the line, as Rasa does: `start flow admin_delete_all; rm -rf /` yields
  `StartFlow("admin_delete_all")`. That is safe because an id is only ever looked up among the
  project's flows; unknown ones are dropped (with a `CommandIgnored`) by the engine.
* `disambiguate flows` options are split on spaces and commas, stripped of quotes and
  punctuation; tokens that are not flow ids are dropped. The order (and any duplicate) is kept as
  written: Rasa sorts the options, calmtui keeps the LLM's order, which is what the user sees.
* A SetSlot value is the rest of the line. Wrapped in matching quotes (`"`, `'`, `` ` ``) it is
  taken verbatim (no escapes). Otherwise a leading quote is dropped and trailing non-word
  characters are stripped except a closing `]` or `)` (`50.` -> `50`, `[a, b]` stays); then
  `""`, `None`, `null`, `undefined`, `[missing]`, `[missing information]` (any case) become
  None. A quoted `"None"` stays the string, so every string round-trips; the engine applies the
  same None mapping when it sets the slot (FORMATS.md d.2), so the meaning is the same.
* Values are always parsed as strings (or None): slot coercion happens once, later, in
  `Slot.coerce()`. `to_dsl` writes non-strings with `str()` (`True`, `42`, `['a', 'b']`).
* `CorrectSlots` values are bare (up to the next comma) or JSON strings (`"a, \\"b\\""`);
  `'...'` and `` `...` `` are read verbatim. `to_dsl` writes JSON strings when a value needs
  quoting, because a correction holds several values on one line.
* The extractor of a SetSlot/CorrectedSlot is not part of the text: parsed slots get "LLM".
  `Error.info` is not part of the text either and is dropped.
* Line breaks inside a SetSlot value, a reason or an error type cannot be written on one line;
  `to_dsl` turns them into spaces (the only lossy case besides extractors and `Error.info`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, Literal

from calmtui.core.commands import (
    CANNOT_HANDLE_DEFAULT,
    ERROR_DEFAULT,
    CancelFlow,
    CannotHandle,
    ChangeFlow,
    ChitChat,
    Clarify,
    Command,
    CorrectedSlot,
    CorrectSlots,
    Error,
    HandleCodeChange,
    HumanHandoff,
    KnowledgeAnswer,
    Noop,
    RepeatBotMessages,
    Restart,
    SessionEnd,
    SessionStart,
    SetSlot,
    SkipQuestion,
    StartFlow,
)
from calmtui.core.diagnostics import Diagnostic
from calmtui.core.model.slots import NO_VALUE_TEXTS

DslVersion = Literal["v1", "v2", "v3"]

# CT4xx: commands and LLM output (codes.py).
UNPARSED_LINE = "CT400"

_VERSION_INDEX: dict[str, int] = {"v1": 0, "v2": 1, "v3": 2}
_QUOTES = "\"'`"
_OPTION_STRIP = "'\"`.,;:!?()[]{}<>"

# --- building blocks of the line rules -------------------------------------------------------
_PREFIX = r"^[\s\W\d]*+"
_Q = r"['\"`]?"
_FLOW_ID = r"[a-zA-Z0-9_-]++"
_SLOT = r"[a-zA-Z_][a-zA-Z0-9_-]*+"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_FENCE = re.compile(r"(?:`{3,}|~{3,})[\w+.-]*")
_FLOW_ID_RE = re.compile(r"[a-zA-Z0-9_-]+")
_OPTION_SPLIT = re.compile(r"[\s,]+")

_START_FLOW = re.compile(
    _PREFIX + r"(?:(?i:start\s++flow)\s++|(?i:startflow)\s*+\(\s*+)" + _Q + f"(?P<flow>{_FLOW_ID})"
)
_SET_SLOT = re.compile(
    _PREFIX + r"(?i:set\s++slot)\s++" + _Q + f"(?P<name>{_SLOT})" + _Q + r"\s++(?P<value>.+)$"
)
_CORRECT_SLOTS = re.compile(_PREFIX + r"(?i:correct\s++slots?)\b(?P<rest>.*)$")
_DISAMBIGUATE = re.compile(_PREFIX + r"(?i:disambiguate\s++flows?)\b(?P<rest>.*)$")
_CANNOT_HANDLE = re.compile(_PREFIX + r"(?i:cannot\s++handle)\s++(?P<rest>.+)$")
_ERROR = re.compile(_PREFIX + r"(?i:error)\s++(?P<rest>.+)$")
_V1_CALL = re.compile(_PREFIX + r"(?P<name>[a-zA-Z]++)\s*+\((?P<rest>.*)$")
_KEYWORD_LINE = re.compile(_PREFIX + r"(?P<phrase>[a-zA-Z]++(?:\s++[a-zA-Z]++)*+)\W*+$")

_V1_SET_SLOT_ARGS = re.compile(r"\s*+" + _Q + f"(?P<name>{_SLOT})" + _Q + r"\s*+,(?P<value>.*)$")
_PAIR_HEAD = re.compile(r"[\s,:;]*+" + _Q + f"(?P<name>{_SLOT})" + _Q + r"\s*+=\s*+")
_PAIR_SEPARATOR = re.compile(r"\s*+,")
_JSON = json.JSONDecoder()

# Commands without arguments and their (v1, v2, v3) spellings.
_KEYWORD_COMMANDS: tuple[tuple[Callable[[], Command], str, str, str], ...] = (
    (CancelFlow, "CancelFlow()", "cancel flow", "cancel flow"),
    (ChitChat, "ChitChat()", "offtopic reply", "offtopic reply"),
    (KnowledgeAnswer, "SearchAndReply()", "provide info", "search and reply"),
    (RepeatBotMessages, "RepeatLastBotMessages()", "repeat message", "repeat message"),
    (SkipQuestion, "SkipQuestion()", "skip question", "skip question"),
    (HumanHandoff, "HumanHandoff()", "hand over", "hand over"),
    (ChangeFlow, "ChangeFlow()", "change", "change"),
    (Restart, "Restart()", "restart", "restart"),
    (SessionStart, "SessionStart()", "session start", "session start"),
    (SessionEnd, "SessionEnd()", "session end", "session end"),
    (HandleCodeChange, "HandleCodeChange()", "handle code change", "handle code change"),
    (Noop, "Noop()", "noop", "noop"),
)

# What `to_dsl` writes, by command kind.
_KEYWORD_SPELLINGS: dict[str, tuple[str, str, str]] = {
    factory().kind: (v1, v2, v3) for factory, v1, v2, v3 in _KEYWORD_COMMANDS
}

# Whole-line phrases `parse_dsl` reads (lower case, single spaces, v1 names without `()`).
_KEYWORDS: dict[str, Callable[[], Command]] = {
    **{
        phrase: factory
        for factory, v1, v2, v3 in _KEYWORD_COMMANDS
        for phrase in (v1.removesuffix("()").lower(), v2, v3)
    },
    "human handoff": HumanHandoff,
    "knowledgeanswer": KnowledgeAnswer,
    "chitchatanswer": ChitChat,
    "repeatbotmessages": RepeatBotMessages,
    "cannot handle": CannotHandle,
    "cannothandle": CannotHandle,
    "error": Error,
}

_HINT_EXAMPLES: dict[str, str] = {
    "v1": "'StartFlow(<flow_id>)' or 'SetSlot(<slot>, <value>)'",
    "v2": "'start flow <flow_id>' or 'set slot <slot> <value>'",
    "v3": "'start flow <flow_id>' or 'set slot <slot> <value>'",
}


# --- printing ----------------------------------------------------------------------------------
def to_dsl(command: Command, version: DslVersion = "v2") -> str:
    """One command as one line of `version`'s DSL; `parse_dsl` reads it back to an equal command."""
    v1 = version == "v1"
    match command:
        case StartFlow(flow=flow):
            return f"StartFlow({flow})" if v1 else f"start flow {flow}"
        case SetSlot(name=name, value=value):
            text = _format_slot_value(value)
            return f"SetSlot({name}, {text})" if v1 else f"set slot {name} {text}"
        case CorrectSlots(slots=slots):
            pairs = ", ".join(f"{s.name}={_format_pair_value(s.value)}" for s in slots)
            return f"CorrectSlots({pairs})" if v1 else f"correct slots {pairs}".rstrip()
        case Clarify(options=options):
            return (
                f"Clarify({', '.join(options)})"
                if v1
                else " ".join(("disambiguate flows", *options))
            )
        case CannotHandle(reason=reason) if reason != CANNOT_HANDLE_DEFAULT:
            text = _format_text(reason)
            return f"CannotHandle({text})" if v1 else f"cannot handle {text}"
        case Error(error_type=error_type):
            text = _format_text(error_type)
            return f"Error({text})" if v1 else f"error {text}"
        case CannotHandle():
            return "CannotHandle()" if v1 else "cannot handle"
        case _:
            return _KEYWORD_SPELLINGS[command.kind][_VERSION_INDEX[version]]


def commands_to_dsl(commands: Iterable[Command], version: DslVersion = "v2") -> str:
    """The commands one per line, in order (the form an LLM answer or an e2e step has)."""
    return "\n".join(to_dsl(command, version) for command in commands)


def _format_slot_value(value: Any) -> str:
    """None as `None`; text quoted when the unquoted form would not read back the same."""
    if value is None:
        return "None"
    text = _one_line(value if isinstance(value, str) else str(value))
    if text in NO_VALUE_TEXTS or _plain(text) != text:
        return _quote(text)
    return text


def _format_text(text: str) -> str:
    """A reason or error type: quoted when empty or when it would not read back the same."""
    text = _one_line(text)
    return _quote(text) if text == "" or _plain(text) != text else text


def _format_pair_value(value: Any) -> str:
    """A correction value: bare when it reads back the same, else a JSON string."""
    if value is None:
        return "None"
    text = value if isinstance(value, str) else str(value)
    if any(c in text for c in ",=\r\n" + _QUOTES) or _bare_value(text) != text:
        return json.dumps(text, ensure_ascii=False)
    return text


def _one_line(text: str) -> str:
    """A line break would end the command; it is the one thing a value cannot hold."""
    return _LINE_BREAK.sub(" ", text)


def _quote(text: str) -> str:
    """Wrap verbatim (the reader takes everything between the first and last character)."""
    quote = "'" if '"' in text and "'" not in text else '"'
    return f"{quote}{text}{quote}"


# --- parsing -------------------------------------------------------------------------------------
def parse_dsl(
    text: str, version: DslVersion | None = None
) -> tuple[list[Command], list[Diagnostic]]:
    """Commands from an LLM answer or an e2e step; unreadable lines become CT400 info diagnostics.

    Every version's spellings are accepted whatever `version` says, as Rasa's parser tolerates
    them; `version` only picks the examples in the hint of a diagnostic.
    """
    commands: list[Command] = []
    diagnostics: list[Diagnostic] = []
    for number, raw in enumerate(_LINE_BREAK.split(text), start=1):
        line = raw.strip()
        if not line or _FENCE.fullmatch(line):
            continue
        command = _parse_line(line)
        if command is None:
            diagnostics.append(_unparsed(raw, number, version))
        else:
            commands.append(command)
    return commands, diagnostics


def _parse_line(line: str) -> Command | None:
    """The command on one (stripped) line, or None: the first rule that matches wins."""
    for rule in _RULES:
        command = rule(line)
        if command is not None:
            return command
    return None


def _unparsed(raw: str, number: int, version: DslVersion | None) -> Diagnostic:
    example = _HINT_EXAMPLES[version or "v2"]
    return Diagnostic.info(
        UNPARSED_LINE,
        f"line {number} of the command text is not a command and was ignored: "
        f"{raw if len(raw) <= 160 else raw[:159] + '…'!r}",
        hint=f"write one command per line, e.g. {example}",
    )


def _start_flow(line: str) -> Command | None:
    match = _START_FLOW.match(line)
    return StartFlow(flow=match["flow"]) if match else None


def _set_slot(line: str) -> Command | None:
    match = _SET_SLOT.match(line)
    return SetSlot(name=match["name"], value=_slot_value(match["value"])) if match else None


def _correct_slots(line: str) -> Command | None:
    match = _CORRECT_SLOTS.match(line)
    return _correct_slots_from(match["rest"]) if match else None


def _disambiguate(line: str) -> Command | None:
    match = _DISAMBIGUATE.match(line)
    return Clarify(options=_options(match["rest"])) if match else None


def _cannot_handle(line: str) -> Command | None:
    match = _CANNOT_HANDLE.match(line)
    return CannotHandle(reason=_text(match["rest"], CANNOT_HANDLE_DEFAULT)) if match else None


def _error(line: str) -> Command | None:
    match = _ERROR.match(line)
    return Error(error_type=_text(match["rest"], ERROR_DEFAULT)) if match else None


def _v1_call(line: str) -> Command | None:
    """`Name(args)` with arguments; the argument list ends at the last `)` of the line."""
    match = _V1_CALL.match(line)
    if match is None:
        return None
    handler = _V1_HANDLERS.get(match["name"].lower())
    rest: str = match["rest"]
    close = rest.rfind(")")
    if handler is None or close < 0 or not _only_punctuation(rest[close + 1 :]):
        return None
    return handler(rest[:close])


def _keyword(line: str) -> Command | None:
    match = _KEYWORD_LINE.match(line)
    if match is None:
        return None
    factory = _KEYWORDS.get(" ".join(match["phrase"].lower().split()))
    return factory() if factory else None


def _v1_set_slot(args: str) -> Command | None:
    match = _V1_SET_SLOT_ARGS.match(args)
    if match is None:
        return None
    return SetSlot(name=match["name"], value=_slot_value(match["value"].strip()))


def _correct_slots_from(text: str) -> Command | None:
    slots = _pairs(text)
    return None if slots is None else CorrectSlots(slots=slots)


_RULES: tuple[Callable[[str], Command | None], ...] = (
    _start_flow,
    _set_slot,
    _correct_slots,
    _disambiguate,
    _cannot_handle,
    _error,
    _v1_call,
    _keyword,
)

_V1_HANDLERS: dict[str, Callable[[str], Command | None]] = {
    "setslot": _v1_set_slot,
    "correctslots": _correct_slots_from,
    "correctslot": _correct_slots_from,
    "clarify": lambda args: Clarify(options=_options(args)),
    "cannothandle": lambda args: CannotHandle(reason=_text(args, CANNOT_HANDLE_DEFAULT)),
    "error": lambda args: Error(error_type=_text(args, ERROR_DEFAULT)),
}


# --- values --------------------------------------------------------------------------------------
def _slot_value(raw: str) -> str | None:
    """Quoted: verbatim. Plain: cleaned up, and the None-like words mean None (FORMATS.md d.2)."""
    if _is_quoted(raw):
        return raw[1:-1]
    value = _plain(raw)
    return None if value in NO_VALUE_TEXTS else value


def _text(raw: str, default: str) -> str:
    """A reason or error type; nothing at all means the default."""
    raw = raw.strip()
    if _is_quoted(raw):
        return raw[1:-1]
    return _plain(raw) or default


def _is_quoted(raw: str) -> bool:
    return len(raw) >= 2 and raw[0] in _QUOTES and raw[-1] == raw[0]


def _plain(raw: str) -> str:
    """Drop leading quotes/spaces and trailing punctuation an LLM adds (`50.` -> `50`).

    A closing `]` or `)` is kept so that lists and parenthesised text survive.
    """
    start = 0
    while start < len(raw) and (raw[start] in _QUOTES or raw[start].isspace()):
        start += 1
    end = len(raw)
    while end > start and not _is_word(raw[end - 1]) and raw[end - 1] not in "])":
        end -= 1
    return raw[start:end]


def _is_word(char: str) -> bool:
    """What the regex `\\w` matches (Unicode letters, digits and `_`)."""
    return char.isalnum() or char == "_"


def _only_punctuation(text: str, start: int = 0) -> bool:
    """No word character from `start` on (checked in place: pair lists can be long)."""
    return not any(_is_word(text[i]) for i in range(start, len(text)))


def _options(text: str) -> tuple[str, ...]:
    """Clarify options in the order written; tokens that are not flow ids are dropped."""
    tokens = (token.strip(_OPTION_STRIP) for token in _OPTION_SPLIT.split(text))
    return tuple(token for token in tokens if _FLOW_ID_RE.fullmatch(token))


def _pairs(text: str) -> tuple[CorrectedSlot, ...] | None:
    """`a=1, b="x, y"` as corrected slots; None when the text is not such a list."""
    slots: list[CorrectedSlot] = []
    pos = 0
    while not _only_punctuation(text, pos):
        head = _PAIR_HEAD.match(text, pos)
        value = None if head is None else _pair_value(text, head.end())
        if head is None or value is None:
            return None
        slots.append(CorrectedSlot(name=head["name"], value=value[0]))
        separator = _PAIR_SEPARATOR.match(text, value[1])
        if separator is None and not _only_punctuation(text, value[1]):
            return None
        pos = separator.end() if separator else len(text)
    return tuple(slots)


def _pair_value(text: str, pos: int) -> tuple[str | None, int] | None:
    """(value, end) of one correction value starting at `pos`, or None if it is malformed."""
    opening = text[pos : pos + 1]
    if opening == '"':
        try:
            value, end = _JSON.raw_decode(text, pos)
        except ValueError:
            pass
        else:
            if isinstance(value, str):
                return value, end
    if opening and opening in _QUOTES:
        close = text.find(opening, pos + 1)
        return None if close < 0 else (text[pos + 1 : close], close + 1)
    end = text.find(",", pos)
    end = len(text) if end < 0 else end
    return _bare_value(text[pos:end]), end


def _bare_value(raw: str) -> str | None:
    value = _plain(raw.strip())
    return None if value in NO_VALUE_TEXTS else value
