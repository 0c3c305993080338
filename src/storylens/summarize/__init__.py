"""Summarize: an extractive summary whose every line is a sentence of a source, cited.

The first line is the story's main event: among the opening sentences of the articles that can
stand alone as a line, the one the other reports echo most (origin groups, so that copies of one
report count once). Where the articles carry dates and the story developed over days, the
newest article's opening statement is in the summary too. The other lines are claims ranked by
how many independent voices back them, how many articles carry them, how central they are to the
story and how early they come in their articles; they are taken greedily up to the word budget,
skipping any too close to one already taken and any that cannot stand on its own after the lines
before it (`standalone`), then told in story order. A line is the wording of an article that
does not lose a conflict over it: where a rewrite changed a figure, the line quotes the origin,
and the rewrite is not cited for it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from storylens.config import SummarySettings
from storylens.model import Claim, Conflict, Derivation, Sentence, Span, SummaryLine
from storylens.similarity import combined, content_tokens, embed, lexical_matrix
from storylens.summarize.standalone import LineJudge, StoryText

VOICE_WEIGHT = 1.0
ARTICLE_WEIGHT = 0.25
CENTRALITY_WEIGHT = 1.0
LEAD_WEIGHT = 0.5  # news puts the main facts first
# The main event is looked for among the first LEAD_SCAN sentences of each article (pages open
# on captions, datelines and furniture before the lead), taking at most LEAD_CANDIDATES that can
# stand alone from each. FIRST_LEAD_BONUS is added to an article's first such sentence (the lead
# proper) on top of how much the other reports echo it. Chosen on the even-numbered (dev)
# labelled Multi-News clusters of bench/data/summary/main_event_labels.jsonl.
LEAD_SCAN = 8
LEAD_CANDIDATES = 2
FIRST_LEAD_BONUS = 0.3
# Weight of a candidate's closeness to the centre of all the story's sentences: where only two
# reports disagree on what the story is (an archive notice beside an article), the one the
# story's text is about wins.
LEAD_CENTRALITY_WEIGHT = 1.0
# How far into the other articles an echo of a lead is looked for: their openings.
ECHO_SCAN = 8

Option = tuple[str, Claim, float]  # (text, claim with undisputed spans, relative position)


def disputed_spans(conflicts: Sequence[Conflict], derivations: Sequence[Derivation]) -> set[tuple[str, int]]:
    """Conflict spans (article id, start) that must not be repeated as fact: the side of a
    derived article against its source; both sides when independent sources disagree (the
    conflicts section shows them, the summary takes neither)."""
    derived_from = {(d.derived, d.source) for d in derivations}
    losers: set[tuple[str, int]] = set()
    for conflict in conflicts:
        a, b = conflict.first, conflict.second
        if (a.article_id, b.article_id) in derived_from:
            losers.add((a.article_id, a.start))
        elif (b.article_id, a.article_id) in derived_from:
            losers.add((b.article_id, b.start))
        else:
            losers.update({(a.article_id, a.start), (b.article_id, b.start)})
    return losers


def summarize(
    claims: Sequence[Claim],
    sentences: dict[tuple[str, int], Sentence],
    disputed: set[tuple[str, int]],
    derived: set[str],
    settings: SummarySettings | None = None,
    story: StoryText | None = None,
) -> tuple[SummaryLine, ...]:
    """Summary lines within the word budget: the main event first, then the rest in the order
    the story is told (`derived` holds the copies and rewrites; `story` the texts, names,
    quotes, dates and origin groups the line checks and the main event need)."""
    settings = settings or SummarySettings()
    story = story or StoryText()
    index = _SentenceIndex(sentences.values())
    options = [option for option in (_option(claim, index, disputed, derived) for claim in claims) if option]
    if not options:
        return ()
    judge = LineJudge(story)
    texts = [text for text, _, _ in options]
    vectors = embed(texts)
    centrality = vectors @ vectors.mean(axis=0)
    tokens = [content_tokens(text) for text in texts]
    # the vectors serve centrality too, so they are not recomputed through similarity_within
    similarity = combined(lexical_matrix(tokens, tokens), vectors @ vectors.T)
    scores = [_score(claim, position, float(centrality[i])) for i, (_, claim, position) in enumerate(options)]
    leads = lead_candidates(index, judge, disputed, derived)
    lead = main_event(leads, index, story)
    lead_option = _option_citing(options, lead)
    first = [(lead_option, lead)] if lead is not None and lead_option is not None else []
    newest = _option_citing(options, newest_development(leads, story, lead))
    must = [newest] if newest is not None and newest != lead_option else []
    chosen = _select(options, scores, similarity, settings, _Context(index, judge, first), must)
    chosen.sort(key=lambda pick: options[pick[0]][2])
    return tuple(_line(options[i], sentence) for i, sentence in (*first, *chosen))


class _SentenceIndex:
    """Sentences by (article, start offset), each article's in order, and how many each has."""

    def __init__(self, sentences: Iterable[Sentence]) -> None:
        self.at: dict[tuple[str, int], Sentence] = {}
        self.counts: Counter[str] = Counter()
        self.of: dict[str, list[Sentence]] = defaultdict(list)
        for sentence in sentences:
            self.at[(sentence.article_id, sentence.start)] = sentence
            self.counts[sentence.article_id] += 1
            self.of[sentence.article_id].append(sentence)
        for found in self.of.values():
            found.sort(key=lambda s: s.index)

    def position(self, span: Span) -> float:
        """Where the span's sentence stands in its article, 0 (first) to 1."""
        return self.at[(span.article_id, span.start)].index / max(self.counts[span.article_id], 1)


