"""Metadata written into plain text: date lines, headline, byline and outlet (issue 12)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from storylens.clean import clean_one
from storylens.clean.metadata import date_in_line, page_date, parse_date
from storylens.model import Raw

BODY = (
    "The Senate passed the climate bill on Tuesday after a long night of votes and amendments.\n\n"
    "The bill now goes to the House, where leaders said they expected a vote within two weeks.\n\n"
    "Opponents said they would challenge parts of the law in court once it is signed."
)


def _clean(text: str):  # type: ignore[no-untyped-def]
    return clean_one(Raw(origin="story.txt", format="text", content=text))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published 5:42 PM ET, Mon October 18, 2021", date(2021, 10, 18)),
        ("Updated 10:03 AM EDT, Tue October 19, 2021", date(2021, 10, 19)),
        ("2021-10-19T08:30:00", date(2021, 10, 19)),
        ("19.10.2021 10:03", date(2021, 10, 19)),
        ("By Jane Roe | 18 October 2021", date(2021, 10, 18)),
    ],
)
def test_date_lines_in_the_forms_sites_print(line: str, expected: date) -> None:
    found = date_in_line(line)
    assert found is not None and found.date() == expected


def test_prose_that_mentions_a_date_is_no_date_line() -> None:
    line = (
        "The vote on the bill took place on October 18, 2021, after a long and heated debate in the chamber."
    )
    assert date_in_line(line) is None


def test_a_date_without_a_year_is_no_publication_date() -> None:
    assert parse_date("Saturday 5:32 pm") is None
    assert parse_date("Nov. 21") is None
    assert parse_date("2021-10-19") == datetime(2021, 10, 19)


def test_the_page_date_is_the_one_above_the_prose_not_a_related_story() -> None:
    lines = [
        "Home",
        "Related: Budget talks stall (12 March 2020)",
        "Senate passes the climate bill",
        "Published October 18, 2021",
        *BODY.split("\n\n"),
        "More news from 2 January 2019",
    ]
    found = page_date(lines)
    assert found is not None and found[1].date() == date(2021, 10, 18)


def test_the_first_publication_beats_the_update() -> None:
    lines = [
        "Senate passes the bill",
        "Updated October 19, 2021",
        "Published October 18, 2021",
        *BODY.split("\n\n"),
    ]
    found = page_date(lines)
    assert found is not None and found[1].date() == date(2021, 10, 18)


def test_a_date_label_glued_to_the_headline() -> None:
    article = _clean(" date 2021-10-19 Senate passes the climate bill\n\n" + BODY)
    assert article.published is not None and article.published.date() == date(2021, 10, 19)
    assert article.title == "Senate passes the climate bill"


def test_the_site_name_after_the_title_is_the_outlet() -> None:
    article = _clean("Senate passes the climate bill | The Daily Post\n\n" + BODY)
    assert article.title == "Senate passes the climate bill"
    assert article.outlet == "The Daily Post"


def test_a_dateline_credit_names_the_outlet_and_leaves_the_text() -> None:
    article = _clean("Senate passes the climate bill\n\nWASHINGTON (CNN) -- " + BODY)
    assert article.outlet == "CNN"
    assert "(CNN)" not in article.text
    assert article.text.startswith("WASHINGTON The Senate passed")


def test_a_copyright_line_names_the_outlet() -> None:
    article = _clean(
        "Senate passes the climate bill\n\n"
        + BODY
        + "\n\nCopyright 2021 Valley Gazette. All rights reserved."
    )
    assert article.outlet == "Valley Gazette"


def test_bylines_only_where_they_look_like_bylines() -> None:
    article = _clean("Senate passes the climate bill\n\nBy Jane Roe and John Doe\n\n" + BODY)
    assert article.byline == "Jane Roe and John Doe"
    last = "By the time police arrived, the crowd had gone home"
    article = _clean("Senate passes the climate bill\n\n" + BODY + "\n\n" + last)
    assert article.byline is None
    tuesday = _clean("Senate passes the climate bill\n\n" + BODY + "\n\nBy Tuesday, the House will vote")
    assert tuesday.byline is None


def test_the_headline_is_found_after_page_furniture() -> None:
    text = "\n".join(
        ["Home", "Watch CNN live", "World", "Senate passes the climate bill after a long night", BODY]
    )
    article = _clean(text)
    assert article.title == "Senate passes the climate bill after a long night"


def test_an_embedded_post_is_no_date_line() -> None:
    assert date_in_line("— Jane Roe (@janeroe) October 18, 2021") is None


def test_a_picture_source_line_is_a_credit_not_the_outlet() -> None:
    article = _clean("Source: Jdarsie11 / Wikimedia Commons\n\n" + BODY)
    assert article.outlet != "Jdarsie11 / Wikimedia Commons"
    assert _clean("Source: The Daily Post\n\n" + BODY).outlet == "The Daily Post"
