"""Attribution cues: where an article says whose text or reporting it carries.

"(Reuters) -", "according to a Reuters report", "first reported by the Harbor Times", "This story
originally appeared in ...", "Source: AP". A cue names a wire agency or an outlet; which one
decides the direction of a derivation or reveals a shared origin (two articles that credit the
same agency and not each other both carry that agency's text).
"""

from __future__ import annotations

import functools
import re

from storylens.annotate.names import without_article
from storylens.model import Article

WIRE_AGENCIES = (
    "Reuters",
    "Associated Press",
    "AP",
    "AFP",
    "Agence France-Presse",
    "Bloomberg",
    "dpa",
    "PA Media",
    "Press Association",
    "UPI",
    "Xinhua",
    "PTI",
    "ANI",
    "EFE",
    "ANSA",
    "Kyodo",
)
NAME = r"(?:the\s+)?[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,4}"
CUE = re.compile(
    rf"[Aa]ccording to (?:an? |the )?(?:(?:report|story|article|dispatch) (?:by|from|in) )?(?P<a>{NAME})"
    r"(?:\s+(?:report|story|article|dispatch)\b)?"
    rf"|(?:[Ff]irst |[Oo]riginally )?(?:reported|published) by (?P<b>{NAME})"
    rf"|(?:[Oo]riginally |[Ff]irst )?(?:appeared|ran) (?:in|on) (?P<c>{NAME})"
    rf"|\((?P<d>{NAME})\)\s*[-–—]"
    rf"|\b(?:[Ss]ource|[Vv]ia|[Cc]redit)\s*:\s*(?P<e>{NAME})"
    rf"|(?P<f>{NAME}) (?:reported|said in a report)",
)


def attribution_cues(article: Article) -> list[tuple[str, str]]:
    """(cue text, name credited) for every cue in the article's text, byline and removed lines."""
    return list(_cues(article.text, article.byline or "", tuple(r.text for r in article.removed)))


@functools.lru_cache(maxsize=4096)  # asked for every pair of articles in a story, not once each
def _cues(text: str, byline: str, removed: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    found = []
    for match in CUE.finditer("\n".join([text, byline, *removed])):
        name = next(value for value in match.groups() if value)
        found.append((match.group(0).strip(), without_article(name)))
    return tuple(found)


def credit_for(article: Article, outlet: str) -> str:
    """The cue in `article` that credits `outlet` (by its first word), or ""."""
    head = outlet.split()[0].lower() if outlet else ""
    if len(head) < 3:
        return ""
    for cue, name in attribution_cues(article):
        if name.lower().split()[0] == head:
            return cue
    return ""


def credited_agencies(article: Article) -> dict[str, str]:
    """Wire agencies the article credits: agency -> the cue that credits it."""
    agencies: dict[str, str] = {}
    for cue, name in attribution_cues(article):
        for agency in WIRE_AGENCIES:
            if name == agency or name.startswith(agency + " "):
                agencies.setdefault(agency, cue)
    return agencies
