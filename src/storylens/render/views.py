"""View models shared by the Markdown, HTML and terminal renderers: citations numbered per
article, article texts cut into addressable sentence segments with highlighted spans."""

from __future__ import annotations

import bisect
import calendar
import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

from storylens.model import (
    Article,
    Briefing,
    Derivation,
    DerivationKind,
    HeadlineSource,
    Quote,
    QuoteKind,
    Sentence,
    Span,
    SpinKind,
    YearlessEvent,
)
from storylens.summarize import disputed_spans


@dataclass(frozen=True)
class Segment:
    anchor: str | None  # id of a sentence that can be cited, None for text between sentences
    pieces: tuple[tuple[str, str | None], ...]  # (text, css class of a highlighted span or None)


class _SentenceIndex:
    """Sentence starts per article, for finding the sentence of a span in log time."""

    def __init__(self, briefing: Briefing) -> None:
        self.starts: dict[str, list[int]] = {}
        self.ends: dict[str, list[int]] = {}
        self.by_article: dict[str, list[Sentence]] = {}
        for sentence in sorted(briefing.sentences, key=lambda s: (s.article_id, s.start)):
            self.starts.setdefault(sentence.article_id, []).append(sentence.start)
            self.ends.setdefault(sentence.article_id, []).append(sentence.end)
            self.by_article.setdefault(sentence.article_id, []).append(sentence)

    def sentence_start(self, span: Span) -> int | None:
        starts = self.starts.get(span.article_id, [])
        position = bisect.bisect_right(starts, span.start) - 1
        if position >= 0 and span.start < self.ends[span.article_id][position]:
            return starts[position]
        return None


_INDEXES: OrderedDict[int, tuple[Briefing, _SentenceIndex]] = OrderedDict()
_INDEX_CACHE_SIZE = 16
_INDEX_LOCK = threading.Lock()


def _index(briefing: Briefing) -> _SentenceIndex:
    """The sentence index of a briefing, kept for the few briefings being rendered (the
    briefing is held too, so that its id is not reused while cached)."""
    key = id(briefing)
    with _INDEX_LOCK:  # the web app renders in several threads
        cached = _INDEXES.get(key)
        if cached is not None and cached[0] is briefing:
            _INDEXES.move_to_end(key)
            return cached[1]
        index = _SentenceIndex(briefing)
        _INDEXES[key] = (briefing, index)
        while len(_INDEXES) > _INDEX_CACHE_SIZE:
            _INDEXES.popitem(last=False)
        return index


def anchor(span: Span, briefing: Briefing) -> str:
    """The id of the sentence holding `span` (citations and conflicts link to it)."""
    start = _index(briefing).sentence_start(span)
    return span.article_id if start is None else f"{span.article_id}-{start}"


def story_heading(briefing: Briefing) -> str:
    """The story's headline, or its keyword label where no title or lead sentence read as one."""
    headline = briefing.story.headline
    return headline.text if headline else briefing.story.label


def headline_origin(briefing: Briefing) -> str:
    """Where the headline comes from, in plain words: "title of Outlet", "lead of Outlet, said
    by 3 independent sources"; "keywords (no title or lead sentence reads as a headline)"."""
    headline = briefing.story.headline
    if headline is None:
        return "keywords (no title or lead sentence reads as a headline)"
    names = outlets(briefing)
    part = "title" if headline.source == HeadlineSource.TITLE else "lead"
    origin = f"{part} of {names.get(headline.articles[0], headline.articles[0])}"
    voices = headline.independent_voices
    return origin + (f", said by {voices} independent sources" if voices > 1 else "")


def day_without_year(event: YearlessEvent) -> str:
    """ "28 November (year not given)": the day and month as the sources give them, no year."""
    return f"{event.day} {calendar.month_name[event.month]} (year not given)"


def excerpt(span: Span, articles: dict[str, Article]) -> str:
    return articles[span.article_id].text[span.start : span.end]


def outlets(briefing: Briefing) -> dict[str, str]:
    return {article.id: article.outlet for article in briefing.articles}


def article_segments(article: Article, briefing: Briefing) -> list[Segment]:
    """The article text as sentence segments; conflict and quote spans marked inside them."""
    marks = _marks(article.id, briefing)
    segments: list[Segment] = []
    cursor = 0
    for sentence in _index(briefing).by_article.get(article.id, []):
        if sentence.start > cursor:
            segments.append(Segment(None, ((article.text[cursor : sentence.start], None),)))
        pieces = _pieces(article.text, sentence.start, sentence.end, marks)
        segments.append(Segment(f"{article.id}-{sentence.start}", pieces))
        cursor = sentence.end
    if cursor < len(article.text):
        segments.append(Segment(None, ((article.text[cursor:], None),)))
    return segments


