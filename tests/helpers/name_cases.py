"""Random units for the name completions' property tests (tests/nlp/themes/test_name_*.py), in one place."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

PUNCT = ["", "", "", ",", ".", " ?", " !", " -", " (", ")"]


@st.composite
def glued_units(draw: st.DrawFn, chunks: Sequence[str], max_chunks: int = 8) -> tuple[list[str], str, int]:
    """1–5 units glued from ``chunks`` and punctuation, a name of 1–4 words cut from the first unit's words
    (punctuation dropped, as a name never holds any), and a ``max_words`` of 2–8."""
    units = draw(
        st.lists(
            st.lists(
                st.tuples(st.sampled_from(chunks), st.sampled_from(PUNCT)), min_size=2, max_size=max_chunks
            ),
            min_size=1,
            max_size=5,
        )
    )
    texts = [" ".join(w + p for w, p in parts) for parts in units]
    words = " ".join(c for c, _ in units[0]).split()
    first = min(draw(st.integers(0, 30)), len(words) - 1)
    surface = " ".join(words[first : first + draw(st.integers(1, 4))])
    return texts, surface, draw(st.integers(2, 8))
