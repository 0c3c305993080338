"""Conflicts: two aligned sentences whose numbers, durations or dates differ, and one quote given
to two speakers. Each conflict keeps both spans and says in plain words what differs."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TypeVar

import numpy as np
from rapidfuzz import fuzz

from storylens.annotate.entities import entity_lookup
from storylens.annotate.names import same_person
from storylens.annotate.quantities import NUMBER_WORDS
from storylens.annotate.roles import roles_conflict
from storylens.crosscheck.quotes import speaker_of
from storylens.crosscheck.wording import WordingConflict, entity_conflict, negation_conflict
from storylens.model import (
    Annotation,
    Article,
    Conflict,
    ConflictKind,
    DateMention,
    DatePrecision,
    Entity,
    Mention,
    Quantity,
    QuoteMention,
    Sentence,
    Span,
)

# Hedged figures ("nearly a decade", "about 40") agree with values this close, relatively.
APPROXIMATE_TOLERANCE = 0.15
# Lengths and weights converted from other units are rounded when written ("2,650 miles (4,264
# kilometers)", "30ft (9m)"): values this close, relatively, are one measure.
MEASURE_TOLERANCE = 0.03
MEASURED = frozenset({"length", "mass"})
# "costs an additional $10.34" gives a difference, not the amount another source states whole.
INCREMENT_BEFORE = re.compile(r"\b(?:additional|another|extra|further)\s+$", re.IGNORECASE)
INCREMENT_AFTER = re.compile(r"^\s+(?:more|extra)\b", re.IGNORECASE)
# Sources that disagree on one figure give values close to each other (2, 2.5 and 3 years of
# age; four or five half-siblings; 3.7 or 3.9 million miles; 30 km or 12 miles: at most 1.6
# times apart on the Multi-News dev clusters); the dev pairs further apart than this were two
# facts (rockets in three weeks and since midnight, a debt and an investment asked for).
MAX_DISPUTED_RATIO = 3.0
# "nine to 33 years", "3-5 days": a range is one fact, its ends are not figures of their own.
RANGE_BEFORE = re.compile(
    r"\b(?:\d[\d,.]*|" + "|".join(w for w in NUMBER_WORDS if len(w) > 2) + r")\s*(?:to|-|–)\s*$",
    re.IGNORECASE,
)
# Counts of people by what happened to them: a count of the dead and one of the wounded are
# two facts, however closely the sentences align.
OUTCOMES = {
    **dict.fromkeys(("killed", "dead", "died", "deaths", "death", "lives"), "killed"),
    **dict.fromkeys(("wounded", "injured", "hurt", "injuries"), "wounded"),
    **dict.fromkeys(("missing",), "missing"),
    **dict.fromkeys(("arrested", "detained", "held"), "arrested"),
    **dict.fromkeys(("evacuated", "displaced"), "evacuated"),
    **dict.fromkeys(("rescued", "saved"), "rescued"),
}
OUTCOME = re.compile(r"\b(?:" + "|".join(OUTCOMES) + r")\b", re.IGNORECASE)
OUTCOME_WINDOW = 60  # characters after a count where its outcome is said
# Titles are matched to people by position, more reliably than sentences are aligned; a quote
# attribution likewise rests on an exact quote match.
ROLE_CONFIDENCE = 0.85
MAX_PER_CLAIM_AND_KIND = 5
# In a claim stated by more sentences than this, each is compared with this many of the others,
# the most similar (the strongest evidence, and only the MAX_PER_CLAIM_AND_KIND most confident
# conflicts are kept anyway). A claim that large needs a story of 26 articles or more: the
# benchmark stories (examples, conflict suites, Multi-News clusters of up to 10) stay below it.
MAX_CLAIM_PARTNERS = 24
OFFSET_WORDS = re.compile(r"\b(?:after|before|earlier|later|previously)$", re.IGNORECASE)
QUOTE_CONFIDENCE = 0.9
POSSESSIVE = re.compile(r"['’]s$")
YEAR = re.compile(r"\b\d{4}\b")
SUBJECT_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
# A quote shorter than this ("Says who?", "Which polls?") is a phrase many people say: on the
# Multi-News dev clusters every two- or three-word "quote" given to two speakers was one line of a
# dialogue or a tweet repeating it.
MIN_QUOTE_WORDS = 4
# The same words given to two speakers are one wording, or a light rewrite of it ("I accept
# complete responsibility for what occurred" / "I take full responsibility for what happened"
# scores 70); two quotes the dev clusters grouped by sense alone (a mother's account and a
# kidnapper's threat, a station chief and a hospital chairman) scored 45 and below.
QUOTE_WORDING_RATIO = 60.0
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


Figure = TypeVar("Figure", Quantity, DateMention)


def _inside(items: Sequence[Figure], sentence: Sentence) -> list[Figure]:
    return [item for item in items if sentence.start <= item.start and item.end <= sentence.end]


def quantities_agree(a: Quantity, b: Quantity) -> bool:
    if a.value == b.value:
        return True
    if a.unit in MEASURED and abs(a.value - b.value) <= MEASURE_TOLERANCE * max(a.value, b.value):
        return True
    if a.approximate or b.approximate:
        return abs(a.value - b.value) <= APPROXIMATE_TOLERANCE * max(abs(a.value), abs(b.value))
    return False


def aligned_conflicts(
    sentences: Sequence[Sentence],
    clusters: Sequence[Sequence[int]],
    similarity: np.ndarray,
    annotations: dict[str, Annotation],
    articles: Sequence[Article],
    entities: Sequence[Entity],
) -> list[Conflict]:
    """Conflicts between sentences of one claim: figures of one unit given differently (with no
    agreeing figure on either side), a negated statement, a swapped entity."""
    outlets = {article.id: article.outlet for article in articles}
    lookup = entity_lookup(entities)
    found: dict[tuple[str, str, frozenset[str]], Conflict] = {}
    for members in clusters:
        for i, j in _closest_pairs(members, similarity):
            first, second = sentences[i], sentences[j]
            if first.article_id == second.article_id:
                continue
            pair = _PairContext(first, second, float(similarity[i, j]), outlets)
            for conflict in _pair_conflicts(pair, annotations, lookup):
                values = frozenset({conflict.first_value, conflict.second_value})
                found.setdefault((conflict.kind.value, str(members[0]), values), conflict)
    return _strongest_per_claim(found)


def _closest_pairs(members: Sequence[int], similarity: np.ndarray) -> list[tuple[int, int]]:
    """Pairs of a claim's sentences to compare: all of them in a claim of up to
    MAX_CLAIM_PARTNERS + 1 sentences; in a larger one, each sentence with its MAX_CLAIM_PARTNERS
    most similar, so that the work grows with the claim's size, not its square."""
    if len(members) <= MAX_CLAIM_PARTNERS + 1:
        return list(combinations(members, 2))
    index = np.asarray(members)
    block = similarity[np.ix_(index, index)].astype(np.float64)
    np.fill_diagonal(block, -np.inf)
    nearest = np.argsort(-block, axis=1, kind="stable")[:, :MAX_CLAIM_PARTNERS]
    pairs = {
        (min(a, b), max(a, b))
        for row, partners in enumerate(nearest)
        for a, b in ((row, p) for p in partners)
    }
    return [(members[a], members[b]) for a, b in sorted(pairs)]