def _marks(article_id: str, briefing: Briefing) -> list[tuple[int, int, str]]:
    """Conflict spans, and the speakers of quotes as written where no conflict covers them
    (marks do not nest; a conflict matters more)."""
    marks = []
    for conflict in briefing.conflicts:
        for span in (conflict.first, conflict.second):
            if span.article_id == article_id:
                marks.append((span.start, span.end, "conflict"))
    speakers = {
        (span.start, span.end)
        for quote in briefing.quotes
        for span in quote.speaker_spans
        if span.article_id == article_id and span.end > span.start
    }
    for start, end in sorted(speakers):
        if not any(start < c_end and c_start < end for c_start, c_end, _ in marks):
            marks.append((start, end, "speaker"))
    return sorted(marks)


def _pieces(
    text: str, start: int, end: int, marks: list[tuple[int, int, str]]
) -> tuple[tuple[str, str | None], ...]:
    pieces: list[tuple[str, str | None]] = []
    cursor = start
    for mark_start, mark_end, css in marks:
        if mark_start < cursor or mark_end > end:
            continue
        if mark_start > cursor:
            pieces.append((text[cursor:mark_start], None))
        pieces.append((text[mark_start:mark_end], css))
        cursor = mark_end
    if cursor < end:
        pieces.append((text[cursor:end], None))
    return tuple(pieces)


@dataclass(frozen=True)
class Wording:
    """One way the sources wrote a quote's speaker ("she", "the senator"), and where."""

    text: str
    spans: tuple[Span, ...]  # empty where no source span of that wording travels with the quote


def speaker_wordings(quote: Quote, articles: dict[str, Article]) -> list[Wording]:
    """Each distinct wording of the speaker (case and spacing aside), with its source spans."""
    found: dict[str, tuple[str, list[Span]]] = {}
    for written in quote.speaker_written:
        text = " ".join(written.split())
        if text:
            found.setdefault(text.lower(), (text, []))
    for span in quote.speaker_spans:
        if span.article_id in articles:
            text = " ".join(excerpt(span, articles).split())
            if text:
                found.setdefault(text.lower(), (text, []))[1].append(span)
    return [Wording(text, tuple(spans)) for text, spans in found.values()]


def speaker_phrase(quote: Quote, articles: dict[str, Article]) -> str:
    """ "Elizabeth Warren — written as “she”, “the senator”", "“the minister” (unresolved)" or
    "unattributed", as plain text (Markdown and the terminal escape it)."""
    written = ", ".join(f"“{w.text}”" for w in speaker_wordings(quote, articles))
    if quote.speaker:
        return f"{quote.speaker} — written as {written}" if written else quote.speaker
    return f"{written} (unresolved)" if written else "unattributed"


def quote_words(quote: Quote, articles: dict[str, Article]) -> str:
    """A direct quote inside quotation marks; reported speech after the word that attributes it
    ("promised: to begin ...", "according to: ..."), never put in quotation marks."""
    if quote.kind == QuoteKind.INDIRECT:
        return f"{cue_word(quote, articles)}: {quote.text}"
    return f"“{quote.text}”"


def cue_word(quote: Quote, articles: dict[str, Article]) -> str:
    """The verb a source used to attribute a reported statement ("warned", "according to"), in
    lower case; "reported" where none was kept."""
    for span in quote.cues:
        article = articles.get(span.article_id)
        if article is not None and 0 <= span.start < span.end <= len(article.text):
            return " ".join(article.text[span.start : span.end].split()).lower().rstrip(":")
    return "reported"


PARTIAL_BELOW = 0.8  # a reprint that carries less of its source than this is a partial one
SPIN_WORDING = {
    SpinKind.RARE_SUBSTITUTION: "rare word swapped in",
    SpinKind.GARBLED_NAME: "name respelt",
    SpinKind.CHANGED_NUMBER: "figure changed",
}


def kind_name(derivation: Derivation) -> str:
    """ "reprint", "partial reprint", "rewrite", "duplicate" or "shared origin"."""
    if derivation.kind == DerivationKind.REPRINT and derivation.source_share < PARTIAL_BELOW:
        return "partial reprint"
    return derivation.kind.value.replace("_", " ")


