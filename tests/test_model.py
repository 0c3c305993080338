"""Records survive the trip through JSON that the web app's store and the --json output make."""

from __future__ import annotations

from datetime import date, datetime

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.model import (
    Article,
    BriefingSet,
    Conflict,
    ConflictKind,
    DatePrecision,
    Quote,
    QuoteKind,
    QuoteMention,
    RemovedLine,
    Span,
    TimelineEvent,
    from_dict,
    to_dict,
)

texts = st.text(max_size=40)
spans = st.builds(Span, texts, st.integers(0, 10_000), st.integers(0, 10_000))
articles = st.builds(
    Article,
    id=texts,
    text=texts,
    title=texts,
    outlet=texts,
    origin=texts,
    format=st.sampled_from(["text", "html"]),
    url=st.none() | texts,
    published=st.none() | st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
    published_precision=st.none() | st.sampled_from(DatePrecision),
    removed=st.lists(st.builds(RemovedLine, texts, texts), max_size=3).map(tuple),
)
conflicts = st.builds(
    Conflict,
    st.sampled_from(ConflictKind),
    spans,
    spans,
    texts,
    texts,
    texts,
    st.floats(0, 1, allow_nan=False),
)
events = st.builds(
    TimelineEvent,
    st.dates(date(1900, 1, 1), date(2100, 1, 1)),
    st.sampled_from(DatePrecision),
    texts,
    st.lists(spans, max_size=3).map(tuple),
)

quotes = st.builds(
    Quote,
    text=texts,
    speaker=st.none() | texts,
    spans=st.lists(spans, max_size=3).map(tuple),
    variants=st.lists(texts, max_size=2).map(tuple),
    kind=st.sampled_from(QuoteKind),
    speaker_written=st.lists(texts, max_size=3).map(tuple),
    speaker_spans=st.lists(spans, max_size=3).map(tuple),
)
quote_mentions = st.builds(
    QuoteMention,
    article_id=texts,
    start=st.integers(0, 10_000),
    end=st.integers(0, 10_000),
    text=texts,
    speaker=st.none() | texts,
    speaker_span=st.none() | spans,
    speaker_text=st.none() | texts,
    kind=st.sampled_from(QuoteKind),
    cue=st.none() | spans,
)


def _round_trip(kind: type, value: object) -> object:
    return from_dict(kind, orjson.loads(orjson.dumps(to_dict(value))))


@settings(max_examples=100, deadline=None)
@given(articles)
def test_article_round_trip(article: Article) -> None:
    assert _round_trip(Article, article) == article


@settings(max_examples=100, deadline=None)
@given(conflicts, events)
def test_conflict_and_event_round_trip(conflict: Conflict, event: TimelineEvent) -> None:
    assert _round_trip(Conflict, conflict) == conflict
    assert _round_trip(TimelineEvent, event) == event


def test_a_whole_briefing_round_trips(example_result: BriefingSet) -> None:
    assert _round_trip(BriefingSet, example_result) == example_result


@settings(max_examples=100, deadline=None)
@given(quotes, quote_mentions)
def test_quotes_round_trip_with_speaker_as_written_and_kind(quote: Quote, mention: QuoteMention) -> None:
    assert _round_trip(Quote, quote) == quote
    assert _round_trip(QuoteMention, mention) == mention


def test_quotes_stored_before_schema_1_3_load_with_defaults() -> None:
    old = {"text": "We will win", "speaker": "Elizabeth Warren", "spans": [], "variants": []}
    quote = from_dict(Quote, old)
    assert quote.kind == QuoteKind.DIRECT
    assert quote.speaker_written == () and quote.speaker_spans == ()
    old_mention = {
        "article_id": "a",
        "start": 0,
        "end": 3,
        "text": "abc",
        "speaker": None,
        "speaker_span": None,
    }
    mention = from_dict(QuoteMention, old_mention)
    assert mention.speaker_text is None and mention.cue is None and mention.kind == QuoteKind.DIRECT
