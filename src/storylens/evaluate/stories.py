"""Story grouping on ECB+: every document of topics 1-25 in one pile; the gold story of a document
is its topic and sub-event (`N_Xecb.xml` and `N_Xecbplus.xml` report two events of one kind).

Both systems cluster with average link; each one's merge threshold is tuned for B-cubed F1 on the
odd-numbered topics and scored on the even-numbered ones, so neither sees its test topics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lxml import etree
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score

from storylens.annotate.entities import find_mentions
from storylens.config import StorySettings
from storylens.errors import InputError
from storylens.evaluate.metrics import PRF, bcubed
from storylens.model import Article
from storylens.stories import cluster_matrix, similarity_matrix

FILE = re.compile(r"^(?P<topic>\d+)_(?P<number>\d+)(?P<kind>ecbplus|ecb)\.xml$")
THRESHOLDS = np.round(np.arange(0.02, 0.6, 0.01), 2)
NO_SPACE_BEFORE = re.compile(r" ([.,;:!?%)\]'’]|n't|'s)")


@dataclass(frozen=True)
class Document:
    name: str
    topic: int
    gold: str
    text: str


def read_ecbplus(data: Path) -> list[Document]:
    folder = data / "ECB+" if (data / "ECB+").is_dir() else data
    files = sorted(folder.glob("*/*.xml"))
    if not files:
        raise InputError(
            str(data), "no ECB+ documents (*/N_Xecb.xml) here; pass --data pointing at events/ecbplus"
        )
    documents = []
    for path in files:
        match = FILE.match(path.name)
        if match is None:
            continue
        try:
            tokens = etree.parse(str(path)).getroot().iter("token")
        except etree.XMLSyntaxError as exc:
            raise InputError(str(path), f"not an ECB+ token file ({exc})") from exc
        text = NO_SPACE_BEFORE.sub(r"\1", " ".join(t.text or "" for t in tokens))
        topic = int(match["topic"])
        documents.append(Document(path.name, topic, f"{topic}/{match['kind']}", text))
    return documents


def _articles(documents: list[Document]) -> list[Article]:
    return [
        Article(id=d.name, text=d.text, title="", outlet="", origin=d.name, format="text") for d in documents
    ]


def storylens_matrix(documents: list[Document]) -> np.ndarray:
    articles = _articles(documents)
    mentions = find_mentions((a.id, a.text) for a in articles)
    return similarity_matrix(articles, mentions, StorySettings())  # type: ignore[arg-type]


def tfidf_matrix(documents: list[Document]) -> np.ndarray:
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(
        [d.text for d in documents]
    )
    return np.asarray((vectors @ vectors.T).toarray())


def score(labels: list[int], documents: list[Document]) -> tuple[PRF, float]:
    gold = [d.gold for d in documents]
    return bcubed(labels, gold), float(adjusted_rand_score(gold, labels))


def tune_and_test(matrix: np.ndarray, documents: list[Document]) -> tuple[float, PRF, float]:
    """(threshold tuned on odd topics, B-cubed and ARI on even topics)."""
    odd = np.array([d.topic % 2 == 1 for d in documents])
    tune_docs = [d for d, o in zip(documents, odd, strict=True) if o]
    test_docs = [d for d, o in zip(documents, odd, strict=True) if not o]
    tune_matrix, test_matrix = matrix[np.ix_(odd, odd)], matrix[np.ix_(~odd, ~odd)]
    best = max(THRESHOLDS, key=lambda t: score(cluster_matrix(tune_matrix, float(t)), tune_docs)[0].f1)
    prf_score, ari = score(cluster_matrix(test_matrix, float(best)), test_docs)
    return float(best), prf_score, ari
