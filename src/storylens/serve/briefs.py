"""The jobs the rebuild worker process runs: pure functions of what is sent to them.

- `brief_groups`: a briefing per group of articles (one group is one story, as the placer or the
  regroup decided), annotating only the articles whose annotation is not given;
- `feature_rows`: each article's story features, as JSON for the store;
- `regroup_stories`: every active article grouped again from scratch, for batch agreement.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence

from storylens.annotate import annotate
from storylens.config import Settings
from storylens.model import Annotation, Article, Briefing, BriefingSet, Failure, Story
from storylens.pipeline import StageTimer, brief_story, screen_articles
from storylens.sanitize import one_line
from storylens.serve.placement import features_json
from storylens.stories import group_stories, label_names, make_story, story_label, title_words
from storylens.stories.incremental import StoryClusterer, _stack, article_features
from storylens.stories.vectors import DocumentFrequencies

log = logging.getLogger(__name__)

# Up to this many articles the regroup is batch average link (`group_stories`), the grouping the
# incremental clusterer was measured against; its similarity matrix is n x n (3,000 articles:
# 72 MB per copy). Beyond it the regroup is the two-pass clusterer of `storylens cluster` (document
# frequencies of the whole store counted first, then placed in date order), which agreed with
# the one-process placement at ARI 0.9989 at 10,000 articles (docs/benchmarks.md, issue 14).
BATCH_REGROUP_LIMIT = 3000

# Groups of articles -> (briefings, annotations made for articles whose annotation was not given).
GroupBrief = Callable[
    [list[list[Article]], dict[str, Annotation], Settings], tuple[BriefingSet, list[Annotation]]
]


def brief_groups(
    groups: list[list[Article]], known: dict[str, Annotation], settings: Settings
) -> tuple[BriefingSet, list[Annotation]]:
    """A briefing per group; an article that cannot be screened, annotated or briefed is named
    in the failures and left out of its group's story."""
    articles, failures = screen_articles([a for group in groups for a in group], settings)
    fresh = annotate([a for a in articles if a.id not in known], failures)
    annotations = {**{a.id: known[a.id] for a in articles if a.id in known}, **fresh}
    by_id = {a.id: a for a in articles if a.id in annotations}
    timer = StageTimer()
    briefings: list[Briefing] = []
    for group in groups:
        members = [by_id[a.id] for a in group if a.id in by_id]
        if not members:
            continue
        story = story_of(members, annotations)
        try:
            briefings.append(brief_story(story, by_id, annotations, settings, timer))
        except Exception as exc:  # one story's failure must not lose the others
            log.debug("story %s failed", story.id, exc_info=True)
            reason = f"briefing its story failed ({one_line(exc)})"
            failures += [Failure(a.origin, "brief", reason) for a in members]
    result = BriefingSet(tuple(briefings), tuple(failures), tuple(timer.seconds.items()))
    return result, list(fresh.values())


def story_of(members: Sequence[Article], annotations: dict[str, Annotation]) -> Story:
    """The story record of one group, labelled and ordered as batch grouping does it."""
    ordered = sorted(members, key=lambda a: (a.published is None, a.published or 0, a.id))
    names: Counter[str] = Counter()
    words: Counter[str] = Counter()
    for article in ordered:
        names.update(label_names(article, annotations[article.id].mentions))
        words.update(title_words(article))
    dates = [a.published for a in ordered if a.published]
    return make_story([a.id for a in ordered], story_label(names, words), dates)


def feature_rows(articles: Sequence[Article]) -> list[tuple[str, str]]:
    return [(f.id, features_json(f)) for f in article_features(articles)]


def regroup_stories(articles: Sequence[Article], settings: Settings) -> list[list[str]]:
    """Every article grouped from scratch: lists of article ids, one per story."""
    if len(articles) <= BATCH_REGROUP_LIMIT:
        return [list(s.article_ids) for s in group_stories(articles, None, settings.stories)]
    dated = sorted(articles, key=lambda a: (a.published is None, a.published or 0))
    features = article_features(dated)
    frequencies = DocumentFrequencies()
    frequencies.update(_stack([f.words for f in features]))
    clusterer = StoryClusterer(settings.stories, frequencies, as_learnt=True)
    clusterer.add_features(features)
    return [list(s.article_ids) for s in clusterer.finish()]
