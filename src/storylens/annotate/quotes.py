"""Quotes and reported statements of one article, with the speaker as written and as resolved.

Only paragraphs that can hold an attribution are parsed: those with quotation marks or a word
form that PolNeAR train saw as a cue (kept in `cues.json`); consecutive ones are parsed together
so that a quote continued in the next paragraph, or introduced by "X said:" in the paragraph
before, keeps its speaker.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence

from storylens.annotate.attribution import (
    CLOSING_MARKS,
    OPENING_MARKS,
    QUOTED,
    Attribution,
    cue_weights,
    find_attributions,
)
from storylens.annotate.parse import parse_model
from storylens.annotate.speakers import Salience, SpeakerResolver
from storylens.model import Mention, QuoteKind, QuoteMention, RoleMention, Span

WORD = re.compile(r"[A-Za-z’']+")
# Longer chunks are parsed paragraph by paragraph: the parser's cost per token grows with length.
MAX_CHUNK_CHARACTERS = 20_000


@functools.cache
def _cue_forms() -> frozenset[str]:
    return frozenset(cue_weights()["forms"])


QuoteInput = tuple[str, str, Sequence[Mention], Sequence[RoleMention]]  # id, text, mentions, roles


def find_quotes(
    article_id: str, text: str, mentions: Sequence[Mention], roles: Sequence[RoleMention] = ()
) -> tuple[QuoteMention, ...]:
    return find_quotes_in_batch([(article_id, text, mentions, roles)])[article_id]


def find_quotes_in_batch(articles: Sequence[QuoteInput]) -> dict[str, tuple[QuoteMention, ...]]:
    """The quotes of each article id. The chunks of every article go through the parser in one
    stream, which is about a third faster than a parser call per article."""
    chunks = [
        (index, offset, chunk)
        for index, item in enumerate(articles)
        for offset, chunk in candidate_chunks(item[1])
    ]
    found: dict[int, list[Attribution]] = defaultdict(list)
    salience: dict[int, Salience] = defaultdict(Salience)
    docs = parse_model().pipe(chunk for _, _, chunk in chunks)
    for (index, offset, _), doc in zip(chunks, docs, strict=True):
        found[index].extend(_shifted(attribution, offset) for attribution in find_attributions(doc))
        salience[index].add(doc, offset)
    quotes = {}
    for index, (article_id, text, mentions, roles) in enumerate(articles):
        resolver = SpeakerResolver(text, mentions, roles, salience[index])
        quotes[article_id] = tuple(_quote(article_id, text, a, resolver) for a in found[index])
    return quotes


def _quote(article_id: str, text: str, found: Attribution, resolver: SpeakerResolver) -> QuoteMention:
    start, end = _words_only(text, found.content[0][0], found.content[-1][1], found.direct)
    speaker = (
        resolver.resolve(found.source, found.content, found.source_head, found.source_tag)
        if found.source
        else None
    )
    source = Span(article_id, *found.source) if found.source else None
    return QuoteMention(
        article_id=article_id,
        start=start,
        end=end,
        text=" … ".join(text[max(s, start) : min(e, end)] for s, e in found.content),
        speaker=speaker,
        speaker_span=source,
        speaker_text=text[found.source[0] : found.source[1]] if found.source else None,
        kind=QuoteKind.DIRECT if found.direct else QuoteKind.INDIRECT,
        cue=Span(article_id, *found.cue) if found.cue else None,
    )


def _words_only(text: str, start: int, end: int, direct: bool) -> tuple[int, int]:
    """A direct quote's words without the quotation marks and the comma before the closing one
    (renderers add their own marks); reported content as found."""
    if not direct:
        return start, end
    while start < end and text[start] in OPENING_MARKS + " ":
        start += 1
    while end > start and text[end - 1] in CLOSING_MARKS + ", ":
        end -= 1
    return start, end


def candidate_chunks(text: str) -> Iterator[tuple[int, str]]:
    """(offset, text) of each run of consecutive paragraphs that may hold an attribution. A
    paragraph longer than a chunk is no news paragraph (a table, a dump of data) and is not
    parsed: the parser's time grows faster than its length."""
    run_start: int | None = None
    run_end = 0
    for start, end in _paragraphs(text):
        wanted = end - start <= MAX_CHUNK_CHARACTERS and _may_attribute(text[start:end])
        if wanted and (run_start is None or end - run_start <= MAX_CHUNK_CHARACTERS):
            run_start = start if run_start is None else run_start
            run_end = end
            continue
        if run_start is not None:
            yield run_start, text[run_start:run_end]
        run_start = start if wanted else None
        run_end = end
    if run_start is not None:
        yield run_start, text[run_start:run_end]


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    for match in re.finditer(r"[^\n]+", text):
        if match.group().strip():
            yield match.start(), match.end()


def _may_attribute(paragraph: str) -> bool:
    if QUOTED.search(paragraph):
        return True
    forms = _cue_forms()
    return any(word.lower() in forms for word in WORD.findall(paragraph))


def _shifted(found: Attribution, offset: int) -> Attribution:
    def move(span: tuple[int, int]) -> tuple[int, int]:
        return span[0] + offset, span[1] + offset

    return dataclasses.replace(
        found,
        content=tuple(move(s) for s in found.content),
        source=move(found.source) if found.source else None,
        cue=move(found.cue) if found.cue else None,
        source_head=move(found.source_head) if found.source_head else None,
    )
