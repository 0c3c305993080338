"""Article vectors for story grouping, shared by the batch and the incremental clusterer.

Words and word pairs are hashed into a fixed space, so that vectors need no vocabulary and a
stream of any length costs the same memory. Weights are sublinear term frequency times inverse
document frequency; in a large pile a term seen in only one document gets no weight, because it
cannot make two articles alike and only dilutes the norm (on ECB+ this alone lifts B-cubed F1 from
0.91 to 0.94 at the best threshold).

A pile of five says little about which words are common: its document frequencies are pooled
with background frequencies of general English (wordfreq), and there a term of one document
keeps part of its weight, so that an article on an earlier event, which shares the names of the
people but not what happened to them, stays apart (see `smoothed_idf`).

Entity terms (capitalised words not opening a sentence, and numbers) are the "who, where and how
many" of an event; they are kept apart to tell two events of the same kind from each other.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

N_FEATURES = 2**20
MIN_DOCUMENT_FREQUENCY = 2
# Background document frequencies (see `background_share`): the pile's own counts are pooled with
# this many imagined documents of general English, so that in a pile of five a word every text
# uses ("said", "year") still weighs little while a word two of the five share weighs much; in a
# pile of thousands the pile's own counts prevail. Chosen on development data (docs/benchmarks.md,
# issue 12): ECB+ odd topics whole and as piles of a few documents, and the development halves
# of the story chains and Timeline17.
BACKGROUND_DOCUMENTS = 100.0
# A word's share of news articles is read from its share of running English text (wordfreq) for
# an article this many words long (about the median of the Multi-News source articles).
ARTICLE_WORDS = 500
# Words rarer than this (wordfreq frequency) are left out of the table: as good as unseen, and
# each one more would only collide with rarer terms in the hashed space.
BACKGROUND_MIN_FREQUENCY = 1e-6
# A capitalised word right after a sentence end is most often just the sentence's first word.
ENTITY_TERM = re.compile(r"(?<![.!?] )\b[A-Z][\w'’-]+|\b\d(?:[\d,.]*\d)?\b")

_WORDS = HashingVectorizer(
    n_features=N_FEATURES,
    ngram_range=(1, 2),
    stop_words="english",
    alternate_sign=False,
    norm=None,
    dtype=np.float32,
)


def entity_terms(text: str) -> list[str]:
    """Capitalised words that do not open a sentence, and numbers."""
    return ENTITY_TERM.findall(text)


def _as_given(terms: list[str]) -> list[str]:
    return terms


_ENTITIES = HashingVectorizer(
    n_features=N_FEATURES,
    analyzer=_as_given,
    alternate_sign=False,
    norm=None,
    dtype=np.float32,
)


def word_counts(texts: Sequence[str]) -> sp.csr_matrix:
    return _WORDS.transform(texts).tocsr()


def entity_counts(texts: Sequence[str]) -> sp.csr_matrix:
    return entity_term_counts([entity_terms(text) for text in texts])


def entity_term_counts(term_lists: Sequence[list[str]]) -> sp.csr_matrix:
    """Hashed counts of entity terms already found (`entity_terms`), one row per list."""
    return _ENTITIES.transform(term_lists).tocsr()


class DocumentFrequencies:
    """How many documents hold each hashed term; 4 MiB whatever the corpus size."""

    def __init__(self) -> None:
        self.counts = np.zeros(N_FEATURES, dtype=np.int32)
        self.documents = 0

    def update(self, counts: sp.csr_matrix) -> None:
        self.counts += np.bincount(counts.indices, minlength=N_FEATURES).astype(np.int32)
        self.documents += counts.shape[0]

    def idf(self, min_frequency: int = MIN_DOCUMENT_FREQUENCY) -> np.ndarray:
        return smoothed_idf(self.counts, self.documents, min_frequency, background_share())


def smoothed_idf(
    df: np.ndarray,
    documents: int,
    min_frequency: int = MIN_DOCUMENT_FREQUENCY,
    background: np.ndarray | None = None,
) -> np.ndarray:
    """log((1 + documents) / (1 + df)) + 1, and 0 for a term in fewer than `min_frequency` documents.

    With `background` (each term's expected share of documents) the counts are pooled with
    BACKGROUND_DOCUMENTS imagined documents holding each term at that share, and a term in fewer
    than `min_frequency` documents keeps the part of its weight that this background stands for:
    in a pile of thousands such a term is an article's own detail and only dilutes its vector, but
    in a pile of five the pile cannot tell, and an article's own words are what set it apart."""
    frequencies = df.astype(np.float32)
    prior_documents = 0.0 if background is None else BACKGROUND_DOCUMENTS
    prior = 0.0 if background is None else prior_documents * background
    idf = np.log((1.0 + documents + prior_documents) / (1.0 + frequencies + prior)) + 1.0
    rare_share = prior_documents / (documents + prior_documents) if prior_documents else 0.0
    return np.where(frequencies >= min_frequency, idf, rare_share * idf).astype(np.float32)


@functools.cache
def background_share() -> np.ndarray:
    """The share of news articles expected to hold each hashed word, from wordfreq's English word
    frequencies (its data ships in the wheel): 1 - exp(-frequency * ARTICLE_WORDS). Word pairs and
    words rarer than BACKGROUND_MIN_FREQUENCY get 0, as if never seen: the pile alone weighs them."""
    from wordfreq import get_frequency_dict

    kept = [
        (word, frequency)
        for word, frequency in get_frequency_dict("en", "best").items()
        if frequency >= BACKGROUND_MIN_FREQUENCY and _PLAIN_WORD.fullmatch(word)
    ]
    rows = _WORDS.transform([word for word, _ in kept]).tocsr()  # stop words come back empty
    frequencies = np.array([frequency for _, frequency in kept])[np.diff(rows.indptr) == 1]
    share = np.zeros(N_FEATURES, dtype=np.float32)
    np.maximum.at(share, rows.indices, (1.0 - np.exp(-frequencies * ARTICLE_WORDS)).astype(np.float32))
    return share


# A word the vectoriser keeps whole: two or more word characters.
_PLAIN_WORD = re.compile(r"\w\w+")


def batch_vectors(texts: Sequence[str]) -> sp.csr_matrix:
    """tf-idf rows of `texts` with the batch's own document frequencies."""
    counts = word_counts(texts)
    frequencies = DocumentFrequencies()
    frequencies.update(counts)
    return weigh(counts, frequencies.idf())


def weigh(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """Sublinear tf-idf rows, each of unit length (rows with no weighted term stay zero)."""
    weighted = counts.copy().astype(np.float32)
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    weighted.eliminate_zeros()
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted, dtype=np.float32)


def local_tfidf(counts: sp.csr_matrix) -> sp.csr_matrix:
    """tf-idf over a small group with its own document frequencies (terms all members share weigh
    least), used to look for two events inside one group."""
    columns, compact = np.unique(counts.indices, return_inverse=True)
    df = np.bincount(compact, minlength=len(columns))
    local = sp.csr_matrix((counts.data, compact, counts.indptr), shape=(counts.shape[0], len(columns)))
    return weigh(local, smoothed_idf(df, counts.shape[0]))
