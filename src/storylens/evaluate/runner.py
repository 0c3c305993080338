"""`storylens eval TASK`: each task reads its public dataset, runs storylens and the baselines on
the same inputs in one process, and returns a table (rows of system and metric values)."""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# rouge-score logs a line per scorer through absl; it says nothing a reader of the table needs.
logging.getLogger("absl").setLevel(logging.WARNING)


@dataclass
class Table:
    task: str
    note: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def markdown(self) -> str:
        head = "| " + " | ".join(self.columns) + " |"
        rule = "|" + "---|" * len(self.columns)
        body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in self.rows]
        return "\n".join([f"{self.task}: {self.note}", "", head, rule, *body])

    def as_json(self) -> dict[str, Any]:
        return {"task": self.task, "note": self.note, "columns": self.columns, "rows": self.rows}


def _cell(value: Any) -> str:
    """Shares (0 to 1) with three decimals, other figures with two."""
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) <= 1 else f"{value:.2f}"
    return str(value)


def _inside(data: Path, name: str) -> Path:
    """A task's file: `data` itself, or the file of that name in the folder `data`."""
    return data / name if data.is_dir() else data


@dataclass(frozen=True)
class Ticker:
    """Progress of a task: `begin` once the task has read its data and knows how many steps it
    will take (so the data is read once), then `step` after each."""

    begin: Callable[[int], None] = lambda total: None
    step: Callable[[], None] = lambda: None


def summaries(data: Path, limit: int | None, progress: Ticker, words: int = 220) -> Table:
    """ROUGE on Multi-News (`data`: the multinews200 folder or its jsonl file)."""
    from storylens.evaluate import summaries as s

    path = _inside(data, "multi_news.jsonl")
    clusters = s.read_multinews(path, limit)
    progress.begin(len(clusters))
    systems: dict[str, Callable[[Any, int], str]] = {
        "storylens": s.storylens_summary,
        "lead (each source in turn)": s.lead,
        "centroid (tf-idf)": s.centroid,
        "LexRank (sumy)": s.sumy_summarizer("LexRank"),
        "TextRank (sumy)": s.sumy_summarizer("TextRank"),
        "LSA (sumy)": s.sumy_summarizer("LSA"),
        **{
            f"{name} (sumy, top {s.SUMY_CLI_COUNT} in document order)": s.sumy_summarizer(
                name, s.SUMY_CLI_COUNT
            )
            for name in ("LexRank", "TextRank", "LSA")
        },
    }
    scores: dict[str, list[dict[str, float]]] = {name: [] for name in systems}
    for cluster in clusters:
        for name, system in systems.items():
            scores[name].append(s.rouge(system(cluster.documents, words), cluster.reference))
        progress.step()
    table = Table(
        "summaries",
        f"Multi-News, {len(clusters)} clusters, {words} words for every system, "
        "ROUGE F1 x 100 (rouge-score, stemming on)",
        ["system", "ROUGE-1", "ROUGE-2", "ROUGE-L"],
    )
    for name, values in scores.items():
        table.rows.append(
            [name, *(100 * statistics.mean(v[m] for v in values) for m in ("rouge1", "rouge2", "rougeL"))]
        )
    return table


def extraction(data: Path, limit: int | None, progress: Ticker) -> Table:
    """Token P/R/F1 of the main text on the scrapinghub benchmark, mean per page, with time."""
    import time

    from storylens.evaluate import extraction as ex
    from storylens.evaluate.metrics import token_prf

    pages = ex.read_pages(data, limit)
    progress.begin(len(pages))
    scores: dict[str, list[Any]] = {name: [] for name in ex.SYSTEMS}
    seconds = dict.fromkeys(ex.SYSTEMS, 0.0)
    for html, expected in pages:
        for name, system in ex.SYSTEMS.items():
            started = time.perf_counter()
            predicted = system(html)
            seconds[name] += time.perf_counter() - started
            scores[name].append(token_prf(predicted, expected))
        progress.step()
    table = Table(
        "extraction",
        f"scrapinghub article-extraction benchmark, {len(pages)} pages, token-level, mean per page; "
        "dev = pages at even positions in key order (where the plain-text rules were chosen), "
        "test = odd positions",
        ["system", "precision", "recall", "F1", "F1 dev", "F1 test", "ms/page"],
    )
    for name, values in scores.items():
        table.rows.append(
            [
                name,
                statistics.mean(v.precision for v in values),
                statistics.mean(v.recall for v in values),
                statistics.mean(v.f1 for v in values),
                statistics.mean(v.f1 for v in values[0::2]),
                statistics.mean(v.f1 for v in values[1::2]) if len(values) > 1 else float("nan"),
                1000 * seconds[name] / max(len(pages), 1),
            ]
        )
    return table


