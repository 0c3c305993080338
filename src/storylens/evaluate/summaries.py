"""Multi-document summaries on Multi-News, beside the extractive baselines, at one word budget.

Every system gets the same source articles split into the same sentences (pysbd, offline) and
the same budget; its output is cut at the budget's last word. ROUGE-1/2/L F1 with stemming
(rouge-score), averaged over clusters.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import orjson
from sklearn.feature_extraction.text import TfidfVectorizer

from storylens.annotate import annotate
from storylens.annotate.sentences import split_sentences
from storylens.clean import split_paragraphs
from storylens.config import Settings
from storylens.errors import InputError, MissingExtraError
from storylens.model import Article, Story
from storylens.pipeline import StageTimer, brief_story

PASSAGE = re.compile(r"Passage \d+:\n")


@dataclass(frozen=True)
class Cluster:
    id: str
    documents: tuple[str, ...]
    reference: str


def read_multinews(path: Path, limit: int | None = None) -> list[Cluster]:
    if not path.exists():
        raise InputError(str(path), "no such file; pass --data pointing at multi_news.jsonl")
    clusters = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            record = orjson.loads(line)
            context, reference = record["context"], record["answers"][0]
        except (orjson.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
            raise InputError(f"{path}:{number}", f"not a Multi-News record ({exc!r})") from exc
        documents = [
            part.replace("NEWLINE_CHAR", "\n").strip() for part in PASSAGE.split(context) if part.strip()
        ]
        clusters.append(Cluster(str(record.get("_id", number)), tuple(documents), reference))
        if limit and len(clusters) >= limit:
            break
    return clusters


def sentences_of(documents: Sequence[str]) -> list[list[str]]:
    """Each document's sentences, paragraph by paragraph."""
    return [
        [s.text for s in split_sentences(f"d{i}", "\n\n".join(split_paragraphs(doc)))]
        for i, doc in enumerate(documents)
    ]


def cut(sentences: Sequence[str], words: int) -> str:
    """The sentences in order, cut at the budget's last word."""
    taken: list[str] = []
    for sentence in sentences:
        taken += sentence.split()
        if len(taken) >= words:
            break
    return " ".join(taken[:words])


def storylens_summary(documents: Sequence[str], words: int) -> str:
    """The briefing's summary for one cluster, run through the same story stage as `brief`
    (the cluster is one story: no story splitting), cut at the budget."""
    articles = [
        Article(
            id=f"d{i}",
            text="\n\n".join(split_paragraphs(doc)),
            title="",
            outlet=f"source {i}",
            origin=f"d{i}",
            format="text",
        )
        for i, doc in enumerate(documents)
        if doc.strip()
    ]
    defaults = Settings()
    settings = dataclasses.replace(defaults, summary=dataclasses.replace(defaults.summary, words=words))
    story = Story("cluster", tuple(a.id for a in articles), "", None, None)
    briefing = brief_story(story, {a.id: a for a in articles}, annotate(articles), settings, StageTimer())
    return cut([line.text for line in briefing.summary], words)


def lead(documents: Sequence[str], words: int) -> str:
    """First sentences of each article in turn (the lead of every source)."""
    per_document = sentences_of(documents)
    order = [
        s
        for rank in range(max(map(len, per_document), default=0))
        for doc in per_document
        if rank < len(doc)
        for s in [doc[rank]]
    ]
    return cut(order, words)


def centroid(documents: Sequence[str], words: int) -> str:
    """Sentences closest to the tf-idf centroid of the cluster, without near repeats
    (in the manner of Ghalandari 2017), in source order."""
    flat = [s for doc in sentences_of(documents) for s in doc]
    if not flat:
        return ""
    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(flat)
    centre = np.asarray(matrix.mean(axis=0)).ravel()
    scores = matrix @ centre
    chosen: list[int] = []
    total = 0
    for index in np.argsort(-scores):
        if total >= words:
            break
        if chosen and max(float((matrix[index] @ matrix[j].T).toarray()[0, 0]) for j in chosen) > 0.6:
            continue
        chosen.append(int(index))
        total += len(flat[index].split())
    return cut([flat[i] for i in sorted(chosen)], words)


SUMY_CLI_COUNT = 30  # sentences sumy's CLI returns by default (`--length=30`)


def sumy_summarizer(name: str, top: int | None = None) -> Callable[[Sequence[str], int], str]:
    """LexRank, TextRank or LSA from sumy, fed our own sentences (sumy's tokenizer needs NLTK
    data that cannot be downloaded here). With `top`, the way sumy's CLI returns a summary: its
    `top` best sentences in document order, then cut at the budget; without, the fewest of its
    best sentences that fill the budget."""
    try:
        from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
        from sumy.nlp.stemmers import Stemmer
        from sumy.summarizers.lex_rank import LexRankSummarizer
        from sumy.summarizers.lsa import LsaSummarizer
        from sumy.summarizers.text_rank import TextRankSummarizer
        from sumy.utils import get_stop_words
    except ImportError as exc:
        raise MissingExtraError("sumy", "eval") from exc

    class _Words:
        language = "english"

        @staticmethod
        def to_words(text: str) -> list[str]:
            return re.findall(r"\w+", text.lower())

    kinds = {"LexRank": LexRankSummarizer, "TextRank": TextRankSummarizer, "LSA": LsaSummarizer}
    summarizer = kinds[name](Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def run(documents: Sequence[str], words: int) -> str:
        flat = [s for doc in sentences_of(documents) for s in doc]
        model = ObjectDocumentModel([Paragraph([Sentence(s, _Words()) for s in flat])])

        def pick(count: int) -> list[str]:
            return [str(s) for s in summarizer(model, count)]

        if top is not None:
            return cut(pick(top), words)
        return cut(_fewest_reaching(pick, len(flat), words), words)

    return run


def _fewest_reaching(pick: Callable[[int], list[str]], available: int, words: int) -> list[str]:
    """The smallest selection of the summarizer that fills the word budget (binary search on the
    sentence count; sumy returns its choice in document order, so it cannot simply be cut)."""
    low, high = 1, max(available, 1)
    while low < high:
        middle = (low + high) // 2
        if sum(len(s.split()) for s in pick(middle)) >= words:
            high = middle
        else:
            low = middle + 1
    return pick(low)


def rouge(predicted: str, reference: str) -> dict[str, float]:
    try:
        from rouge_score import rouge_scorer
    except ImportError as exc:
        raise MissingExtraError("rouge-score", "eval") from exc
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    scores = scorer.score(reference, predicted)
    return {name: score.fmeasure for name, score in scores.items()}
