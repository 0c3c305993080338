"""The figures of the real-text audit (issue 10), recomputed from the hand labels.

    python bench/audit_count.py

Quotes (bench/data/audit/quote_labels.jsonl), one label per quote of the briefing:
  right                          the resolved speaker said it; or, where the story names no one to
                                 resolve to ("an officer", "the study", "prosecutors"), the speaker
                                 as written is the one who said it
  unresolved-but-written-right   the speaker as written is right ("the president", "she", "the firm")
                                 but stands for a party the story names, and is left unresolved
  wrong                          someone else said it, the speaker shown is a fragment of other words,
                                 or no speaker is shown where the text names one
  not-a-quote                    a caption, credit, scare quote, narration or non-attribution
Speaker accuracy = right / (labelled quotes less not-a-quote). Also shown: the share right with a
resolved person or organisation, and right or unresolved-but-written-right.

Who's who (bench/data/audit/entity_labels.jsonl), one label per row: ok, wrong-type, junk,
duplicate (another row of the same story is the same real-world entity). Rates are shares of rows.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import orjson

AUDIT = Path(__file__).resolve().parent / "data" / "audit"
QUOTE_LABELS = ("right", "unresolved-but-written-right", "wrong", "not-a-quote")
ENTITY_LABELS = ("ok", "wrong-type", "junk", "duplicate")


def read(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def share(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "n/a"


def quote_figures(labels: list[dict]) -> list[tuple[str, str]]:
    unknown = {x["label"] for x in labels} - set(QUOTE_LABELS)
    if unknown:
        raise SystemExit(f"unknown quote labels: {sorted(unknown)}")
    count = Counter(x["label"] for x in labels)
    quotes = len(labels) - count["not-a-quote"]
    right, written = count["right"], count["unresolved-but-written-right"]
    shown_with_person = sum(x["label"] == "not-a-quote" and x["speaker"] is not None for x in labels)
    resolved = sum(x["label"] == "right" and x["speaker"] is not None for x in labels)
    rows = [
        ("clusters", " ".join(str(c) for c in sorted({x["cluster"] for x in labels}))),
        ("quotes in the briefings", str(len(labels))),
        ("not-a-quote", f"{count['not-a-quote']} ({share(count['not-a-quote'], len(labels))})"),
        ("  of them shown with a resolved person", str(shown_with_person)),
        ("real quotes", str(quotes)),
        ("right", f"{right} ({share(right, quotes)})"),
        ("  of them with a resolved speaker", f"{resolved} ({share(resolved, quotes)})"),
        ("unresolved-but-written-right", f"{written} ({share(written, quotes)})"),
        ("wrong", f"{count['wrong']} ({share(count['wrong'], quotes)})"),
        ("speaker accuracy = right / real quotes", share(right, quotes)),
        ("right or unresolved-but-written-right", share(right + written, quotes)),
    ]
    for kind in ("direct", "indirect"):
        own = [x for x in labels if x["kind"] == kind and x["label"] != "not-a-quote"]
        good = sum(x["label"] == "right" for x in own)
        either = sum(x["label"] in ("right", "unresolved-but-written-right") for x in own)
        rows.append(
            (
                f"  {kind}: accuracy / with unresolved-but-written-right",
                f"{share(good, len(own))} / {share(either, len(own))} of {len(own)}",
            )
        )
    return rows


def entity_figures(labels: list[dict]) -> list[tuple[str, str]]:
    unknown = {x["label"] for x in labels} - set(ENTITY_LABELS)
    if unknown:
        raise SystemExit(f"unknown entity labels: {sorted(unknown)}")
    count = Counter(x["label"] for x in labels)
    total = len(labels)
    rows = [
        ("clusters", " ".join(str(c) for c in sorted({x["cluster"] for x in labels}))),
        ("who's-who rows", str(total)),
    ]
    rows += [(f"{label} rate", f"{count[label]} ({share(count[label], total)})") for label in ENTITY_LABELS]
    by_type = Counter(x["label_system"] for x in labels if x["label"] == "junk")
    rows.append(
        ("junk rows by the type they were given", ", ".join(f"{t} {n}" for t, n in by_type.most_common()))
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quotes", type=Path, default=AUDIT / "quote_labels.jsonl")
    parser.add_argument("--entities", type=Path, default=AUDIT / "entity_labels.jsonl")
    args = parser.parse_args()
    for title, path, figures in (
        ("Quote speakers", args.quotes, quote_figures),
        ("Who's who", args.entities, entity_figures),
    ):
        rows = figures(read(path))
        width = max(len(name) for name, _ in rows)
        print(f"{title} ({path.name})")
        for name, value in rows:
            print(f"  {name:<{width}}  {value}")
        print()


if __name__ == "__main__":
    main()
