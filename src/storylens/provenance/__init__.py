"""Provenance: which articles copy, reprint or rewrite which.

Candidates come from MinHash-LSH over word shingles (near copies) and, inside a story small
enough, from every pair (a spun rewrite shares too few shingles for LSH to find it). Each
candidate pair is aligned sentence by sentence in order; the share of the derived article that
aligns, how much of it is word for word, and how much wording the two share outside quotation
marks decide the kind. Direction comes from publication times, attribution cues and containment.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from storylens.config import ProvenanceSettings
from storylens.model import AlignedPair, Article, Derivation, DerivationKind, Sentence
from storylens.provenance.align import monotone_alignment
from storylens.similarity import TOKEN, combined, content_tokens, embed, lexical_matrix

log = logging.getLogger(__name__)

# Below this many articles every pair is aligned; above it only LSH candidates are.
ALL_PAIRS_LIMIT = 60
QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")
# A rewrite keeps runs of its source's wording outside quotes (names, titles, fixed phrases);
# independent reports of one event share facts and quotes but few such runs. Set on the bundled
# examples: the spun rewrite keeps about half its source's trigrams, the independent report
# under a tenth.
REWRITE_MIN_TRIGRAM_SHARE = 0.25
REWRITE_MIN_MEAN_SIMILARITY = 0.6


@dataclass(frozen=True)
class _Doc:
    article: Article
    sentences: tuple[Sentence, ...]
    tokens: list[frozenset[str]]
    vectors: np.ndarray
    trigrams: frozenset[tuple[str, ...]]


@dataclass(frozen=True)
class _PairEvidence:
    pairs: list[tuple[int, int, float]]
    verbatim: int
    trigram_share: float  # of the derived article's unquoted trigrams found in the source


def find_derivations(
    articles: Sequence[Article],
    sentences: dict[str, tuple[Sentence, ...]],
    settings: ProvenanceSettings | None = None,
) -> tuple[Derivation, ...]:
    """Derivation edges among `articles`, at most one source per derived article."""
    settings = settings or ProvenanceSettings()
    docs = _prepare(articles, sentences)
    found = []
    for a, b in sorted(_candidates(docs, settings)):
        derivation = _judge_pair(docs[a], docs[b], settings)
        if derivation is not None:
            found.append(derivation)
    return _best_source_each(found)


def _prepare(articles: Sequence[Article], sentences: dict[str, tuple[Sentence, ...]]) -> list[_Doc]:
    texts = [s.text for article in articles for s in sentences[article.id]]
    vectors = embed(texts)
    docs, offset = [], 0
    for article in articles:
        own = sentences[article.id]
        docs.append(
            _Doc(
                article,
                own,
                [content_tokens(s.text) for s in own],
                vectors[offset : offset + len(own)],
                _unquoted_trigrams(article.text),
            )
        )
        offset += len(own)
    return docs


def _unquoted_trigrams(text: str) -> frozenset[tuple[str, ...]]:
    words = [w.lower() for w in TOKEN.findall(QUOTED.sub(" ", text))]
    return frozenset(zip(words, words[1:], words[2:], strict=False))


def reuse_evidence(
    source: Article,
    derived: Article,
    sentences: dict[str, tuple[Sentence, ...]],
    settings: ProvenanceSettings | None = None,
) -> tuple[float, float, float]:
    """How much `derived` reuses `source`: shares of its sentences aligned and copied word for
    word, and of its unquoted word trigrams found in the source (the evidence kinds rest on)."""
    first, second = _prepare([source, derived], sentences)
    evidence = _pair_evidence(first, second, settings or ProvenanceSettings())
    count = max(len(second.sentences), 1)
    return len(evidence.pairs) / count, evidence.verbatim / count, evidence.trigram_share


def _candidates(docs: list[_Doc], settings: ProvenanceSettings) -> set[tuple[int, int]]:
    if len(docs) <= ALL_PAIRS_LIMIT:
        return set(itertools.combinations(range(len(docs)), 2))
    lsh = MinHashLSH(threshold=settings.lsh_threshold, num_perm=settings.minhash_permutations)
    hashes = []
    for index, doc in enumerate(docs):
        minhash = shingle_minhash(doc.article.text, settings.shingle_size, settings.minhash_permutations)
        lsh.insert(str(index), minhash)
        hashes.append(minhash)
    pairs = set()
    for index, minhash in enumerate(hashes):
        for other in lsh.query(minhash):
            if int(other) != index:
                pairs.add((min(index, int(other)), max(index, int(other))))
    return pairs


def shingle_minhash(text: str, size: int, permutations: int) -> MinHash:
    """MinHash of a text's word shingles of `size` words (one shingle for a shorter text)."""
    words = [w.lower() for w in TOKEN.findall(text)]
    minhash = MinHash(num_perm=permutations, seed=1)
    minhash.update_batch(
        [" ".join(words[i : i + size]).encode() for i in range(max(len(words) - size + 1, 1))]
    )
    return minhash


