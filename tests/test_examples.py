"""The bundled example, end to end: what the foundation issue says a briefing must show."""

from __future__ import annotations

import re

from conftest import outlet_ids

from storylens.model import BriefingSet, ConflictKind, DerivationKind

WIRE, COURIER, VALLEY, BUZZ, HARBOR = (
    "Meridian News Agency",
    "Daily Courier",
    "03_valley_post",
    "Daily Buzz Online",
    "Harbor Times",
)


def test_every_example_is_read_and_two_stories_are_found(example_result: BriefingSet) -> None:
    assert example_result.failures == ()
    sizes = sorted(len(b.articles) for b in example_result.briefings)
    assert sizes == [1, 5]
    older = min(example_result.briefings, key=lambda b: len(b.articles))
    assert older.articles[0].title == "Freight train derails near Kessing junction"


def test_reprints_and_rewrite_are_derived_from_the_wire(main_story) -> None:
    ids = outlet_ids(main_story)
    edges = {(d.source, d.derived): d.kind for d in main_story.derivations}
    assert edges[(ids[WIRE], ids[COURIER])] == DerivationKind.REPRINT
    assert edges[(ids[WIRE], ids[VALLEY])] == DerivationKind.REPRINT
    assert edges[(ids[WIRE], ids[BUZZ])] == DerivationKind.REWRITE
    assert not any(ids[HARBOR] in edge for edge in edges), "independent report marked as derived"


def test_shifted_duration_is_a_conflict_with_both_spans(main_story) -> None:
    ids = outlet_ids(main_story)
    texts = {a.id: a.text for a in main_story.articles}
    durations = [c for c in main_story.conflicts if c.kind == ConflictKind.DURATION]
    assert len(durations) == 1
    conflict = durations[0]
    sides = {texts[s.article_id][s.start : s.end] for s in (conflict.first, conflict.second)}
    assert sides == {"nearly a decade", "five years"}
    assert ids[BUZZ] in {conflict.first.article_id, conflict.second.article_id}
    assert "nearly a decade" in conflict.explanation and "five years" in conflict.explanation


def test_moved_quote_is_an_attribution_conflict(main_story) -> None:
    ids = outlet_ids(main_story)
    texts = {a.id: a.text for a in main_story.articles}
    quotes = [c for c in main_story.conflicts if c.kind == ConflictKind.QUOTE_ATTRIBUTION]
    assert len(quotes) == 1
    conflict = quotes[0]
    assert {conflict.first_value, conflict.second_value} == {"Elena Marsh", "Tom Keane"}
    assert conflict.second.article_id == ids[BUZZ]
    for span in (conflict.first, conflict.second):
        assert texts[span.article_id][span.start : span.end].startswith("Families deserve answers")


def test_no_other_conflicts_are_invented(main_story) -> None:
    assert len(main_story.conflicts) == 2


BOILERPLATE = [
    "Watch Valley TV live",
    "04:12",
    "Photo:",
    "Read more news",
    "Share your reaction",
    "12 comments",
    "Site built with",
    "contributed to this report",
    "date: 2026",
    "source:",
    "Follow Daily Buzz",
    "Download our app",
    "Share this article",
    "Sign up for our",
    "Reporting by",
    "By Sarah Doyle",
    "By Martin Hale",
    "Most read",
    "All rights reserved",
    "Subscribe",
]


def test_no_boilerplate_line_is_left_in_clean_text(example_result: BriefingSet) -> None:
    for briefing in example_result.briefings:
        for article in briefing.articles:
            for junk in BOILERPLATE:
                assert junk not in article.text, f"{junk!r} left in {article.origin}"
            lines = article.text.split("\n\n")
            assert len(lines) == len(set(lines)), "a repeated line survived"
            assert article.title not in lines, "the title is repeated in the text"


def test_removed_lines_are_kept_with_reasons_and_metadata_captured(example_result) -> None:
    articles = {a.outlet: a for b in example_result.briefings for a in b.articles}
    valley = articles[VALLEY]
    removed = {r.text: r.reason for r in valley.removed}
    assert removed["By Sarah Doyle"] == "metadata: byline"
    assert valley.byline == "Sarah Doyle"
    assert valley.published is not None and valley.published.date().isoformat() == "2026-11-17"
    assert "Aerial footage of the Aldbridge derailment 04:12" in removed
    assert articles[COURIER].published is not None


