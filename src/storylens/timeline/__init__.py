"""Timeline: the dated events of a story, in date order, each with the spans that date it.

An event is the sentence around a date mention (for "three days after the derailment", the words
after the expression, which are what it dates). Mentions of the same date in sentences of one
claim are one event cited by every source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storylens.model import Annotation, DateMention, DatePrecision, Sentence, Span, TimelineEvent

PRECISION_ORDER = {DatePrecision.DAY: 0, DatePrecision.WEEK: 1, DatePrecision.MONTH: 2, DatePrecision.YEAR: 3}
CLAUSE_END = re.compile(r"[,;.!?]")


def build_timeline(
    annotations: Sequence[Annotation], texts: dict[str, str], claim_of: dict[tuple[str, int], str]
) -> tuple[TimelineEvent, ...]:
    events: dict[tuple[object, ...], list[tuple[str, Span]]] = {}
    meta: dict[tuple[object, ...], DateMention] = {}
    for annotation in annotations:
        for mention in annotation.dates:
            sentence = _sentence_of(mention, annotation.sentences)
            if sentence is None:
                continue
            description = _description(mention, sentence, texts[annotation.article_id])
            claim = claim_of.get(
                (sentence.article_id, sentence.index), f"{sentence.article_id}:{sentence.index}"
            )
            key = (mention.value, mention.precision, claim, description[0] != sentence.start)
            events.setdefault(key, []).append((description[1], description[2]))
            meta.setdefault(key, mention)
    timeline = [_event(meta[key], spans) for key, spans in events.items()]
    return tuple(sorted(timeline, key=lambda e: (e.date, PRECISION_ORDER[e.precision], e.description)))


def _sentence_of(mention: DateMention, sentences: Sequence[Sentence]) -> Sentence | None:
    return next((s for s in sentences if s.start <= mention.start < s.end), None)


def _description(mention: DateMention, sentence: Sentence, text: str) -> tuple[int, str, Span]:
    """(start, words, span) of what the date refers to."""
    if mention.text.lower().endswith((" after", " before")):
        start = mention.end + 1
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


__all__ = ["build_timeline"]
