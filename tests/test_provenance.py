"""Provenance on the bundled example with the large-corpus candidate path forced on."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES

import storylens.provenance as provenance
from storylens.annotate.sentences import split_sentences
from storylens.clean import clean_batch
from storylens.ingest import read_inputs
from storylens.model import DerivationKind
from storylens.provenance.align import monotone_alignment


def test_lsh_candidates_find_the_verbatim_reprints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(provenance, "ALL_PAIRS_LIMIT", 1)  # as if the pile were large
    raws, _ = read_inputs([str(EXAMPLES)])
    articles, _ = clean_batch(raws)
    sentences = {a.id: split_sentences(a.id, a.text) for a in articles}
    outlet = {a.id: a.outlet for a in articles}
    found = {
        (outlet[d.source], outlet[d.derived], d.kind)
        for d in provenance.find_derivations(articles, sentences)
    }
    assert ("Meridian News Agency", "Daily Courier", DerivationKind.REPRINT) in found
    assert ("Meridian News Agency", "03_valley_post", DerivationKind.REPRINT) in found


def test_alignment_keeps_order_and_threshold() -> None:
    import numpy as np

    similarity = np.array([[0.9, 0.1, 0.0], [0.2, 0.3, 0.8], [0.1, 0.7, 0.2]])
    # (1, 2) and (2, 1) cross; the better ordered set is (0, 0), (1, 2) with 0.9 + 0.8
    assert monotone_alignment(similarity, 0.5) == [(0, 0), (1, 2)]
    assert monotone_alignment(similarity, 0.95) == []
