"""Properties of the passage splitter on arbitrary text: nothing is lost, nothing invented,
line ranges point into the file in order, passages respect the size limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from calmtui.knowledge.documents import split_passages

lines = st.lists(
    st.one_of(
        st.just(""),
        st.just("# Heading"),
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=300),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(lines, st.integers(min_value=40, max_value=1200))
def test_the_splitter_keeps_every_word_in_order_and_points_at_real_lines(
    text_lines: list[str], limit: int
) -> None:
    text = "\n".join(text_lines)
    passages = split_passages(text, "docs/x.md", limit=limit)
    joined = " ".join(p.text for p in passages)
    # nothing lost, nothing invented, in order; a word longer than the limit is cut (the limit
    # holds), so words are compared whole only when every word fits
    assert "".join(joined.split()) == "".join(text.split())
    if all(len(word) <= limit for word in text.split()):
        assert joined.split() == text.split()
    count = len(text.splitlines())
    previous_end = 0
    for passage in passages:
        assert 1 <= passage.start_line <= passage.end_line <= max(count, 1)
        assert passage.start_line >= previous_end
        previous_end = passage.end_line
        assert len(passage.text) <= limit
        assert passage.text == passage.text.strip()
