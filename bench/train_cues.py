"""Train the attribution cue classifier on PolNeAR train; writes src/storylens/annotate/cues.json.

A verb is a positive example when it is the last verb inside a gold Cue span ("went on to
discuss" -> "discuss": the verb whose complement is the content). Logistic regression over
`attribution.cue_features`; the decision threshold is the one that maximises cue F1 over 5-fold
cross-validated probabilities on train. Nothing from PolNeAR dev is used.

Run: .venv/bin/python bench/train_cues.py --data ../shared/data/quotes/polnear/train
     [--parsed /tmp/polnear-train.spacy]  (a DocBin of the split's texts, to skip the parse)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict

from storylens.annotate.attribution import cue_features, is_cue_candidate
from storylens.annotate.parse import parse_model
from storylens.evaluate.polnear import read_split

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src/storylens/annotate/cues.json"
MIN_FEATURE_COUNT = 3  # features seen fewer times carry noise and bloat the shipped file
# A paragraph is parsed when it has a word form that was a cue this often in train: forms that
# were cues fewer than 2 times, or in under 5% of their uses ("is", "'s"), would send nearly
# every paragraph to the parser for almost no attribution.
MIN_FORM_CUES = 2
MIN_FORM_RATE = 0.05
REGULARISATION = 0.5  # C of the logistic regression; 5-fold cue F1 on train was flat from 0.25 to 1


def examples(docs, articles):  # type: ignore[no-untyped-def]
    """Feature rows and labels of every candidate verb, and the word forms seen as cues."""
    rows, labels = [], []
    seen: dict[str, list[int]] = {}  # form -> [times a cue, times a candidate verb]
    for doc, article in zip(docs, articles, strict=True):
        positives = set()
        for gold in article.attributions:
            for start, end in gold.cue:
                verbs = [
                    t.i
                    for t in doc.char_span(start, end, alignment_mode="expand") or ()
                    if is_cue_candidate(t)
                ]
                if verbs:
                    positives.add(verbs[-1])
        for token in doc:
            if is_cue_candidate(token):
                rows.append({f: 1 for f in cue_features(token)})
                labels.append(token.i in positives)
                counts = seen.setdefault(token.lower_, [0, 0])
                counts[0] += token.i in positives
                counts[1] += 1
    forms = {
        form
        for form, (cues, total) in seen.items()
        if cues >= MIN_FORM_CUES and cues >= MIN_FORM_RATE * total
    }
    return rows, np.array(labels), forms


def best_threshold(probabilities: np.ndarray, labels: np.ndarray, beta: float = 1.0) -> tuple[float, float]:
    """The threshold with the best F-beta, and that F-beta (beta 0.5 weighs precision double)."""
    best = (0.5, 0.0)
    for threshold in np.arange(0.1, 0.9, 0.02):
        chosen = probabilities >= threshold
        tp = float((chosen & labels).sum())
        precision, recall = tp / max(chosen.sum(), 1), tp / max(labels.sum(), 1)
        score = (1 + beta**2) * precision * recall / max(beta**2 * precision + recall, 1e-9)
        best = max(best, (float(threshold), score), key=lambda pair: pair[1])
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="PolNeAR train folder")
    parser.add_argument("--parsed", type=Path, help="DocBin of the split's texts in file order")
    args = parser.parse_args()
    articles = read_split(args.data)
    nlp = parse_model()
    if args.parsed and args.parsed.exists():
        from spacy.tokens import DocBin

        docs = list(DocBin().from_disk(args.parsed).get_docs(nlp.vocab))
    else:
        docs = list(nlp.pipe(a.text for a in articles))
    rows, labels, forms = examples(docs, articles)
    counts: dict[str, int] = {}
    for row in rows:
        for feature in row:
            counts[feature] = counts.get(feature, 0) + 1
    rows = [{f: 1 for f in row if counts[f] >= MIN_FEATURE_COUNT} for row in rows]
    vectoriser = DictVectorizer()
    matrix = vectoriser.fit_transform(rows)
    model = LogisticRegression(C=REGULARISATION, max_iter=2000)
    probabilities = cross_val_predict(model, matrix, labels, cv=5, method="predict_proba")[:, 1]
    threshold, f1 = best_threshold(probabilities, labels)
    # Reported speech is shown without quotation marks, on the cue's word alone: a wrong "X
    # said" costs more than a missed one, so its threshold maximises F0.5 instead of F1.
    reported, f_half = best_threshold(probabilities, labels, beta=0.5)
    model.fit(matrix, labels)
    weights = {
        name: round(float(w), 4)
        for name, w in zip(vectoriser.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(w) >= 0.01
    }
    OUTPUT.write_text(
        json.dumps(
            {
                "trained_on": f"PolNeAR train, {len(articles)} articles, {int(labels.sum())} cues",
                "command": "python bench/train_cues.py --data ../shared/data/quotes/polnear/train",
                "cross_validated_cue_f1": round(f1, 4),
                "threshold": round(threshold, 2),
                "cross_validated_cue_f05": round(f_half, 4),
                "reported_threshold": round(reported, 2),
                "intercept": round(float(model.intercept_[0]), 4),
                "forms": sorted(forms),
                "weights": dict(sorted(weights.items())),
            },
            indent=0,
        )
        + "\n",
        encoding="utf-8",
    )
    columns = ["articles", "verbs", "cues", "features kept", "5-fold cue F1", "threshold"]
    columns += ["5-fold cue F0.5", "reported threshold"]
    values = [len(articles), len(labels), int(labels.sum()), len(weights), f"{f1:.3f}", f"{threshold:.2f}"]
    values += [f"{f_half:.3f}", f"{reported:.2f}"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    print("| " + " | ".join(str(v) for v in values) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
