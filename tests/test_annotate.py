"""Sentences, dates, quantities, quotes and entities on hand-made cases."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.annotate.dates import find_dates
from storylens.annotate.entities import merge_entities
from storylens.annotate.names import same_person
from storylens.annotate.quantities import find_quantities
from storylens.annotate.quotes import find_quotes
from storylens.annotate.sentences import split_sentences
from storylens.model import DatePrecision, Mention, QuoteKind

TUESDAY = date(2026, 11, 17)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("He resigned on Tuesday.", "2026-11-17", DatePrecision.DAY),
        ("Investigators said on Monday.", "2026-11-16", DatePrecision.DAY),
        ("The train left the tracks on Saturday morning.", "2026-11-14", DatePrecision.DAY),
        ("The hearing will be held on Friday.", "2026-11-20", DatePrecision.DAY),
        ("It was announced yesterday.", "2026-11-16", DatePrecision.DAY),
        ("Prices rose last month.", "2026-10-01", DatePrecision.MONTH),
        ("He spoke last week.", "2026-11-09", DatePrecision.WEEK),
        ("Sales fell earlier this year.", "2026-01-01", DatePrecision.YEAR),
        ("A report is due by the end of the year.", "2026-12-01", DatePrecision.MONTH),
        ("Inspections were ordered in March.", "2026-03-01", DatePrecision.MONTH),
        ("It opened on 3 March 2025.", "2025-03-03", DatePrecision.DAY),
        ("It opened on March 3, 2025.", "2025-03-03", DatePrecision.DAY),
        ("The line opened in 2019.", "2019-01-01", DatePrecision.YEAR),
        ("The law passed two weeks ago.", "2026-11-03", DatePrecision.WEEK),
    ],
)
def test_dates_resolve_against_publication(text: str, expected: str, precision: DatePrecision) -> None:
    found = find_dates("a", text, TUESDAY)
    assert [(d.value.isoformat(), d.precision) for d in found] == [(expected, precision)]


def test_offsets_count_from_the_date_before_them() -> None:
    text = "The train derailed on Saturday. Two days earlier, crews had inspected the line."
    assert [d.value.isoformat() for d in find_dates("a", text, TUESDAY)] == ["2026-11-14", "2026-11-12"]


def test_days_after_dates_the_earlier_event() -> None:
    text = "He resigned on Tuesday, three days after the crash."
    assert [d.value.isoformat() for d in find_dates("a", text, TUESDAY)] == ["2026-11-17", "2026-11-14"]


def test_relative_dates_need_a_publication_date() -> None:
    assert find_dates("a", "He resigned on Tuesday.", None) == ()
    assert find_dates("a", "It opened on 3 March 2025.", None)[0].value == date(2025, 3, 3)


def test_offsets_beyond_the_calendar_are_skipped() -> None:
    assert find_dates("a", "The site was settled 9000 years ago.", TUESDAY) == ()


def test_month_names_that_are_words_are_not_dates() -> None:
    assert find_dates("a", "They may march in protest.", TUESDAY) == ()


@pytest.mark.parametrize(
    ("text", "value", "unit", "approximate"),
    [
        ("He led it for nearly a decade.", 10.0, "years", True),
        ("He led it for five years.", 5.0, "years", False),
        ("The crash injured 42 people.", 42.0, "people", False),
        ("Some 3,200 or so protesters marched.", 3200.0, "protester", True),
        ("Hallam, 58, resigned.", 58.0, "age", False),
        ("Prices rose 4.5% in May.", 4.5, "percent", False),
        ("The deal is worth $2.5 billion.", 2.5e9, "$", False),
        ("It lasted six hours.", 6 / 8766, "years", False),
        ("Hundreds of people gathered outside.", 200.0, "people", True),
        ("She served nearly three decades in parliament.", 30.0, "years", True),
        ("The suspect, aged 34, was arrested.", 34.0, "age", False),
    ],
)
def test_quantities(text: str, value: float, unit: str, approximate: bool) -> None:
    found = find_quantities("a", text)
    assert len(found) == 1
    assert found[0].value == pytest.approx(value)
    assert (found[0].unit, found[0].approximate) == (unit, approximate)


def test_clock_times_and_date_offsets_are_not_counts() -> None:
    assert find_quantities("a", "The 07:40 service left three days after the storm.") == ()


def _person(text: str, start: int) -> Mention:
    return Mention("a", start, start + len(text), text, "PERSON")


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"We will rebuild the bridge by spring," Marsh said.', "Marsh"),
        ('"We will rebuild the bridge by spring," said Marsh.', "Marsh"),
        ('Marsh said: "We will rebuild the bridge by spring."', "Marsh"),
        (
            'The plan has critics, according to Marsh. "We will rebuild it by spring," Marsh told reporters.',
            "Marsh",
        ),
    ],
)
def test_quote_speakers(text: str, speaker: str) -> None:
    mentions = [_person("Marsh", i) for i in range(len(text)) if text.startswith("Marsh", i)]
    quotes = find_quotes("a", text, mentions)
    assert [q.speaker for q in quotes if q.kind == QuoteKind.DIRECT] == [speaker]


def test_pronoun_speaker_resolves_to_the_nearest_person() -> None:
    text = 'Elena Marsh spoke outside parliament. "Families deserve answers," she said.'
    quotes = find_quotes("a", text, [_person("Elena Marsh", 0)])
    assert quotes[0].speaker == "Elena Marsh"
    assert quotes[0].text == "Families deserve answers"


def test_short_quoted_phrases_are_not_quotes() -> None:
    assert find_quotes("a", 'The so-called "rail tax" was dropped.', []) == ()


def test_people_merge_by_surname_and_first_name_variants() -> None:
    assert same_person("Robert Hallam", "Bob Hallam")
    assert same_person("Robert Hallam", "Hallam")
    assert same_person("Volodymyr Zelensky", "Zelenskiy")
    assert not same_person("Robert Hallam", "Susan Hallam")
    mentions = [
        _person("Robert Hallam", 0),
        _person("Susan Hallam", 20),
        _person("Hallam", 40),
        _person("Bob Hallam", 60),
    ]
    names = {e.name: e.aliases for e in merge_entities(mentions)}
    assert names["Robert Hallam"] == ("Bob Hallam",)
    assert "Hallam" in names  # a lone surname shared by two people stays unattached


sentence_text = st.lists(
    st.sampled_from(
        [
            "The board met on Monday.",
            "Dr. Smith said prices rose 4.5% in May.",
            '"Stop," he said.',
            "Costs reached $2.5 billion, officials said.",
            "U.S. officials agreed.",
            "Why?",
            "\n\n",
        ]
    ),
    min_size=1,
    max_size=10,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(sentence_text)
def test_sentence_spans_point_at_their_text(text: str) -> None:
    sentences = split_sentences("a", text)
    previous_end = 0
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.start >= previous_end
        previous_end = sentence.end


def test_spun_quote_is_one_quote_with_a_variant() -> None:
    from storylens.crosscheck.quotes import group_quotes, quote_groups
    from storylens.model import Annotation, Entity, QuoteMention

    def annotation(article_id: str, words: str) -> Annotation:
        quote = QuoteMention(article_id, 1, 1 + len(words), words, "Robert Hallam", None)
        return Annotation(article_id, (), (), (), (), (quote,))

    original = (
        "I take full responsibility for what happened at Aldbridge, and I owe the passengers an apology"
    )
    spun = (
        "I accept complete responsibility for what occurred at Aldbridge, and I owe the travellers an apology"
    )
    other = "Our members raised the alarm in the spring and nobody listened"
    hallam = Entity("e0", "Robert Hallam", "PERSON", (), ())
    annotations = {"a": annotation("a", original), "b": annotation("b", spun), "c": annotation("c", other)}
    quotes = group_quotes(quote_groups(annotations, 85), [hallam])
    assert len(quotes) == 2
    merged = next(q for q in quotes if len(q.spans) == 2)
    assert merged.text == original and merged.variants == (spun,)


def test_a_line_break_inside_a_paragraph_does_not_end_a_sentence() -> None:
    text = "Former football star O.J.\nSimpson was granted parole on Thursday. He will be freed in October."
    found = split_sentences("a", text)
    assert [s.text for s in found] == [
        "Former football star O.J.\nSimpson was granted parole on Thursday.",
        "He will be freed in October.",
    ]
    assert all(text[s.start : s.end] == s.text for s in found)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["O.J.", "Simpson", "said.", "He left.", "\n", "\n\n", "Dr.", "Smith", "on", "Nov. 28", " "]
        ),
        max_size=30,
    )
)
def test_sentence_spans_are_exact_whatever_the_line_breaks(pieces: list[str]) -> None:
    text = " ".join(pieces)
    for sentence in split_sentences("a", text):
        assert text[sentence.start : sentence.end] == sentence.text


def test_a_closing_quotation_mark_left_alone_ends_the_sentence_before_it() -> None:
    from storylens.annotate.sentences import split_sentences

    text = '“We are not saying that,” said Dr. Ana Ruiz. "You should avoid long-term use.” \n\nNext.'
    sentences = split_sentences("a", text)
    assert [s.text for s in sentences] == [
        "“We are not saying that,” said Dr. Ana Ruiz.",
        '"You should avoid long-term use.”',
        "Next.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_sentences_run_together_by_a_lost_space_are_split() -> None:
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
