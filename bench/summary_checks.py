"""Summary lines on real clusters, read the way an editor reads them.

Every Multi-News 200 cluster is one story. Its articles go through the product path for plain
text (`clean_one`, then `annotate` and the story stages of `brief`); the summary lines are then
checked with this script's own rules (independent of the summarizer's, which may not simply be
asked whether they are right):

- fragment: a line of fewer than 6 words;
- caption: a photo caption or picture credit (the timeline check's pattern, plus "Image caption");
- heading: a line that does not end as a sentence ends, or that spans a line break;
- promotion or imperative: the parse's root is a bare verb with no subject ("Follow my journey
  here.", "Then get out there and hike the PCT.");
- unresolved opening: the line opens on a third-person pronoun, on a surname alone whose person
  no earlier line names in full, or on "the <noun>" with nothing in the phrase to say which one
  and no earlier line that spoke of that noun;
- quote without a speaker: words of four or more in quotation marks, and no verb of speech or
  "according to" with its subject in the line outside the quotes.

The first line is also compared with hand labels (bench/data/summary/main_event_labels.jsonl):
for 40 clusters, the story's main event, written down after reading the cluster's articles, with
the words a first line must contain to state it (each group: any one of its words). Even cluster
ids are the development half, odd ids the test half.

    .venv/bin/python bench/summary_checks.py [--limit N] [--show]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from timeline_checks import CAPTION

from storylens.annotate import annotate
from storylens.annotate.attribution import cue_weights
from storylens.annotate.parse import MODEL_NAMES
from storylens.clean import clean_one
from storylens.config import Settings
from storylens.errors import InputError
from storylens.evaluate.summaries import read_multinews
from storylens.model import Article, Raw, Story, SummaryLine
from storylens.pipeline import StageTimer, brief_story

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "mds" / "multinews200" / "multi_news.jsonl"
LABELS = ROOT / "bench" / "data" / "summary" / "main_event_labels.jsonl"
MIN_WORDS = 6  # issue 12: no fragment under 6 words
MIN_QUOTE_WORDS = 4  # fewer quoted words are a term in scare quotes, not someone's speech
MORE_CAPTIONS = re.compile(r"\b(?:image|media) caption\b|\bimage copyright\b|pic\.twitter", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
THIRD_PERSON = {"he", "she", "they", "him", "her", "his", "their", "them", "its"}
QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")
PROGRESS_EVERY = 20
KINDS = (
    "fragment",
    "caption",
    "heading",
    "promotion or imperative",
    "unresolved opening",
    "quote without speaker",
)


@dataclass
class Tally:
    clusters: int = 0
    lines: int = 0
    problems: Counter[str] = field(default_factory=Counter)
    labelled: dict[str, int] = field(default_factory=lambda: Counter())
    right: dict[str, int] = field(default_factory=lambda: Counter())
    examples: list[str] = field(default_factory=list)


def cluster_summary(cluster_id: str, documents: Sequence[str]) -> tuple[SummaryLine, ...]:
    """The summary `brief` writes for the cluster's plain-text articles, taken as one story."""
    articles: list[Article] = []
    for i, text in enumerate(documents):
        try:
            articles.append(clean_one(Raw(origin=f"{cluster_id}/d{i}.txt", format="text", content=text)))
        except InputError:
            continue
    articles = [a for a in articles if a.text.strip()]
    if not articles:
        return ()
    annotations = annotate(articles)
    story = Story("cluster", tuple(a.id for a in articles), "", None, None)
    by_id = {a.id: a for a in articles}
    return brief_story(story, by_id, annotations, Settings(), StageTimer()).summary


def line_problems(doc: Any, earlier: Sequence[Any]) -> list[str]:
    """The kinds of problem one summary line has, given the parsed lines before it."""
    text = doc.text.strip()
    found = []
    if len(re.findall(r"\w+", text)) < MIN_WORDS:
        found.append("fragment")
    if CAPTION.search(text) or MORE_CAPTIONS.search(text):
        found.append("caption")
    if not SENTENCE_END.search(text) or "\n" in text:
        found.append("heading")
    if _imperative(doc):
        found.append("promotion or imperative")
    if _unresolved_opening(doc, earlier):
        found.append("unresolved opening")
    if _quote_without_speaker(doc):
        found.append("quote without speaker")
    return found


def _imperative(doc: Any) -> bool:
    roots = [t for t in doc if t.dep_ == "ROOT"]
    if not roots or doc.text.rstrip().endswith("?"):
        return False
    root = roots[0]
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj") for c in root.children)
    return root.tag_ == "VB" and not has_subject and not any(c.dep_ == "aux" for c in root.children)


def _first_word(doc: Any) -> Any | None:
    words = [t for t in doc if not t.is_punct and t.dep_ not in ("cc", "advmod")]
    return words[0] if words else None


