"""The systems `storylens eval quotes` compares on PolNeAR, each turning an article's text into
`Predicted` attributions: storylens as the briefing runs it, the regular-expression attributor it
replaced, and textacy's `direct_quotations` (when textacy is installed)."""

from __future__ import annotations

from collections.abc import Callable

from storylens.annotate.entities import find_mentions
from storylens.annotate.parse import parse_model
from storylens.annotate.quotes import find_quotes
from storylens.annotate.roles import find_roles
from storylens.evaluate import quote_patterns
from storylens.evaluate.polnear import Predicted, inside_share, quoted_regions
from storylens.model import QuoteKind

System = Callable[[str], list[Predicted]]


def storylens_system(text: str) -> list[Predicted]:
    mentions = find_mentions([("a", text)])["a"]
    roles = find_roles("a", text, mentions)
    return [
        Predicted(
            content=((q.start, q.end),),
            speaker=(q.speaker_span.start, q.speaker_span.end) if q.speaker_span else None,
            resolved=q.speaker,
            direct=q.kind == QuoteKind.DIRECT,
        )
        for q in find_quotes("a", text, mentions, roles)
    ]


def pattern_system(text: str) -> list[Predicted]:
    """The regular-expression attributor: direct quotes only."""
    mentions = find_mentions([("a", text)])["a"]
    regions = quoted_regions(text)
    return [
        Predicted(
            content=((q.start, q.end),),
            speaker=(q.speaker_span.start, q.speaker_span.end) if q.speaker_span else None,
            resolved=q.speaker,
            direct=inside_share(((q.start, q.end),), regions) >= 0.5,
        )
        for q in quote_patterns.find_quotes("a", text, mentions)
    ]


def textacy_system() -> System | None:
    """textacy's rule-based direct quotations over the same parse, or None if not installed."""
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None

    def run(text: str) -> list[Predicted]:
        doc = parse_model()(text)
        regions = quoted_regions(text)
        found: list[Predicted] = []
        try:
            triples = list(direct_quotations(doc))
        except ValueError:  # textacy gives up on a text with an odd number of quotation marks
            return found
        for triple in triples:
            content = ((triple.content.start_char, triple.content.end_char),)
            speaker = triple.speaker
            span = (speaker[0].idx, speaker[-1].idx + len(speaker[-1].text)) if speaker else None
            name = " ".join(t.text for t in speaker) if speaker else None
            found.append(Predicted(content, span, name, inside_share(content, regions) >= 0.5))
        return found

    return run
