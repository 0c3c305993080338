"""The cross-source conflict suite: pairs of short reports, each expected to show one kind of
conflict or none. Each pair runs through annotate, entity merging and crosscheck as two
independent articles; the result is precision and recall per conflict kind."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from storylens.annotate import annotate
from storylens.annotate.entities import story_entities
from storylens.crosscheck import crosscheck
from storylens.errors import InputError
from storylens.evaluate.metrics import PRF, prf
from storylens.model import Article, ConflictKind

NONE = "none"


@dataclass(frozen=True)
class Case:
    id: str
    expected: str  # a ConflictKind value, or "none"
    a: str
    b: str
    date_a: str
    date_b: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    found: tuple[str, ...]  # kinds reported, most confident first


def read_cases(path: Path) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            cases.append(Case(**orjson.loads(line)))
        except (orjson.JSONDecodeError, TypeError) as exc:
            raise InputError(f"{path}:{number}", f"not a conflict case ({exc})") from exc
    return cases


def _article(article_id: str, text: str, published: str) -> Article:
    return Article(
        id=article_id,
        text=text,
        title=text[:40],
        outlet=f"source {article_id.upper()}",
        origin=f"<case {article_id}>",
        format="text",
        published=datetime.fromisoformat(published),
    )


def run_case(case: Case) -> Outcome:
    articles = [_article("a", case.a, case.date_a), _article("b", case.b, case.date_b)]
    annotations = annotate(articles)
    entities = story_entities(annotations.values())
    result = crosscheck(articles, annotations, [["a"], ["b"]], entities)
    return Outcome(case, tuple(c.kind.value for c in result.conflicts))


def score(outcomes: Iterable[Outcome]) -> dict[str, PRF]:
    """Per kind and overall: a case counts as found when its expected kind is reported; every
    other kind reported on a case is a false alarm."""
    correct: Counter[str] = Counter()
    predicted: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    for outcome in outcomes:
        kinds = set(outcome.found)
        if outcome.case.expected != NONE:
            expected[outcome.case.expected] += 1
            correct[outcome.case.expected] += outcome.case.expected in kinds
        for kind in kinds:
            predicted[kind] += 1
    table = {
        kind.value: prf(correct[kind.value], predicted[kind.value], expected[kind.value])
        for kind in ConflictKind
    }
    table["overall"] = prf(sum(correct.values()), sum(predicted.values()), sum(expected.values()))
    return table
