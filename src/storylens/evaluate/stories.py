"""Story grouping on ECB+: every document of topics 1-25 in one pile; the gold story of a document
is its topic and sub-event (`N_Xecb.xml` and `N_Xecbplus.xml` report two events of one kind).

Both systems cluster with average link; each one's merge threshold is tuned for B-cubed F1 on the
odd-numbered topics and scored on the even-numbered ones, so neither sees its test topics.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lxml import etree
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score

from storylens.config import StorySettings
from storylens.errors import InputError
from storylens.evaluate.metrics import PRF, bcubed
from storylens.model import Article
from storylens.stories import cluster_matrix, similarity_matrix, split_by_entities, story_text
from storylens.stories.incremental import StoryClusterer
from storylens.stories.vectors import entity_counts

FILE = re.compile(r"^(?P<topic>\d+)_(?P<number>\d+)(?P<kind>ecbplus|ecb)\.xml$")
THRESHOLDS = np.round(np.arange(0.02, 0.6, 0.01), 2)
SMOOTHING = 2  # thresholds either side
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


Clusterer = Callable[[np.ndarray, float], list[int]]


def storylens_clusterer(documents: list[Document]) -> Clusterer:
    """The story stage over a subset of the pile (indices), at a merge threshold."""
    articles = _articles(documents)
    settings = StorySettings()
    similarity = similarity_matrix(articles, settings)
    entities = entity_counts([story_text(a) for a in articles])

    def cluster(indices: np.ndarray, threshold: float) -> list[int]:
        labels = cluster_matrix(similarity[np.ix_(indices, indices)], threshold)
        return split_by_entities(labels, entities[indices], settings)

    return cluster


def tfidf_clusterer(documents: list[Document]) -> Clusterer:
    similarity = tfidf_similarity([d.text for d in documents])
    return lambda indices, threshold: cluster_matrix(similarity[np.ix_(indices, indices)], threshold)


def tfidf_similarity(texts: list[str]) -> np.ndarray:
    """The baseline's pairwise similarity: plain sublinear tf-idf cosine, English stop words out."""
    vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    return np.asarray((vectors @ vectors.T).toarray())


def incremental_labels(documents: list[Document]) -> list[int]:
    """The incremental clusterer fed one document at a time in file order, with document
    frequencies learnt as it goes (its own threshold, see StorySettings)."""
    clusterer = StoryClusterer(StorySettings())
    for article in _articles(documents):
        clusterer.add([article])
    return clusterer.labels([d.name for d in documents])


def score(labels: list[int], documents: list[Document]) -> tuple[PRF, float]:
    gold = [d.gold for d in documents]
    return bcubed(labels, gold), float(adjusted_rand_score(gold, labels))


def split_topics(documents: list[Document]) -> tuple[np.ndarray, np.ndarray]:
    odd = np.array([d.topic % 2 == 1 for d in documents])
    return np.flatnonzero(odd), np.flatnonzero(~odd)


def tune_and_test(cluster: Clusterer, documents: list[Document]) -> tuple[float, PRF, float]:
    """(threshold tuned on odd topics, B-cubed and ARI on even topics)."""
    tune, test = split_topics(documents)
    tune_docs = [documents[i] for i in tune]
    test_docs = [documents[i] for i in test]
    tuned = np.array([score(cluster(tune, float(t)), tune_docs)[0].f1 for t in THRESHOLDS])
    # The middle of the best plateau, not its highest point: the mean F1 over neighbouring
    # thresholds, so that a lucky peak next to a cliff is not chosen (same rule for every system).
    smoothed = np.convolve(np.pad(tuned, SMOOTHING, mode="edge"), np.ones(2 * SMOOTHING + 1), "valid")
    best = THRESHOLDS[int(np.argmax(smoothed))]
    prf_score, ari = score(cluster(test, float(best)), test_docs)
    return float(best), prf_score, ari
