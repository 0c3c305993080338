"""A pipeline with known poisons, for the web app's quarantine tests. The rebuild worker is a
spawned process that imports its brief function by name, so it lives in a module of its own.

An article whose text holds RAISE makes the pipeline raise, CRASH kills the worker process
outright (as a segfault or the OOM killer would), HANG never returns; the rest are briefed by
the real pipeline."""

from __future__ import annotations

import os
import time

from storylens.config import Settings
from storylens.model import Annotation, Article, BriefingSet
from storylens.serve.briefs import brief_groups


def poisoned_brief(
    groups: list[list[Article]], known: dict[str, Annotation], settings: Settings
) -> tuple[BriefingSet, list[Annotation]]:
    texts = " ".join(article.text for group in groups for article in group)
    if "CRASH" in texts:
        os._exit(9)
    if "HANG" in texts:
        time.sleep(3600)
    if "RAISE" in texts:
        raise ValueError("poisoned article")
    return brief_groups(groups, known, settings)


def recording_brief(
    groups: list[list[Article]], known: dict[str, Annotation], settings: Settings
) -> tuple[BriefingSet, list[Annotation]]:
    """The real pipeline, writing the id of every article it annotates (whose annotation was not
    given) to the file named by STORYLENS_TEST_ANNOTATED, one per line, and each group it briefs
    (its article ids, sorted, joined by commas) to the one named by STORYLENS_TEST_BRIEFED."""
    result, fresh = brief_groups(groups, known, settings)
    with open(os.environ["STORYLENS_TEST_ANNOTATED"], "a", encoding="utf-8") as record:
        record.writelines(f"{annotation.article_id}\n" for annotation in fresh)
    with open(os.environ["STORYLENS_TEST_BRIEFED"], "a", encoding="utf-8") as record:
        record.writelines(",".join(sorted(a.id for a in group)) + "\n" for group in groups)
    return result, fresh
