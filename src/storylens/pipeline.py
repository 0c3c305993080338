"""Runs the stages in data-flow order, timing each; a bad input or story never stops the batch."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime

from storylens.annotate import annotate
from storylens.annotate.entities import story_entities
from storylens.clean import clean_batch
from storylens.clean.metadata import plausible_date
from storylens.config import CleanSettings, Settings
from storylens.crosscheck import crosscheck
from storylens.headline import choose_headline
from storylens.ingest import read_inputs
from storylens.isolation import isolated
from storylens.model import Annotation, Article, Briefing, BriefingSet, Failure, Mention, Story
from storylens.provenance import find_derivations, origin_groups
from storylens.sanitize import one_line
from storylens.stories import group_stories
from storylens.summarize import StoryText, disputed_spans, summarize
from storylens.timeline import build_timeline, yearless_events

log = logging.getLogger(__name__)

Progress = Callable[[str], None]


class StageTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - started


def brief(
    paths: Iterable[str], settings: Settings | None = None, progress: Progress | None = None
) -> BriefingSet:
    """A briefing per story found in the files and folders under `paths`."""
    settings = settings or Settings()
    timer = StageTimer()
    step = progress or (lambda _: None)
    with timer.stage("ingest"):
        raws, failures = read_inputs(paths, settings.ingest)
    step("ingest")
    with timer.stage("clean"):
        articles, clean_failures = clean_batch(raws, settings.clean)
    step("clean")
    briefings = brief_articles(articles, settings, timer, step)
    return BriefingSet(
        briefings=briefings.briefings,
        failures=tuple(failures + clean_failures + list(briefings.failures)),
        stage_seconds=tuple(timer.seconds.items()),
    )


def brief_articles(
    articles: Sequence[Article],
    settings: Settings | None = None,
    timer: StageTimer | None = None,
    step: Progress | None = None,
) -> BriefingSet:
    """Briefings for articles that are already clean (the web app and Spark jobs start here)."""
    settings = settings or Settings()
    timer = timer or StageTimer()
    step = step or (lambda _: None)
    articles, failures = screen_articles(articles, settings)
    with timer.stage("annotate"):
        annotations = annotate(articles, failures)
        articles = [article for article in articles if article.id in annotations]
    step("annotate")
    with timer.stage("stories"):
        mentions: dict[str, Sequence[Mention]] = {a.id: annotations[a.id].mentions for a in articles}
        stories, articles, left_out = isolated(
            articles, lambda batch: group_stories(batch, mentions, settings.stories), "stories"
        )
        failures += left_out
    step("stories")
    by_id = {article.id: article for article in articles}
    briefings = []
    for story in stories:
        try:
            briefings.append(brief_story(story, by_id, annotations, settings, timer))
        except Exception as exc:  # one story's failure must not lose the others
            log.debug("story %s failed", story.id, exc_info=True)
            failures += [
                Failure(by_id[i].origin, "brief", f"briefing its story failed ({one_line(exc)})")
                for i in story.article_ids
            ]
        step("story")
    return BriefingSet(tuple(briefings), tuple(failures), tuple(timer.seconds.items()))


def screen_articles(
    articles: Sequence[Article], settings: Settings | None = None
) -> tuple[list[Article], list[Failure]]:
    """The articles fit to brief, and a Failure for each other one. Articles that came through
    `clean` here pass; the check is for those built elsewhere or stored before a limit existed
    (the web app, Spark jobs): a text too long to annotate is refused, a date outside the
    plausible years is dropped with a warning, as `clean` does."""
    settings = settings or Settings()
    kept: list[Article] = []
    failures: list[Failure] = []
    for article in articles:
        reason = _unfit(article, settings.clean)
        if reason:
            failures.append(Failure(article.origin, "brief", reason))
            continue
        if article.published is not None and not plausible_date(article.published):
            log.warning(
                "%s: the date %s is implausible; the article has no publication date",
                article.origin,
                article.published.isoformat(),
            )
            article = dataclasses.replace(article, published=None, published_precision=None)
        kept.append(article)
    return kept, failures


def _unfit(article: Article, settings: CleanSettings) -> str | None:
    if not isinstance(article.text, str) or not article.text.strip():
        return "the article has no text"
    if len(article.text) > settings.max_article_chars:
        return (
            f"{len(article.text):,} characters of text, over the limit of "
            f"{settings.max_article_chars:,} for one article"
        )
    if article.published is not None and not isinstance(article.published, datetime):
        return f"the publication date is {type(article.published).__name__}, not a date and time"
    return None


def brief_story(
    story: Story,
    by_id: dict[str, Article],
    annotations: dict[str, Annotation],
    settings: Settings,
    timer: StageTimer,
) -> Briefing:
    articles = [by_id[i] for i in story.article_ids]
    own = {a.id: annotations[a.id] for a in articles}
    sentences = {a.id: own[a.id].sentences for a in articles}
    with timer.stage("provenance"):
        derivations = find_derivations(articles, sentences, settings.provenance)
        groups = origin_groups(story.article_ids, derivations)
    derived = {d.derived for d in derivations}
    # Original reporting leads wherever one wording must be picked (claims, conflicts, timeline).
    originals_first = sorted(articles, key=lambda a: (a.id in derived, a.published or datetime.max))
    with timer.stage("crosscheck"):
        entities = story_entities(own.values())
        checked = crosscheck(originals_first, own, groups, entities, settings.crosscheck)
    with timer.stage("summarize"):
        by_key = {(s.article_id, s.index): s for a in own.values() for s in a.sentences}
        disputed = disputed_spans(checked.conflicts, derivations)
        text = StoryText(
            texts={a.id: a.text for a in articles},
            mentions={a.id: own[a.id].mentions for a in articles},
            quotes={a.id: own[a.id].quotes for a in articles},
            published={a.id: a.published.date() if a.published else None for a in articles},
            groups=groups,
        )
        summary = summarize(checked.claims, by_key, disputed, derived, settings.summary, text)
    with timer.stage("timeline"):
        timeline = build_timeline(
            [own[a.id] for a in originals_first],
            {a.id: a.text for a in articles},
            checked.claim_of_sentence,
            {a.id: a.published.date() if a.published else None for a in articles},
        )
        without_year = yearless_events(
            [own[a.id] for a in originals_first],
            {a.id: a.text for a in articles},
            checked.claim_of_sentence,
            {a.id: a.published.date() if a.published else None for a in articles},
        )
    with timer.stage("headline"):
        headline = choose_headline(originals_first, sentences, groups)
    return Briefing(
        story=dataclasses.replace(story, headline=headline),
        summary=summary,
        claims=checked.claims,
        conflicts=checked.conflicts,
        timeline=timeline,
        quotes=checked.quotes,
        entities=entities,
        derivations=derivations,
        articles=tuple(originals_first),
        sentences=tuple(s for a in own.values() for s in a.sentences),
        timeline_without_year=without_year,
    )
