"""Timeline sanity on real stories: dates that nobody wrote, and captions taken for events.

Every Timeline17 topic is one story (its articles carry their publication dates), and every
Multi-News 200 cluster is one story (its articles carry none; a date line in the text is all
there is). Each story goes through the product path: plain-text cleaning (`clean_one`), sentences,
date mentions and the timeline stage. Counted, per corpus:

- events dated after the newest article of the story (only stories with a dated article);
- events in a year that no article of the story mentions (no publication year, no year written
  in any text): an invented year, most often the clock's;
- events in the clock's year when no article mentions that year (the bug of issue 12);
- caption events: a description that is a photo caption or carries a photo credit
  (the check's own pattern below, independent of the cleaning rules).

    .venv/bin/python bench/timeline_checks.py [--data ../shared/data] [--limit N]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.annotate.dates import find_dates
from storylens.annotate.sentences import split_sentences
from storylens.clean import clean_one
from storylens.errors import InputError
from storylens.evaluate.summaries import read_multinews
from storylens.evaluate.timelines import read_topics
from storylens.model import Annotation, Article, Raw, TimelineEvent
from storylens.timeline import build_timeline

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
YEAR = re.compile(r"\b(1\d{3}|20\d{2}|21\d{2})\b")  # "15 June 1215" is a year an article mentions
# A caption as the check sees it: a credit in brackets or after a slash, a "Photo:" label, an
# agency's picture credit, or the tell-tale caption verbs of picture desks.
CAPTION = re.compile(
    r"\((?:[^()]*?(?:photo|photograph|picture|image|file|credit)[^()]*?)\)|"
    r"\b(?:AP|AFP|Reuters|Getty|EPA)\s*(?:Photo|Images|/)|"
    r"/\s*(?:staff\s+)?photographer\b|\bphoto(?:graph)?\s*(?::|by\b)|"
    r"^\s*(?:pictured|above|below|left|right|top|file photo)\s*[:,]",
    re.IGNORECASE,
)


@dataclass
class Tally:
    stories: int = 0
    dated_stories: int = 0
    articles: int = 0
    events: int = 0
    after_newest: int = 0
    unmentioned_year: int = 0
    clock_year: int = 0
    captions: int = 0
    examples: list[str] = field(default_factory=list)

    def row(self, name: str) -> list[object]:
        return [
            name, self.stories, self.articles, self.events, self.after_newest,
            self.unmentioned_year, self.clock_year, self.captions,
        ]  # fmt: skip


def story_timeline(articles: Sequence[Article]) -> tuple[TimelineEvent, ...]:
    """The timeline stage over one story, as `brief` runs it (no claims: each sentence its own)."""
    annotations = []
    for article in articles:
        published = article.published.date() if article.published else None
        annotations.append(
            Annotation(
                article_id=article.id,
                sentences=split_sentences(article.id, article.text),
                mentions=(),
                dates=find_dates(article.id, article.text, published),
                quantities=(),
                quotes=(),
                roles=(),
            )
        )
    published_of = {a.id: a.published.date() if a.published else None for a in articles}
    return build_timeline(annotations, {a.id: a.text for a in articles}, {}, published=published_of)


def check_story(articles: Sequence[Article], tally: Tally, today: date) -> None:
    tally.stories += 1
    tally.articles += len(articles)
    dated = [a.published.date() for a in articles if a.published]
    newest = max(dated) if dated else None
    tally.dated_stories += bool(dated)
    years = {d.year for d in dated} | {int(y) for a in articles for y in YEAR.findall(a.text)}
    years |= {int(y) for a in articles for y in YEAR.findall(a.title or "")}
    for event in story_timeline(articles):
        tally.events += 1
        problems = []
        if newest and event.date > newest:
            tally.after_newest += 1
            problems.append(f"after newest {newest}")
        if event.date.year not in years:
            tally.unmentioned_year += 1
            problems.append("unmentioned year")
            if event.date.year == today.year:
                tally.clock_year += 1
        if CAPTION.search(event.description):
            tally.captions += 1
            problems.append("caption")
        if problems and len(tally.examples) < 12:
            tally.examples.append(f"{event.date} [{', '.join(problems)}] {event.description[:140]}")


def cleaned(origin: str, text: str, published: date | None) -> Article | None:
    day = published.isoformat() if published else None
    raw = Raw(origin=origin, format="text", content=text, published=day)
    try:
        return clean_one(raw)
    except InputError:
        return None


def timeline17(data: Path, limit: int | None, today: date) -> Tally:
    tally = Tally()
    for topic in read_topics(data / "timelines" / "timeline17", limit):
        articles = [cleaned(f"{topic.name}/{i}", text, day) for i, (day, text) in enumerate(topic.articles)]
        check_story([a for a in articles if a], tally, today)
    return tally


def multinews(data: Path, limit: int | None, today: date) -> Tally:
    tally = Tally()
    for cluster in read_multinews(data / "mds" / "multinews200" / "multi_news.jsonl", limit):
        articles = [cleaned(f"{cluster.id}/{i}.txt", text, None) for i, text in enumerate(cluster.documents)]
        check_story([a for a in articles if a], tally, today)
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--limit", type=int, default=None, help="topics / clusters per corpus")
    parser.add_argument("--examples", action="store_true", help="print the offending events")
    args = parser.parse_args()
    today = date.today()
    head = [
        "corpus", "stories", "articles", "timeline events", "after the newest article",
        "in a year no article mentions", "of which the clock's year", "caption events",
    ]  # fmt: skip
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for name, run in (("Timeline17 (all 13 topics)", timeline17), ("Multi-News 200", multinews)):
        started = time.perf_counter()
        tally = run(args.data, args.limit, today)
        print("| " + " | ".join(str(v) for v in tally.row(name)) + " |", flush=True)
        if args.examples:
            for example in tally.examples:
                print(f"    {example}", file=sys.stderr)
            print(f"    ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