def lead_candidates(
    index: _SentenceIndex, judge: LineJudge, disputed: set[tuple[str, int]], derived: set[str]
) -> list[tuple[Sentence, int]]:
    """Opening sentences that can stand alone as a first line, with their rank among those of
    their article (0: the article's lead). Copies and rewrites give none where originals exist."""
    originals = [a for a in index.of if a not in derived] or list(index.of)
    found: list[tuple[Sentence, int]] = []
    for article_id in originals:
        rank = 0
        for sentence in index.of[article_id][:LEAD_SCAN]:
            if _touches(Span(sentence.article_id, sentence.start, sentence.end), disputed):
                continue
            if judge.fault(sentence, ()) is None:
                found.append((sentence, rank))
                rank += 1
                if rank == LEAD_CANDIDATES:
                    break
    return found


def main_event(
    leads: Sequence[tuple[Sentence, int]], index: _SentenceIndex, story: StoryText
) -> Sentence | None:
    """The opening statement the other reports echo most: for each other origin group, the
    similarity of its closest opening sentence, summed; an article's lead proper gets a bonus."""
    if not leads:
        return None
    group_of = _groups(index, story)
    every = [s for found in index.of.values() for s in found[:ECHO_SCAN]]
    similarity = combined(
        lexical_matrix([content_tokens(s.text) for s, _ in leads], [content_tokens(s.text) for s in every]),
        embed([s.text for s, _ in leads]) @ embed([s.text for s in every]).T,
    )
    groups = np.array([group_of[s.article_id] for s in every])
    vectors = embed([s.text for found in index.of.values() for s in found])
    centre = vectors.mean(axis=0)
    centrality = embed([s.text for s, _ in leads]) @ centre
    scores = []
    for row, (sentence, rank) in enumerate(leads):
        echo = sum(
            float(similarity[row, groups == g].max())
            for g in set(groups.tolist())
            if g != group_of[sentence.article_id]
        )
        scores.append(echo + FIRST_LEAD_BONUS * (rank == 0) + LEAD_CENTRALITY_WEIGHT * float(centrality[row]))
    return leads[int(np.argmax(scores))][0]


def newest_development(
    leads: Sequence[tuple[Sentence, int]], story: StoryText, lead: Sentence | None
) -> Sentence | None:
    """The lead of the newest article when the story's articles carry more than one date (a
    developing story), unless the main event already comes from it."""
    dated = {a: day for a, day in story.published.items() if day is not None}
    if len(set(dated.values())) < 2:
        return None
    newest = max(dated.values())
    for sentence, rank in leads:
        if rank == 0 and dated.get(sentence.article_id) == newest:
            return None if lead and lead.article_id == sentence.article_id else sentence
    return None