def dates(data: Path, limit: int | None, progress: Ticker) -> Table:
    """Exact-day accuracy of the publication date on htmldate's MediaCloud pages: the HTML path,
    htmldate alone and the plain-text path, on the development and test halves."""
    from storylens.evaluate import dates as dt

    pages = dt.read_pages(data, limit)
    progress.begin(len(pages))
    scores = {(name, half): dt.DateScore() for name in dt.SYSTEMS for half in ("dev", "test")}
    for page in pages:
        for name, system in dt.SYSTEMS.items():
            scores[(name, "dev" if page.dev else "test")].add(system(page), page.gold)
        progress.step()
    table = Table(
        "dates",
        f"htmldate MediaCloud 2020, {len(pages)} pages (even file positions dev, odd test); right = "
        "the gold day, or no date where the page has none; false = a date that is not the gold day",
        ["system", "half", "pages", "exact day", "false dates", "no date found"],
    )
    for (name, half), score in scores.items():
        table.rows.append([name, half, *score.row()])
    return table


def similarity(data: Path, limit: int | None, progress: Ticker) -> Table:
    """Pearson with Overall on SemEval-2022 Task 8 English pairs."""
    from storylens.evaluate import similarity as sim

    pairs = sim.read_pairs(_inside(data, "training_set.csv"), limit)
    progress.begin(2)
    table = Table(
        "similarity",
        f"SemEval-2022 Task 8, {len(pairs.overall)} English-English pairs, Pearson "
        "with the Overall score (negated: higher = more alike)",
        ["system", "Pearson"],
    )
    table.rows.append(
        [
            "storylens story similarity",
            sim.pearson_with_overall(sim.storylens_similarity(pairs), pairs.overall),
        ]
    )
    progress.step()
    table.rows.append(
        ["tf-idf cosine (baseline)", sim.pearson_with_overall(sim.tfidf_cosine(pairs), pairs.overall)]
    )
    progress.step()
    return table


def paraphrase(data: Path, limit: int | None, progress: Ticker) -> Table:
    """The claim aligner's same-fact decision on MSRP; thresholds tuned on train."""
    from storylens.evaluate import paraphrase as para

    train = para.read_pairs(data / "msr-para-train.tsv")
    progress.begin(2)
    test = para.read_pairs(data / "msr-para-val.tsv")
    table = Table(
        "paraphrase",
        f"MSRP, thresholds tuned for accuracy on {len(train.labels)} training pairs, "
        f"scored on {len(test.labels)} validation pairs",
        ["system", "threshold", "accuracy", "F1"],
    )
    for name, scorer in (
        ("storylens claim aligner", para.aligner_scores),
        ("tf-idf cosine (baseline)", lambda p: para.tfidf_scores(train, p)),
    ):
        threshold = para.best_threshold(scorer(train), train.labels)
        table.rows.append([name, threshold, *para.accuracy_f1(scorer(test), test.labels, threshold)])
        progress.step()
    return table


def reuse(data: Path, limit: int | None, progress: Ticker) -> Table:
    """Four-level and reused-vs-not accuracy on Clough & Stevenson, fitted outside test_info.csv."""
    import numpy as np

    from storylens.evaluate import reuse as r

    originals, answers, test = r.read_corpus(data)
    progress.begin(2)
    answers = answers[:limit] if limit else answers
    levels = np.array([r.LEVELS.index(a.level) for a in answers])
    ours = np.array([r.provenance_features(originals[a.task], a.text) for a in answers])
    progress.step()
    baseline = np.array([r.minhash_jaccard(originals[a.task], a.text) for a in answers])
    progress.step()
    is_test = np.array([a.name in test for a in answers])
    train, held = ~is_test, is_test
    tree = r.fit_tree(ours[train], levels[train])
    cuts = r.fit_cut_points(baseline[train], levels[train])
    predicted = {
        "storylens provenance evidence (decision tree)": tree.predict(ours[held]),
        "MinHash Jaccard of word 3-grams (baseline)": r.apply_cut_points(baseline[held], cuts),
    }
    table = Table(
        "reuse",
        f"Clough & Stevenson, fitted on {int(train.sum())} answers, scored on the "
        f"{int(held.sum())} answers of test_info.csv",
        ["system", "4-level accuracy", "reused vs not accuracy"],
    )
    for name, guess in predicted.items():
        table.rows.append(
            [name, float(np.mean(guess == levels[held])), float(np.mean((guess > 0) == (levels[held] > 0)))]
        )
    return table


