"""A headline per story (issue 12, item 4) and dates without a year shown as such (item 3)."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from storylens.annotate.dates import find_dates
from storylens.annotate.sentences import split_sentences
from storylens.headline import choose_headline, defects, real_title
from storylens.model import (
    Annotation,
    Article,
    Briefing,
    BriefingSet,
    Headline,
    HeadlineSource,
    RemovedLine,
    Sentence,
    Span,
    Story,
    YearlessEvent,
    from_dict,
    to_dict,
)
from storylens.render import print_terminal, to_html, to_json, to_markdown
from storylens.timeline import build_timeline, yearless_events

FLOOD = (
    "Floodwaters forced hundreds of families from their homes in Aldbridge on Tuesday after the river burst "
    "its banks.\n\nRescue teams worked through the night, and the council opened two shelters."
)
FLOOD_TOO = (
    "Hundreds of families left their homes in Aldbridge on Tuesday as the river burst its banks and "
    "flooded the town.\n\nThe council said the shelters would stay open all week."
)


def _article(article_id: str, text: str, title: str, outlet: str = "") -> Article:
    return Article(article_id, text, title, outlet or f"Outlet {article_id}", f"{article_id}.txt", "text")


def _sentences(*articles: Article) -> dict[str, tuple[Sentence, ...]]:
    return {a.id: split_sentences(a.id, a.text) for a in articles}


def test_a_furniture_title_loses_to_a_real_one() -> None:
    furniture = _article("a", FLOOD, "Click to email this to a friend (Opens in new window)")
    real = _article("b", FLOOD_TOO, "River bursts its banks and floods Aldbridge homes")
    headline = choose_headline([furniture, real], _sentences(furniture, real))
    assert headline is not None
    assert headline.text != furniture.title
    assert "Aldbridge" in headline.text


def test_a_story_of_one_article_without_a_title_takes_its_lead_sentence() -> None:
    article = _article("a", FLOOD, "Floodwaters forced hundreds of families from their homes in…")
    assert real_title(article) is None  # cleaning's stand-in for a missing title
    headline = choose_headline([article], _sentences(article))
    assert headline is not None and headline.source == HeadlineSource.LEAD
    span = headline.citations[0]
    assert article.text[span.start : span.end] == headline.text
    assert headline.text.startswith("Floodwaters forced") and headline.articles == ("a",)


def test_a_dateline_is_left_out_of_a_lead_headline() -> None:
    text = "ALDBRIDGE (Wire) — " + FLOOD
    article = _article("a", text, "")
    headline = choose_headline([article], _sentences(article))
    assert headline is not None and headline.text.startswith("Floodwaters")
    span = headline.citations[0]
    assert text[span.start : span.end] == headline.text


def test_the_place_of_a_removed_dateline_credit_is_left_out() -> None:
    text = "ALDBRIDGE " + FLOOD  # cleaning took "(Wire) -" off and kept the place
    removed = (RemovedLine("ALDBRIDGE (Wire) -", "metadata: dateline credit"),)
    article = dataclasses.replace(_article("a", text, ""), removed=removed)
    headline = choose_headline([article], _sentences(article))
    assert headline is not None and headline.text.startswith("Floodwaters")


def test_a_title_shared_by_two_sources_beats_a_longer_lead() -> None:
    first = _article("a", FLOOD, "River floods Aldbridge as hundreds flee their homes")
    second = _article("b", FLOOD_TOO, "River floods Aldbridge and hundreds flee their homes")
    headline = choose_headline([first, second], _sentences(first, second))
    assert headline is not None and headline.source == HeadlineSource.TITLE
    assert headline.independent_voices == 2 and headline.citations == ()


def test_a_headline_said_by_two_voices_cites_both() -> None:
    first, second = _article("a", FLOOD, ""), _article("b", FLOOD_TOO, "")
    headline = choose_headline([first, second], _sentences(first, second))
    assert headline is not None
    assert set(headline.articles) == {"a", "b"} and headline.independent_voices == 2
    same_origin = choose_headline([first, second], _sentences(first, second), [["a", "b"]])
    assert same_origin is not None and same_origin.independent_voices == 1


def test_no_headline_where_nothing_reads_as_one() -> None:
    article = _article("a", "He left.\n\nIt rained. They stayed home.", "Share this")
    assert choose_headline([article], _sentences(article)) is None


@pytest.mark.parametrize(
    ("text", "source", "reason"),
    [
        ("Chaos.", HeadlineSource.LEAD, "short"),
        ("Rating is available when the video has been rented.", HeadlineSource.LEAD, "furniture"),
        ("Click to email this to a friend (Opens in new window)", HeadlineSource.TITLE, "furniture"),
        (
            "This copy is for your personal, non-commercial use only, says the notice.",
            HeadlineSource.LEAD,
            "furniture",
        ),
        ("WATCH: The mayor speaks about the flood in the town", HeadlineSource.TITLE, "furniture"),
        ("Rescue workers carry a boy through the flood (AP Photo/Jane Roe)", HeadlineSource.TITLE, "caption"),
        ("Members of the council visit the shelters on Tuesday. CITY NEWS", HeadlineSource.TITLE, "caption"),
        (
            "The council said on Tuesday that the shelters would stay open until the",
            HeadlineSource.LEAD,
            "cut",
        ),
        ("Floodwaters forced hundreds of families from their homes in…", HeadlineSource.TITLE, "cut"),
        ("the river burst its banks and flooded the town on Tuesday.", HeadlineSource.LEAD, "cut"),
        ("Hundreds left their homes in the town.The river burst its banks.", HeadlineSource.LEAD, "cut"),
        ("He remains a fugitive in the hills north of the town.", HeadlineSource.LEAD, "pronoun opening"),
        ("“We will rebuild every house,” the mayor said on Tuesday.", HeadlineSource.LEAD, "quotation"),
        ("www.aldbridge-daily-news.example.com", HeadlineSource.TITLE, "site name"),
    ],
)
def test_defects(text: str, source: HeadlineSource, reason: str) -> None:
    assert reason in defects(text, source)


def test_an_outlet_name_is_no_headline() -> None:
    assert "site name" in defects(
        "The Aldbridge Evening Courier Online", HeadlineSource.TITLE, ["Aldbridge Evening Courier Online"]
    )


def test_a_real_sentence_has_no_defect() -> None:
    assert defects(FLOOD.split("\n\n")[0], HeadlineSource.LEAD) == []
    assert defects("More than 50 people were killed in a blast in the capital.", HeadlineSource.LEAD) == []


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=0, max_size=80))
def test_the_headline_is_always_a_title_or_a_cited_sentence(title: str) -> None:
    first, second = _article("a", FLOOD, title), _article("b", FLOOD_TOO, "")
    headline = choose_headline([first, second], _sentences(first, second))
    assert headline is not None
    if headline.source == HeadlineSource.TITLE:
        assert headline.text == " ".join(title.split()) and headline.citations == ()
    else:
        texts = {"a": first.text, "b": second.text}
        span = headline.citations[0]
        assert " ".join(texts[span.article_id][span.start : span.end].split()) == headline.text


HOSTILE_HEADLINE = "Mayor <script>alert('x')</script> quits *after* [the](javascript:alert(1)) flood"


def _briefing_with(headline: Headline | None, yearless: tuple[YearlessEvent, ...] = ()) -> BriefingSet:
    article = _article("a1", FLOOD, "River bursts its banks", "Aldbridge Courier")
    sentences = split_sentences("a1", FLOOD)
    story = Story("s1", ("a1",), "Aldbridge · flood", None, None, headline)
    briefing = Briefing(story, (), (), (), (), (), (), (), (article,), sentences, yearless)
    return BriefingSet((briefing,), ())


def test_the_headline_is_shown_and_escaped_everywhere() -> None:
    result = _briefing_with(Headline(HOSTILE_HEADLINE, HeadlineSource.TITLE, ("a1",)))
    html = to_html(result)
    tree = lxml.html.fromstring(html)
    assert tree.xpath("//script") == []
    assert tree.xpath("//h2[@class='headline']")[0].text_content() == HOSTILE_HEADLINE
    assert (
        "title of Aldbridge Courier"
        in tree.xpath("//p[contains(@class, 'headline-origin')]")[0].text_content()
    )
    markdown = to_markdown(result)
    assert re.search(r"(?<!\\)[<*\[]", markdown.split("## ", 1)[1].split("\n", 1)[0]) is None
    assert "keywords: Aldbridge · flood" in markdown
    console = Console(record=True, width=200)
    print_terminal(result, console)
    shown = console.export_text()
    assert HOSTILE_HEADLINE in shown  # printed as text: rich markup in it is not read
    assert "keywords: Aldbridge · flood" in shown


def test_without_a_headline_the_keywords_head_the_story() -> None:
    html = to_html(_briefing_with(None))
    assert (
        lxml.html.fromstring(html).xpath("//h2[@class='headline']")[0].text_content() == "Aldbridge · flood"
    )
    assert "no title or lead sentence reads as a headline" in html


def test_the_headline_and_yearless_dates_travel_in_the_json() -> None:
    span = Span("a1", 0, 10)
    headline = Headline("Floodwaters forced hundreds", HeadlineSource.LEAD, ("a1",), (span,), 1)
    result = _briefing_with(headline, (YearlessEvent(3, 12, "The river rose.", (span,)),))
    data = json.loads(to_json(result))
    story = data["briefings"][0]["story"]
    assert story["label"] == "Aldbridge · flood"
    assert story["headline"]["source"] == "lead" and story["headline"]["citations"][0]["end"] == 10
    assert data["briefings"][0]["timeline_without_year"][0] == {
        "month": 3,
        "day": 12,
        "description": "The river rose.",
        "citations": [{"article_id": "a1", "start": 0, "end": 10}],
    }
    assert from_dict(Story, to_dict(result.briefings[0].story)) == result.briefings[0].story
    old = {
        key: value for key, value in to_dict(result.briefings[0]).items() if key != "timeline_without_year"
    }
    old["story"].pop("headline")
    restored = from_dict(Briefing, old)  # a briefing stored before 1.4
    assert restored.story.headline is None and restored.timeline_without_year == ()


def _annotation(article_id: str, text: str, published: date | None) -> Annotation:
    return Annotation(
        article_id, split_sentences(article_id, text), (), find_dates(article_id, text, published), (), ()
    )


YEARLESS = (
    "Protesters gathered in the square on May 5 to demand a new vote.\n\n"
    "Members of the camp remain at City Hall on Oct. 18. (Jane Roe / Staff Photographer)\n\n"
    "The law they oppose passed in 2019, and the court hears the case on 31 April."
)


def test_a_story_without_dated_articles_keeps_its_days_without_a_year() -> None:
    annotation = _annotation("b", YEARLESS, None)
    events = yearless_events([annotation], {"b": YEARLESS}, {}, {"b": None})
    assert [(e.month, e.day) for e in events] == [(5, 5)]  # no caption, no 31 April
    assert events[0].description.startswith("Protesters gathered")
    span = events[0].citations[0]
    assert YEARLESS[span.start : span.end] == events[0].description
    timeline = build_timeline([annotation], {"b": YEARLESS}, {}, {"b": None})
    assert [e.date for e in timeline] == [date(2019, 1, 1)]  # the yearless day is not on it


def test_a_dated_story_places_its_days_on_the_timeline_instead() -> None:
    annotation = _annotation("b", YEARLESS, None)
    published = {"b": None, "a": date(2021, 10, 19)}
    assert yearless_events([annotation], {"b": YEARLESS}, {}, published) == ()


def test_renderers_show_a_day_without_a_year_as_such() -> None:
    span = Span("a1", 0, 20)
    result = _briefing_with(None, (YearlessEvent(3, 12, "The river <b>rose</b>.", (span,)),))
    html = to_html(result)
    row = lxml.html.fromstring(html).xpath("//tr[@class='no-year']")[0]
    assert row.xpath("td")[0].text_content() == "12 March (year not given)"
    assert "&lt;b&gt;rose&lt;/b&gt;" in html
    markdown = to_markdown(result)
    assert "- 12 March (year not given): The river \\<b\\>rose\\</b\\>. (Aldbridge Courier)" in markdown
    assert not re.search(r"\b20\d\d\b", markdown + lxml.html.fromstring(html).text_content())
