"""Timeline: the dated events of a story, in date order, each with the spans that date it.

An event is the sentence around a date mention (for "three days after the derailment", the words
after the expression, which are what it dates). Mentions of the same date in sentences of one
claim are one event cited by every source.

Nothing on the timeline is dated by a guess. A date written without its year in an article that
has no publication date takes its year from the story's newest dated article; with no dated
article in the story it cannot be placed in a year, and goes to a list of its own
(`yearless_events`), shown with its day and month and without a year. Events
dated after the story's newest article are plans and forecasts, not what happened, and photo
captions are not events.
"""

from __future__ import annotations

import calendar
import dataclasses
import re
from collections.abc import Mapping, Sequence
from datetime import date

from storylens.annotate.dates import DATE_RE, MONTH_DAY, MONTHS, find_dates
from storylens.clean.boilerplate import is_caption
from storylens.model import (
    Annotation,
    DateMention,
    DatePrecision,
    Sentence,
    Span,
    TimelineEvent,
    YearlessEvent,
)

LEAP_YEAR = 2000  # only to ask how many days a month can have (29 for February)
PRECISION_ORDER = {DatePrecision.DAY: 0, DatePrecision.WEEK: 1, DatePrecision.MONTH: 2, DatePrecision.YEAR: 3}
CLAUSE_END = re.compile(r"[,;.!?]")
# "50 years ago", "two years earlier": a year counted back from a date is a guess to a year either
# way, and mostly background ("the Inquisition of 600 years ago"), not an event of the story.
YEARS_OFFSET = re.compile(r"\byears?\s+(?:ago|earlier|later|before|after|previously)\b", re.IGNORECASE)


def build_timeline(
    annotations: Sequence[Annotation],
    texts: dict[str, str],
    claim_of: dict[tuple[str, int], str],
    published: Mapping[str, date | None] | None = None,
) -> tuple[TimelineEvent, ...]:
    """The story's dated events. `published`: each article's publication date (None where it has
    none); without the map, no article counts as dated."""
    published = published or {}
    dated = [day for day in published.values() if day is not None]
    newest = max(dated) if dated else None
    annotations = [_dated_by_story(a, texts[a.article_id], published, newest) for a in annotations]
    events: dict[tuple[object, ...], list[tuple[str, Span]]] = {}
    meta: dict[tuple[object, ...], DateMention] = {}
    for annotation in annotations:
        for mention in annotation.dates:
            sentence = _sentence_of(mention, annotation.sentences)
            text = texts[annotation.article_id]
            if sentence is None or (newest and mention.value > newest) or YEARS_OFFSET.search(mention.text):
                continue
            if _in_caption(sentence, text):
                continue
            description = _description(mention.text, mention.end, sentence, text)
            claim = claim_of.get(
                (sentence.article_id, sentence.index), f"{sentence.article_id}:{sentence.index}"
            )
            key = (mention.value, mention.precision, claim, description[0] != sentence.start)
            events.setdefault(key, []).append((description[1], description[2]))
            meta.setdefault(key, mention)
    timeline = [_event(meta[key], spans) for key, spans in events.items()]
    return tuple(sorted(timeline, key=lambda e: (e.date, PRECISION_ORDER[e.precision], e.description)))


def yearless_events(
    annotations: Sequence[Annotation],
    texts: dict[str, str],
    claim_of: dict[tuple[str, int], str],
    published: Mapping[str, date | None] | None = None,
) -> tuple[YearlessEvent, ...]:
    """Events dated by a day and month alone ("Nov. 28") in a story without a dated article:
    nothing gives them a year, so they keep none (`build_timeline` places them where a dated
    article does). In calendar order of month and day; captions are left out."""
    published = published or {}
    if any(day is not None for day in published.values()):
        return ()
    events: dict[tuple[int, int, str, bool], list[tuple[str, Span]]] = {}
    for annotation in annotations:
        text = texts[annotation.article_id]
        for start, end, month, day in _days_without_year(text):
            sentence = next((s for s in annotation.sentences if s.start <= start < s.end), None)
            if sentence is None or _in_caption(sentence, text):
                continue
            described = _description(text[start:end], end, sentence, text)
            key = (sentence.article_id, sentence.index)
            claim = claim_of.get(key, f"{sentence.article_id}:{sentence.index}")
            events.setdefault((month, day, claim, described[0] != sentence.start), []).append(described[1:])
    found = [
        YearlessEvent(month, day, spans[0][0], tuple(dict.fromkeys(span for _, span in spans)))
        for (month, day, _, _), spans in events.items()
    ]
    return tuple(sorted(found, key=lambda e: (e.month, e.day, e.description)))


def _days_without_year(text: str) -> list[tuple[int, int, int, int]]:
    """(start, end, month, day) of every "Nov. 28" or "28 November" written without a year, for a
    day the month can have (29 February counts: some year has it)."""
    found = []
    for match in DATE_RE.finditer(text):
        if match.group("month_day") is None and match.group("day_month") is None:
            continue
        parts = MONTH_DAY.search(match.group(0))
        if parts is None:
            continue
        name, number = parts.group(1, 2) if parts.group(1) else parts.group(4, 3)
        month = MONTHS.get(name.lower())
        if month is not None and 1 <= int(number) <= calendar.monthrange(LEAP_YEAR, month)[1]:
            found.append((match.start(), match.end(), month, int(number)))
    return found


def _dated_by_story(
    annotation: Annotation, text: str, published: Mapping[str, date | None], newest: date | None
) -> Annotation:
    """An undated article's mentions again, its yearless dates placed against the story's newest
    dated article."""
    if newest is None or published.get(annotation.article_id) is not None:
        return annotation
    return dataclasses.replace(annotation, dates=find_dates(annotation.article_id, text, None, newest))


def _in_caption(sentence: Sentence, text: str) -> bool:
    """The sentence, or the paragraph it sits in, is a photo caption or carries a photo credit."""
    start = text.rfind("\n\n", 0, sentence.start) + 1
    end = text.find("\n\n", sentence.end)
    return is_caption(sentence.text) or is_caption(text[start : end if end >= 0 else len(text)].strip())


def _sentence_of(mention: DateMention, sentences: Sequence[Sentence]) -> Sentence | None:
    return next((s for s in sentences if s.start <= mention.start < s.end), None)


def _description(expression: str, end_of_date: int, sentence: Sentence, text: str) -> tuple[int, str, Span]:
    """(start, words, span) of what the date expression (ending at `end_of_date`) refers to."""
    if expression.lower().endswith((" after", " before")):
        start = end_of_date + 1
        stop = CLAUSE_END.search(text, start, sentence.end)
        end = stop.start() if stop else sentence.end
        if end - start > 10:
            return start, text[start:end], Span(sentence.article_id, start, end)
    return sentence.start, sentence.text, Span(sentence.article_id, sentence.start, sentence.end)


def _event(mention: DateMention, found: list[tuple[str, Span]]) -> TimelineEvent:
    description = found[0][0]
    return TimelineEvent(
        mention.value, mention.precision, description, tuple(dict.fromkeys(span for _, span in found))
    )


__all__ = ["build_timeline", "yearless_events"]