def support(data: Path, limit: int | None, progress: Ticker) -> Table:
    """Balanced accuracy of the span-support check on SummEdits news."""
    import numpy as np

    from storylens.evaluate import support as sup

    examples = sup.read_examples(_inside(data, "summedits_news.json"), limit)
    progress.begin(len(examples))
    labels = np.array([e.label for e in examples])
    tune = np.array([e.split == "evaluation" for e in examples])
    scores = {}
    ours = []
    for example in examples:
        ours.append(sup.support_score(example))
        progress.step()
    scores["storylens span-support check"] = np.array(ours)
    scores["content-word overlap (baseline)"] = np.array([sup.overlap_score(e) for e in examples])
    table = Table(
        "support",
        f"SummEdits news, thresholds tuned on {int(tune.sum())} evaluation-split pairs, "
        f"scored on {int((~tune).sum())} test-split pairs",
        ["system", "threshold", "balanced accuracy"],
    )
    for name, values in scores.items():
        threshold = sup.best_threshold(values[tune], labels[tune])
        table.rows.append([name, threshold, sup.balanced_accuracy(values[~tune] >= threshold, labels[~tune])])
    return table


def stories(data: Path, limit: int | None, progress: Ticker) -> Table:
    """B-cubed and ARI of story grouping on the ECB+ pile, thresholds tuned on other topics."""
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    from storylens.config import StorySettings
    from storylens.evaluate import stories as st

    documents = st.read_ecbplus(data)
    progress.begin(3)
    table = Table(
        "stories",
        f"ECB+ topics 1-25 in one pile ({len(documents)} documents); thresholds tuned on "
        "odd topics, scored on even topics; gold = topic and sub-event",
        ["system", "threshold", "B-cubed P", "B-cubed R", "B-cubed F1", "ARI"],
    )
    systems = {
        "storylens stories (batch, threshold tuned on odd topics)": st.storylens_clusterer,
        "tf-idf cosine, average link (baseline, tuned on odd topics)": st.tfidf_clusterer,
    }
    for name, build in systems.items():
        threshold, prf_score, ari = st.tune_and_test(build(documents), documents)
        table.rows.append([name, threshold, prf_score.precision, prf_score.recall, prf_score.f1, ari])
        progress.step()
    _, test = st.split_topics(documents)
    test_docs = [documents[i] for i in test]
    # Both grouped over the test topics alone, as a user's pile would be: their agreement is then
    # a comparison of the two modes on the same input.
    defaults = StorySettings()
    batch = st.storylens_clusterer(test_docs)(np.arange(len(test_docs)), defaults.merge_threshold)
    incremental = st.incremental_labels(test_docs)
    for name, threshold, labels in (
        ("storylens stories (batch, default threshold)", defaults.merge_threshold, batch),
        (
            "storylens stories (incremental, one at a time, its default threshold)",
            defaults.incremental_threshold,
            incremental,
        ),
    ):
        prf_score, ari = st.score(labels, test_docs)
        table.rows.append([name, threshold, prf_score.precision, prf_score.recall, prf_score.f1, ari])
    agreement = float(adjusted_rand_score(batch, incremental))
    table.rows.append(
        [
            "incremental vs batch agreement (ARI between the two)",
            defaults.merge_threshold,
            "",
            "",
            "",
            agreement,
        ]
    )
    progress.step()
    return table


