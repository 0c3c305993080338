"""Annotate: sentences, entity mentions, dates, quantities and quotes of each article."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from storylens.annotate.dates import find_dates
from storylens.annotate.entities import find_mentions
from storylens.annotate.quantities import find_quantities
from storylens.annotate.quotes import find_quotes, find_quotes_in_batch
from storylens.annotate.roles import find_roles
from storylens.annotate.sentences import split_sentences
from storylens.isolation import isolated
from storylens.model import Annotation, Article, Failure, Mention, QuoteMention, RoleMention
from storylens.sanitize import one_line

log = logging.getLogger(__name__)


def annotate(articles: Sequence[Article], failures: list[Failure] | None = None) -> dict[str, Annotation]:
    """An Annotation per article id; entity recognition runs over the whole batch at once. An
    article that cannot be annotated is left out and, when `failures` is given, recorded there;
    with no list to record it in, the error is raised."""
    if not articles:  # nothing to load the models for
        return {}
    if failures is None:
        mentions = _mentions(articles)
    else:
        mentions, articles, left_out = isolated(articles, _mentions, "annotate")
        failures += left_out
    batch = _roles_and_quotes(articles, mentions)
    annotations = {}
    for article in articles:
        try:
            annotations[article.id] = _annotate_one(article, mentions[article.id], batch)
        except Exception as exc:  # a rule tripping on one odd text must not stop the batch
            if failures is None:
                raise
            log.debug("cannot annotate %s", article.origin, exc_info=True)
            failures.append(Failure(article.origin, "annotate", f"annotation failed ({one_line(exc)})"))
    return annotations


def _mentions(articles: Sequence[Article]) -> dict[str, tuple[Mention, ...]]:
    return find_mentions((article.id, article.text) for article in articles)


RolesAndQuotes = dict[str, tuple[tuple[RoleMention, ...], tuple[QuoteMention, ...]]]


def _roles_and_quotes(
    articles: Sequence[Article], mentions: dict[str, tuple[Mention, ...]]
) -> RolesAndQuotes:
    """Roles and quotes of the whole batch, the quotes through one parser stream; empty if any
    article trips them, so that each article is then done on its own and only the odd one fails."""
    try:
        roles = {a.id: find_roles(a.id, a.text, mentions[a.id]) for a in articles}
        quotes = find_quotes_in_batch([(a.id, a.text, mentions[a.id], roles[a.id]) for a in articles])
    except Exception:
        log.info("roles or quotes failed on the batch; retrying article by article")
        log.debug("the batch error", exc_info=True)
        return {}
    return {a.id: (roles[a.id], quotes[a.id]) for a in articles}


def _annotate_one(article: Article, mentions: tuple[Mention, ...], batch: RolesAndQuotes) -> Annotation:
    published = article.published.date() if article.published else None
    if article.id in batch:
        roles, found = batch[article.id]
    else:
        roles = find_roles(article.id, article.text, mentions)
        found = find_quotes(article.id, article.text, mentions, roles)
    return Annotation(
        article_id=article.id,
        sentences=split_sentences(article.id, article.text),
        mentions=_outside_titles(mentions, roles),
        dates=find_dates(article.id, article.text, published),
        quantities=find_quantities(article.id, article.text),
        quotes=found,
        roles=roles,
    )


def _outside_titles(mentions: tuple[Mention, ...], roles: tuple[RoleMention, ...]) -> tuple[Mention, ...]:
    """Mentions that are not a word of a title: "Transport" in "Transport Minister" is no entity."""
    return tuple(m for m in mentions if not any(r.start <= m.start and m.end <= r.end for r in roles))


__all__ = ["annotate"]
