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