def _judge_pair(a: _Doc, b: _Doc, settings: ProvenanceSettings) -> Derivation | None:
    source, derived, evidence_of_direction = _direction(a, b)
    evidence = _pair_evidence(source, derived, settings)
    count = len(derived.sentences)
    if not count or not evidence.pairs:
        return None
    reused = len(evidence.pairs) / count
    exact = evidence.verbatim / count
    kind = _kind(source, derived, evidence, reused, exact, settings)
    if kind is None:
        return None
    pairs = tuple(AlignedPair(i, j, round(sim, 3)) for i, j, sim in evidence.pairs)
    return Derivation(
        source.article.id,
        derived.article.id,
        kind,
        round(reused, 3),
        round(exact, 3),
        pairs,
        tuple(evidence_of_direction),
    )


def _pair_evidence(source: _Doc, derived: _Doc, settings: ProvenanceSettings) -> _PairEvidence:
    lexical = lexical_matrix(source.tokens, derived.tokens)
    similarity = combined(lexical, source.vectors @ derived.vectors.T)
    aligned = monotone_alignment(similarity, settings.aligned_sentence_similarity)
    verbatim = sum(lexical[i, j] >= settings.exact_sentence_similarity for i, j in aligned)
    shared = len(derived.trigrams & source.trigrams) / max(len(derived.trigrams), 1)
    return _PairEvidence([(i, j, float(similarity[i, j])) for i, j in aligned], int(verbatim), shared)


def _kind(
    source: _Doc,
    derived: _Doc,
    evidence: _PairEvidence,
    reused: float,
    exact: float,
    settings: ProvenanceSettings,
) -> DerivationKind | None:
    if reused < settings.min_reused_share:
        return None
    if (
        exact >= settings.duplicate_share
        and len(source.sentences) == len(derived.sentences)
        and source.article.outlet == derived.article.outlet
    ):
        return DerivationKind.DUPLICATE
    if exact >= settings.min_reused_share:
        return DerivationKind.REPRINT
    mean = sum(sim for _, _, sim in evidence.pairs) / len(evidence.pairs)
    if evidence.trigram_share >= REWRITE_MIN_TRIGRAM_SHARE and mean >= REWRITE_MIN_MEAN_SIMILARITY:
        return DerivationKind.REWRITE
    return None


def _direction(a: _Doc, b: _Doc) -> tuple[_Doc, _Doc, list[str]]:
    """(source, derived, evidence): earlier first; else the one that credits the other is derived;
    else the longer one is the source (copies trim more often than they add)."""
    first, second = a.article, b.article
    if first.published and second.published and first.published != second.published:
        ordered = (a, b) if first.published < second.published else (b, a)
        return ordered[0], ordered[1], ["published earlier"]
    if _credits(second, first):
        return a, b, [f"{second.outlet} credits {first.outlet}"]
    if _credits(first, second):
        return b, a, [f"{first.outlet} credits {second.outlet}"]
    ordered = (a, b) if len(first.text) >= len(second.text) else (b, a)
    return ordered[0], ordered[1], ["longer text (the derived one is contained in it)"]


def _credits(article: Article, other: Article) -> bool:
    """Whether `article` names `other`'s outlet in its text or byline."""
    name = other.outlet.split()[0] if other.outlet else ""
    if len(name) < 3:
        return False
    haystack = f"{article.text} {article.byline or ''} " + " ".join(r.text for r in article.removed)
    return re.search(rf"\b{re.escape(name)}\b", haystack) is not None


def _best_source_each(found: list[Derivation]) -> tuple[Derivation, ...]:
    """One source per derived article: the one it reuses most, crediting breaking ties; then a
    copy of a copy is traced back to the first copy's source when that fits equally well (a
    wire story and its verbatim reprint are indistinguishable as sources)."""
    candidates: dict[tuple[str, str], Derivation] = {(d.source, d.derived): d for d in found}
    best: dict[str, Derivation] = {}
    for derivation in sorted(found, key=lambda d: (d.source, d.derived)):
        current = best.get(derivation.derived)
        if current is None or _rank(derivation) > _rank(current):
            best[derivation.derived] = derivation
    for derived, chosen in list(best.items()):
        seen = {derived}
        while chosen.source in best and chosen.source not in seen:
            seen.add(chosen.source)
            upstream = candidates.get((best[chosen.source].source, derived))
            if upstream is None or _rank(upstream)[:2] < _rank(chosen)[:2]:
                break
            chosen = upstream
        best[derived] = chosen
    return tuple(sorted(best.values(), key=lambda d: (d.source, d.derived)))


def _rank(derivation: Derivation) -> tuple[float, float, bool]:
    credited = any("credits" in note for note in derivation.direction_evidence)
    return (round(derivation.reused_share, 2), round(derivation.exact_share, 2), credited)


def origin_groups(article_ids: Sequence[str], derivations: Sequence[Derivation]) -> list[list[str]]:
    """Articles grouped by common origin: each group is one independent voice."""
    parent = {article_id: article_id for article_id in article_ids}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for derivation in derivations:
        if derivation.source in parent and derivation.derived in parent:
            parent[root(derivation.derived)] = root(derivation.source)
    groups: dict[str, list[str]] = {}
    for article_id in article_ids:
        groups.setdefault(root(article_id), []).append(article_id)
    return list(groups.values())


__all__ = ["find_derivations", "origin_groups", "reuse_evidence"]
