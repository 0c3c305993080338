"""Dates that are never invented, and a timeline without captions or forecasts (issue 12)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.annotate.dates import find_dates
from storylens.annotate.sentences import split_sentences
from storylens.clean.boilerplate import is_caption
from storylens.model import Annotation
from storylens.timeline import build_timeline

PUBLISHED = date(2021, 10, 19)


def _annotation(article_id: str, text: str, published: date | None) -> Annotation:
    return Annotation(
        article_id=article_id,
        sentences=split_sentences(article_id, text),
        mentions=(),
        dates=find_dates(article_id, text, published),
        quantities=(),
        quotes=(),
        roles=(),
    )


def test_a_date_without_year_takes_the_publication_year() -> None:
    found = find_dates("a", "Police cleared the camp on Nov. 28.", date(2011, 11, 30))
    assert [m.value for m in found] == [date(2011, 11, 28)]


def test_a_date_without_year_is_before_the_publication_date() -> None:
    # 28 December written in an article of 5 January is last year's, not this year's.
    found = find_dates("a", "He died on 28 December.", date(2012, 1, 5))
    assert [m.value for m in found] == [date(2011, 12, 28)]


def test_a_future_date_without_year_is_the_next_one() -> None:
    found = find_dates("a", "The trial will start on Jan. 3.", date(2011, 12, 20))
    assert [m.value for m in found] == [date(2012, 1, 3)]


def test_without_any_anchor_a_date_without_year_is_left_out() -> None:
    assert find_dates("a", "Police cleared the camp on Nov. 28.", None) == ()


def test_the_year_anchor_dates_a_day_and_month_but_not_weekdays() -> None:
    found = find_dates("a", "On Nov. 28 police came. They left on Tuesday.", None, date(2011, 12, 2))
    assert [m.value for m in found] == [date(2011, 11, 28)]


@settings(max_examples=60, deadline=None)
@given(
    published=st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)),
    month=st.sampled_from(["January", "Feb.", "March", "Sept.", "November", "Dec."]),
    day=st.integers(min_value=1, max_value=28),
)
def test_yearless_dates_fall_in_the_year_before_publication(published: date, month: str, day: int) -> None:
    for mention in find_dates("a", f"It happened on {month} {day}.", published):
        assert published - timedelta(days=366) < mention.value <= published


@settings(max_examples=40, deadline=None)
@given(
    month=st.sampled_from(["Jan.", "April", "Oct.", "December"]), day=st.integers(min_value=1, max_value=28)
)
def test_without_publication_date_no_year_comes_from_the_clock(month: str, day: int) -> None:
    text = f"The vote was held on {month} {day}. Results came on {day} {month.rstrip('.')}."
    assert all(m.value.year != date.today().year for m in find_dates("a", text, None))


def test_undated_articles_take_their_year_from_the_story() -> None:
    dated = _annotation("a", "The city announced the plan in March 2017. Talks went on.", date(2017, 6, 1))
    undated = _annotation("b", "Protesters gathered on May 5 in the square.", None)
    texts = {"a": "The city announced the plan in March 2017. Talks went on.", "b": undated.sentences[0].text}
    timeline = build_timeline([dated, undated], texts, {}, {"a": date(2017, 6, 1), "b": None})
    assert date(2017, 5, 5) in [e.date for e in timeline]


def test_a_story_without_dated_articles_puts_no_yearless_date_on_the_timeline() -> None:
    text = "Protesters gathered on May 5 in the square. The law passed in 2019."
    timeline = build_timeline([_annotation("b", text, None)], {"b": text}, {}, {"b": None})
    assert [e.date for e in timeline] == [date(2019, 1, 1)]


def test_captions_are_not_events() -> None:
    text = (
        "Members of the camp remain at City Hall on Oct. 18. (Jane Roe / Staff Photographer)\n\n"
        "The council voted on Oct. 17 to clear the plaza."
    )
    timeline = build_timeline([_annotation("a", text, PUBLISHED)], {"a": text}, {}, {"a": PUBLISHED})
    assert [e.date for e in timeline] == [date(2021, 10, 17)]


def test_events_after_the_newest_article_are_left_out() -> None:
    text = "The mayor resigned on Monday. The election will be held on Dec. 5."
    timeline = build_timeline([_annotation("a", text, PUBLISHED)], {"a": text}, {}, {"a": PUBLISHED})
    assert [e.date for e in timeline] == [date(2021, 10, 18)]


def test_caption_forms() -> None:
    for caption in (
        "(AP Photo/Evan Vucci)",
        "A protester holds a sign in Cairo. (Photo: Jane Roe/Getty Images)",
        "REUTERS/Carlos Barria",
        "Image copyright Reuters",
        "FILE - In this Oct. 5, 2021 file photo, the senator speaks.",
        "Kim Roe/Getty Images for CNN Protesters pause to pray Thursday in Cairo.",
    ):
        assert is_caption(caption), caption
    for prose in (
        "Syria denies the allegation.",
        "He flew to Paris (with his wife/partner)",
        "The ratio was 3/4 (or 75%).",
        "He said (in 2019) that he would go.",
    ):
        assert not is_caption(prose), prose


def test_until_a_date_without_year_points_forward() -> None:
    found = find_dates("a", "Schools are closed until May 6 after a student fell ill.", date(2009, 4, 29))
    assert [m.value for m in found] == [date(2009, 5, 6)]
