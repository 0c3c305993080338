"""The regular-expression quote attributor that storylens used before the parse (kept as the
baseline of `storylens eval quotes`).

A quote is text between quotation marks with at least a few words. Its speaker is found in the
attribution next to it, in the forms news uses: after the quote ("..., Marsh said", "..., said
the farmer, Paul Okoye", "..., club captain Leo Frank said"), before it ("Marsh said: ...",
"Amira Haddad, who led the study, said: ..."), "according to" either side, and a pronoun
("she said"), resolved to the nearest person named before the quote. A quote with no attribution
of its own that follows an attributed one in the same paragraph continues it ("I love this
city," Kerr said. "I will fight for it."). Names are snapped to a recognised entity mention where
one overlaps them, and a lone surname is completed from the full name written earlier.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storylens.model import Mention, QuoteMention, Span

QUOTE = re.compile(r"“(?P<curly>[^”]+?)”|\"(?P<straight>[^\"\n]+?)\"")
MIN_QUOTE_WORDS = 3  # shorter quoted text is a term or a title: "rail tax"
VERBS = (
    r"(?:said|says|told|tells|added|adds|stated|states|declared|explained|wrote|writes|warned|"
    r"insisted|argued|asked|replied|noted|continued|promised|claimed|recalled|admitted|"
    r"announced|acknowledged|conceded|answered|responded|stressed|shouted|tweeted|posted|"
    r"concluded|remarked|observed|cautioned|urged|vowed|pledged|predicted|complained|"
    r"countered|retorted|suggested|agreed|joked|recounted|testified|confirmed|conceded)"
)
NAME = r"(?:[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,4}|he|she|they|He|She|They)"
# Up to a short stretch of title or apposition text before a name: "club captain", "the farmer,".
LEAD_IN = r"(?:[^\"“”\n.!?]{0,60}?[\s,])?"
AFTER = re.compile(
    rf"^\s*[,.!?]?\s*(?:{VERBS}\s+{LEAD_IN}(?P<late>{NAME})|{LEAD_IN}(?P<early>{NAME}),?\s+{VERBS})\b"
)
BEFORE = re.compile(
    rf"(?P<name>{NAME})(?:,[^,\"“”]{{1,80}},)?\s+{VERBS}(?:\s+[\w-]+){{0,3}}?\s*(?:that\s*)?[:,]?\s*$"
)
ACCORDING_AFTER = re.compile(rf"^\s*[,.]?\s*according to\s+(?:[a-z][\w'’-]*\s+){{0,4}}(?P<name>{NAME})")
ACCORDING_BEFORE = re.compile(rf"according to\s+(?:[a-z][\w'’-]*\s+){{0,4}}(?P<name>{NAME}),?\s*$", re.I)
PRONOUNS = {"he", "she", "they"}
WINDOW = 120  # characters around a quote searched for its attribution


def find_quotes(article_id: str, text: str, mentions: Sequence[Mention]) -> tuple[QuoteMention, ...]:
    people = [m for m in mentions if m.label == "PERSON"]
    quotes: list[QuoteMention] = []
    for match in QUOTE.finditer(text):
        words = (match.group("curly") or match.group("straight") or "").strip()
        if len(words.split()) < MIN_QUOTE_WORDS:
            continue
        speaker, span = _speaker(text, match, article_id, mentions, people)
        if speaker is None and quotes:
            speaker, span = _continued(text, quotes[-1], match.start())
        inner_start = match.start() + 1
        quotes.append(
            QuoteMention(
                article_id, inner_start, inner_start + len(words.rstrip()), words.rstrip(" ,"), speaker, span
            )
        )
    return tuple(quotes)


def _continued(text: str, previous: QuoteMention, start: int) -> tuple[str | None, Span | None]:
    """The speaker of the previous quote, when this one follows it in the same paragraph with
    only its attribution between them."""
    between = text[previous.end : start]
    if previous.speaker is None or "\n" in between or len(between) > WINDOW:
        return None, None
    return previous.speaker, previous.speaker_span


def _speaker(
    text: str, match: re.Match[str], article_id: str, mentions: Sequence[Mention], people: Sequence[Mention]
) -> tuple[str | None, Span | None]:
    after = text[match.end() : match.end() + WINDOW].split("\n", 1)[0]
    line_start = text.rfind("\n", 0, match.start()) + 1
    before = text[max(line_start, match.start() - WINDOW) : match.start()]
    for pattern, group, window, base in (
        (AFTER, None, after, match.end()),
        (ACCORDING_AFTER, "name", after, match.end()),
        (BEFORE, "name", before, match.start() - len(before)),
        (ACCORDING_BEFORE, "name", before, match.start() - len(before)),
    ):
        found = pattern.search(window)
        if found:
            name_group = group or ("late" if found.group("late") else "early")
            offset = base + found.start(name_group)
            return _resolve(
                found.group(name_group), offset, text, match.start(), article_id, mentions, people
            )
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
            return _completed(mention.text, text), Span(article_id, mention.start, mention.end)
    return _completed(name, text), Span(article_id, offset, end)


def _completed(name: str, text: str) -> str:
    """A lone surname completed from the first "Firstname Surname" in the text: "Langat" ->
    "Faith Langat" (the recogniser misses or mislabels some names)."""
    if " " in name.strip():
        return name
    full = re.search(rf"\b([A-Z][a-z'’-]+)\s+{re.escape(name)}\b", text)
    if full is None or full.group(1).lower() in _NOT_FIRST_NAMES:
        return name
    return f"{full.group(1)} {name}"


# Capitalised words that precede a surname without being a first name.
_NOT_FIRST_NAMES = frozenset(
    "mr mrs ms dr the a an and but said says minister president senator judge mayor chief coach "
    "captain chancellor governor secretary ambassador professor according".split()
)
