"""A headline per story, chosen among the story's article titles and lead sentences.

Candidates are each article's title (when it is a real title, not the first words of the text
that cleaning puts in place of a missing one) and the first sentence of its lead that reads as a
headline. A candidate is left out when it is too short to say what happened, page furniture, a
photo caption, a site name, cut mid-sentence, or opens on a pronoun or a quotation (it cannot
stand alone). Among the rest, the headline is the one the other articles of the story say most:
backed by the most independent sources (origin groups whose lead says the same), then the most
similar to the rest of the story; a real title is preferred over a lead sentence of its own
article when both say the same.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storylens.annotate.sentences import GLUED_SENTENCES
from storylens.clean.boilerplate import (
    COUNT_LABEL,
    DISCLAIMER,
    INTERFACE_WORDS,
    LINK_COUNT,
    PROMOTION,
    SOCIAL,
    VIDEO_DURATION,
    is_caption,
    line_key,
    words,
)
from storylens.clean.metadata import BYLINE, is_date_line
from storylens.model import Article, Headline, HeadlineSource, Sentence, Span
from storylens.similarity import similarity_between

# A headline says who did what: fewer words is a label or a fragment ("Chaos.", "One resigned.").
# The floor of 6 words is the one issue 12 sets for summary lines.
MIN_WORDS = 6
# A lead sentence longer than this is a paragraph run together, not a headline. Set by hand and
# checked on the even-numbered (dev) Multi-News clusters (bench/headlines.py), not swept.
MAX_LEAD_WORDS = 45
MAX_TITLE_WORDS = 25
# The lead: a candidate sentence is looked for among an article's first sentences only (set by
# hand; on the dev Multi-News clusters, past the third, sentences are detail, not the news).
LEAD_SENTENCES = 3
# What stands for an article when others are compared with it: its title and first sentences.
CONTEXT_SENTENCES = 3
# A candidate is "said" by another article when its similarity (storylens.similarity.combined)
# to that article's title and lead reaches this. Set by hand (a copy or a close rewrite scores
# above it, a sentence on the same topic below) and checked on the dev clusters, not swept.
SUPPORT_SIMILARITY = 0.5
# In a story of several articles, a candidate less similar than this to every other article's
# title and lead is about something else (an archive notice, a side story). Chosen on the dev
# Multi-News clusters: an archive notice scored 0.0 (cluster 26), real headlines 0.21 and more;
# the mean over the other articles, tried first, left out real headlines where one article of
# the story was scraping leftovers (cluster 52).
MIN_CENTRALITY = 0.2
# Added to a title's score: a title is written to be a headline, a lead sentence is not. Set by
# hand: few Multi-News passages carry a title (6% of dev headlines are titles), so the dev
# clusters barely test it.
TITLE_BONUS = 0.05
# Furniture: a short line whose words are page-interface words at this share or more ("Watch CNN
# live", "Share this story"); a real headline may hold one such word ("follow", "live").
FURNITURE_INTERFACE_SHARE = 0.25
# Words that cannot end a headline or a sentence: it was cut (closed-class English words).
DANGLING_WORDS = frozenset(
    "a an the of to and or but nor with for in on at by from as than that which who whose whom "
    "into onto over under about after before between its their his her our your my".split()
)
# A headline must name who or what; a pronoun or a demonstrative opening refers to text before it.
PRONOUN_OPENINGS = frozenset(
    "he she it they we i you him her them his its their this these those there".split()
)
TERMINAL = (".", "!", "?")
CLOSING_QUOTES = "\"'”’)"
OPENING_QUOTES = "\"'“‘"
# "WASHINGTON (AP) — ", "LONDON -- ", "WOODLAND HILLS >> ": a dateline before the lead's words.
DATELINE = re.compile(r"^[A-Z][A-Z.'’ ,-]{1,40}(?:\([^()]{1,30}\))?\s*(?:—|–|--?|>>|\||:)\s*(?=\S)")
# What a removed dateline can leave before the first word ("--A 76-year-old man ...").
LEADING_MARKS = "-–—>|:·•* \t"
# A rights notice: "This copy is for your personal, non-commercial use only", "All rights reserved".
RIGHTS_NOTICE = re.compile(
    r"\b(?:personal,? non-?commercial use|all rights reserved|may not be (?:re)?published|"
    r"reprints? (?:and|&) permissions)\b",
    re.IGNORECASE,
)
# An agency photo caption's forms: "... is seen before the deadline ..." and a closing place and
# full date ("... in Los Angeles, November 27, 2011."); a lead says "on Sunday" (dev cluster 0).
CAPTION_FORM = re.compile(r"\b(?:is|are) (?:seen|pictured|shown)\b|,\s+[A-Z][a-z]+\.? \d{1,2},? \d{4}\.?$")
# A credit after the sentence, in capitals: "... decades ago. USA TODAY" (a video caption).
TRAILING_CREDIT = re.compile(r"[.!?]\s+[A-Z][A-Z&.' ]{2,30}$")
# A short candidate naming a medium or a page control is furniture ("Rating is available when the
# video has been rented."): page-interface nouns of clean.boilerplate, up to this many words.
MEDIA_WORDS = frozenset(
    "video videos photo photos image images gallery tap download playlist podcast browser "
    "notifications".split()
)
SHORT_FURNITURE_WORDS = 12
# Page controls that no news headline or lead holds, at any length ("Get daily updates directly to
# your inbox + Subscribe Thank you for subscribing!").
CONTROL_WORDS = frozenset(
    "subscribe subscribing newsletter click login signup advertisement sponsored cookie cookies".split()
)
# A media label before the words ("WATCH: ...", "VIDEO: ...", "PHOTOS: ...") or a caption label
# anywhere ("Media caption ...", "Image caption ...").
MEDIA_LABEL = re.compile(
    r"^\s*(?:(?i:watch|video|photos?|pictures|listen|gallery|live)\s*:|"
    r"(?:View|Watch|See|Play|Open|Enlarge|Expand)\s+(?:Images?|Photos?|Video|Gallery|Slideshow)\b)"
)
CAPTION_LABEL = re.compile(r"\b(?:media|image|photo) caption\b", re.IGNORECASE)
HOST_NAME = re.compile(r"^(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)+/?$", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    text: str
    source: HeadlineSource
    article_id: str
    span: Span | None  # the words in the article's text (a lead), None for a title


def defects(text: str, source: HeadlineSource, outlets: Sequence[str] = ()) -> list[str]:
    """Why `text` cannot be a headline (empty when it can): 'short', 'long', 'furniture',
    'caption', 'site name', 'cut', 'pronoun opening', 'quotation'."""
    found = []
    tokens = words(text)
    limit = MAX_TITLE_WORDS if source == HeadlineSource.TITLE else MAX_LEAD_WORDS
    if len(tokens) < MIN_WORDS:
        found.append("short")
    if len(tokens) > limit:
        found.append("long")
    if _is_furniture(text, tokens):
        found.append("furniture")
    caption_forms = (TRAILING_CREDIT, CAPTION_LABEL, CAPTION_FORM)
    if is_caption(text) or any(form.search(text.rstrip()) for form in caption_forms):
        found.append("caption")
    if _is_site_name(text, outlets):
        found.append("site name")
    if _is_cut(text, tokens, source):
        found.append("cut")
    if tokens and tokens[0].lower() in PRONOUN_OPENINGS:
        found.append("pronoun opening")
    if text.lstrip().startswith(tuple(OPENING_QUOTES)):
        found.append("quotation")
    return found


def _is_furniture(text: str, tokens: list[str]) -> bool:
    patterns = (PROMOTION, SOCIAL, DISCLAIMER, VIDEO_DURATION, LINK_COUNT)
    if any(pattern.search(text) for pattern in patterns) or COUNT_LABEL.match(text.strip()):
        return True
    if BYLINE.match(text) or is_date_line(text) or RIGHTS_NOTICE.search(text) or MEDIA_LABEL.match(text):
        return True
    lowered = {token.lower() for token in tokens}
    if lowered & CONTROL_WORDS or (len(tokens) <= SHORT_FURNITURE_WORDS and lowered & MEDIA_WORDS):
        return True
    interface = sum(token.lower() in INTERFACE_WORDS for token in tokens)
    return bool(tokens) and interface / len(tokens) >= FURNITURE_INTERFACE_SHARE


def _is_site_name(text: str, outlets: Sequence[str]) -> bool:
    """A host name, or the name of one of the story's outlets ("The" aside)."""
    key = _name_key(text)
    return bool(HOST_NAME.match(text.strip())) or any(key == _name_key(o) for o in outlets if o)


