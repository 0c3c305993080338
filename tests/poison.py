"""A pipeline with known poisons, for the web app's quarantine tests. The rebuild worker is a
spawned process that imports its brief function by name, so it lives in a module of its own.

An article whose text holds RAISE makes the pipeline raise, CRASH kills the worker process
outright (as a segfault or the OOM killer would), HANG never returns; the rest are briefed by
the real pipeline."""

from __future__ import annotations

import os
import time

from storylens.config import Settings
from storylens.model import Article, BriefingSet
from storylens.pipeline import brief_articles


def poisoned_brief(articles: list[Article], settings: Settings) -> BriefingSet:
    texts = " ".join(article.text for article in articles)
    if "CRASH" in texts:
        os._exit(9)
    if "HANG" in texts:
        time.sleep(3600)
    if "RAISE" in texts:
        raise ValueError("poisoned article")
    return brief_articles(articles, settings)
