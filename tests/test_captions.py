"""Credit lines found on real clusters are captions; prose of the same shape is not."""

from __future__ import annotations

import pytest

from storylens.clean.boilerplate import is_caption


@pytest.mark.parametrize(
    "line",
    [
        "Animal advocates present an undercover investigation at chicken farms. "
        "Video courtesy of Compassion Over Killing",
        "Richland County Sheriff's Department via Reuters",
        "A deputy is seen with the principal at the school on Nov. 12, 2014. "
        "County Sheriff's Department via Reuters",
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