def _name_key(name: str) -> str:
    return line_key(name).removeprefix("the ")


def _is_cut(text: str, tokens: list[str], source: HeadlineSource) -> bool:
    """Ends mid-sentence (a title ends without punctuation, but not on a dangling word), or
    begins mid-sentence (a lower-case first letter)."""
    stripped = text.strip().rstrip(CLOSING_QUOTES)
    if not tokens or stripped.endswith(("…", "...", ",", ";", ":", "-", "–", "—")):
        return True
    # A title can hold two sentences run together by a lost space; lead sentences are split there.
    if tokens[-1].lower() in DANGLING_WORDS or GLUED_SENTENCES.search(text):
        return True
    first = text.lstrip(OPENING_QUOTES + " ")[:1]
    if first.islower():
        return True
    return source == HeadlineSource.LEAD and not stripped.endswith(TERMINAL)


def real_title(article: Article) -> str | None:
    """The article's title, unless cleaning found none and put the text's first words in its
    place (they end in "…" and open the text)."""
    title = " ".join(article.title.split())
    if not title:
        return None
    if title.endswith("…") and " ".join(article.text.split()).startswith(title[:-1].rstrip()):
        return None
    return title


def lead_candidate(
    article: Article, sentences: Sequence[Sentence], outlets: Sequence[str]
) -> Candidate | None:
    """The first of the article's lead sentences that reads as a headline (its dateline left out)."""
    place = _dateline_place(article)
    for sentence in sorted(sentences, key=lambda s: s.start)[:LEAD_SENTENCES]:
        skip = len(place) if place and sentence.text.startswith(place) else 0
        start = sentence.start + skip + _dateline_length(sentence.text[skip:])
        text = " ".join(article.text[start : sentence.end].split())
        if not defects(text, HeadlineSource.LEAD, outlets):
            return Candidate(text, HeadlineSource.LEAD, article.id, Span(article.id, start, sentence.end))
    return None


