"""Metadata written into plain text (date, source and byline lines, credits, the title).

These lines are not article prose, but they are not junk either: they are captured as fields of
the article and recorded as removed, so nothing the user gave is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import dateparser

from storylens.clean.boilerplate import (
    INTERFACE_WORDS,
    SOCIAL,
    is_caption,
    line_key,
    main_block,
    score_line,
    words,
)

SLASH_CREDIT = re.compile(r"\w\s+/\s+\w")  # "Name / Agency", spaced as credits are written
KEY_VALUE = re.compile(
    r"^\s*(date|published|updated|source|outlet|site|title|headline|author|byline|url|link)\s*:\s*(.+?)\s*$",
    re.IGNORECASE,
)
# "By Jane Roe", "BY JANE ROE | CNN": the word "by" and one to six capitalised name words; the
# name words are case-sensitive, so that "By the time police arrived" is no byline.
BYLINE = re.compile(
    r"^\s*(?i:(?:posted|written|story|words|text)\s+)?(?i:by)\s+([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|&|de|van|von|der|da|al)){0,5})"
    r"\s*(?:[|,•·–—-].*|\s(?i:on|at)\s+.*\d.*)?$"
)
NOT_NAMES = frozenset(
    ["the", "this", "that", "then", "now", "monday", "tuesday", "wednesday", "thursday", "friday",
     "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august",
     "september", "october", "november", "december", "law", "contrast", "comparison", "far", "noon"]
)  # fmt: skip
# Where a line names the outlet: "(CNN) --" opening the story, "Copyright 2021 X" or "© 2021 X".
DATELINE_CREDIT = re.compile(
    r"^(?P<place>[A-Z][A-Za-z .,'’-]{0,40}?\s*)?\((?P<outlet>[A-Z][\w .&'’-]{1,30})\)\s*(?:--|—|–|-)\s*"
)
COPYRIGHT = re.compile(
    r"^\s*(?:copyright|©|\(c\))\s*(?:©\s*)?(?:\d{4}\s*(?:[-–]\s*\d{4})?\s*)?,?\s*"
    r"(?P<outlet>[A-Z][\w.&'’ -]{1,40}?)\s*(?:[.,;]|all rights reserved|$)",
    re.IGNORECASE,
)
# A title ending in the site's name: "Senate passes the bill | The Daily Post".
TITLE_SITE = re.compile(r"^(?P<title>.{12,}?)\s+(?:\||–|—|-)\s+(?P<site>[^|–—]{2,40})$")
TITLE_SITE_MAX_WORDS = 4
# "date 2021-10-19 Senate passes the bill": a date label and an ISO date glued to the headline.
GLUED_DATE = re.compile(
    r"^\s*(?:date|published|posted|updated)\s*:?\s*(?P<date>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?)"
    r"\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
UPDATED = re.compile(r"^\s*(?:last\s+)?(?:updated|modified|edited)\b", re.IGNORECASE)
CREDIT = re.compile(
    r"contributed to this (?:report|story|article)|^\(?\s*(?:additional\s+)?"
    r"(?:reporting|writing|editing|compiled)\s+by\b",
    re.IGNORECASE,
)
FIELD_NAMES = {
    "published": "date",
    "updated": "date",
    "outlet": "source",
    "site": "source",
    "headline": "title",
    "byline": "author",
    "link": "url",
}
# Metadata lines are looked for among the first lines only; deeper in, such text is content.
HEAD_LINES = 8
# Publication dates outside these years are typing or parsing errors ("0001-01-01" placeholders,
# a year of 20240): the article keeps no date rather than a date that breaks arithmetic later.
EARLIEST_YEAR, LATEST_YEAR = 1800, 2199
# The longest written date ("Wednesday, 17 November 2026 14:05:09 Central European Summer Time")
# is under 80 characters; a longer "date" is some other field, and dateparser is slow on it.
MAX_DATE_CHARS = 100
DATEPARSER_SETTINGS = {
    "STRICT_PARSING": False,
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
}
MAX_TITLE_WORDS = 25
# A headline is looked for this many lines above the prose, and has at least this many words
# (section names and "Watch live" have fewer).
TITLE_ABOVE_BLOCK, HEADLINE_MIN_WORDS = 8, 4
# A headline scores as a short unpunctuated line (0.45 at most); more is a widget ("Listen 3:45").
# Chosen on the even-numbered (dev) scrapinghub pages against trafilatura's title.
HEADLINE_MAX_SCORE = 0.55
YEAR_IN = re.compile(r"(?<!\d)\d{4}(?!\d)|\d{4}-\d{2}")
# A full date (with its year) as pages print it: ISO, day.month.year, year/month/day, and a month
# name (in any language dateparser reads) before or after the day.
_MONTH_WORD = r"[^\W\d_]{3,12}\.?"
FULL_DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?|"
    r"\b(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})\b|\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}/\d{1,2}/\d{1,2}\b|"
    rf"\b\d{{1,2}}\.?\s+{_MONTH_WORD},?\s+\d{{4}}\b|\b{_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"
)
# A date line has few words besides its date ("Published 5:42 PM ET, Mon October 18, 2021",
# "By Jane Roe | Updated 19.10.2021 10:03"); longer lines are prose that mentions a date.
DATE_LINE_MAX_WORDS = 12
# In text rendered from a page, the publication date is the date line nearest above the main
# block of prose, else one among its first lines (it follows the headline there). Chosen on the
# even-numbered pages of htmldate's MediaCloud set (`storylens eval dates`): 65 of 100 right and 6
# false against 65 and 14 for the first date line of the page.
DATE_LINES_INTO_BLOCK = 10


@dataclass
class TextMetadata:
    fields: dict[str, str] = field(default_factory=dict)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (line, reason)


def parse_date(value: str) -> datetime | None:
    """A publication date from an ISO string or any common written form; None for text with no
    year in it ("NaN", "unknown", "yesterday", "Saturday 5:32 pm": nothing that dates an article
    reproducibly)."""
    if len(value) > MAX_DATE_CHARS or not YEAR_IN.search(value):
        return None  # without a year written out, any year would be the clock's guess
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return dateparser.parse(value, settings=DATEPARSER_SETTINGS)
    except (ValueError, OverflowError):  # dateparser's own errors on odd numbers
        return None


def plausible_date(moment: datetime) -> bool:
    return EARLIEST_YEAR <= moment.year <= LATEST_YEAR


def is_date_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped or len(words(stripped)) > 6 or not any(ch.isdigit() for ch in stripped):
        return False
    return parse_date(stripped) is not None


def date_in_line(line: str) -> datetime | None:
    """The full date of a short date line, None for any other line."""
    if len(words(line)) > DATE_LINE_MAX_WORDS or SOCIAL.search(line):
        return None  # "— Jane Roe (@jroe) October 18, 2021" dates an embedded post, not the page
    for match in FULL_DATE.finditer(line):
        if match.group("d"):  # 19.10.2021 is day.month.year wherever it is written so
            try:
                return datetime(int(match.group("y")), int(match.group("m")), int(match.group("d")))
            except ValueError:
                continue
        parsed = parse_date(match.group(0))
        if parsed is not None and plausible_date(parsed):
            return parsed
    return None


def page_date(lines: list[str]) -> tuple[int, datetime] | None:
    """(line index, date) of the publication date among the lines of a page rendered to text:
    the date line nearest above the main block of prose, else the first in its first lines."""
    first, _ = main_block(lines)
    above = max(first, 0)
    order = [*range(above - 1, -1, -1), *range(above, min(above + DATE_LINES_INTO_BLOCK, len(lines)))]
    found = [(index, moment) for index in order if (moment := date_in_line(lines[index])) is not None]
    # A first publication beats a later update when a page prints both.
    published = [item for item in found[:2] if not UPDATED.match(lines[item[0]])]
    chosen = published or found
    return chosen[0] if chosen else None


def take_metadata(lines: list[str], known_title: str | None) -> tuple[list[str], TextMetadata]:
    """The lines that remain after metadata lines are captured, and what was captured."""
    meta = TextMetadata()
    if known_title:
        meta.fields["title"] = known_title
    kept: list[str] = []
    for position, line in enumerate(lines):
        reason = _metadata_reason(line, position, meta)
        if reason:
            meta.removed.append((line, reason))
        else:
            kept.append(line)
    if "date" not in meta.fields:
        found = page_date(kept)
        if found is not None:
            index, moment = found
            meta.fields["date"] = moment.isoformat()
            meta.removed.append((kept.pop(index), "metadata: date"))
    kept = _take_title(kept, meta)
    return take_outlet(kept, meta), meta


def _is_picture_credit(value: str) -> bool:
    """ "Source: Jdarsie11 / Wikimedia Commons" names where a picture came from (a credit, or a
    photographer and an agency parted by a slash), not the outlet of the article."""
    return is_caption(value) or (SLASH_CREDIT.search(value) is not None and "://" not in value)


def _metadata_reason(line: str, position: int, meta: TextMetadata) -> str | None:
    in_head = position < HEAD_LINES
    match = KEY_VALUE.match(line)
    if in_head and match:
        name = FIELD_NAMES.get(match.group(1).lower(), match.group(1).lower())
        if name == "source" and _is_picture_credit(match.group(2)):
            return "photo caption or credit"
        meta.fields.setdefault(name, match.group(2))
        return f"metadata: {name}"
    glued = GLUED_DATE.match(line) if in_head and "date" not in meta.fields else None
    if glued and parse_date(glued.group("date")) is not None:
        meta.fields["date"] = glued.group("date")
        if len(words(glued.group("rest"))) >= 2:
            meta.fields.setdefault("title", glued.group("rest").strip())
        return "metadata: date"
    if in_head and "date" not in meta.fields and is_date_line(line):
        meta.fields["date"] = line.strip()
        return "metadata: date"
    byline = BYLINE.match(line)
    if byline and len(words(line)) <= 12 and _is_name(byline.group(1)):
        meta.fields.setdefault("author", byline.group(1))
        return "metadata: byline"
    if CREDIT.search(line) and len(words(line)) <= 20:
        meta.fields.setdefault("credit", line.strip())
        return "metadata: credit line"
    title = meta.fields.get("title")
    # Only a line about as long as the title can repeat it; the length test saves a tokenisation.
    if title and abs(len(line) - len(title)) <= len(title) // 4 + 2 and line_key(line) == line_key(title):
        return "repeated title"
    return None


def _is_name(name: str) -> bool:
    return not any(word.lower() in NOT_NAMES for word in name.split())


def take_outlet(lines: list[str], meta: TextMetadata) -> list[str]:
    """The outlet named by the text: the site suffix of the title, a "(CNN) --" credit opening
    the story (taken off its line), a copyright line. The lines, with the credit taken off."""
    title = meta.fields.get("title")
    site = TITLE_SITE.match(title) if title else None
    if site and len(words(site.group("site"))) <= TITLE_SITE_MAX_WORDS:
        meta.fields.setdefault("source", site.group("site").strip())
        meta.fields["title"] = site.group("title").strip()
    kept = list(lines)
    for index, line in enumerate(kept[:HEAD_LINES]):
        credit = DATELINE_CREDIT.match(line)
        if credit and len(words(line)) > len(words(credit.group(0))) + 3:
            meta.fields.setdefault("source", credit.group("outlet").strip())
            meta.removed.append((credit.group(0).strip(), "metadata: dateline credit"))
            kept[index] = (credit.group("place") or "").strip() + (" " if credit.group("place") else "")
            kept[index] += line[credit.end() :]
            kept[index] = kept[index].strip()
            break
    for line in kept:
        copyright_line = COPYRIGHT.match(line)
        if copyright_line and len(words(line)) <= 12:
            meta.fields.setdefault("source", copyright_line.group("outlet").strip())
            break
    return kept


def _take_title(lines: list[str], meta: TextMetadata) -> list[str]:
    """Without a known title, the headline: the nearest headline-like line above the main block
    of prose (menus and "Watch live" come before it on a rendered page), else the first short
    unpunctuated line."""
    if "title" in meta.fields:
        return lines
    first, _ = main_block(lines)
    above = range(max(first, 0) - 1, max(first - TITLE_ABOVE_BLOCK, 0) - 1, -1)
    candidates = [i for i in above if _looks_like_headline(lines[i])] + list(range(min(3, len(lines))))
    for index in candidates:
        line = lines[index]
        if _looks_like_title(line):
            meta.fields["title"] = line.strip()
            meta.removed.append((line, "metadata: title"))
            return _drop_repeats(lines[:index] + lines[index + 1 :], line, meta)
    return lines


def _looks_like_headline(line: str) -> bool:
    """A headline above the article: several words, no interface words, no date, no byline."""
    tokens = [token.lower() for token in words(line)]
    if not HEADLINE_MIN_WORDS <= len(tokens) <= MAX_TITLE_WORDS or line.rstrip().endswith((".", ":")):
        return False
    if set(tokens) & INTERFACE_WORDS or score_line(line, edge=0, repeated=False)[0] > HEADLINE_MAX_SCORE:
        return False
    return date_in_line(line) is None and not BYLINE.match(line)


def _looks_like_title(line: str) -> bool:
    count = len(words(line))
    return 2 <= count <= MAX_TITLE_WORDS and not line.rstrip().endswith((".", "!", "?", ":"))


def _drop_repeats(lines: list[str], title: str, meta: TextMetadata) -> list[str]:
    kept = []
    for line in lines:
        if line_key(line) == line_key(title):
            meta.removed.append((line, "repeated title"))
        else:
            kept.append(line)
    return kept
