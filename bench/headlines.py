"""Headlines on real clusters (issue 12, item 4): brief Multi-News clusters as `storylens brief`
briefs text files and check each story's headline.

Per split (even cluster ids = dev, where the headline rules were chosen; odd = test), the table
gives the share of stories whose headline is an article title, a lead sentence or missing; the
mechanical defects, by this script's own checks (not the product's, so that a rule the product
lacks still shows): under 6 words, page furniture, a photo caption, cut mid-sentence, a site name;
and, for the clusters labelled by hand in bench/data/headlines/labels.jsonl, whether the headline
of the cluster's largest story that has one names the main event. A label holds the headline it
judged: a headline that has changed since is counted as unlabelled and printed for a new label.

Two baselines: "first title", what the web app's story list showed before (the title of the
story's first article), and "first sentence", the first sentence of the story's first article. A
baseline's headline is judged only where it is a text that a label holds.

    .venv/bin/python bench/headlines.py --clusters 40 --dump /tmp/headlines.jsonl
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.clean import clean_batch
from storylens.config import Settings
from storylens.evaluate.summaries import read_multinews
from storylens.headline import ranked
from storylens.model import Briefing, Raw, Sentence
from storylens.pipeline import brief_articles

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "mds" / "multinews200" / "multi_news.jsonl"
LABELS = ROOT / "bench" / "data" / "headlines" / "labels.jsonl"

# The checks of this script, written apart from the product's rules.
MIN_WORDS = 6
FURNITURE = re.compile(
    r"\b(?:click|subscribe|sign up|newsletter|share this|share on|follow us|watch live|watch:|"
    r"advertisement|read more|comments?|log ?in|cookies?|video:|photos?:|gallery|related stories|"
    r"all rights reserved|copyright)\b",
    re.IGNORECASE,
)
CAPTION = re.compile(
    r"\((?:[^()]*\b(?:photo|photograph|image|getty|reuters|afp|ap|file)\b[^()]*|[^()]*/[^()]*)\)\s*$|"
    r"/\s*(?:getty|ap|afp|reuters|epa|staff photographer)\b|^\s*(?:photo|image|file)\s*[:\-–]|"
    r"\bpictured\b|\bfile photo\b",
    re.IGNORECASE,
)
DANGLING = {"a", "an", "the", "of", "to", "and", "or", "but", "with", "for", "in", "on", "at", "by", "from"}
SITE = re.compile(r"\b(?:www\.|\w+\.(?:com|org|net|co\.uk|gov)\b)", re.IGNORECASE)
DEFECTS = ("short", "furniture", "caption", "cut", "site name")


def defects_of(text: str, from_title: bool, outlets: set[str]) -> list[str]:
    words = text.split()
    found = []
    if len(words) < MIN_WORDS:
        found.append("short")
    if FURNITURE.search(text):
        found.append("furniture")
    if CAPTION.search(text):
        found.append("caption")
    end = text.rstrip().rstrip("\"'”’)")
    ends_badly = end.endswith(("…", "...", ",", ":", ";")) or (words and words[-1].lower() in DANGLING)
    if ends_badly or (not from_title and not end.endswith((".", "!", "?"))):
        found.append("cut")
    if SITE.search(text) or text.strip().lower() in outlets:
        found.append("site name")
    return found


@dataclass
class Row:
    """What is printed for one split and one way of choosing a headline."""

    stories: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    defects: dict[str, int] = field(default_factory=dict)
    with_defect: int = 0
    labelled: int = 0
    right: int = 0


def headline_of(briefing: Briefing) -> tuple[str, str]:
    """(text, kind) of the product's headline: kind 'title', 'lead' or 'none' (text = label)."""
    headline = briefing.story.headline
    if headline is None:
        return briefing.story.label, "none"
    return headline.text, headline.source.value


def judged_index(briefings: list[Briefing]) -> int:
    """The story whose headline is judged against the cluster's main event: the largest story
    with a headline (a story of scraping leftovers, such as a social site's notice repeated
    in three files, gets none), else the largest."""
    return next((i for i, b in enumerate(briefings) if b.story.headline is not None), 0)


def first_title(briefing: Briefing) -> tuple[str, str]:
    return briefing.articles[0].title, "title"


def first_sentence(briefing: Briefing) -> tuple[str, str]:
    """The lead baseline: the first sentence of the story's first article."""
    first = briefing.articles[0].id
    sentences = sorted((s for s in briefing.sentences if s.article_id == first), key=lambda s: s.start)
    return (" ".join(sentences[0].text.split()), "lead") if sentences else ("", "none")


def brief_cluster(documents: tuple[str, ...], number: int, settings: Settings) -> list[Briefing]:
    raws = [
        Raw(origin=f"multinews200/{number}/d{i}.txt", format="text", content=text)
        for i, text in enumerate(documents)
        if text.strip()
    ]
    articles, _ = clean_batch(raws, settings.clean)
    return sorted(brief_articles(articles, settings).briefings, key=lambda b: -len(b.articles))