def _strongest_per_claim(found: dict[tuple[str, str, frozenset[str]], Conflict]) -> list[Conflict]:
    """At most MAX_PER_CLAIM_AND_KIND conflicts of a kind within one claim, the most confident:
    a figure given a hundred ways (a toll updated all day) is one dispute, not thousands."""
    grouped: dict[tuple[str, str], list[Conflict]] = {}
    for (kind, claim, _), conflict in found.items():
        grouped.setdefault((kind, claim), []).append(conflict)
    kept: list[Conflict] = []
    for conflicts in grouped.values():
        kept += sorted(conflicts, key=lambda c: -c.confidence)[:MAX_PER_CLAIM_AND_KIND]
    return kept


@dataclass(frozen=True)
class _PairContext:
    first: Sentence
    second: Sentence
    similarity: float
    outlets: dict[str, str]


def sentence_pair_conflicts(
    first: Sentence,
    second: Sentence,
    similarity: float,
    annotations: dict[str, Annotation],
    entities: Sequence[Entity],
    outlets: dict[str, str],
) -> list[Conflict]:
    """The conflicts between two aligned sentences (what `aligned_conflicts` checks per pair)."""
    pair = _PairContext(first, second, similarity, outlets)
    return _pair_conflicts(pair, annotations, entity_lookup(entities))