def _dateline_place(article: Article) -> str:
    """The place of a dateline whose credit cleaning took off ("CAIRO (Reuters) -" leaves
    "CAIRO" before the first sentence), or ""."""
    for line in article.removed:
        if line.reason == "metadata: dateline credit" and "(" in line.text:
            return line.text.split("(", 1)[0].strip()
    return ""


def _dateline_length(text: str) -> int:
    """Characters before the lead's first word: a dateline and the marks it leaves."""
    found = DATELINE.match(text)
    after = found.end() if found else 0
    return len(text) - len(text[after:].lstrip(LEADING_MARKS))


def candidates(articles: Sequence[Article], sentences: Mapping[str, Sequence[Sentence]]) -> list[Candidate]:
    """Every article's real title and lead sentence that read as a headline."""
    outlets = [a.outlet for a in articles]
    found: list[Candidate] = []
    for article in articles:
        title = real_title(article)
        if title and not defects(title, HeadlineSource.TITLE, outlets):
            found.append(Candidate(title, HeadlineSource.TITLE, article.id, None))
        lead = lead_candidate(article, sentences.get(article.id, ()), outlets)
        if lead:
            found.append(lead)
    return found


def choose_headline(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]],
    groups: Sequence[Sequence[str]] = (),
) -> Headline | None:
    """The story's headline; `groups` are its articles by common origin (one voice each; without
    them every article is its own voice). None where no title or lead sentence reads as one, or
    none is like the rest of a story of several voices."""
    found = ranked(articles, sentences, groups)
    if not found or not found[0].central:
        return None
    best = found[0]
    return _Story(articles, groups).headline(best.candidate, best.row, [r.candidate for r in found])


@dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    voices: int  # independent sources whose title and lead say it
    centrality: float  # mean similarity to the other articles' titles and leads
    central: bool  # like one other article at least MIN_CENTRALITY, or the story has one article
    row: np.ndarray  # similarity to each article's title and lead

    @property
    def score(self) -> tuple[bool, int, float]:
        bonus = TITLE_BONUS if self.candidate.source == HeadlineSource.TITLE else 0.0
        return self.central, self.voices, self.centrality + bonus


