"""Annotate: sentences, entity mentions, dates, quantities and quotes of each article."""

from __future__ import annotations

from collections.abc import Sequence

from storylens.annotate.dates import find_dates
from storylens.annotate.entities import find_mentions
from storylens.annotate.quantities import find_quantities
from storylens.annotate.quotes import find_quotes
from storylens.annotate.roles import find_roles
from storylens.annotate.sentences import split_sentences
from storylens.model import Annotation, Article, Mention, RoleMention


def annotate(articles: Sequence[Article]) -> dict[str, Annotation]:
    """An Annotation per article id; entity recognition runs over the whole batch at once."""
    mentions = find_mentions((article.id, article.text) for article in articles)
    return {article.id: _annotate_one(article, mentions[article.id]) for article in articles}


def _annotate_one(article: Article, mentions: tuple[Mention, ...]) -> Annotation:
    published = article.published.date() if article.published else None
    roles = find_roles(article.id, article.text, mentions)
    return Annotation(
        article_id=article.id,
        sentences=split_sentences(article.id, article.text),
        mentions=_outside_titles(mentions, roles),
        dates=find_dates(article.id, article.text, published),
        quantities=find_quantities(article.id, article.text),
        quotes=find_quotes(article.id, article.text, mentions),
        roles=roles,
    )


def _outside_titles(mentions: tuple[Mention, ...], roles: tuple[RoleMention, ...]) -> tuple[Mention, ...]:
    """Mentions that are not a word of a title: "Transport" in "Transport Minister" is no entity."""
    return tuple(m for m in mentions if not any(r.start <= m.start and m.end <= r.end for r in roles))


__all__ = ["annotate"]