def _unresolved_opening(doc: Any, earlier: Sequence[Any]) -> bool:
    first = _first_word(doc)
    if first is None:
        return False
    if first.lower_ in THIRD_PERSON:
        return True
    if first.ent_type_ == "PERSON" and first.ent_iob_ == "B":
        entity = next(e for e in doc.ents if e.start == first.i)
        if len(entity) == 1:
            return not any(
                len(e) > 1 and e[-1].lower_ == first.lower_
                for d in earlier
                for e in d.ents
                if e.label_ == "PERSON"
            )
    if first.lower_ == "the" and first.head.pos_ == "NOUN" and first.head.dep_ in ("nsubj", "nsubjpass"):
        head = first.head
        qualified = any(
            c.dep_ in ("prep", "acl", "relcl", "appos", "compound", "amod", "nummod") for c in head.children
        )
        spoken_of = any(t.lemma_ == head.lemma_ for d in earlier for t in d)
        return not qualified and not spoken_of
    return False


def _quote_without_speaker(doc: Any) -> bool:
    text = doc.text
    quoted = [m.span(1) for m in QUOTED.finditer(text) if len(m.group(1).split()) >= MIN_QUOTE_WORDS]
    if not quoted:
        return False

    def outside(token: Any) -> bool:
        return not any(start <= token.idx < end for start, end in quoted)

    forms = set(cue_weights()["forms"])
    for token in doc:
        if not outside(token):
            continue
        if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
            return False
        speaks = token.lower_ in forms and token.pos_ == "VERB"
        if speaks and any(c.dep_ in ("nsubj", "nsubjpass") and outside(c) for c in token.children):
            return False
    return True


def full_model() -> Any:
    """spaCy's small English model with every component: the checks need the parse and the names."""
    import spacy

    for name in MODEL_NAMES:
        try:
            return spacy.load(name)
        except OSError:
            continue
    raise SystemExit("no spaCy English model: install the nlp extra")


def read_labels(path: Path) -> dict[int, dict[str, Any]]:
    if not path.exists():
        return {}
    return {int(r["cluster"]): r for r in map(orjson.loads, path.read_bytes().splitlines()) if r}


def states_event(line: str, label: dict[str, Any]) -> bool:
    """Whether the line holds one of each of the label's groups (patterns at a word's start, any case)."""
    return all(
        any(re.search(r"(?<!\w)" + alt, line, re.IGNORECASE) for alt in group) for group in label["must"]
    )


def split_of(cluster: int) -> str:
    return "dev" if cluster % 2 == 0 else "test"


def check(limit: int | None, show: bool) -> Tally:
    tally = Tally()
    labels = read_labels(LABELS)
    nlp = full_model()
    for number, cluster in enumerate(read_multinews(DATA, limit)):
        lines = cluster_summary(str(number), cluster.documents)
        tally.clusters += 1
        docs = [nlp(line.text) for line in lines]
        if show:
            print(f"=== {number}", file=sys.stderr)
        for i, doc in enumerate(docs):
            tally.lines += 1
            problems = line_problems(doc, docs[:i])
            tally.problems.update(problems)
            if show or (problems and len(tally.examples) < 40):
                note = f"{number}.{i} [{', '.join(problems)}] {doc.text[:200]}"
                print(f"  {note}", file=sys.stderr) if show else tally.examples.append(note)
        if number in labels:
            split = split_of(number)
            tally.labelled[split] += 1
            right = bool(docs) and states_event(docs[0].text, labels[number])
            tally.right[split] += right
            if show:
                print(
                    f"  main event {'RIGHT' if right else 'WRONG'}: {labels[number]['event']}",
                    file=sys.stderr,
                )
        if (number + 1) % PROGRESS_EVERY == 0:  # running figures, should the run be cut short
            print(f"    after {number + 1} clusters: {dict(tally.problems)} {dict(tally.right)}/"
                  f"{dict(tally.labelled)}", file=sys.stderr, flush=True)  # fmt: skip
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="the first N clusters")
    parser.add_argument("--show", action="store_true", help="print every line with its problems")
    args = parser.parse_args()
    started = time.perf_counter()
    tally = check(args.limit, args.show)
    print(f"Multi-News 200: {tally.clusters} clusters, {tally.lines} summary lines "
          f"({time.perf_counter() - started:.0f} s)")  # fmt: skip
    print("| check | lines |\n|---|---|")
    for kind in KINDS:
        print(f"| {kind} | {tally.problems[kind]} |")
    print("\n| split | labelled clusters | first line is the main event | share |\n|---|---|---|---|")
    for split in ("dev", "test"):
        total, right = tally.labelled[split], tally.right[split]
        print(f"| {split} | {total} | {right} | {right / total if total else 0:.2f} |")
    for example in tally.examples:
        print(f"    {example}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
