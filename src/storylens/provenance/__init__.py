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
from storylens.provenance.cues import credit_for, credited_agencies
from storylens.provenance.spin import spin_signals
from storylens.similarity import TOKEN, combined, content_tokens, embed, lexical_matrix

log = logging.getLogger(__name__)

# Below this many articles every pair is aligned; above it only LSH candidates are.
ALL_PAIRS_LIMIT = 60
# ... and each article is aligned with at most this many candidates, the closest by MinHash:
# a derived article has one source, and a story of hundreds of templated articles (every one an
# LSH candidate of every other) would otherwise cost time growing with the square of its size.
# Only stories over ALL_PAIRS_LIMIT meet it; the benchmark stories are far smaller.
MAX_CANDIDATES = 12
QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")
# A rewrite keeps runs of its source's wording outside quotes (names, titles, fixed phrases);
# independent reports of one event share facts and quotes but few such runs. Set on the bundled
# examples: the spun rewrite keeps about half its source's trigrams, the independent report
# under a tenth.
REWRITE_MIN_TRIGRAM_SHARE = 0.25
REWRITE_MIN_MEAN_SIMILARITY = 0.6
# A partial reprint: an article of its own reporting that carries at least this many of another's
# sentences word for word (outside quotes, which independent reports share) ...
PARTIAL_MIN_SENTENCES = 3
# ... making up at least this share of it.
PARTIAL_MIN_SHARE = 0.2
# An article "contains" another when this share of the other's sentences is aligned into it.
CONTAINED_SHARE = 0.8


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
    verbatim: int  # aligned pairs copied word for word
    verbatim_unquoted: int  # of those, the ones mostly outside quotation marks
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
    derivations = _best_source_each([d for d in found if d.kind != DerivationKind.SHARED_ORIGIN])
    shared = [d for d in found if d.kind == DerivationKind.SHARED_ORIGIN]
    return derivations + _shared_not_explained(shared, derivations)


def _shared_not_explained(
    shared: list[Derivation], derivations: tuple[Derivation, ...]
) -> tuple[Derivation, ...]:
    """Shared-origin pairs whose common origin is not already in the batch (two reprints of a wire
    story that is here are linked through it), one edge per pair of groups, strongest first."""
    origins = _Origins()
    for derivation in derivations:
        origins.join(derivation.source, derivation.derived)
    kept = []
    for edge in sorted(shared, key=lambda d: (-d.reused_share, d.source, d.derived)):
        if origins.root(edge.source) != origins.root(edge.derived):
            origins.join(edge.source, edge.derived)
            kept.append(edge)
    return tuple(sorted(kept, key=lambda d: (d.source, d.derived)))


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
        others = [int(other) for other in lsh.query(minhash) if int(other) != index]
        if len(others) > MAX_CANDIDATES:
            others = sorted(others, key=lambda other: (-minhash.jaccard(hashes[other]), other))
        for other in others[:MAX_CANDIDATES]:
            pairs.add((min(index, other), max(index, other)))
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
    source_share = len(evidence.pairs) / max(len(source.sentences), 1)
    shared = _shared_origin(source, derived, evidence_of_direction, reused, source_share)
    if shared and kind != DerivationKind.DUPLICATE:
        kind, evidence_of_direction = DerivationKind.SHARED_ORIGIN, [shared]
    pairs = tuple(AlignedPair(i, j, round(sim, 3)) for i, j, sim in evidence.pairs)
    return Derivation(
        source.article.id,
        derived.article.id,
        kind,
        round(reused, 3),
        round(exact, 3),
        pairs,
        tuple(evidence_of_direction),
        source_share=round(source_share, 3),
        attribution=_attribution(derived.article, source.article),
        spin=spin_signals(source.sentences, derived.sentences, pairs),
    )


