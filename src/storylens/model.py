"""The records that travel between stages.

Every record is a frozen dataclass; `to_dict` turns any of them (or a tuple of them) into plain
JSON-ready data. Spans are character offsets into `Article.text`, so every later statement can be
shown in its source. `SCHEMA_VERSION` changes whenever a field changes meaning or disappears.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

SCHEMA_VERSION = "1.4"


class DatePrecision(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class DerivationKind(enum.StrEnum):
    DUPLICATE = "duplicate"
    REPRINT = "reprint"
    REWRITE = "rewrite"
    SHARED_ORIGIN = "shared_origin"  # both reuse a third text that is not in the batch


class SpinKind(enum.StrEnum):
    RARE_SUBSTITUTION = "rare_substitution"  # a common word swapped for a far rarer one
    GARBLED_NAME = "garbled_name"  # a name respelt
    CHANGED_NUMBER = "changed_number"  # a figure that differs in otherwise matching sentences


class HeadlineSource(enum.StrEnum):
    TITLE = "title"  # an article's title (`Article.title`)
    LEAD = "lead"  # a sentence of an article's lead, in its text


class QuoteKind(enum.StrEnum):
    DIRECT = "direct"  # the words inside quotation marks
    INDIRECT = "indirect"  # reported speech or thought: "X said that ...", "according to X, ..."


class ConflictKind(enum.StrEnum):
    NUMBER = "number"
    DURATION = "duration"
    DATE = "date"
    ROLE = "role"
    QUOTE_ATTRIBUTION = "quote_attribution"
    NEGATION = "negation"
    ENTITY_SWAP = "entity_swap"


@dataclass(frozen=True)
class Raw:
    """One input document before cleaning: its content and whatever metadata came with it."""

    origin: str  # path, "path:line" for JSON lines, "path#record" for WARC, or "<stdin>"
    format: str  # "text", "html"
    content: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    outlet: str | None = None
    byline: str | None = None


@dataclass(frozen=True)
class Failure:
    """An input that could not be used, and why; reported to the user, never silently dropped."""

    origin: str
    stage: str
    reason: str


@dataclass(frozen=True)
class RemovedLine:
    """A line taken out of the text during cleaning, kept for audit."""

    text: str
    reason: str


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str
    outlet: str
    origin: str
    format: str
    url: str | None = None
    published: datetime | None = None
    published_precision: DatePrecision | None = None
    language: str | None = None
    byline: str | None = None
    removed: tuple[RemovedLine, ...] = ()


@dataclass(frozen=True)
class Span:
    article_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    article_id: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Mention:
    """A named entity as written in one article, before entities are merged across articles."""

    article_id: str
    start: int
    end: int
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, ...


@dataclass(frozen=True)
class Quantity:
    """A number, count or duration found in a sentence, normalised so that sources can be compared."""

    article_id: str
    start: int
    end: int
    text: str
    value: float
    unit: str  # "years", "people", "percent", "" for a bare number, ...
    approximate: bool = False


@dataclass(frozen=True)
class DateMention:
    article_id: str
    start: int
    end: int
    text: str
    value: date
    precision: DatePrecision
    relative: bool  # resolved against the publication date or an earlier date in the text


@dataclass(frozen=True)
class QuoteMention:
    """Words given to a speaker in one article: a direct quote (the words inside the quotation
    marks) or an indirect attribution (the reported content)."""

    article_id: str
    start: int
    end: int
    text: str
    speaker: str | None  # the person the speaker resolves to in this article (full name)
    speaker_span: Span | None  # the speaker as written: a name, a title or a pronoun
    speaker_text: str | None = None  # the text of `speaker_span`
    kind: QuoteKind = QuoteKind.DIRECT
    cue: Span | None = None  # the speech or cognition verb: "said", "according to", "told"


@dataclass(frozen=True)
class RoleMention:
    """A title or role given to a person in one article: "Tom Keane, general secretary of ..."."""

    article_id: str
    person_start: int  # start offset of the person mention the role belongs to
    person: str
    title: str
    start: int
    end: int


@dataclass(frozen=True)
class Annotation:
    """Everything annotate found in one article."""

    article_id: str
    sentences: tuple[Sentence, ...]
    mentions: tuple[Mention, ...]
    dates: tuple[DateMention, ...]
    quantities: tuple[Quantity, ...]
    quotes: tuple[QuoteMention, ...]
    roles: tuple[RoleMention, ...] = ()


@dataclass(frozen=True)
class Role:
    title: str
    span: Span


@dataclass(frozen=True)
class Entity:
    id: str
    name: str
    label: str
    aliases: tuple[str, ...]
    mentions: tuple[Span, ...]
    roles: tuple[Role, ...] = ()


@dataclass(frozen=True)
class Headline:
    """The story's headline: an article's title or lead sentence, the most central of them among
    those that read as a headline. A title is not in the article's text, so it is cited by its
    articles; a lead sentence is cited by its spans as well."""

    text: str
    source: HeadlineSource
    articles: tuple[str, ...]  # the article it is taken from, then those whose title or lead says the same
    citations: tuple[Span, ...] = ()  # a lead: the sentence in each of `articles`; a title: none
    independent_voices: int = 1  # origin groups among `articles`


@dataclass(frozen=True)
class Story:
    id: str
    article_ids: tuple[str, ...]
    label: str  # key entities and title words
    first_published: datetime | None
    last_published: datetime | None
    headline: Headline | None = None  # chosen when the story is briefed; None where no candidate reads as one


@dataclass(frozen=True)
class AlignedPair:
    source_sentence: int
    derived_sentence: int
    similarity: float


@dataclass(frozen=True)
class SpinSignal:
    """A change between two aligned sentences that a rewriting tool, not an editor, would make."""

    kind: SpinKind
    source_sentence: int
    derived_sentence: int
    before: str
    after: str


@dataclass(frozen=True)
class Derivation:
    """`derived` reuses `source`; for SHARED_ORIGIN the two reuse a third text, and the order of
    the pair means nothing."""

    source: str
    derived: str
    kind: DerivationKind
    reused_share: float  # share of the derived article's sentences aligned to the source
    exact_share: float  # share of the derived article's sentences copied (nearly) word for word
    pairs: tuple[AlignedPair, ...]
    direction_evidence: tuple[str, ...]
    source_share: float = 1.0  # share of the source's sentences carried over (partial below 0.8)
    attribution: str = ""  # the derived text's own credit line, such as "according to Reuters"
    spin: tuple[SpinSignal, ...] = ()


@dataclass(frozen=True)
class Claim:
    id: str
    spans: tuple[Span, ...]
    text: str  # the wording of the representative span
    articles: tuple[str, ...]
    independent_voices: int
    voice_groups: tuple[tuple[str, ...], ...]  # supporters grouped by common origin


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    first: Span
    second: Span
    first_value: str
    second_value: str
    explanation: str
    confidence: float


@dataclass(frozen=True)
class Quote:
    text: str
    speaker: str | None  # the resolved person (canonical name across the story)
    spans: tuple[Span, ...]
    variants: tuple[str, ...]
    kind: QuoteKind = QuoteKind.DIRECT
    speaker_written: tuple[str, ...] = ()  # each distinct wording of the speaker: "she", "the senator"
    speaker_spans: tuple[Span, ...] = ()  # where each source names the speaker
    cues: tuple[Span, ...] = ()  # the words that attribute it in each source: "said", "promised"


@dataclass(frozen=True)
class SummaryLine:
    text: str
    citations: tuple[Span, ...]  # the first citation is the span the text was taken from
    independent_voices: int


@dataclass(frozen=True)
class TimelineEvent:
    date: date
    precision: DatePrecision
    description: str
    citations: tuple[Span, ...]


@dataclass(frozen=True)
class YearlessEvent:
    """An event dated by a day and month that no source places in a year ("12 March" in a story
    without a dated article). It is shown as written, never given a year."""

    month: int
    day: int
    description: str
    citations: tuple[Span, ...]


@dataclass(frozen=True)
class Briefing:
    story: Story
    summary: tuple[SummaryLine, ...]
    claims: tuple[Claim, ...]
    conflicts: tuple[Conflict, ...]
    timeline: tuple[TimelineEvent, ...]
    quotes: tuple[Quote, ...]
    entities: tuple[Entity, ...]
    derivations: tuple[Derivation, ...]
    articles: tuple[Article, ...]
    sentences: tuple[Sentence, ...] = field(default=())
    timeline_without_year: tuple[YearlessEvent, ...] = field(default=())


@dataclass(frozen=True)
class BriefingSet:
    """The result of one `brief` run: a briefing per story plus every input that failed."""

    briefings: tuple[Briefing, ...]
    failures: tuple[Failure, ...]
    stage_seconds: tuple[tuple[str, float], ...] = ()
    schema_version: str = SCHEMA_VERSION


def to_dict(value: Any) -> Any:
    """Plain JSON-ready data for any record, tuple, enum or date."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_dict(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def from_dict(cls: type[Any], data: Any) -> Any:
    """The record of type `cls` that `to_dict` turned into `data` (the web app's store keeps
    briefings as JSON and turns them back into records to render them)."""
    return _convert(cls, data)


def _convert(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (types.UnionType, typing.Union):
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _convert(options[0], value)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_convert(args[0], item) for item in value)
        return tuple(_convert(arg, item) for arg, item in zip(args, value, strict=True))
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        return kind(
            **{
                f.name: _convert(hints[f.name], value[f.name])
                for f in dataclasses.fields(kind)
                if f.name in value
            }
        )
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value
