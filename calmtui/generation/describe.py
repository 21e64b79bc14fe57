"""Generated replies as text lines: `shell --debug`, the inspector's Knowledge section and the
test reports show the same words."""

from __future__ import annotations

from calmtui.generation.trace import GeneratedTrace

PREVIEW = 90


def trace_lines(trace: GeneratedTrace, *, passages: int = 4) -> list[str]:
    """A heading line, then indented details (query, passages, texts, notes, error)."""
    lines = [trace.summary()]
    if trace.kind == "rephrase":
        if trace.response:
            lines.append(f"  response: {trace.response}")
        if trace.template_text is not None:
            lines.append(f"  template: {preview(trace.template_text)}")
        if trace.outcome == "rephrased" and trace.text is not None:
            lines.append(f"  said:     {preview(trace.text)}")
    else:
        if trace.query is not None:
            lines.append(f"  query: {preview(trace.query)}")
        for passage in trace.passages[:passages]:
            lines.append(
                f"  {passage.rank}. {passage.location}  score {passage.score:.3f}  "
                f"{preview(passage.text, 60)}"
            )
        if len(trace.passages) > passages:
            lines.append(f"  ... {len(trace.passages) - passages} more passage(s)")
        if trace.response:
            lines.append(f"  response: {trace.response}")
        if trace.text is not None:
            lines.append(f"  answer: {preview(trace.text)}")
    lines += [f"  note: {note}" for note in trace.notes]
    if trace.error:
        lines.append(f"  error: {trace.error}")
    return lines


def problem_line(trace: GeneratedTrace) -> str | None:
    """A failure a user must hear about even without --debug."""
    if trace.outcome != "error" and not (trace.kind == "rephrase" and trace.error):
        return None
    what = {"search": "knowledge answer", "chitchat": "chitchat reply"}.get(
        trace.kind, "rephrasing"
    )
    return f"! {what} failed: {trace.error or 'no reply'}"


def preview(text: str, limit: int = PREVIEW) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= limit else flat[: limit - 1] + "…")