def ranked(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]],
    groups: Sequence[Sequence[str]] = (),
) -> list[Ranked]:
    """Every candidate with its score, best first (the benchmark shows them)."""
    found = candidates(articles, sentences)
    if not found:
        return []
    story = _Story(articles, groups)
    similarity = _similarity_to_articles(found, articles, sentences)
    scored = [story.rank(c, row) for c, row in zip(found, similarity, strict=True)]
    return sorted(scored, key=lambda r: r.score, reverse=True)


def _similarity_to_articles(
    found: Sequence[Candidate], articles: Sequence[Article], sentences: Mapping[str, Sequence[Sentence]]
) -> np.ndarray:
    """How much each article says each candidate: the best of the candidate's similarity to the
    article's title and lead taken together, and to each of the article's own candidates (a title
    is compared with titles as well, not only with a paragraph it is too short to match)."""
    contexts = [_context(a, sentences.get(a.id, ())) for a in articles]
    texts = [c.text for c in found]
    matrix = similarity_between(texts, contexts + texts)
    column = {a.id: i for i, a in enumerate(articles)}
    best = matrix[:, : len(articles)].copy()
    for j, candidate in enumerate(found):
        i = column[candidate.article_id]
        best[:, i] = np.maximum(best[:, i], matrix[:, len(articles) + j])
    return best


def _context(article: Article, sentences: Sequence[Sentence]) -> str:
    """What stands for an article when candidates are compared with it: its title and lead."""
    lead = [s.text for s in sorted(sentences, key=lambda s: s.start)[:CONTEXT_SENTENCES]]
    return " ".join([real_title(article) or "", *lead]).strip() or article.text[:500]


class _Story:
    """The articles of a story by position and by origin group."""

    def __init__(self, articles: Sequence[Article], groups: Sequence[Sequence[str]]) -> None:
        self.ids = [a.id for a in articles]
        self.group_of = {article_id: n for n, group in enumerate(groups) for article_id in group}
        for article_id in self.ids:  # an article in no group is its own voice
            self.group_of.setdefault(article_id, len(self.group_of) + len(self.ids))

    def backers(self, candidate: Candidate, row: np.ndarray) -> list[str]:
        """The candidate's own origin group, and the articles whose title and lead reach
        SUPPORT_SIMILARITY with it."""
        own = self.group_of[candidate.article_id]
        return [
            article_id
            for article_id, value in zip(self.ids, row, strict=True)
            if self.group_of[article_id] == own or value >= SUPPORT_SIMILARITY
        ]

    def rank(self, candidate: Candidate, row: np.ndarray) -> Ranked:
        voices = len({self.group_of[a] for a in self.backers(candidate, row)})
        # Like the other articles (copies count here: they are the story too; voices count once).
        others = [float(v) for a, v in zip(self.ids, row, strict=True) if a != candidate.article_id]
        if not others:  # a story of one article: how well the candidate stands for it
            return Ranked(candidate, voices, float(row[self.ids.index(candidate.article_id)]), True, row)
        return Ranked(candidate, voices, float(np.mean(others)), max(others) >= MIN_CENTRALITY, row)

    def headline(self, best: Candidate, row: np.ndarray, found: Sequence[Candidate]) -> Headline:
        backers = self.backers(best, row)
        ordered = (best.article_id, *(a for a in backers if a != best.article_id))
        return Headline(
            text=best.text,
            source=best.source,
            articles=ordered,
            citations=_citations(best, found, set(ordered)),
            independent_voices=len({self.group_of[a] for a in ordered}),
        )


def _citations(best: Candidate, found: Sequence[Candidate], backing: set[str]) -> tuple[Span, ...]:
    """For a lead sentence: its span, then the lead sentences of backing articles that say the
    same words nearly (SUPPORT_SIMILARITY between the two sentences)."""
    if best.span is None:
        return ()
    others = [
        c for c in found if c.span is not None and c.article_id in backing and c.article_id != best.article_id
    ]
    if not others:
        return (best.span,)
    similar = similarity_between([best.text], [c.text for c in others])[0]
    return (
        best.span,
        *(c.span for c, value in zip(others, similar, strict=True) if value >= SUPPORT_SIMILARITY and c.span),
    )


__all__ = ["Candidate", "Ranked", "candidates", "choose_headline", "defects", "ranked", "real_title"]