def _groups(index: _SentenceIndex, story: StoryText) -> dict[str, int]:
    group_of = {a: g for g, members in enumerate(story.groups) for a in members}
    for article_id in index.of:
        group_of.setdefault(article_id, len(group_of) + len(story.groups))
    return group_of


def _option(
    claim: Claim,
    index: _SentenceIndex,
    disputed: set[tuple[str, int]],
    derived: set[str],
) -> Option | None:
    """(text, claim with only undisputed spans, relative position) or None if all are disputed."""
    undisputed = [span for span in claim.spans if not _touches(span, disputed)]
    if not undisputed:
        return None
    undisputed.sort(key=lambda span: span.article_id in derived)  # originals first, stable
    clean = tuple(undisputed)
    lead = clean[0]
    sentence = index.at[(lead.article_id, lead.start)]
    trimmed = Claim(
        claim.id, clean, sentence.text, claim.articles, claim.independent_voices, claim.voice_groups
    )
    return sentence.text, trimmed, float(np.mean([index.position(span) for span in clean]))


def _option_citing(options: Sequence[Option], sentence: Sentence | None) -> int | None:
    """The option whose claim holds the sentence."""
    if sentence is None:
        return None
    return next(
        (
            i
            for i, (_, claim, _) in enumerate(options)
            if any(s.article_id == sentence.article_id and s.start == sentence.start for s in claim.spans)
        ),
        None,
    )


def _touches(span: Span, disputed: set[tuple[str, int]]) -> bool:
    return any(article == span.article_id and span.start <= start < span.end for article, start in disputed)


def _score(claim: Claim, position: float, centrality: float) -> float:
    return (
        VOICE_WEIGHT * claim.independent_voices
        + ARTICLE_WEIGHT * len(claim.articles)
        + CENTRALITY_WEIGHT * centrality
        + LEAD_WEIGHT * (1 - position)
    )


class _Context:
    """What a candidate line is judged against: the first line, and the lines already taken
    that the story's order puts before it."""

    def __init__(self, index: _SentenceIndex, judge: LineJudge, first: list[tuple[int, Sentence]]) -> None:
        self.index, self.judge, self.first = index, judge, first

    def wording(
        self, option: Option, taken: Sequence[tuple[int, Sentence]], options: Sequence[Option]
    ) -> Sentence | None:
        """The first of the claim's sentences (originals first) that stands as a line here."""
        earlier = [s for _, s in self.first] + [s for i, s in taken if options[i][2] <= option[2]]
        for span in option[1].spans:
            sentence = self.index.at[(span.article_id, span.start)]
            if self.judge.fault(sentence, earlier) is None:
                return sentence
        return None


def _select(
    options: list[Option],
    scores: list[float],
    similarity: np.ndarray,
    settings: SummarySettings,
    context: _Context,
    must: Sequence[int] = (),
) -> list[tuple[int, Sentence]]:
    """Lines after the first: (option, the sentence that words it), best first."""
    taken: list[tuple[int, Sentence]] = []
    first = [i for i, _ in context.first]
    words = sum(len(s.text.split()) for _, s in context.first)
    for i in [*must, *sorted(range(len(options)), key=lambda k: -scores[k])]:
        if i in first or any(i == j for j, _ in taken):
            continue
        if any(similarity[i, j] >= settings.redundancy for j in [*first, *(j for j, _ in taken)]):
            continue
        sentence = context.wording(options[i], taken, options)
        if sentence is None:
            continue
        length = len(sentence.text.split())
        if words + length > settings.words and (taken or first):
            continue
        taken.append((i, sentence))
        words += length
    return taken


def _line(option: Option, sentence: Sentence) -> SummaryLine:
    """The line in the words of `sentence`, citing it first and then the claim's other spans."""
    _, claim, _ = option
    own = [s for s in claim.spans if s.article_id == sentence.article_id and s.start == sentence.start]
    rest = [s for s in claim.spans if s not in own]
    return SummaryLine(
        text=sentence.text, citations=(*own, *rest), independent_voices=claim.independent_voices
    )


__all__ = ["StoryText", "disputed_spans", "summarize"]