def _pair_conflicts(
    pair: _PairContext, annotations: dict[str, Annotation], lookup: dict[tuple[str, int], Entity]
) -> list[Conflict]:
    first, second, confidence, outlets = pair.first, pair.second, pair.similarity, pair.outlets
    conflicts = []
    a_items = _wholes(first, _inside(annotations[first.article_id].quantities, first))
    b_items = _wholes(second, _inside(annotations[second.article_id].quantities, second))
    a_parties = _entities_in(first, annotations, lookup)
    b_parties = _entities_in(second, annotations, lookup)
    for a, b in _unmatched_pairs(a_items, b_items, lambda q: q.unit, quantities_agree):
        if _two_facts(pair, (a, a_items, a_parties), (b, b_items, b_parties)):
            continue
        kind = ConflictKind.DURATION if a.unit == "years" else ConflictKind.NUMBER
        conflicts.append(_conflict(kind, a, b, outlets, confidence, _describe_quantity))
    a_dates = _comparable_dates(_inside(annotations[first.article_id].dates, first))
    b_dates = _comparable_dates(_inside(annotations[second.article_id].dates, second))
    for da, db in _unmatched_pairs(a_dates, b_dates, lambda d: d.precision, dates_agree):
        conflicts.append(_conflict(ConflictKind.DATE, da, db, outlets, confidence, _describe_date))
    negation = negation_conflict(first, second, confidence)
    if negation is not None:
        conflicts.append(_wording(negation, outlets, confidence))
    swap = entity_conflict(first, second, a_parties, b_parties, confidence)
    if swap is not None:
        conflicts.append(_wording(swap, outlets, confidence))
    return conflicts


Side = tuple[Quantity, list[Quantity], list[tuple[Mention, Entity]]]


def _two_facts(pair: _PairContext, first: Side, second: Side) -> bool:
    """Whether two differing figures of aligned sentences answer two questions: said of two
    named parties ("Obama won 332 votes" / "Trump received 304"), counting two outcomes ("116
    killed" / "6,500 wounded"), one of several unanswered figures, or far apart."""
    (a, a_items, a_parties), (b, b_items, b_parties) = first, second
    return (
        _other_subjects(_subject_of(a, a_parties), _subject_of(b, b_parties))
        or _other_outcomes(_outcome(pair.first, a), _outcome(pair.second, b))
        or _ambiguous(a, a_items, b_items)
        or _ambiguous(b, b_items, a_items)
        or _far_apart(a, b)
    )


def _wholes(sentence: Sentence, items: list[Quantity]) -> list[Quantity]:
    """The quantities of a sentence that state an amount whole, not an increment of it or an
    end of a range."""
    kept = []
    for q in items:
        before = sentence.text[max(0, q.start - sentence.start - 20) : q.start - sentence.start]
        after = sentence.text[q.end - sentence.start :]
        if not (
            RANGE_BEFORE.search(before) or INCREMENT_BEFORE.search(before) or INCREMENT_AFTER.match(after)
        ):
            kept.append(q)
    return kept


def _ambiguous(item: Quantity, own: list[Quantity], other: list[Quantity]) -> bool:
    """Several different figures of one unit in a sentence that the other sentence does not
    state ("76 percent for young people and 70 percent for older"): which of them answers the
    other sentence's figure would be a guess. A figure and its conversion ("3.9 million miles
    (6.2 million kilometers)") are one."""
    lonely = [
        q
        for q in own
        if q.unit == item.unit and not any(o.unit == q.unit and quantities_agree(q, o) for o in other)
    ]
    distinct: list[Quantity] = []
    for q in lonely:
        if not any(quantities_agree(q, d) for d in distinct):
            distinct.append(q)
    return len(distinct) > 1