def timelines(data: Path, limit: int | None, progress: Ticker) -> Table:
    """Date F1 and alignment ROUGE on Timeline17, every reference timeline of every topic."""
    from storylens.evaluate import timelines as tl

    topics = tl.read_topics(data, limit)
    progress.begin(len(topics))
    systems = {
        "storylens dated mentions": tl.storylens_timeline,
        "most-mentioned publication dates (baseline)": tl.most_mentioned_dates,
    }
    scores: dict[str, list[tuple[float, float, float]]] = {name: [] for name in systems}
    for topic in topics:
        for reference in topic.references:
            dates, per_date = tl.budget(reference)
            for name, system in systems.items():
                made = system(topic, dates, per_date)
                scores[name].append(
                    (
                        tl.date_f1(made, reference),
                        tl.aligned_rouge(made, reference, 1),
                        tl.aligned_rouge(made, reference, 2),
                    )
                )
        progress.step()
    count = sum(len(t.references) for t in topics)
    table = Table(
        "timelines",
        f"Timeline17, {len(topics)} topics, {count} reference timelines; as many dates "
        "and sentences per date as the reference",
        ["system", "date F1", "AR-1 F1", "AR-2 F1"],
    )
    for name, values in scores.items():
        table.rows.append([name, *(statistics.mean(v[i] for v in values) for i in range(3))])
    return table


def quotes(data: Path, limit: int | None, progress: Ticker) -> Table:
    """Direct and indirect attribution on a PolNeAR split (content, speaker as written, resolved
    speaker), storylens beside the baselines."""
    from storylens.evaluate import polnear
    from storylens.evaluate import quote_systems as qs

    articles = polnear.read_split(data, limit)
    systems: dict[str, qs.System] = {
        "storylens (parse, learnt cues)": qs.storylens_system,
        "regular expressions (before)": qs.pattern_system,
    }
    textacy = qs.textacy_system()
    if textacy is not None:
        systems["textacy direct_quotations"] = textacy
    progress.begin(len(articles))
    tallies = {name: (polnear.Tally(), polnear.Tally()) for name in systems}
    for article in articles:
        for name, system in systems.items():
            found = system(article.text)
            polnear.tally(article, found, True, tallies[name][0])
            polnear.tally(article, found, False, tallies[name][1])
        progress.step()
    direct_count = sum(g.direct for a in articles for g in a.attributions)
    total = sum(len(a.attributions) for a in articles)
    table = Table(
        "quotes",
        f"PolNeAR {data.name}, {len(articles)} articles, {direct_count} direct and "
        f"{total - direct_count} indirect gold attributions (first annotator's file per article)"
        + ("" if textacy else "; textacy is not installed, so its row is missing"),
        [
            "system", "direct P", "direct R", "direct F1", "direct speaker", "named speaker",
            "indirect P", "indirect R", "indirect F1", "indirect speaker",
        ],
    )  # fmt: skip
    for name, (direct, indirect) in tallies.items():
        d_p, d_r, d_f, d_speaker, d_named = direct.scores()
        i_p, i_r, i_f, i_speaker, _ = indirect.scores()
        table.rows.append([name, d_p, d_r, d_f, d_speaker, d_named, i_p, i_r, i_f, i_speaker])
    return table


def entities(data: Path, limit: int | None, progress: Ticker) -> Table:
    """B-cubed of the who's who merging and type accuracy on ECB+ named participants and places,
    each topic's documents one story; nothing tuned on the even topics."""
    from storylens.annotate.entities import find_mentions
    from storylens.evaluate import entities as en

    documents = en.read_documents(data, limit)
    topics = en.by_topic(documents)
    progress.begin(len(topics) + 1)
    found: dict[str, Any] = {}
    for group in topics.values():
        found.update(find_mentions((d.name, d.text) for d in group))
        progress.step()
    table = Table(
        "entities",
        f"ECB+ {len(topics)} topics, {len(documents)} documents; spaCy mentions of a topic's documents "
        "merged as one story; scored: gold named PER/ORG/GPE/LOC mentions in cross-document chains "
        "whose head a spaCy mention covers; even topics test, odd topics (tuning) for reference",
        ["system", "topics", "scored mentions", "B-cubed P", "B-cubed R", "B-cubed F1", "type accuracy"],
    )
    for even in (True, False):
        for name, merger in en.SYSTEMS.items():
            scores = en.score_split(topics, found, merger, even)
            table.rows.append([name, "even" if even else "odd", len(scores.gold), *scores.row()])
    progress.step()
    return table


TASKS: dict[str, Callable[[Path, int | None, Ticker], Table]] = {
    "extraction": extraction,
    "dates": dates,
    "summaries": summaries,
    "similarity": similarity,
    "paraphrase": paraphrase,
    "reuse": reuse,
    "stories": stories,
    "support": support,
    "timelines": timelines,
    "quotes": quotes,
    "entities": entities,
}
