"""Quote attribution on hand-made paragraphs: is the speaker of each quote the right person?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from storylens.annotate import annotate
from storylens.annotate.entities import merge_entities
from storylens.annotate.names import same_person
from storylens.crosscheck.quotes import speaker_of
from storylens.model import Article


@dataclass(frozen=True)
class QuoteCase:
    id: str
    text: str
    quote: str  # the first words of the quote
    speaker: str


@dataclass(frozen=True)
class QuoteOutcome:
    case: QuoteCase
    found: bool  # the quote was detected at all
    speaker: str | None

    @property
    def correct(self) -> bool:
        return (
            self.speaker is not None
            and same_person(self.speaker, self.case.speaker)
            and len(self.speaker.split()) >= len(self.case.speaker.split())
        )


def read_cases(path: Path) -> list[QuoteCase]:
    rows = [orjson.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [QuoteCase(**row) for row in rows]


def run_case(case: QuoteCase) -> QuoteOutcome:
    article = Article(
        id="q",
        text=case.text,
        title="",
        outlet="fixture",
        origin=case.id,
        format="text",
        published=datetime(2026, 9, 10),
    )
    annotation = annotate([article])["q"]
    entities = merge_entities(annotation.mentions)
    for quote in annotation.quotes:
        if quote.text.lower().startswith(case.quote.lower()) or case.quote.lower() in quote.text.lower():
            return QuoteOutcome(case, True, speaker_of(quote, entities))
    return QuoteOutcome(case, False, None)