def _shared_origin(
    source: _Doc, derived: _Doc, direction: list[str], reused: float, source_share: float
) -> str:
    """Why the two reuse a third text rather than one the other ("" when they do not seem to):
    both credit the same wire agency and not each other, or neither contains the other and nothing
    but length ordered them."""
    first, second = source.article, derived.article
    if credit_for(first, second.outlet) or credit_for(second, first.outlet):
        return ""
    outlets = {first.outlet.lower(), second.outlet.lower()}
    common = sorted(
        agency
        for agency in set(credited_agencies(first)) & set(credited_agencies(second))
        if agency.lower() not in outlets
    )
    if common:
        return f"both credit {common[0]}, neither credits the other"
    only_length = all(note.startswith("longer text") for note in direction)
    if only_length and reused < CONTAINED_SHARE and source_share < CONTAINED_SHARE:
        return "each carries text the other lacks, and nothing says which came first"
    return ""


def _attribution(derived: Article, source: Article) -> str:
    """The derived article's credit to its source, else to a wire agency."""
    return credit_for(derived, source.outlet) or next(iter(credited_agencies(derived).values()), "")


def _pair_evidence(source: _Doc, derived: _Doc, settings: ProvenanceSettings) -> _PairEvidence:
    lexical = lexical_matrix(source.tokens, derived.tokens)
    similarity = combined(lexical, source.vectors @ derived.vectors.T)
    aligned = monotone_alignment(similarity, settings.aligned_sentence_similarity)
    copied = [(i, j) for i, j in aligned if lexical[i, j] >= settings.exact_sentence_similarity]
    unquoted = sum(not _mostly_quoted(derived.sentences[j].text) for _, j in copied)
    shared = len(derived.trigrams & source.trigrams) / max(len(derived.trigrams), 1)
    pairs = [(i, j, float(similarity[i, j])) for i, j in aligned]
    return _PairEvidence(pairs, len(copied), unquoted, shared)


def _mostly_quoted(text: str) -> bool:
    return sum(len(m) for m in QUOTED.findall(text)) * 2 > len(text)


def _kind(
    source: _Doc,
    derived: _Doc,
    evidence: _PairEvidence,
    reused: float,
    exact: float,
    settings: ProvenanceSettings,
) -> DerivationKind | None:
    if _partial_reprint(evidence, len(derived.sentences)) and exact < settings.duplicate_share:
        return DerivationKind.REPRINT
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


def _partial_reprint(evidence: _PairEvidence, count: int) -> bool:
    copied = evidence.verbatim_unquoted
    return copied >= PARTIAL_MIN_SENTENCES and copied / max(count, 1) >= PARTIAL_MIN_SHARE


def _direction(a: _Doc, b: _Doc) -> tuple[_Doc, _Doc, list[str]]:
    """(source, derived, evidence): earlier first; else the one that credits the other is derived;
    else the longer one is the source (copies trim more often than they add)."""
    first, second = a.article, b.article
    if first.published and second.published and first.published != second.published:
        source, derived = (a, b) if first.published < second.published else (b, a)
        notes = ["published earlier"]
        if _credits(derived.article, source.article):
            notes.append(f"{derived.article.outlet} credits {source.article.outlet}")
        return source, derived, notes
    if _credits(second, first):
        return a, b, [f"{second.outlet} credits {first.outlet}"]
    if _credits(first, second):
        return b, a, [f"{first.outlet} credits {second.outlet}"]
    ordered = (a, b) if len(first.text) >= len(second.text) else (b, a)
    return ordered[0], ordered[1], ["longer text (the derived one is contained in it)"]


def _credits(article: Article, other: Article) -> bool:
    """Whether `article` names `other`'s outlet in its text or byline (a credit line does; so does a
    mention anywhere)."""
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
    known = set(article_ids)
    origins = _Origins()
    for derivation in derivations:
        if derivation.source in known and derivation.derived in known:
            origins.join(derivation.source, derivation.derived)
    groups: dict[str, list[str]] = {}
    for article_id in article_ids:
        groups.setdefault(origins.root(article_id), []).append(article_id)
    return list(groups.values())


class _Origins:
    """Union-find over article ids: which articles go back to one origin."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def root(self, node: str) -> str:
        self.parent.setdefault(node, node)
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, source: str, derived: str) -> None:
        self.parent[self.root(derived)] = self.root(source)


__all__ = ["find_derivations", "origin_groups", "reuse_evidence"]
