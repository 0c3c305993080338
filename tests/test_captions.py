"""Credit lines and run-together sentences found on real clusters; prose of the same shape stays."""

from __future__ import annotations

import pytest

from storylens.clean.boilerplate import is_caption


@pytest.mark.parametrize(
    "line",
    [
        "Animal advocates present an undercover investigation at chicken farms. "
        "Video courtesy of Compassion Over Killing",
        "Richland County Sheriff's Department via Reuters",
        "Photos courtesy of the Smith family",
    ],
)
def test_credit_lines_are_captions(line: str) -> None:
    assert is_caption(line)


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the report reached him via Reuters on Monday.",
        "Courtesy of the family, the letters were read aloud at the hearing.",
        "The police said the video was provided by a witness.",
    ],
)
def test_prose_of_the_same_shape_is_not(line: str) -> None:
    assert not is_caption(line)


def test_sentences_run_together_by_a_lost_space_are_split() -> None:
    from storylens.annotate.sentences import split_sentences

    text = (
        "A man plunged to his death late Wednesday.Officials believe he was 20. "
        "The U.S. Army said Mr.Smith works at Amazon.com in St. Louis."
    )
    sentences = split_sentences("a", text)
    assert [s.text for s in sentences] == [
        "A man plunged to his death late Wednesday.",
        "Officials believe he was 20.",
        "The U.S. Army said Mr.Smith works at Amazon.com in St. Louis.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)
