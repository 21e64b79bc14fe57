"""From retrieved passages to the text the bot says.

With an LLM: a prompt with the passages, the active slots and the conversation (Rasa's template
variables, so a project's own `prompt_template` renders unchanged), then — as Rasa does — the
relevancy marker `[NO_RAG_ANSWER]` means "no relevant answer" when `check_relevancy` is on, and
citations are renumbered in order of use when `citation_enabled` is on.

Offline: an extractive answer — the sentences of the best passage that share the most words with
the question (at most two, in their original order), followed by the passage's source. The same
documents and question always give the same text, so e2e tests can assert on it.

Document text only ever fills template *variables*: Jinja does not evaluate what a variable
holds, so `{{ ... }}` inside a document is text, and whatever an answer says, it is only said —
it never becomes a command, a slot value or a flow.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calmtui.knowledge.documents import Passage
from calmtui.understanding.text import content_tokens

NOT_RELEVANT = re.compile(r"\[NO_RAG_ANSWER\]")
_CITATION = re.compile(r"\[([0-9][0-9,\s]*)\]")
_SOURCE_LINE = re.compile(r"^\s*\[(\d+)\](.*)$")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])")
EXTRACT_SENTENCES = 2
EXTRACT_CHARS = 400

DEFAULT_PROMPT = """\
{% if check_relevancy -%}
Answer the user's last question using only the documents and the conversation below.
Answer only when the documents clearly support the answer. If they do not, reply with exactly:
[NO_RAG_ANSWER]
{%- else -%}
Answer the user's last question using the documents and the conversation below.
If the documents do not contain the answer, say that you do not know.
{%- endif %}

## Documents
{% for doc in docs -%}
[{{ loop.index }}] source: {{ doc.metadata.source }}
{{ doc.text }}

{% endfor -%}
{% if citation_enabled %}
## Citations
Cite the documents you use with bracketed numbers at the end of a sentence, numbered 1, 2, ...
in the order you first use them. After the answer, add a line "Sources:" and one line per cited
document: "[n] <its source>".
{% endif %}
{%- if slots %}
## Facts about this conversation
{% for slot in slots -%}
- {{ slot.name }}: {{ slot.value }}
{% endfor -%}
{% endif %}
## Conversation
{{ current_conversation }}

Keep the answer short (two or three sentences) and do not mention the documents.
Answer:"""


@dataclass(frozen=True, slots=True)
class PromptDocument:
    """A passage as the prompt template sees it: `text` (and Rasa's older `page_content`),
    `metadata.source` with the line range."""

    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict[str, Any])

    @property
    def page_content(self) -> str:
        return self.text


def prompt_documents(passages: Sequence[Passage]) -> list[PromptDocument]:
    return [
        PromptDocument(
            text=p.text,
            metadata={
                "source": p.location,
                "file": p.source,
                "start_line": p.start_line,
                "end_line": p.end_line,
            },
        )
        for p in passages
    ]


def prompt_slots(slots: Mapping[str, Any], internal: frozenset[str]) -> list[dict[str, str]]:
    """The filled slots (Rasa leaves out its own default slots and empty ones)."""
    return [
        {"name": name, "value": str(value), "type": type(value).__name__}
        for name, value in sorted(slots.items())
        if value is not None and name not in internal
    ]


def load_prompt(path: Path | None) -> str:
    """The project's template text, or calmtui's default (problems surface at validate)."""
    if path is None:
        return DEFAULT_PROMPT
    return path.read_text(encoding="utf-8")


def render_prompt(template: str, variables: Mapping[str, Any]) -> str:
    """A prompt from a (possibly project-written) template, in calmtui's one Jinja sandbox."""
    from calmtui.core.sandbox import sandbox

    return (
        sandbox(mutable=True)
        .from_string(template)
        .render({"current_datetime": dt.datetime.now(dt.UTC), **variables})
    )


def is_relevant(answer: str) -> bool:
    return NOT_RELEVANT.search(answer) is None


def renumber_citations(answer: str) -> str:
    """Citations numbered 1, 2, ... in order of first use; the `Sources:` list reordered to
    match, uncited sources numbered after the cited ones (Rasa keeps their old numbers, which can
    collide), citations to sources not listed removed."""
    head, marker, tail = answer.rpartition("Sources:")
    if not marker:
        return answer.strip()
    sources: dict[int, str] = {}
    others: list[str] = []
    for line in tail.strip().splitlines():
        match = _SOURCE_LINE.match(line)
        if match:
            sources.setdefault(int(match.group(1)), match.group(2).strip())
        elif line.strip():
            others.append(line.strip())
    order: list[int] = []
    for match in _CITATION.finditer(head):
        for part in match.group(1).split(","):
            number = int(part) if part.strip().isdigit() else -1
            if number in sources and number not in order:
                order.append(number)
    renumber = {old: new for new, old in enumerate(order, start=1)}

    def rewrite(match: re.Match[str]) -> str:
        numbers = sorted(
            {
                renumber[int(p)]
                for p in match.group(1).split(",")
                if p.strip().isdigit() and int(p) in renumber
            }
        )
        return f"[{', '.join(map(str, numbers))}]" if numbers else ""

    text = re.sub(r"\s+([,.;:!?])", r"\1", _CITATION.sub(rewrite, head))
    text = re.sub(r"[ \t]+", " ", text).strip()
    listed = [f"[{renumber[old]}] {sources[old]}" for old in order]
    uncited = [s for n, s in sorted(sources.items()) if n not in renumber]
    listed += [f"[{n}] {s}" for n, s in enumerate(uncited, start=len(order) + 1)]
    listed += others
    return f"{text}\nSources:\n" + "\n".join(listed) if listed else text


def extractive_answer(question: str, passages: Sequence[Passage], *, citation: bool) -> str:
    """The best passage's sentences that share most words with the question, and its source."""
    best = passages[0]
    wanted = set(content_tokens(question))
    sentences = [s.strip() for s in _sentences(best.text) if s.strip()]
    scored = sorted(
        range(len(sentences)),
        key=lambda i: (-len(wanted & set(content_tokens(sentences[i]))), i),
    )
    chosen = sorted(scored[:EXTRACT_SENTENCES]) if sentences else []
    text = " ".join(sentences[i] for i in chosen) or best.text
    if len(text) > EXTRACT_CHARS:
        text = text[:EXTRACT_CHARS].rsplit(" ", 1)[0] + " ..."
    if citation:
        return f"{text} [1]\nSources:\n[1] {best.location}"
    return f"{text}\n(source: {best.location})"


def _sentences(text: str) -> list[str]:
    """Sentences of a passage: wrapped lines are joined, list items stand alone, headings are
    left out (unless the passage has nothing else)."""
    units: list[str] = []
    headings: list[str] = []
    paragraph: list[str] = []

    def close() -> None:
        if paragraph:
            units.append(" ".join(paragraph))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("#"):
            close()
            headings.append(line.lstrip("#").strip())
        elif _ITEM.match(line):
            close()
            units.append(_ITEM.sub("", line, count=1))
        else:
            paragraph.append(line)
    close()
    # A short line without a full stop on its own (a plain-text title) is a heading too.
    titles = [
        u for u in units if len(u.split()) < 8 and not u.rstrip().endswith((".", "!", "?", ":"))
    ]
    body = [u for u in units if u not in titles] or units or headings
    return [s for unit in body for s in _SENTENCE.split(unit)]


_ITEM = re.compile(r"^(?:[-*>]|\d+[.)])\s+")
