"""Provenance kinds and directions on a story written for the project (tests/fixtures/ferry_fire):
a wire story, a verbatim reprint that credits it, a trimmed reprint that does not, a partial
reprint inside a local report, a spun rewrite, an independent report, and two articles that each
carry the same agency text that is not in the batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from storylens.annotate.sentences import split_sentences
from storylens.clean import clean_batch
from storylens.ingest import read_inputs
from storylens.model import Article, Derivation, DerivationKind, SpinKind
from storylens.provenance import find_derivations, origin_groups
from storylens.provenance.cues import attribution_cues, credited_agencies
from storylens.provenance.spin import classify_swap, swapped_words

FERRY = Path(__file__).parent / "fixtures" / "ferry_fire"


@pytest.fixture(scope="module")
def ferry() -> tuple[list[Article], dict[tuple[str, str], Derivation]]:
    raws, failures = read_inputs([str(FERRY)])
    articles, clean_failures = clean_batch(raws)
    assert not failures and not clean_failures and len(articles) == 8
    sentences = {a.id: split_sentences(a.id, a.text) for a in articles}
    outlet = {a.id: a.outlet for a in articles}
    found = find_derivations(articles, sentences)
    return articles, {(outlet[d.source], outlet[d.derived]): d for d in found}


def test_wire_reprints_point_back_to_the_wire(ferry) -> None:  # type: ignore[no-untyped-def]
    _, edges = ferry
    credited = edges[("Reuters", "Harbor Times")]
    assert credited.kind == DerivationKind.REPRINT
    assert credited.exact_share == 1.0 and credited.source_share == 1.0
    assert "(Reuters)" in credited.attribution
    uncredited = edges[("Reuters", "Daily Courier")]
    assert uncredited.kind == DerivationKind.REPRINT
    assert uncredited.attribution == ""
    assert uncredited.direction_evidence == ("published earlier",)


def test_partial_reprint_inside_own_reporting(ferry) -> None:  # type: ignore[no-untyped-def]
    _, edges = ferry
    partial = edges[("Reuters", "Valley Post")]
    assert partial.kind == DerivationKind.REPRINT
    assert partial.source_share < 0.8  # only part of the wire story ...
    assert partial.reused_share < 0.8  # ... inside an article with its own sentences
    assert partial.attribution.startswith("According to a Reuters report")


def test_spun_rewrite_and_its_spin_signals(ferry) -> None:  # type: ignore[no-untyped-def]
    _, edges = ferry
    spun = edges[("Reuters", "Buzz Online")]
    assert spun.kind == DerivationKind.REWRITE
    signals = {(s.kind, s.before, s.after) for s in spun.spin}
    assert (SpinKind.GARBLED_NAME, "Halvorsen", "Halvorsan") in signals
    assert (SpinKind.CHANGED_NUMBER, "40", "50") in signals
    assert (SpinKind.RARE_SUBSTITUTION, "passengers", "voyagers") in signals
    # the signals point at the aligned sentences they were found in
    for signal in spun.spin:
        assert (signal.source_sentence, signal.derived_sentence) in {
            (p.source_sentence, p.derived_sentence) for p in spun.pairs
        }


def test_independent_report_is_nobodys_copy(ferry) -> None:  # type: ignore[no-untyped-def]
    _, edges = ferry
    assert not [pair for pair in edges if "Skerra Island Courier" in pair]


def test_shared_origin_of_two_agency_copies(ferry) -> None:  # type: ignore[no-untyped-def]
    _, edges = ferry
    shared = edges[("Metro Daily", "Coast Herald")]
    assert shared.kind == DerivationKind.SHARED_ORIGIN
    assert shared.direction_evidence == ("both credit AP, neither credits the other",)


def test_independent_voices(ferry) -> None:  # type: ignore[no-untyped-def]
    articles, edges = ferry
    outlet = {a.id: a.outlet for a in articles}
    derivations = [d for d in edges.values()]
    groups = origin_groups([a.id for a in articles], derivations)
    named = sorted(sorted(outlet[i] for i in group) for group in groups)
    assert named == [
        ["Buzz Online", "Daily Courier", "Harbor Times", "Reuters", "Valley Post"],
        ["Coast Herald", "Metro Daily"],
        ["Skerra Island Courier"],
    ]


def test_direction_from_credit_when_dates_are_missing(ferry) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    articles, _ = ferry
    undated = [
        dataclasses.replace(a, published=None) for a in articles if a.outlet in {"Reuters", "Harbor Times"}
    ]
    sentences = {a.id: split_sentences(a.id, a.text) for a in undated}
    (found,) = find_derivations(undated, sentences)
    outlet = {a.id: a.outlet for a in undated}
    assert (outlet[found.source], outlet[found.derived]) == ("Reuters", "Harbor Times")
    assert found.direction_evidence == ("Harbor Times credits Reuters",)


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("rain", "precipitation", SpinKind.RARE_SUBSTITUTION),
        ("people", "persons", None),  # a plain synonym, not a rare one: no signal
        ("Okafor", "Okafur", SpinKind.GARBLED_NAME),
        ("Marsh", "Keane", None),  # another name altogether is a conflict, not spin
        ("42", "24", SpinKind.CHANGED_NUMBER),
        ("said", "Said", None),
    ],
)
def test_swap_classes(old: str, new: str, kind: SpinKind | None) -> None:
    assert classify_swap(old, new) == kind


def test_swapped_words_are_one_for_one() -> None:
    before = "the heavy rain closed the road".split()
    after = "the weighty precipitation closed the highway today".split()
    assert list(swapped_words(before, after)) == [("heavy", "weighty"), ("rain", "precipitation")]


def test_attribution_cues() -> None:
    article = Article(
        id="a",
        text="LONDON (Reuters) - Prices rose. Sales fell, according to a report by the Financial Times.",
        title="",
        outlet="x",
        origin="x",
        format="text",
    )
    names = [name for _, name in attribution_cues(article)]
    assert names == ["Reuters", "Financial Times"]
    assert set(credited_agencies(article)) == {"Reuters"}