def _far_apart(a: Quantity, b: Quantity) -> bool:
    """Counts or amounts more than MAX_DISPUTED_RATIO apart answer two questions, not one. Not
    durations: a rewrite that turns "three weeks" into "three months" keeps the number and
    changes the unit, a real dispute 4 times apart and more."""
    if a.unit == "years":
        return False
    low, high = sorted((abs(a.value), abs(b.value)))
    return low > 0 and high / low > MAX_DISPUTED_RATIO


def _outcome(sentence: Sentence, item: Quantity) -> str | None:
    """What happened to the people a count counts ("killed", "wounded", ...), from the words
    just after it, if said there."""
    after = sentence.text[item.end - sentence.start :][:OUTCOME_WINDOW]
    found = OUTCOME.search(after)
    return OUTCOMES[found.group(0).lower()] if found else None


def _other_outcomes(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a != b


def _subject_of(item: Quantity, parties: Sequence[tuple[Mention, Entity]]) -> Entity | None:
    """The named party closest before a figure in its sentence (the one it is said of), if any."""
    before = [(m, e) for m, e in parties if m.end <= item.start and e.label in SUBJECT_LABELS]
    return max(before, key=lambda pair: pair[0].end)[1] if before else None


def _other_subjects(a: Entity | None, b: Entity | None) -> bool:
    return a is not None and b is not None and a.id != b.id and a.label == b.label


def _entities_in(
    sentence: Sentence, annotations: dict[str, Annotation], lookup: dict[tuple[str, int], Entity]
) -> list[tuple[Mention, Entity]]:
    """Named parties of a sentence. A name inside a title ("Health" in "Health Secretary") is
    compared as a role, and the speaker of a quote as its attribution, not as a party."""
    annotation = annotations[sentence.article_id]
    speakers = [q.speaker_span for q in annotation.quotes if q.speaker_span is not None]
    return [
        (m, lookup[(m.article_id, m.start)])
        for m in _inside_mentions(annotation.mentions, sentence)
        if (m.article_id, m.start) in lookup
        and not any(sp.start < m.end and m.start < sp.end for sp in speakers)
        and not any(r.start <= m.start < r.end for r in annotation.roles)
    ]


def _inside_mentions(mentions: Sequence[Mention], sentence: Sentence) -> list[Mention]:
    return [m for m in mentions if sentence.start <= m.start and m.end <= sentence.end]


def _wording(found: WordingConflict, outlets: dict[str, str], confidence: float) -> Conflict:
    a, b = outlets[found.first.article_id], outlets[found.second.article_id]
    if found.kind == ConflictKind.NEGATION:
        explanation = (
            f"One source negates what the other states: {a} says “{found.first_value}”, "
            f"{b} says “{found.second_value}”, in sentences that otherwise report the same fact."
        )
    else:
        explanation = (
            f"The sources name different parties in the same fact: {a} has {found.first_value}, "
            f"{b} has {found.second_value}."
        )
    return Conflict(
        found.kind,
        found.first,
        found.second,
        found.first_value,
        found.second_value,
        explanation,
        round(confidence, 3),
    )


def role_conflicts(entities: Sequence[Entity], articles: Sequence[Article]) -> list[Conflict]:
    """One person given two incompatible titles by different sources."""
    outlets = {article.id: article.outlet for article in articles}
    conflicts = []
    for entity in entities:
        reported: set[frozenset[str]] = set()
        for first, second in combinations(entity.roles, 2):
            if first.span.article_id == second.span.article_id:
                continue
            pair = frozenset({first.title.lower(), second.title.lower()})
            if pair in reported or not titles_conflict(first.title, second.title):
                continue
            reported.add(pair)
            explanation = (
                f"{entity.name} is called “{first.title}” by {outlets[first.span.article_id]} and "
                f"“{second.title}” by {outlets[second.span.article_id]}."
            )
            conflicts.append(
                Conflict(
                    ConflictKind.ROLE,
                    first.span,
                    second.span,
                    first.title,
                    second.title,
                    explanation,
                    ROLE_CONFIDENCE,
                )
            )
    return conflicts


def titles_conflict(first: str, second: str) -> bool:
    """`roles_conflict` on the titles proper: an employer named by a leading possessive ("the
    group's executive director" / "the organization's executive director") is no part of the
    office, and two titles whose heads end in the same two words ("Richland County Senior
    Deputy" / "Department Officer Senior Deputy") with no different "of ..." name one office."""
    a, b = _title_words(first), _title_words(second)
    (head_a, _, of_a), (head_b, _, of_b) = (" ".join(a).partition(" of "), " ".join(b).partition(" of "))
    same_end = len(head_a.split()) >= 2 and head_a.lower().split()[-2:] == head_b.lower().split()[-2:]
    if same_end and (not of_a or not of_b or of_a.lower() == of_b.lower()):
        return False
    return roles_conflict(" ".join(a), " ".join(b))


def _title_words(title: str) -> list[str]:
    words = title.split()
    while len(words) > 1 and POSSESSIVE.search(words[0]):
        words = words[1:]
    return words


def dates_agree(a: DateMention, b: DateMention) -> bool:
    """Same date, or the same relative month or year words ("in October") that were resolved
    to different years only because one sentence reads as future and the other as past."""
    if a.value == b.value:
        return True
    if _same_day_of_year(a, b):
        return True
    vague = a.precision in {DatePrecision.MONTH, DatePrecision.YEAR}
    return vague and a.relative and b.relative and a.text.lower() == b.text.lower()


def _same_day_of_year(a: DateMention, b: DateMention) -> bool:
    """ "Dec. 3" and "Dec. 3, 2013": the year one source left out was guessed, and guessed wrong
    is likelier than two sources on two years."""
    if a.precision != DatePrecision.DAY or b.precision != DatePrecision.DAY:
        return False
    guessed = any(d.relative and not YEAR.search(d.text) for d in (a, b))
    return guessed and (a.value.month, a.value.day) == (b.value.month, b.value.day)


def _comparable_dates(dates: list[DateMention]) -> list[DateMention]:
    """Dates stated as such; "a day after" counts from another date, and a difference there is
    a difference in that date, reported once through it."""
    return [d for d in dates if not OFFSET_WORDS.search(d.text)]


def _unmatched_pairs(
    first: list[Figure],
    second: list[Figure],
    unit: Callable[[Figure], Hashable],
    agree: Callable[[Figure, Figure], bool],
) -> Iterator[tuple[Figure, Figure]]:
    """Pairs (a, b) of one unit where neither side has an agreeing figure on the other side."""
    lonely_a = [a for a in first if not any(unit(a) == unit(b) and agree(a, b) for b in second)]
    lonely_b = [b for b in second if not any(unit(a) == unit(b) and agree(a, b) for a in first)]
    for a in lonely_a:
        match = next((b for b in lonely_b if unit(b) == unit(a)), None)
        if match is not None:
            lonely_b.remove(match)
            yield a, match


def _describe_quantity(item: Quantity) -> str:
    if item.unit == "years" and not item.text.lower().endswith(("year", "years")):
        return f"“{item.text}” (about {item.value:g} years)"
    return f"“{item.text}”"


def _describe_date(item: DateMention) -> str:
    return f"“{item.text}” ({item.value.isoformat()})"


def _conflict(
    kind: ConflictKind,
    a: Figure,
    b: Figure,
    outlets: dict[str, str],
    confidence: float,
    describe: Callable[[Figure], str],
) -> Conflict:
    noun = {ConflictKind.DURATION: "how long", ConflictKind.DATE: "when", ConflictKind.NUMBER: "how many"}[
        kind
    ]
    explanation = (
        f"The sources differ on {noun}: {outlets[a.article_id]} says {describe(a)}, "
        f"{outlets[b.article_id]} says {describe(b)}, in sentences that otherwise "
        "report the same fact."
    )
    return Conflict(
        kind,
        Span(a.article_id, a.start, a.end),
        Span(b.article_id, b.start, b.end),
        a.text,
        b.text,
        explanation,
        round(confidence, 3),
    )


def quote_conflicts(
    groups: Sequence[Sequence[QuoteMention]], entities: Sequence[Entity], articles: Sequence[Article]
) -> list[Conflict]:
    """The same words attributed to different people by different sources. Both speakers must
    be people of the who's-who (not "experts", an agency or a word the parse took for a name),
    of different surnames, each named by an article that does not also name the other, and the
    words long enough not to be a phrase anyone may say."""
    outlets = {article.id: article.outlet for article in articles}
    people = {entity.name for entity in entities if entity.label == "PERSON"}
    not_people = {entity.name for entity in entities if entity.label != "PERSON"} - people
    conflicts = []
    for group in groups:
        by_speaker: dict[str, list[QuoteMention]] = {}
        for quote in group:
            speaker = speaker_of(quote, entities)
            named = speaker in people or _looks_like_a_name(speaker, not_people)
            if named and speaker and len(WORD.findall(quote.text)) >= MIN_QUOTE_WORDS:
                by_speaker.setdefault(speaker, []).append(quote)
        if len(by_speaker) < 2:
            continue
        ranked = sorted(by_speaker.items(), key=lambda item: -len(item[1]))
        (first_name, first), *others = ranked
        for other_name, other in others:
            if _maybe_one_person(first_name, other_name):
                continue
            if {q.article_id for q in first} & {q.article_id for q in other}:
                continue  # one article gives the words to both: a dialogue, or a misread speaker
            pair = _same_words(first, other)
            if pair is not None:
                conflicts.append(_quote_conflict(pair[0], first_name, pair[1], other_name, outlets))
    return conflicts


def _same_words(
    first: Sequence[QuoteMention], second: Sequence[QuoteMention]
) -> tuple[QuoteMention, QuoteMention] | None:
    """The two mentions, one per speaker, whose wording is closest, if close enough to be one
    quote: quotes grouped by sense alone may be two things said about one subject."""
    a, b = max(((a, b) for a in first for b in second), key=lambda p: _wording_ratio(p[0].text, p[1].text))
    return (a, b) if _wording_ratio(a.text, b.text) >= QUOTE_WORDING_RATIO else None


def _wording_ratio(a: str, b: str) -> float:
    return float(fuzz.ratio(a.lower(), b.lower()))


def _looks_like_a_name(speaker: str | None, others: set[str]) -> bool:
    """A speaker the entity tagger missed but written as a person's name: two or more
    capitalised words, not the name of an organisation or place of the story. One word that is
    no person of the story ("Astronomers", "Addressing", "NASA") is no name."""
    if not speaker or speaker in others:
        return False
    words = speaker.split()
    return len(words) >= 2 and all(word[:1].isupper() for word in words)


def _maybe_one_person(first: str, second: str) -> bool:
    """Two speakers one source may call by different names ("Ray Fang" / "Raymond Fang",
    "DC Bird" / "Tim Bird"); two relatives sharing a surname are far more often one speaker
    resolved two ways than two sources disagreeing."""
    if same_person(first, second):
        return True
    last_a, last_b = WORD.findall(first.lower()), WORD.findall(second.lower())
    return bool(last_a and last_b and last_a[-1] == last_b[-1])


def _quote_conflict(
    a: QuoteMention, a_name: str, b: QuoteMention, b_name: str, outlets: dict[str, str]
) -> Conflict:
    words = a.text if len(a.text) <= 80 else a.text[:77] + "…"
    explanation = (
        f"The same words, “{words}”, are given to {a_name} by {outlets[a.article_id]} "
        f"and to {b_name} by {outlets[b.article_id]}."
    )
    return Conflict(
        ConflictKind.QUOTE_ATTRIBUTION,
        Span(a.article_id, a.start, a.end),
        Span(b.article_id, b.start, b.end),
        a_name,
        b_name,
        explanation,
        QUOTE_CONFIDENCE,
    )
