"""Batch work that one article must not break: a bad article becomes a named Failure, the rest
of the batch goes on (see `isolated`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from storylens.model import Article, Failure
from storylens.sanitize import one_line

log = logging.getLogger(__name__)

R = TypeVar("R")


def isolated(
    articles: Sequence[Article], work: Callable[[Sequence[Article]], R], stage: str
) -> tuple[R, list[Article], list[Failure]]:
    """`work` done over a batch of articles, the articles it was done over, and a Failure for each
    article left out. Batch work (a parser stream, clustering) fails as a whole when one article
    trips it; then each article is tried alone, those that fail alone are left out with the error
    as their reason, and the batch is done again without them. An error that only the whole batch
    raises is a bug and goes up."""
    try:
        return work(articles), list(articles), []
    except Exception as exc:
        log.warning("%s failed on the batch (%s); trying each article alone", stage, one_line(exc))
        log.debug("the batch error", exc_info=True)
    kept: list[Article] = []
    failures: list[Failure] = []
    for article in articles:
        try:
            work([article])
        except Exception as exc:
            log.debug("%s failed on %s", stage, article.origin, exc_info=True)
            reason = f"{stage} failed on this article ({one_line(exc)})"
            failures.append(Failure(article.origin, stage, reason))
        else:
            kept.append(article)
    return work(kept), kept, failures
