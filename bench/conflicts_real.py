"""Conflict precision and recall on real Multi-News clusters, from hand labels (issue 11).

Each cluster (its 0-based line number in multi_news.jsonl) is briefed the way `storylens brief`
briefs plain-text files (clean_batch, then brief_articles), as bench/audit_multinews.py does.
Two label files under bench/data/conflicts/ hold what a reader decided:

- real_contradictions.jsonl: every contradiction between two different articles of a cluster
  found by reading it: {"id", "cluster", "articles": ["d0", "d2"], "sentences": [text, text],
  "kind", "values": [a, b], "note"}.
- reported_labels.jsonl: every conflict the product reported, judged: {"key", "cluster",
  "kind", "articles", "values", "sentences", "label": "real" | "false", "class": a false-alarm
  class or "", "real_id": the matching real contradiction or "", "reason"}.

A reported conflict is keyed by cluster, kind, the two articles and the two values as written
(order-free). A fresh run is scored against the labels: a reported conflict whose key is not
labelled is counted and listed as unlabelled, never as right or wrong. A real contradiction is
found when a reported conflict joins the same two articles and each side's span lies in the
labelled sentence of that article.

Even cluster ids are the dev split (rules may be tuned on them), odd ids the test split.

    python bench/conflicts_real.py                  # score (briefs every labelled cluster)
    python bench/conflicts_real.py --dump 30-49     # print reported conflicts to label
    python bench/conflicts_real.py --synthetic      # also the two synthetic suites
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from audit_multinews import brief_as_text_files

from storylens.config import Settings
from storylens.evaluate.summaries import read_multinews
from storylens.model import Conflict

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "mds" / "multinews200" / "multi_news.jsonl"
LABELS = ROOT / "bench" / "data" / "conflicts"
WORD = re.compile(r"[a-z0-9]+")
OVERLAP = 0.6  # share of the shorter sentence's words two cuts of one sentence have in common


@dataclass(frozen=True)
class Reported:
    key: str
    cluster: int
    kind: str
    articles: tuple[str, str]
    values: tuple[str, str]
    sentences: tuple[str, str]
    explanation: str


def _flat(text: str) -> str:
    return " ".join(text.split())


def conflict_key(cluster: int, kind: str, articles: tuple[str, str], values: tuple[str, str]) -> str:
    ends = sorted(zip(articles, (_flat(v).lower() for v in values), strict=True))
    return f"{cluster}|{kind}|{ends[0][0]}={ends[0][1]}|{ends[1][0]}={ends[1][1]}"


def _sentence_at(text: str, starts: list[tuple[int, int]], offset: int) -> str:
    for start, end in starts:
        if start <= offset < end:
            return _flat(text[start:end])
    return ""


def brief_cluster(number: int, documents: tuple[str, ...], settings: Settings) -> list[Reported]:
    _, _, _, result, doc = brief_as_text_files(number, documents, settings)
    reported = []
    for briefing in result.briefings:
        texts = {a.id: a.text for a in briefing.articles}
        bounds = {a.id: _bounds(a.text) for a in briefing.articles}
        for c in briefing.conflicts:
            reported.append(_reported(number, c, doc, texts, bounds))
    return reported


def _bounds(text: str) -> list[tuple[int, int]]:
    from storylens.annotate.sentences import split_sentences

    return [(s.start, s.end) for s in split_sentences("x", text)]


def _reported(
    number: int,
    c: Conflict,
    doc: dict[str, str],
    texts: dict[str, str],
    bounds: dict[str, list[tuple[int, int]]],
) -> Reported:
    articles = (doc[c.first.article_id], doc[c.second.article_id])
    values = (c.first_value, c.second_value)
    sentences = (
        _sentence_at(texts[c.first.article_id], bounds[c.first.article_id], c.first.start),
        _sentence_at(texts[c.second.article_id], bounds[c.second.article_id], c.second.start),
    )
    return Reported(
        conflict_key(number, str(c.kind), articles, values),
        number,
        str(c.kind),
        articles,
        values,
        sentences,
        c.explanation,
    )


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def parse_range(text: str) -> list[int]:
    numbers: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        numbers += range(int(first), int(last or first) + 1)
    return numbers


def run(clusters: list[int], data: Path) -> dict[int, list[Reported]]:
    wanted = set(clusters)
    records = read_multinews(data, limit=max(wanted) + 1)
    settings = Settings()
    out = {}
    for number in sorted(wanted):
        out[number] = brief_cluster(number, records[number].documents, settings)
        print(f"\rbriefed cluster {number}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return out


def dump(reported: dict[int, list[Reported]], labels: dict[str, dict]) -> None:
    for number, items in reported.items():
        for r in items:
            mark = labels.get(r.key, {}).get("label", "UNLABELLED")
            print(orjson.dumps({**r.__dict__, "label": mark}).decode())
        if not items:
            print(orjson.dumps({"cluster": number, "none": True}).decode())


def _words(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


def _side_in(sentence: str, labelled: str, value: str) -> bool:
    """The reported side lies in the labelled sentence: one text holds the other, or (the two
    sentence splitters cut differently) the reported sentence holds the labelled value and most
    of the labelled sentence's words."""
    a, b = _flat(sentence).lower(), _flat(labelled).lower()
    if not a:
        return False
    if a in b or b in a:
        return True
    shared = _words(a) & _words(b)
    return value.lower() in a and len(shared) >= OVERLAP * min(len(_words(a)), len(_words(b)))


