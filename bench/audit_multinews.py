"""The real-text audit of issue 10: brief Multi-News clusters and dump every who's-who row and
every quote, with a short source excerpt around each quote, for an editor to label by hand.

Each cluster's articles go through the path `storylens brief` takes for plain-text files (clean,
then annotate, story grouping and the story stages of `brief_articles`). One line per who's-who
row and one line per quote goes to bench/data/audit/multinews_rows.jsonl; the cluster id is the
cluster's index in the file (0-based). Only short excerpts of the news text are kept (the text is
third-party): the quote's own words (cut at QUOTE_CHARS) and about 300 characters around it.

    python bench/audit_multinews.py --clusters 30
    python bench/audit_multinews.py --first 30 --clusters 40 --out bench/data/audit/multinews_rows_30_39.jsonl

Labels live beside it (quote_labels.jsonl, entity_labels.jsonl); bench/audit_count.py turns them
into the figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storylens.clean import clean_batch
from storylens.config import Settings
from storylens.evaluate.summaries import read_multinews
from storylens.model import Article, Briefing, BriefingSet, Failure, Quote, Raw
from storylens.pipeline import brief_articles

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "mds" / "multinews200" / "multi_news.jsonl"
OUT = ROOT / "bench" / "data" / "audit" / "multinews_rows.jsonl"
SIDE = 150  # characters of context on each side of a quote
QUOTE_CHARS = 400  # a quote longer than this is stored cut, with "..." in the middle


def _flat(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str, limit: int) -> str:
    text = _flat(text)
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]} ... {text[-half:]}"


def context(text: str, start: int, end: int, speaker: tuple[int, int] | None) -> str:
    """About SIDE characters before and after the span (the span itself shown as [[...]], cut
    in the middle when long); the window widens to hold the speaker as written when it is
    close, else the speaker's own few words are appended."""
    left, right = max(0, start - SIDE), min(len(text), end + SIDE)
    extra = ""
    if speaker is not None:
        s_start, s_end = speaker
        if s_start < left and start - s_start <= 2 * SIDE:
            left = max(0, s_start - 40)
        elif s_end > right and s_end - end <= 2 * SIDE:
            right = min(len(text), s_end + 40)
        elif not left <= s_start < right:
            extra = f" || speaker written at: ...{_flat(text[max(0, s_start - 60) : s_end + 60])}..."
    before, inside, after = text[left:start], text[start:end], text[end:right]
    lead = "..." if left > 0 else ""
    tail = "..." if right < len(text) else ""
    return f"{lead}{_flat(before)} [[{_cut(inside, QUOTE_CHARS)}]] {_flat(after)}{tail}{extra}"


def quote_rows(cluster: int, story: int, briefing: Briefing, documents: dict[str, str]) -> list[dict]:
    texts = {a.id: a.text for a in briefing.articles}
    rows = []
    for number, quote in enumerate(briefing.quotes):
        first = quote.spans[0]
        speaker = _speaker_span(quote, first.article_id)
        rows.append(
            {
                "type": "quote",
                "cluster": cluster,
                "story": story,
                "quote": number,
                "article": documents[first.article_id],
                "article_id": first.article_id,
                "start": first.start,
                "end": first.end,
                "kind": str(quote.kind),
                "text": _cut(quote.text, QUOTE_CHARS),
                "speaker_written": list(quote.speaker_written),
                "speaker": quote.speaker,
                "sources": len({span.article_id for span in quote.spans}),
                "spans": [f"{documents[x.article_id]}:{x.start}-{x.end}" for x in quote.spans],
                "speaker_spans": [
                    f"{documents[x.article_id]}:{x.start}-{x.end}" for x in quote.speaker_spans
                ],
                "context": context(texts[first.article_id], first.start, first.end, speaker),
            }
        )
    return rows


def _speaker_span(quote: Quote, article_id: str) -> tuple[int, int] | None:
    for span in quote.speaker_spans:
        if span.article_id == article_id:
            return span.start, span.end
    return None