def test_every_summary_line_cites_real_spans(example_result: BriefingSet) -> None:
    for briefing in example_result.briefings:
        texts = {a.id: a.text for a in briefing.articles}
        assert briefing.summary
        for line in briefing.summary:
            assert line.citations
            first = line.citations[0]
            assert texts[first.article_id][first.start : first.end] == line.text
            for span in line.citations:
                assert 0 <= span.start < span.end <= len(texts[span.article_id])


def test_summary_never_states_a_disputed_version(main_story) -> None:
    ids = outlet_ids(main_story)
    for line in main_story.summary:
        assert "five years" not in line.text
        assert all(c.article_id != ids[BUZZ] or "Families" not in line.text for c in line.citations)


def test_summary_respects_the_word_budget(example_result: BriefingSet) -> None:
    for briefing in example_result.briefings:
        assert sum(len(line.text.split()) for line in briefing.summary) <= 140


def test_timeline_is_in_date_order_and_resolves_relative_dates(main_story) -> None:
    dates = [event.date for event in main_story.timeline]
    assert dates == sorted(dates)
    by_date = {event.date.isoformat(): event for event in main_story.timeline}
    assert "2026-11-14" in by_date  # "on Saturday" / "three days after", from 17 November
    assert "2026-11-12" in by_date  # "Two days earlier" than the Saturday
    assert "2026-11-16" in by_date  # "on Monday"
    for event in main_story.timeline:
        texts = {a.id: a.text for a in main_story.articles}
        for span in event.citations:
            assert texts[span.article_id][span.start : span.end]


def test_independent_voices_collapse_copies(main_story) -> None:
    lead = next(c for c in main_story.claims if "resigned on Tuesday" in c.text or "stepped down" in c.text)
    assert len(lead.articles) == 5
    assert lead.independent_voices == 2  # the wire family and the Harbor Times


def test_quotes_and_entities(main_story) -> None:
    speakers = {q.text[:20]: q.speaker for q in main_story.quotes}
    assert speakers["I take full responsi"] == "Robert Hallam"
    assert speakers["Our members raised t"] == "Tom Keane"
    hallam = next(e for e in main_story.entities if e.name == "Robert Hallam")
    assert "Bob Hallam" in hallam.aliases


def test_story_label_names_key_entities(main_story) -> None:
    assert re.search(r"Robert Hallam|Northern Rail Authority", main_story.story.label)


def test_roles_are_attached_to_people(main_story) -> None:
    roles = {e.name: {r.title for r in e.roles} for e in main_story.entities}
    assert roles["Elena Marsh"] == {"Transport Minister"}
    assert "general secretary of the rail workers' union" in roles["Tom Keane"]
    assert "retired judge" in roles["Miriam Okafor"]
    assert "Transport" not in roles  # a word of a title is not an entity


def test_briefing_html_shows_conflicts_quotes_and_whos_who(example_result: BriefingSet) -> None:
    import lxml.html

    from storylens.render import to_html

    tree = lxml.html.fromstring(to_html(example_result))
    story = tree.xpath("//section")[0]
    cards = story.xpath(".//div[@class='conflict-card']")
    assert len(cards) == 2
    text = " ".join(card.text_content() for card in cards)
    assert "nearly a decade" in text and "five years" in text and "Tom Keane" in text
    for card in cards:  # both sides link to their highlighted spans
        assert len(card.xpath(".//a[starts-with(@href, '#')]")) == 2
    headings = [h.text_content() for h in story.xpath(".//h3")]
    assert {"Quotes", "Who's who", "Conflicts", "Timeline", "Provenance"} <= set(headings)
    quotes = story.xpath(".//h3[.='Quotes']/following-sibling::table[1]//tr")[1:]
    speakers = {row.xpath("./td")[0].text_content() for row in quotes}
    assert {"Robert Hallam", "Elena Marsh", "Tom Keane"} <= speakers
    whos_who = story.xpath('.//h3[.="Who\'s who"]/following-sibling::table[1]')[0].text_content()
    assert "Transport Minister" in whos_who and "Bob Hallam" in whos_who
    facts = story.xpath(".//h3[.='Facts and their sources']/following-sibling::table[1]")[0]
    assert "differs, see conflicts" in facts.text_content()