def matches(r: Reported, real: dict) -> bool:
    if r.cluster != real["cluster"] or set(r.articles) != set(real["articles"]):
        return False
    if r.articles[0] == r.articles[1]:
        return False
    by_doc = {a: (s, v) for a, s, v in zip(real["articles"], real["sentences"], real["values"], strict=True)}
    return all(_side_in(s, *by_doc[a]) for a, s in zip(r.articles, r.sentences, strict=True))


def split_of(cluster: int) -> str:
    return "dev" if cluster % 2 == 0 else "test"


def score(reported: dict[int, list[Reported]], labels: dict[str, dict], reals: list[dict]) -> str:
    lines = []
    for split in ("dev", "test"):
        runs = [r for n, items in reported.items() if split_of(n) == split for r in items]
        real = [x for x in reals if split_of(x["cluster"]) == split]
        clusters = sorted(n for n in reported if split_of(n) == split)
        lines += _split_table(split, clusters, runs, labels, real)
    return "\n".join(lines)


def _split_table(
    split: str, clusters: list[int], runs: list[Reported], labels: dict[str, dict], real: list[dict]
) -> list[str]:
    verdict = Counter()
    by_kind: dict[str, Counter] = {}
    unlabelled = []
    for r in runs:
        label = labels.get(r.key, {}).get("label")
        if label is None:
            unlabelled.append(r)
        by_kind.setdefault(r.kind, Counter())[label or "unlabelled"] += 1
        verdict[label or "unlabelled"] += 1
    found_kind: dict[str, Counter] = {}
    for x in real:
        hit = any(matches(r, x) for r in runs)
        found_kind.setdefault(x["kind"], Counter())["found" if hit else "missed"] += 1
    out = [f"\n## {split}: {len(clusters)} clusters ({_ranges(clusters)})", ""]
    out += [
        "| reported kind | reported | real | false | unlabelled | precision |",
        "|---|---|---|---|---|---|",
    ]
    for kind, c in [*sorted(by_kind.items()), ("all", verdict)]:
        judged = c["real"] + c["false"]
        p = f"{c['real'] / judged:.2f}" if judged else "-"
        out.append(f"| {kind} | {sum(c.values())} | {c['real']} | {c['false']} | {c['unlabelled']} | {p} |")
    out += ["", "| real kind | contradictions | found | recall |", "|---|---|---|---|"]
    total = Counter()
    for kind, c in sorted(found_kind.items()):
        total += c
        n = c["found"] + c["missed"]
        out.append(f"| {kind} | {n} | {c['found']} | {c['found'] / n:.2f} |")
    n = total["found"] + total["missed"]
    out.append(f"| all | {n} | {total['found']} | {total['found'] / n if n else 0:.2f} |")
    for r in unlabelled:
        out.append(f"unlabelled: {r.key} :: {r.sentences[0][:90]} || {r.sentences[1][:90]}")
    classes = Counter(
        labels[r.key].get("class") or "?" for r in runs if labels.get(r.key, {}).get("label") == "false"
    )
    if classes:
        out.append("false alarms by class: " + ", ".join(f"{k} {v}" for k, v in classes.most_common()))
    return out


def _ranges(numbers: list[int]) -> str:
    return f"{numbers[0]}..{numbers[-1]}" if numbers else "none"


def synthetic() -> str:
    out = []
    for cases in ("tests/fixtures/conflicts.jsonl", "tests/fixtures/conflicts_holdout.jsonl"):
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "conflicts.py"), "--cases", str(ROOT / cases)],
            capture_output=True,
            text=True,
            check=True,
        )
        out.append(f"\n### synthetic suite {cases}\n\n{done.stdout.strip()}")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--dump", help="cluster ids to brief and print as JSON lines: 30-49,52")
    parser.add_argument("--synthetic", action="store_true", help="also run the synthetic suites")
    parser.add_argument("--save", type=Path, help="also write the reported conflicts (JSON lines) here")
    parser.add_argument(
        "--reported", type=Path, help="score the reported conflicts saved by --save instead of a fresh run"
    )
    args = parser.parse_args()
    labels = {x["key"]: x for x in read_jsonl(args.labels / "reported_labels.jsonl")}
    reals = read_jsonl(args.labels / "real_contradictions.jsonl")
    if args.dump:
        dump(run(parse_range(args.dump), args.data), labels)
        return 0
    clusters = sorted({x["cluster"] for x in reals} | {x["cluster"] for x in labels.values()})
    clusters = sorted(set(clusters) | set(_read_clusters(args.labels)))
    print(f"real contradictions labelled: {len(reals)}; reported conflicts labelled: {len(labels)}")
    reported = load(args.reported, clusters) if args.reported else run(clusters, args.data)
    if args.save:
        rows = [{**r.__dict__, "cluster": n} for n, items in reported.items() for r in items]
        args.save.write_bytes(b"".join(orjson.dumps(row) + b"\n" for row in rows))
    print(score(reported, labels, reals))
    if args.synthetic:
        print(synthetic())
    return 0


def load(path: Path, clusters: list[int]) -> dict[int, list[Reported]]:
    """Reported conflicts saved by --save (or printed by --dump), by cluster."""
    out: dict[int, list[Reported]] = {n: [] for n in clusters}
    for row in read_jsonl(path):
        if row.get("none") or row["cluster"] not in out:
            continue
        fields = {k: row[k] for k in Reported.__dataclass_fields__}
        fields |= {k: tuple(row[k]) for k in ("articles", "values", "sentences")}
        out[row["cluster"]].append(Reported(**fields))
    return out


def _read_clusters(folder: Path) -> list[int]:
    """The clusters read in full (listed even when nothing was found or reported in them)."""
    path = folder / "clusters_read.txt"
    if not path.exists():
        return []
    return [int(x) for x in path.read_text().split()]


if __name__ == "__main__":
    raise SystemExit(main())