def derivation_phrase(derivation: Derivation, names: dict[str, str]) -> str:
    source, derived = names[derivation.source], names[derivation.derived]
    if derivation.kind == DerivationKind.SHARED_ORIGIN:
        return f"{derived} and {source} carry the same text from a source not in this batch"
    return f"{derived} is a {kind_name(derivation)} of {source}"


def spin_evidence(derivation: Derivation, briefing: Briefing) -> list[tuple[str, Span]]:
    """(what changed, the derived sentence it changed in) per spin signal."""
    sentences = {s.index: s for s in briefing.sentences if s.article_id == derivation.derived}
    found = []
    for signal in derivation.spin:
        sentence = sentences.get(signal.derived_sentence)
        span = (
            Span(derivation.derived, sentence.start, sentence.end)
            if sentence
            else Span(derivation.derived, 0, 0)
        )
        found.append((f"“{signal.after}” for “{signal.before}” ({SPIN_WORDING[signal.kind]})", span))
    return found


def article_roles(briefing: Briefing) -> dict[str, str]:
    """Each article's part in the story: original reporting, a reprint or rewrite of another, or
    a carrier of a text it shares with another."""
    names = outlets(briefing)
    roles = {article.id: "original reporting" for article in briefing.articles}
    for derivation in briefing.derivations:
        if derivation.kind == DerivationKind.SHARED_ORIGIN:
            for one, other in (
                (derivation.source, derivation.derived),
                (derivation.derived, derivation.source),
            ):
                if roles[one] == "original reporting":
                    roles[one] = f"shares an origin with {names[other]}"
        else:
            roles[derivation.derived] = f"{kind_name(derivation)} of {names[derivation.source]}"
    return roles


def disputed_anchors(briefing: Briefing) -> set[str]:
    """Anchors of sentences whose version of a fact is disputed: the derived side of a conflict
    with its own source, or both sides where independent sources disagree."""
    losers = disputed_spans(briefing.conflicts, briefing.derivations)
    return {anchor(Span(article_id, start, start + 1), briefing) for article_id, start in losers}


@dataclass(frozen=True)
class GraphNode:
    x: float
    y: float
    label: str
    original: bool


@dataclass(frozen=True)
class GraphEdge:
    x1: float
    y1: float
    x2: float
    y2: float
    lx: float
    ly: float
    kind: str
    label: str


@dataclass(frozen=True)
class Graph:
    width: int
    height: int
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]


GRAPH_WIDTH, GRAPH_HEIGHT, NODE_RADIUS = 640, 300, 8


def provenance_graph(briefing: Briefing) -> Graph:
    """Articles on a circle, an arrow from each source to what was derived from it."""
    names = outlets(briefing)
    derived = {d.derived for d in briefing.derivations if d.kind != DerivationKind.SHARED_ORIGIN}
    count = len(briefing.articles)
    centre_x, centre_y, radius = GRAPH_WIDTH / 2, GRAPH_HEIGHT / 2 - 10, GRAPH_HEIGHT / 2 - 45
    places = {}
    for index, article in enumerate(briefing.articles):
        angle = 2 * math.pi * index / max(count, 1) - math.pi / 2
        places[article.id] = (centre_x + 1.6 * radius * math.cos(angle), centre_y + radius * math.sin(angle))
    nodes = tuple(
        GraphNode(round(x, 1), round(y, 1), names[a.id][:28], a.id not in derived)
        for a, (x, y) in ((a, places[a.id]) for a in briefing.articles)
    )
    edges = tuple(_edge(places[d.source], places[d.derived], d, names) for d in briefing.derivations)
    return Graph(GRAPH_WIDTH, GRAPH_HEIGHT, nodes, edges)


def _edge(
    start: tuple[float, float], end: tuple[float, float], derivation: Derivation, names: dict[str, str]
) -> GraphEdge:
    (x1, y1), (x2, y2) = start, end
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    dx, dy = (x2 - x1) / length * (NODE_RADIUS + 2), (y2 - y1) / length * (NODE_RADIUS + 2)
    label = derivation_phrase(derivation, names)
    return GraphEdge(
        round(x1 + dx, 1),
        round(y1 + dy, 1),
        round(x2 - dx, 1),
        round(y2 - dy, 1),
        round((x1 + x2) / 2, 1),
        round((y1 + y2) / 2 - 4, 1),
        kind_name(derivation),
        label,
    )
