"""Date expressions resolved to calendar values with a precision.

Absolute dates ("17 November 2026", "Nov 17", "2026-11-17") are parsed by dateparser. Relative
ones are resolved here, because their anchor is news-specific: weekday names and "last week" count
back from the publication date (news reports the past unless the sentence says otherwise), and
"two days earlier" counts from the date mentioned just before it in the text.

A date written without its year ("Nov. 28", "28 November") takes the year that puts it nearest
before the publication date (after it when the sentence speaks of the future). Without a
publication date it takes its year from `year_anchor` (the story's newest dated article, given by
the timeline stage), and without either it is left out: the clock's year is never a guess.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import dateparser

from storylens.annotate.quantities import NUMBER_WORDS as QUANTITY_WORDS
from storylens.model import DateMention, DatePrecision

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
# Counts in "two days earlier", "a few weeks ago": the quantity words plus vague counts.
NUMBER_WORDS = {**QUANTITY_WORDS, "a few": 3, "several": 3, "a couple of": 2}

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_COUNT = (
    r"(?:\d+|a couple of|a few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve)"
)
PATTERNS = [
    ("iso", r"\b\d{4}-\d{2}-\d{2}\b"),
    ("day_month_year", rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\s*,?\s+\d{{4}}\b"),
    ("month_day_year", rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\s*,\s*\d{{4}}\b"),
    ("month_day", rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?!\s*,?\s*\d)"),
    ("day_month", rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?!\s*,?\s*\d{{4}})"),
    ("month_year", rf"\b{_MONTH}\s+\d{{4}}\b"),
    (
        "month",
        rf"\b(?:(?P<month_mod>last|next|this|in|early|late|mid-?|since|until|by)\s+){_MONTH}"
        rf"(?!\s*\d)",
    ),
    ("weekday", rf"\b(?:(?P<weekday_mod>last|next|this|on)\s+)?{_WEEKDAY}\b"),
    (
        "offset",
        rf"\b(?P<count>{_COUNT})\s+(?P<unit>days?|weeks?|months?|years?)\s+"
        r"(?P<direction>earlier|later|before|after|ago|previously)\b",
    ),
    ("named_day", r"\b(?:today|yesterday|tomorrow|tonight)\b"),
    (
        "period",
        r"\b(?P<period_mod>last|this|next|earlier this|later this)\s+"
        r"(?P<period_unit>week|month|year)\b",
    ),
    ("year_end", r"\b(?:by\s+)?the\s+end\s+of\s+(?:the|this)\s+year\b"),
    ("year", r"\b(?:in|since|by|from|until|of|during)\s+(?P<year_value>(?:19|20)\d{2})\b"),
]
DATE_RE = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in PATTERNS), re.IGNORECASE)
FUTURE_CUES = re.compile(
    r"\b(?:will|shall|is due|are due|is expected|are expected|plans? to|"
    r"scheduled|is set to|are set to|next|until|till|due to reopen|postponed to)\b",
    re.IGNORECASE,
)
# A bare month name also reads as a verb or a name ("may", "march"); require a capital letter.
AMBIGUOUS_MONTHS = {"may", "march", "mar", "jan", "june", "july", "aug", "sept", "oct", "dec"}


def find_dates(
    article_id: str, text: str, published: date | None, year_anchor: date | None = None
) -> tuple[DateMention, ...]:
    """Every date expression in `text`, resolved against `published` (relative ones need it).
    `year_anchor` (used only when `published` is None) dates expressions that lack nothing but
    their year; the other relative forms ("on Tuesday", "yesterday") need `published` itself."""
    found: list[DateMention] = []
    anchor = published
    for match in DATE_RE.finditer(text):
        try:
            resolved = _resolve(match, text, published, anchor, year_anchor)
        except (ValueError, OverflowError):  # "5,000 years ago": outside the calendar's range
            resolved = None
        if resolved is None:
            continue
        value, precision, relative = resolved
        found.append(
            DateMention(article_id, match.start(), match.end(), match.group(0), value, precision, relative)
        )
        anchor = value
    return tuple(found)


def _resolve(
    match: re.Match[str],
    text: str,
    published: date | None,
    anchor: date | None,
    year_anchor: date | None = None,
) -> tuple[date, DatePrecision, bool] | None:
    kind = next(name for name, _ in PATTERNS if match.group(name) is not None)
    expression = match.group(0)
    future = bool(FUTURE_CUES.search(_sentence_around(text, match.start())))
    if kind in {"month_day", "day_month"}:
        return _without_year(expression, published or year_anchor, future)
    if kind in {"iso", "day_month_year", "month_day_year"}:
        return _absolute(expression)
    if kind == "month_year":
        return _month_year(expression)
    if kind == "year":  # "in 2019" names its year: no anchor needed
        return date(int(match.group("year_value")), 1, 1), DatePrecision.YEAR, False
    if published is None:
        return None  # every other form is relative to the publication date
    resolver = _RELATIVE[kind]
    return resolver(match, published, anchor or published, future)


def _absolute(expression: str) -> tuple[date, DatePrecision, bool] | None:
    """A date written with its year; dateparser reads the written forms."""
    settings: dict[str, object] = {"REQUIRE_PARTS": ["day", "month", "year"]}
    parsed = dateparser.parse(expression, languages=["en"], settings=settings)
    return (parsed.date(), DatePrecision.DAY, False) if parsed else None


MONTH_DAY = re.compile(r"([^\W\d_]+)\.?\s+(\d{1,2})|(\d{1,2})(?:st|nd|rd|th)?\s+([^\W\d_]+)")


def _without_year(
    expression: str, base: date | None, future: bool
) -> tuple[date, DatePrecision, bool] | None:
    """ "Nov. 28" in the year that puts it nearest before `base` (after it, for the future); None
    without a base, and for a day the month does not have."""
    found = MONTH_DAY.search(expression)
    if base is None or found is None:
        return None
    name, number = (found.group(1), found.group(2)) if found.group(1) else (found.group(4), found.group(3))
    month = MONTHS.get(name.lower())
    if month is None:
        return None
    for year in (base.year, base.year + 1) if future else (base.year, base.year - 1):
        try:
            candidate = date(year, month, int(number))
        except ValueError:  # 29 February outside a leap year, 31 April
            continue
        if (candidate >= base) if future else (candidate <= base):
            return candidate, DatePrecision.DAY, True
    return None


def _month_year(expression: str) -> tuple[date, DatePrecision, bool] | None:
    name, year = expression.rsplit(maxsplit=1)
    month = MONTHS.get(name.rstrip(".").lower())
    return (date(int(year), month, 1), DatePrecision.MONTH, False) if month else None


def _month(
    match: re.Match[str], published: date, anchor: date, future: bool
) -> tuple[date, DatePrecision, bool] | None:
    modifier = (match.group("month_mod") or "").lower()
    name = match.group("month").split()[-1].rstrip(".")
    if name.lower() in AMBIGUOUS_MONTHS and not name[0].isupper():
        return None
    month = MONTHS[name.lower()]
    year = published.year
    if modifier == "next" or (future and modifier not in {"last", "since"}):
        year += month < published.month
    elif modifier == "last" or month > published.month:
        year -= month >= published.month if modifier == "last" else 1
    return date(year, month, 1), DatePrecision.MONTH, True


def _weekday(
    match: re.Match[str], published: date, anchor: date, future: bool
) -> tuple[date, DatePrecision, bool]:
    modifier = (match.group("weekday_mod") or "").lower()
    target = WEEKDAYS[match.group("weekday").split()[-1].lower()]
    back = (published.weekday() - target) % 7
    if modifier == "next" or (future and modifier != "last"):
        forward = (target - published.weekday()) % 7 or 7
        return published + timedelta(days=forward), DatePrecision.DAY, True
    if modifier == "last" and back == 0:
        back = 7
    return published - timedelta(days=back), DatePrecision.DAY, True


def _offset(
    match: re.Match[str], published: date, anchor: date, future: bool
) -> tuple[date, DatePrecision, bool]:
    raw_count = match.group("count").lower()
    count = int(raw_count) if raw_count.isdigit() else NUMBER_WORDS.get(raw_count, 1)
    unit = match.group("unit").lower().rstrip("s")
    direction = match.group("direction").lower()
    base = published if direction == "ago" else anchor
    # "two days later" is the anchor plus two days; but in "resigned on Tuesday, three days after
    # the crash" the words date the crash, three days before the anchor ("before" the reverse).
    sign = 1 if direction in {"later", "before"} else -1
    return _shift(base, unit, sign * count), _precision_of(unit), True


def _shift(base: date, unit: str, amount: int) -> date:
    if unit == "day":
        return base + timedelta(days=amount)
    if unit == "week":
        return base + timedelta(weeks=amount)
    if unit == "month":
        months = base.year * 12 + base.month - 1 + amount
        return date(months // 12, months % 12 + 1, 1)
    return date(base.year + amount, 1, 1)


def _precision_of(unit: str) -> DatePrecision:
    return {"day": DatePrecision.DAY, "week": DatePrecision.WEEK, "month": DatePrecision.MONTH}.get(
        unit, DatePrecision.YEAR
    )


def _named_day(
    match: re.Match[str], published: date, anchor: date, future: bool
) -> tuple[date, DatePrecision, bool]:
    offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
    return published + timedelta(days=offsets[match.group(0).lower()]), DatePrecision.DAY, True


def _period(
    match: re.Match[str], published: date, anchor: date, future: bool
) -> tuple[date, DatePrecision, bool]:
    modifier = match.group("period_mod").lower()
    unit = match.group("period_unit").lower()
    step = {"last": -1, "next": 1}.get(modifier, 0)
    if unit == "week":
        monday = published - timedelta(days=published.weekday())
        return monday + timedelta(weeks=step), DatePrecision.WEEK, True
    if unit == "month":
        return _shift(date(published.year, published.month, 1), "month", step), DatePrecision.MONTH, True
    return date(published.year + step, 1, 1), DatePrecision.YEAR, True


def _year_end(
    match: re.Match[str], published: date, anchor: date, future: bool
) -> tuple[date, DatePrecision, bool]:
    return date(published.year, 12, 1), DatePrecision.MONTH, True


def _year(
    match: re.Match[str], published: date, anchor: date, future: bool
) -> tuple[date, DatePrecision, bool]:
    return date(int(match.group("year_value")), 1, 1), DatePrecision.YEAR, False


_RELATIVE = {
    "month": _month,
    "weekday": _weekday,
    "offset": _offset,
    "named_day": _named_day,
    "period": _period,
    "year_end": _year_end,
    "year": _year,
}


def _sentence_around(text: str, position: int) -> str:
    start = max(text.rfind(". ", 0, position), text.rfind("\n", 0, position), 0)
    end_candidates = [i for i in (text.find(". ", position), text.find("\n", position)) if i >= 0]
    return text[start : min(end_candidates) if end_candidates else len(text)]