def entity_rows(cluster: int, story: int, briefing: Briefing) -> list[dict]:
    return [
        {
            "type": "entity",
            "cluster": cluster,
            "story": story,
            "entity": entity.id,
            "name": entity.name,
            "label": entity.label,
            "aliases": list(entity.aliases),
            "mentions": len(entity.mentions),
            "articles": len({span.article_id for span in entity.mentions}),
            "roles": sorted({role.title for role in entity.roles}),
        }
        for entity in briefing.entities
    ]


def brief_as_text_files(
    number: int, documents: tuple[str, ...], settings: Settings
) -> tuple[list[Raw], list[Article], list[Failure], BriefingSet, dict[str, str]]:
    """What `storylens brief` does with a cluster's passages saved as d0.txt, d1.txt, ...: the
    raw inputs, the clean articles, the failures, the briefings and each article's `dN` name."""
    raws = [
        Raw(origin=f"multinews200/{number}/d{i}.txt", format="text", content=text)
        for i, text in enumerate(documents)
        if text.strip()
    ]
    articles, failures = clean_batch(raws, settings.clean)
    result = brief_articles(articles, settings)
    documents_of = {a.id: a.origin.rsplit("/", 1)[1].removesuffix(".txt") for a in articles}
    return raws, articles, failures, result, documents_of


def brief_cluster(number: int, documents: tuple[str, ...], settings: Settings) -> tuple[list[dict], dict]:
    raws, articles, failures, result, documents_of = brief_as_text_files(number, documents, settings)
    rows: list[dict] = []
    for story, briefing in enumerate(result.briefings):
        rows += entity_rows(number, story, briefing)
        rows += quote_rows(number, story, briefing, documents_of)
    summary = {
        "cluster": number,
        "documents": len(raws),
        "kept": len(articles),
        "failed": len(failures) + len(result.failures),
        "stories": len(result.briefings),
        "rows": sum(r["type"] == "entity" for r in rows),
        "quotes": sum(r["type"] == "quote" for r in rows),
        "direct": sum(r["type"] == "quote" and r["kind"] == "direct" for r in rows),
        "resolved": sum(r["type"] == "quote" and r["speaker"] is not None for r in rows),
    }
    return rows, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--clusters", type=int, default=30, help="brief the first N clusters of the file")
    parser.add_argument(
        "--first", type=int, default=0, help="skip the clusters before this id (--first 30 --clusters 40)"
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    settings = Settings()
    clusters = read_multinews(args.data, limit=args.clusters)
    started = time.perf_counter()
    lines: list[bytes] = []
    summaries = []
    for number, cluster in enumerate(clusters):
        if number < args.first:
            continue
        rows, summary = brief_cluster(number, cluster.documents, settings)
        summary["id"] = cluster.id
        lines += [orjson.dumps(row) for row in rows]
        summaries.append(summary)
        done, total = number + 1 - args.first, len(clusters) - args.first
        print(f"\rbriefed {done}/{total}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(b"\n".join(lines) + b"\n")
    header = ("cluster", "docs", "kept", "failed", "stories", "who's who", "quotes", "direct", "resolved")
    print(" ".join(f"{h:>9}" for h in header))
    for s in summaries:
        values = (s["cluster"], s["documents"], s["kept"], s["failed"], s["stories"], s["rows"])
        values += (s["quotes"], s["direct"], s["resolved"])
        print(" ".join(f"{v:>9}" for v in values))
    totals = [sum(s[k] for s in summaries) for k in ("documents", "kept", "failed", "stories", "rows")]
    totals += [sum(s[k] for s in summaries) for k in ("quotes", "direct", "resolved")]
    print(" ".join(f"{v:>9}" for v in ["all", *totals]))
    seconds = time.perf_counter() - started
    print(f"{len(summaries)} clusters in {seconds:.0f} s; rows in {args.out}")


if __name__ == "__main__":
    main()
