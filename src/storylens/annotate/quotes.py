"""Direct quotes and who said them.

A quote is text between quotation marks with at least a few words. Its speaker is found in the
attribution next to it ("..., Marsh said", "Marsh said: ...", "..., said Marsh", "according to
Marsh"); a pronoun speaker ("she said") is resolved to the nearest person named before the quote.
The name is snapped to a recognised entity mention where one overlaps it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storylens.model import Mention, QuoteMention, Span

QUOTE = re.compile(r"“(?P<curly>[^”]+?)”|\"(?P<straight>[^\"\n]+?)\"")
MIN_QUOTE_WORDS = 3  # shorter quoted text is a term or a title: "rail tax"
VERBS = (
    r"(?:said|says|told|tells|added|adds|stated|states|declared|explained|wrote|warned|"
    r"insisted|argued|asked|replied|noted|continued|promised|claimed|recalled|admitted|"
    r"announced|acknowledged|conceded)"
)
NAME = r"(?:[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,4}|he|she|they|He|She|They)"
AFTER = re.compile(rf"^\s*[,.!?]?\s*(?:{VERBS}\s+(?P<late>{NAME})|(?P<early>{NAME})\s+{VERBS})\b")
BEFORE = re.compile(rf"(?P<name>{NAME})\s+{VERBS}(?:\s+\w+){{0,3}}?\s*(?:that\s*)?[:,]?\s*$")
# "according to opposition leader Maria Costa": up to four lowercase title words before the name.
ACCORDING = re.compile(rf"according to\s+(?:[a-z][\w'’-]*\s+){{0,4}}(?P<name>{NAME})")
PRONOUNS = {"he", "she", "they"}
WINDOW = 120  # characters around a quote searched for its attribution


def find_quotes(article_id: str, text: str, mentions: Sequence[Mention]) -> tuple[QuoteMention, ...]:
    people = [m for m in mentions if m.label == "PERSON"]
    quotes = []
    for match in QUOTE.finditer(text):
        words = (match.group("curly") or match.group("straight") or "").strip()
        if len(words.split()) < MIN_QUOTE_WORDS:
            continue
        speaker, span = _speaker(text, match, article_id, mentions, people)
        inner_start = match.start() + 1
        quotes.append(
            QuoteMention(
                article_id, inner_start, inner_start + len(words.rstrip()), words.rstrip(" ,"), speaker, span
            )
        )
    return tuple(quotes)


def _speaker(
    text: str, match: re.Match[str], article_id: str, mentions: Sequence[Mention], people: Sequence[Mention]
) -> tuple[str | None, Span | None]:
    after = text[match.end() : match.end() + WINDOW].split("\n", 1)[0]
    found = AFTER.match(after)
    if found:
        group = "late" if found.group("late") else "early"
        return _resolve(
            found.group(group),
            match.end() + found.start(group),
            text,
            match.start(),
            article_id,
            mentions,
            people,
        )
    line_start = text.rfind("\n", 0, match.start()) + 1
    before = text[max(line_start, match.start() - WINDOW) : match.start()]
    found = BEFORE.search(before)
    if found:
        offset = match.start() - len(before) + found.start("name")
        return _resolve(found.group("name"), offset, text, match.start(), article_id, mentions, people)
    found = ACCORDING.search(after)
    if found:
        offset = match.end() + found.start("name")
        return _resolve(found.group("name"), offset, text, match.start(), article_id, mentions, people)
    return None, None


def _resolve(
    name: str,
    offset: int,
    text: str,
    quote_start: int,
    article_id: str,
    mentions: Sequence[Mention],
    people: Sequence[Mention],
) -> tuple[str | None, Span | None]:
    if name.lower() in PRONOUNS:
        earlier = [m for m in people if m.end <= quote_start]
        if not earlier:
            return None, None
        nearest = earlier[-1]
        return nearest.text, Span(article_id, nearest.start, nearest.end)
    end = offset + len(name)
    for mention in mentions:  # prefer the recognised name inside "Transport Minister Elena Marsh"
        if mention.start >= offset and mention.end <= end:
            return mention.text, Span(article_id, mention.start, mention.end)
    return name, Span(article_id, offset, end)
