"""Metadata written into plain text (date, source and byline lines, credits, the title).

These lines are not article prose, but they are not junk either: they are captured as fields of
the article and recorded as removed, so nothing the user gave is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import dateparser

from storylens.clean.boilerplate import line_key, words

KEY_VALUE = re.compile(
    r"^\s*(date|published|updated|source|outlet|site|title|headline|author|byline|url|link)\s*:\s*(.+?)\s*$",
    re.IGNORECASE,
)
BYLINE = re.compile(
    r"^\s*by\s+([A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|&|de|van|von)){0,5})"
    r"\s*(?:[|,•·-].*)?$",
    re.IGNORECASE,
)
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


@dataclass
class TextMetadata:
    fields: dict[str, str] = field(default_factory=dict)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (line, reason)


def parse_date(value: str) -> datetime | None:
    """A publication date from an ISO string or any common written form; None for text with no
    digit in it ("NaN", "unknown", "yesterday": nothing that dates an article reproducibly)."""
    if len(value) > MAX_DATE_CHARS or not any(ch.isdigit() for ch in value):
        return None
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
    return _take_title(kept, meta), meta


def _metadata_reason(line: str, position: int, meta: TextMetadata) -> str | None:
    in_head = position < HEAD_LINES
    match = KEY_VALUE.match(line)
    if in_head and match:
        name = FIELD_NAMES.get(match.group(1).lower(), match.group(1).lower())
        meta.fields.setdefault(name, match.group(2))
        return f"metadata: {name}"
    if in_head and "date" not in meta.fields and is_date_line(line):
        meta.fields["date"] = line.strip()
        return "metadata: date"
    byline = BYLINE.match(line)
    if byline and len(words(line)) <= 12:
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


def _take_title(lines: list[str], meta: TextMetadata) -> list[str]:
    """Without a known title, the first short unpunctuated line is the headline."""
    if "title" in meta.fields:
        return lines
    for index, line in enumerate(lines[:3]):
        if _looks_like_title(line):
            meta.fields["title"] = line.strip()
            meta.removed.append((line, "metadata: title"))
            return _drop_repeats(lines[:index] + lines[index + 1 :], line, meta)
    return lines


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
