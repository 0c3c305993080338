"""Timeline summarization on Timeline17: pick the dates of a topic's timeline and a sentence or
two for each, from the topic's articles; compare with the journalists' timelines.

- storylens: dates as the timeline stage reads them (absolute and relative date mentions
  resolved against each article's publication date), ranked by how many articles mention them;
  for each chosen date, the sentences that mention it and are closest to the centroid of all of
  them, without near repeats.
- baseline, most-mentioned dates: the same ranking over publication dates (the date an article
  appeared), with each date's summary taken from the first sentences of its articles.

Both produce as many dates as the reference timeline has, and the reference's mean number of
sentences per date. Metrics, after news-tls (Ghalandari & Ifrim 2020): date F1, and
alignment-based ROUGE-1/2 F1 with many-to-one alignment: each system date is matched to the
nearest reference date, and its n-gram matches count with weight 1 / (1 + days apart).
"""

from __future__ import annotations

import gzip
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import orjson
from sklearn.feature_extraction.text import TfidfVectorizer

from storylens.annotate.dates import find_dates
from storylens.errors import InputError
from storylens.model import DatePrecision
from storylens.similarity import TOKEN

Timeline = dict[date, list[str]]


@dataclass(frozen=True)
class Topic:
    name: str
    articles: tuple[tuple[date, str], ...]  # (publication date, text)
    references: tuple[Timeline, ...]


def read_topics(data: Path, limit: int | None = None) -> list[Topic]:
    folders = sorted(p for p in data.iterdir() if p.is_dir()) if data.is_dir() else []
    if not folders:
        raise InputError(str(data), "no topic folders here; pass --data pointing at timelines/timeline17")
    topics = []
    for folder in folders[:limit] if limit else folders:
        try:
            topics.append(Topic(folder.name, _articles(folder), _references(folder / "timelines.jsonl")))
        except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:
            raise InputError(str(folder), f"not a Timeline17 topic folder ({exc!r})") from exc
    return topics


def _articles(folder: Path) -> tuple[tuple[date, str], ...]:
    plain, packed = folder / "articles.jsonl", folder / "articles.tokenized.jsonl.gz"
    raw = plain.read_bytes() if plain.exists() else gzip.decompress(packed.read_bytes())
    rows = [orjson.loads(line) for line in raw.splitlines() if line.strip()]
    return tuple((date.fromisoformat(str(r["time"])[:10]), _text(r["text"])) for r in rows)


def _text(value: object) -> str:
    if isinstance(value, list):  # the tokenized files hold sentences of tokens
        return "\n".join(" ".join(map(str, s)) if isinstance(s, list) else str(s) for s in value)
    return str(value)


def _references(path: Path) -> tuple[Timeline, ...]:
    timelines = []
    for line in path.read_bytes().splitlines():
        if line.strip():
            timelines.append(
                {date.fromisoformat(d[:10]): [s.strip() for s in sents] for d, sents in orjson.loads(line)}
            )
    return tuple(timelines)


def _sentences(text: str) -> list[str]:
    """Timeline17's articles come split into sentences, one a line; both systems use that split."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def storylens_timeline(topic: Topic, dates: int, per_date: int) -> Timeline:
    mentions: dict[date, list[str]] = defaultdict(list)
    articles_per_date: Counter[date] = Counter()
    for published, text in topic.articles:
        seen: set[date] = set()
        for sentence in _sentences(text):
            for mention in find_dates("t", sentence, published):
                if mention.precision == DatePrecision.DAY:
                    mentions[mention.value].append(sentence)
                    seen.add(mention.value)
        articles_per_date.update(seen)
    # ties broken by date, so that the choice never depends on the order articles were read in
    chosen = sorted(articles_per_date, key=lambda d: (-articles_per_date[d], d))[:dates]
    return {d: _central(mentions[d], per_date) for d in sorted(chosen)}


def most_mentioned_dates(topic: Topic, dates: int, per_date: int) -> Timeline:
    by_date: dict[date, list[str]] = defaultdict(list)
    for published, text in topic.articles:
        by_date[published].extend(_sentences(text)[:1])
    chosen = sorted(by_date, key=lambda d: (-len(by_date[d]), d))[:dates]
    return {d: by_date[d][:per_date] for d in sorted(chosen)}


def _central(sentences: Sequence[str], count: int) -> list[str]:
    unique = list(dict.fromkeys(sentences))
    if len(unique) <= count:
        return unique
    matrix = TfidfVectorizer(stop_words="english").fit_transform(unique)
    scores = np.asarray(matrix @ np.asarray(matrix.mean(axis=0)).ravel()).ravel()
    picked: list[int] = []
    for index in np.argsort(-scores):
        if all(float((matrix[index] @ matrix[j].T).toarray()[0, 0]) < 0.5 for j in picked):
            picked.append(int(index))
        if len(picked) == count:
            break
    return [unique[i] for i in picked]


def _ngrams(text: str, n: int) -> Counter[tuple[str, ...]]:
    words = [w.lower() for w in TOKEN.findall(text)]
    return Counter(zip(*(words[i:] for i in range(n)), strict=False))


def date_f1(system: Timeline, reference: Timeline) -> float:
    hits = len(set(system) & set(reference))
    precision, recall = hits / max(len(system), 1), hits / max(len(reference), 1)
    return 2 * precision * recall / (precision + recall) if hits else 0.0


def aligned_rouge(system: Timeline, reference: Timeline, n: int) -> float:
    """Alignment-based ROUGE-n F1, many-to-one: each system date to its nearest reference date."""
    if not system or not reference:
        return 0.0
    ref_dates = sorted(reference)
    matched = system_total = 0.0
    for day, sentences in system.items():
        nearest = min(ref_dates, key=lambda r: (abs((r - day).days), r))
        weight = 1.0 / (1 + abs((nearest - day).days))
        got, want = _ngrams(" ".join(sentences), n), _ngrams(" ".join(reference[nearest]), n)
        matched += weight * sum((got & want).values())
        system_total += sum(got.values())
    reference_total = sum(sum(_ngrams(" ".join(s), n).values()) for s in reference.values())
    precision, recall = matched / max(system_total, 1), matched / max(reference_total, 1)
    return 2 * precision * recall / (precision + recall) if matched else 0.0


def budget(reference: Timeline) -> tuple[int, int]:
    """(dates, sentences per date) of a reference timeline, as the systems' budget."""
    per_date = math.ceil(sum(len(s) for s in reference.values()) / max(len(reference), 1))
    return len(reference), max(per_date, 1)
