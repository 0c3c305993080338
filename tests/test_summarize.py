"""The summary leads with the main event and every line stands on its own (issue 12, item 5)."""

from __future__ import annotations

import pytest

from storylens.model import Article, Mention, QuoteMention, Sentence, Span
from storylens.pipeline import brief_articles
from storylens.summarize.standalone import LineJudge, StoryText


def _sentence(text: str, article: str = "a", start: int = 0, index: int = 0) -> Sentence:
    return Sentence(article, index, start, start + len(text), text)


def _judge(
    text: str = "", mentions: tuple[Mention, ...] = (), quotes: tuple[QuoteMention, ...] = ()
) -> LineJudge:
    return LineJudge(StoryText(texts={"a": text}, mentions={"a": mentions}, quotes={"a": quotes}))


@pytest.mark.parametrize(
    ("text", "fault"),
    [
        ("One resigned.", "fragment"),
        ("If the U.S.", "fragment"),
        ("Wild Women of the Pacific Crest Trail", "heading or question"),
        ("Does the trail have an overcrowding problem?", "heading or question"),
        ("Follow my journey here on the trail this summer.", "imperative"),
        ("Then get out there and hike the whole trail yourself.", "imperative"),
        ("Police officers stand outside the court (AP Photo/Jane Roe)", "caption or credit"),
        ("The mayor was shot outside his home late on Sunday... (Associated Press)", "caption or credit"),
        ("I set out in April on a six-month trek north along the trail.", "speaker unknown"),
        ("You can add location information to your posts from the web.", "speaker unknown"),
        ("and the council voted to close the harbour road for a week.", "fragment"),
    ],
)
def test_lines_that_cannot_stand_as_summary_lines(text: str, fault: str) -> None:
    assert _judge(text).form_fault(_sentence(text)) == fault


def test_a_full_report_stands() -> None:
    text = "The harbour authority closed the east pier on Monday after a fire destroyed two ferries."
    assert _judge(text).fault(_sentence(text), ()) is None


def test_a_quote_needs_its_speaker_in_the_line() -> None:
    text = '"We will rebuild the pier before the summer season," the mayor said on Monday.'
    alone = '"We will rebuild the pier before the summer season and reopen it."'
    quote = QuoteMention("a", 1, 50, "We will rebuild ...", "Ann Lee", Span("a", 52, 61), "the mayor")
    assert _judge(text, quotes=(quote,)).form_fault(_sentence(text)) is None
    assert _judge(alone).form_fault(_sentence(alone)) == "quote without speaker"


def test_an_opening_pronoun_is_unresolved() -> None:
    text = "He remains a fugitive after the attack on the harbour office."
    assert _judge(text).reference_fault(_sentence(text), ()) == "pronoun"


def test_it_standing_for_a_clause_is_no_reference() -> None:
    text = "It is unclear whether the ferry company will rebuild the pier."
    assert _judge(text).reference_fault(_sentence(text), ()) is None


def test_a_surname_alone_needs_the_full_name_before_it() -> None:
    full = "Maria Gonzalez, a worker at the day care, was arrested on Monday."
    line = "Gonzalez was charged with five counts of child endangerment."
    text = f"{full} {line}"
    later = _sentence(line, start=len(full) + 1, index=1)
    mentions = (
        Mention("a", 0, 14, "Maria Gonzalez", "PERSON"),
        Mention("a", later.start, later.start + 8, "Gonzalez", "PERSON"),
    )
    judge = _judge(text, mentions)
    assert judge.reference_fault(later, ()) == "surname alone"
    assert judge.reference_fault(later, (_sentence(full),)) is None


def test_the_noun_needs_to_have_been_spoken_of() -> None:
    before = "The union and the port signed a wage agreement on Friday."
    line = "The deal gives each dock worker a raise of four percent."
    judge = _judge(f"{before} {line}")
    sentence = _sentence(line, start=len(before) + 1, index=1)
    assert judge.reference_fault(sentence, ()) == "unintroduced 'the ...'"
    assert (
        judge.reference_fault(
            sentence, (_sentence("The deal was signed by the union and the port on Friday."),)
        )
        is None
    )


WIRE = (
    "A fire destroyed two ferries at the harbour of Port Elin on Monday, the harbour authority said.\n\n"
    "Firefighters fought the blaze for six hours before they brought it under control.\n\n"
    "He said the pier would stay closed."
)
LOCAL = (
    "Harbour of Port Elin: photo by Jane Roe\n\n"
    "Two ferries were destroyed by a fire at the Port Elin harbour on Monday, officials said.\n\n"
    "The east pier will stay closed for repairs until the end of the month, the authority said."
)
RADIO = (
    "Follow our live coverage here.\n\n"
    "Fire destroyed two ferries in the harbour of Port Elin on Monday, according to the authority.\n\n"
    "Nobody was hurt in the fire, the authority said."
)


def test_the_first_line_is_the_event_every_report_leads_on() -> None:
    articles = [
        Article(id=name, text=text, title="", outlet=name, origin=name, format="text")
        for name, text in (("wire", WIRE), ("local", LOCAL), ("radio", RADIO))
    ]
    briefing = brief_articles(articles).briefings[0]
    first = briefing.summary[0].text
    assert "ferries" in first and "fire" in first.lower()
    texts = {a.id: a.text for a in articles}
    for line in briefing.summary:
        cited = line.citations[0]
        assert texts[cited.article_id][cited.start : cited.end] == line.text  # verbatim, cited first
        assert not line.text.startswith(("He ", "Follow", "Harbour of"))
