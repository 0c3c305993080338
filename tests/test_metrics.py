"""Metrics on cases small enough to work out by hand."""

from __future__ import annotations

import pytest

from storylens.evaluate.metrics import token_prf


def test_token_prf_by_hand() -> None:
    # predicted: the cat sat on the mat (6 tokens); expected: the cat sat (3 tokens)
    # overlap: the(1) cat(1) sat(1) = 3 -> precision 3/6, recall 3/3, F1 = 2*.5*1/1.5 = 2/3
    score = token_prf("The cat sat on the mat", "the cat sat")
    assert (score.precision, score.recall) == (0.5, 1.0)
    assert score.f1 == pytest.approx(2 / 3)


def test_token_prf_counts_repeats_and_handles_empty() -> None:
    assert token_prf("a a a", "a").precision == pytest.approx(1 / 3)
    assert token_prf("", "a").f1 == 0.0
    assert token_prf("a", "").f1 == 0.0


def test_bcubed_by_hand() -> None:
    from storylens.evaluate.metrics import bcubed

    # gold: {a, b, c} {d}; predicted: {a, b} {c, d}
    # precision per item: a 2/2, b 2/2, c 1/2, d 1/2 -> 3/4
    # recall per item:    a 2/3, b 2/3, c 1/3, d 1/1 -> (2/3 + 2/3 + 1/3 + 1) / 4 = 2/3
    score = bcubed(["x", "x", "y", "y"], ["g", "g", "g", "h"])
    assert score.precision == pytest.approx(3 / 4)
    assert score.recall == pytest.approx(2 / 3)
    assert score.f1 == pytest.approx(2 * 0.75 * (2 / 3) / (0.75 + 2 / 3))


def test_rouge_by_hand() -> None:
    pytest.importorskip("rouge_score")
    from storylens.evaluate.summaries import rouge

    # reference: the cat sat on the mat (6 words, 5 bigrams); summary: the cat sat (3 words, 2 bigrams)
    # ROUGE-1: overlap 3 -> P 3/3, R 3/6 -> F 2/3; ROUGE-2: overlap 2 -> P 2/2, R 2/5 -> F 4/7
    # ROUGE-L: longest common subsequence 3 -> the same as ROUGE-1 here
    scores = rouge("the cat sat", "the cat sat on the mat")
    assert scores["rouge1"] == pytest.approx(2 / 3)
    assert scores["rouge2"] == pytest.approx(4 / 7)
    assert scores["rougeL"] == pytest.approx(2 / 3)


def test_summary_budget_cuts_at_the_last_word() -> None:
    from storylens.evaluate.summaries import cut

    assert cut(["One two three.", "Four five six."], 4) == "One two three. Four"
    assert cut(["One two."], 10) == "One two."


def test_balanced_accuracy_and_cut_points_by_hand() -> None:
    import numpy as np

    from storylens.evaluate.reuse import apply_cut_points, fit_cut_points
    from storylens.evaluate.support import balanced_accuracy

    # positives: 3, two found (2/3); negatives: 1, rejected (1/1) -> (2/3 + 1) / 2 = 5/6
    predicted = np.array([True, True, False, False])
    labels = np.array([1, 1, 1, 0])
    assert balanced_accuracy(predicted, labels) == pytest.approx(5 / 6)
    scores = np.array([0.05, 0.1, 0.3, 0.35, 0.6, 0.7, 0.9, 0.95])
    levels = np.array([0, 0, 1, 1, 2, 2, 3, 3])
    cuts = fit_cut_points(scores, levels)
    assert list(apply_cut_points(scores, cuts)) == list(levels)


def test_timeline_metrics_by_hand() -> None:
    from datetime import date

    from storylens.evaluate.timelines import aligned_rouge, date_f1

    reference = {
        date(2011, 1, 25): ["protesters fill the square"],
        date(2011, 2, 11): ["the president resigns"],
    }
    system = {date(2011, 1, 25): ["protesters fill the square"], date(2011, 2, 12): ["the president resigns"]}
    # dates: one of two right on each side -> P 1/2, R 1/2 -> F1 1/2
    assert date_f1(system, reference) == pytest.approx(0.5)
    # ROUGE-1: 4 words match on the exact date (weight 1) and 3 on the date one day off (weight 1/2):
    # 4 + 1.5 = 5.5 of 7 words on each side -> P = R = F1 = 5.5 / 7
    assert aligned_rouge(system, reference, 1) == pytest.approx(5.5 / 7)
    assert aligned_rouge({}, reference, 1) == 0.0
