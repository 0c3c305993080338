"""Who a pronoun speaker is: storylens against hand-labelled PolNeAR train pronouns.

PolNeAR marks "he" or "she" as the source of thousands of attributions but never says who they
are; `bench/data/pronouns/polnear_train_pronouns.jsonl` does, for 320 of them (one per article,
drawn at random; articles of even index are the dev half rules were read from, odd the test half).
Each label names the person as the article writes them, or says the person is never named.

For each labelled pronoun the article goes through storylens as the briefing runs it; the
attribution whose speaker span covers the pronoun is scored:
  right      resolved to the labelled person (same surname)
  wrong      resolved to someone else
  left open  not resolved (the briefing shows the pronoun as written)
  missed     no attribution with that speaker span (attribution recall, not resolution)
Accuracy is right / (right + wrong + left open) over pronouns whose person is named; for
pronouns whose person is never named, "wrong" counts an invented person.

    python bench/pronouns.py [--data ../shared/data/quotes/polnear/train] [--split dev|test|all]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.evaluate import polnear
from storylens.evaluate.quote_systems import storylens_system

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "bench" / "data" / "pronouns" / "polnear_train_pronouns.jsonl"
DATA = ROOT.parent / "shared" / "data" / "quotes" / "polnear" / "train"


def outcome(label: dict, predictions: list[polnear.Predicted]) -> str:
    span = (label["start"], label["end"])
    covering = [p for p in predictions if p.speaker and p.speaker[0] <= span[0] and span[1] <= p.speaker[1]]
    if not covering:
        return "missed"
    resolved = covering[0].resolved
    if resolved is None:
        return "left open"
    if label["person"] is None:
        return "wrong"
    return "right" if polnear.surname(resolved) == polnear.surname(label["person"]) else "wrong"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--split", choices=["dev", "test", "all"], default="all")
    parser.add_argument("--show", action="store_true", help="print each wrong resolution")
    args = parser.parse_args()
    labels = [orjson.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line]
    labels = [x for x in labels if args.split == "all" or x["split"] == args.split]
    by_article = defaultdict(list)
    for label in labels:
        by_article[label["article"]].append(label)
    texts = {a.name: a.text for a in polnear.read_split(args.data) if a.name in by_article}
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for name, article_labels in sorted(by_article.items()):
        predictions = storylens_system(texts[name])
        for label in article_labels:
            found = outcome(label, predictions)
            group = "named" if label["status"] == "named" else "never named"
            counts[f"{label['split']} {group}"][found] += 1
            if args.show and found == "wrong":
                hit = [p.resolved for p in predictions if p.speaker and p.speaker[0] <= label["start"]]
                print(f"  {name} {label['start']}: {hit[-1]} (gold {label['person']})")
    print(f"{'pronouns':<18}{'n':>5}{'right':>7}{'wrong':>7}{'open':>7}{'missed':>8}{'accuracy':>10}")
    for group, tally in sorted(counts.items()):
        scored = tally["right"] + tally["wrong"] + tally["left open"]
        accuracy = f"{tally['right'] / scored:.3f}" if scored and "never" not in group else "-"
        print(
            f"{group:<18}{sum(tally.values()):>5}{tally['right']:>7}{tally['wrong']:>7}"
            f"{tally['left open']:>7}{tally['missed']:>8}{accuracy:>10}"
        )


if __name__ == "__main__":
    main()