def read_labels(path: Path) -> dict[tuple[int, str], dict]:
    if not path.exists():
        return {}
    labels = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = orjson.loads(line)
            labels[(record["cluster"], record["headline"])] = record
    return labels


def tally(
    row: Row,
    briefings: list[Briefing],
    choose: Callable[[Briefing], tuple[str, str]],
    label: Callable[[str], dict | None],
) -> None:
    for index, briefing in enumerate(briefings):
        text, kind = choose(briefing)
        row.stories += 1
        row.kinds[kind] = row.kinds.get(kind, 0) + 1
        outlets = {a.outlet.lower() for a in briefing.articles}
        found = defects_of(text, kind != "lead", outlets) if kind != "none" else []
        for name in found:
            row.defects[name] = row.defects.get(name, 0) + 1
        row.with_defect += bool(found)
        judged = label(text) if index == judged_index(briefings) else None
        if judged is not None:
            row.labelled += 1
            row.right += bool(judged["names_main_event"])


def print_table(rows: dict[tuple[str, str], Row]) -> None:
    print(
        "| split | headline | stories | title | lead | none | with a defect | "
        + " | ".join(DEFECTS)
        + " | names the main event (of the labelled) |"
    )
    print("|---" * (7 + len(DEFECTS)) + "|---|")
    for (split, system), row in rows.items():
        share = {k: row.kinds.get(k, 0) / max(row.stories, 1) for k in ("title", "lead", "none")}
        cells = [split, system, str(row.stories)] + [f"{share[k]:.2f}" for k in ("title", "lead", "none")]
        cells.append(str(row.with_defect))
        cells += [str(row.defects.get(name, 0)) for name in DEFECTS]
        cells.append(f"{row.right}/{row.labelled}" if row.labelled else "-")
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--clusters", type=int, default=40, help="brief the first N clusters of the file")
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--dump", type=Path, help="write every story's headline and candidates here")
    parser.add_argument("--split", choices=("dev", "test", "both"), default="both")
    args = parser.parse_args()
    settings = Settings()
    labels = read_labels(args.labels)
    clusters = read_multinews(args.data, limit=args.clusters)
    systems = {
        "storylens": headline_of,
        "first title (before)": first_title,
        "first sentence": first_sentence,
    }
    rows = {(split, name): Row() for split in ("dev", "test") for name in systems}
    dump: list[bytes] = []
    unlabelled = []
    started = time.perf_counter()
    for number, cluster in enumerate(clusters):
        split = "dev" if number % 2 == 0 else "test"
        if args.split not in (split, "both"):
            continue
        briefings = brief_cluster(cluster.documents, number, settings)
        for name, choose in systems.items():
            judge = (
                (lambda text, n=number: labels.get((n, text))) if name == "storylens" else (lambda _: None)
            )
            tally(rows[(split, name)], briefings, choose, judge)
        if briefings:
            text, kind = headline_of(briefings[judged_index(briefings)])
            if (number, text) not in labels:
                unlabelled.append((number, kind, text))
        dump += [_record(number, split, i, briefings, cluster.reference) for i in range(len(briefings))]
        print(f"\rbriefed {number + 1}/{len(clusters)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    print_table(rows)
    labelled_clusters = {cluster for cluster, _ in labels}
    print(
        f"\n{len(clusters)} clusters in {time.perf_counter() - started:.0f} s; "
        f"{len(labelled_clusters)} clusters labelled in {args.labels.name}"
    )
    for number, kind, text in unlabelled:
        if number in labelled_clusters:
            print(f"changed since labelled: cluster {number} ({kind}): {text}")
    if args.dump:
        args.dump.write_bytes(b"\n".join(dump) + b"\n")


def _record(number: int, split: str, index: int, briefings: list[Briefing], reference: str) -> bytes:
    briefing = briefings[index]
    text, kind = headline_of(briefing)
    return orjson.dumps(
        {
            "cluster": number,
            "split": split,
            "story": index,
            "judged": index == judged_index(briefings),
            "articles": len(briefing.articles),
            "kind": kind,
            "headline": text,
            "label": briefing.story.label,
            "titles": [a.title for a in briefing.articles],
            "candidates": [
                [r.candidate.source.value, r.voices, round(r.centrality, 3), r.candidate.text[:160]]
                for r in ranked(briefing.articles, _sentences(briefing))
            ],
            "reference": reference[:400],
        }
    )


def _sentences(briefing: Briefing) -> dict[str, list[Sentence]]:
    found: dict[str, list[Sentence]] = {}
    for sentence in briefing.sentences:
        found.setdefault(sentence.article_id, []).append(sentence)
    return found


if __name__ == "__main__":
    main()
