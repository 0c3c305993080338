"""Numbers that facts hinge on: durations, ages, counts of things, percentages and money.

Each becomes a `Quantity` with a value in a common unit (durations in years), so that "nearly a
decade" and "five years" can be compared, and whether the source hedged ("nearly", "about").
"""

from __future__ import annotations

import calendar
import re

import pint

from storylens.model import Quantity

UNITS: pint.UnitRegistry = pint.UnitRegistry()

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "dozens": 24,
    "hundreds": 200,
    "thousands": 2000,
}
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
YEARS_PER_UNIT = {
    "decade": 10.0,
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / 8766,
    "minute": 1 / 525960,
    "century": 100.0,
}
HEDGES = (
    r"(?:nearly|almost|about|around|roughly|some|approximately|more than|over|at least|up to|"
    r"fewer than|less than|close to|just over|just under|an estimated)"
)
_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# an age is never "a" or "dozens" years old: "a three-year-old" is three
_AGE_WORD = "|".join(
    sorted((w for w in NUMBER_WORDS if w not in {"a", "an"} and not w.endswith("s")), key=len, reverse=True)
)
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{_NUMBER_WORD})(?:[- ]{_UNITS})?)"
_SCALE = r"(?:\s*(?:thousand|million|billion|trillion|bn|k|m)\b)?"
_DURATION_UNIT = r"(?P<unit>decades?|years?|months?|weeks?|days?|hours?|minutes?|centur(?:y|ies))"

DURATION = re.compile(
    # "80 minutes" and "a 77-minute news conference" alike
    rf"\b(?P<hedge>{HEDGES}\s+)?(?P<number>{_NUMBER}){_SCALE}(?:\s+|-){_DURATION_UNIT}"
    rf"(?P<tail>\s+or so)?\b",
    re.IGNORECASE,
)
AGE = re.compile(
    r"(?:,\s*(?P<age>\d{1,3})\s*,)|(?:\baged\s+(?P<aged>\d{1,3})\b)|"
    # "33-year-old", "a three-year-old son", "a two and a half year old child"
    rf"(?:\b(?P<old>\d{{1,3}}|(?:{_AGE_WORD})(?:[- ]{_UNITS})?)(?P<half>[- ]and[- ]a[- ]half)?"
    r"[- ]years?[- ]old\b)",
    re.IGNORECASE,
)
# Lengths and weights, converted with pint to metres and kilograms before they are compared.
MEASURE_UNITS = {
    "km": "kilometer",
    "kilometre": "kilometer",
    "kilometer": "kilometer",
    "mile": "mile",
    "foot": "foot",
    "feet": "foot",
    "ft": "foot",
    "metre": "meter",
    "meter": "meter",
    "yard": "yard",
    "inch": "inch",
    "kg": "kilogram",
    "kilogram": "kilogram",
    "kilo": "kilogram",
    "pound": "pound",
    "lb": "pound",
    "tonne": "metric_ton",
    "ton": "metric_ton",
}
MEASURE = re.compile(
    rf"\b(?P<hedge>{HEDGES}\s+)?(?P<number>{_NUMBER})(?P<scale>\s*(?:thousand|million|billion)\b)?"
    r"(?:\s*|-)(?P<unit>kilomet(?:re|er)s?|km|miles?|feet|foot|ft|met(?:re|er)s?|yards?|inch(?:es)?|"
    r"kilograms?|kilos?|kg|pounds?|lbs?|tonnes?|tons?)\b"
    # a speed or a rate ("20 miles a day", "450,000 miles per hour") is no length
    r"(?!\s*(?:per|an?\s+(?:hour|day|week|year|second|minute)|/))",
    re.IGNORECASE,
)
PERCENT = re.compile(
    rf"\b(?P<hedge>{HEDGES}\s+)?(?P<number>\d+(?:\.\d+)?)\s*(?:%|per ?cent\b)", re.IGNORECASE
)
MONEY = re.compile(
    rf"(?P<hedge>{HEDGES}\s+)?(?P<currency>[$€£¥])\s?(?P<number>\d[\d,]*(?:\.\d+)?)"
    rf"(?P<scale>{_SCALE})",
    re.IGNORECASE,
)
COUNT = re.compile(
    # not the minutes of "07:40" or the decimals of "4.5": a count starts a number of its own
    rf"(?<![\d:.,])\b(?P<hedge>{HEDGES}\s+)?(?P<number>{_NUMBER})(?P<scale>{_SCALE})"
    r"(?P<tail>\s+or so)?\s+(?:of\s+(?:the\s+)?)?(?P<noun>[a-z]+)",
    re.IGNORECASE,
)
# Words after a number that make it a date, time or position rather than a count of something.
NOT_COUNTED = {
    "am",
    "pm",
    "percent",
    "per",
    "o",
    "of",
    "and",
    "or",
    "to",
    "in",
    "on",
    "at",
    "the",
    "a",
    "th",
    "st",
    "nd",
    "rd",
    # durations used as date offsets ("three days after") are dates, not counts
    "day",
    "days",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "decade",
    "decades",
    "hour",
    "hours",
    "minute",
    "minutes",
}


def parse_number(text: str) -> float | None:
    cleaned = text.lower().replace(",", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        pass
    parts = re.split(r"[- ]", cleaned)
    values = [NUMBER_WORDS.get(part) for part in parts]
    if any(value is None for value in values):
        return None
    return float(sum(value for value in values if value is not None))


def _scaled(value: float, scale: str | None) -> float:
    return value * SCALES.get((scale or "").strip().lower(), 1.0)


def find_quantities(article_id: str, text: str) -> tuple[Quantity, ...]:
    """Durations, ages, percentages, money and counts in `text`, without overlaps."""
    found: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], value: float, unit: str, approximate: bool) -> None:
        if any(match.start() < end and start < match.end() for start, end in taken):
            return
        taken.append((match.start(), match.end()))
        found.append(
            Quantity(article_id, match.start(), match.end(), match.group(0).strip(), value, unit, approximate)
        )

    for match in DURATION.finditer(text):
        if _is_date_offset(text, match):
            continue
        number = parse_number(match.group("number"))
        if number is not None:
            unit = match.group("unit").lower().rstrip("s").replace("centurie", "century")
            add(
                match,
                number * YEARS_PER_UNIT[unit],
                "years",
                bool(match.group("hedge") or match.group("tail")),
            )
    for match in AGE.finditer(text):
        age = parse_number(match.group("age") or match.group("aged") or match.group("old"))
        if age is not None:
            add(match, age + (0.5 if match.group("half") else 0.0), "age", False)
    for match in MEASURE.finditer(text):
        _add_measure(match, add)
    for match in PERCENT.finditer(text):
        add(match, float(match.group("number")), "percent", bool(match.group("hedge")))
    for match in MONEY.finditer(text):
        value = _scaled(float(match.group("number").replace(",", "")), match.group("scale"))
        add(match, value, match.group("currency"), bool(match.group("hedge")))
    for match in COUNT.finditer(text):
        _add_count(match, add)
    return tuple(sorted(found, key=lambda quantity: quantity.start))


OFFSET_AFTER = re.compile(r"[\s-]+(?:old|ago|earlier|later|before|after)\b", re.IGNORECASE)
SPAN_BEFORE = re.compile(r"\b(?:for|lasted|lasting|spent|took|after|within)\s+$", re.IGNORECASE)


def _is_date_offset(text: str, match: re.Match[str]) -> bool:
    """ "three days after the crash" dates an event and "58 years old" is an age; but "for 14
    hours before a deal" is still a span of time."""
    if not OFFSET_AFTER.match(text, match.end()):
        return False
    return not SPAN_BEFORE.search(text[max(0, match.start() - 12) : match.start()])


def _add_measure(match: re.Match[str], add) -> None:  # type: ignore[no-untyped-def]
    number = parse_number(match.group("number"))
    if number is None or match.group("number").lower() in {"a", "an"}:
        return
    unit = _measure_unit(match.group("unit"))
    if unit is None:
        return
    amount = _scaled(number, match.group("scale")) * UNITS(unit)
    base = amount.to_base_units()
    dimension = "length" if base.check("[length]") else "mass"
    add(match, float(base.magnitude), dimension, bool(match.group("hedge")))


def _measure_unit(word: str) -> str | None:
    """pint's name for a unit as written: "km", "miles", "feet", "inches" (None for others)."""
    word = word.lower()
    for key in (word, word.removesuffix("s"), word.removesuffix("es")):
        if key in MEASURE_UNITS:
            return MEASURE_UNITS[key]
    return None


# Plural number words are estimates: "hundreds of people" says more than 100, not 200.
VAGUE_NUMBERS = frozenset({"dozens", "hundreds", "thousands", "several"})
PRONOUNS = frozenset({"them", "us", "those", "these", "whom", "which", "it"})


def _add_count(match: re.Match[str], add) -> None:  # type: ignore[no-untyped-def]
    noun = match.group("noun").lower()
    if noun in PRONOUNS:
        return
    number = parse_number(match.group("number"))
    if (
        number is None
        or noun in NOT_COUNTED
        or _measure_unit(noun) is not None  # a length or weight is a measure, not a count
        or noun in CALENDAR_WORDS
        or _is_clock_or_year(match.group("number"))
    ):
        return
    if match.group("number").lower() in {"a", "an"}:
        return  # "a bridge" is an article, not a count
    if LABEL_BEFORE.search(match.string[max(0, match.start() - 20) : match.start()]):
        return  # "priority one gunshot wounds", "Category 4 storm": a grade or a name, not a count
    add(
        match,
        _scaled(number, match.group("scale")),
        _singular(noun),
        bool(match.group("hedge") or match.group("tail")) or match.group("number").lower() in VAGUE_NUMBERS,
    )


# A number after one of these words names a grade, a rank or an item, it counts nothing.
LABEL_BEFORE = re.compile(
    r"\b(?:priority|category|level|grade|phase|stage|tier|class|type|number|no\.|round|chapter|"
    r"section|article|gate|terminal|platform|route|flight|room|ward|district|division|channel)\s+$",
    re.IGNORECASE,
)
# "3 March", "14 Nov": a day of a month, not three of something.
CALENDAR_WORDS = frozenset(
    name.lower() for name in (*calendar.month_name, *calendar.month_abbr, *calendar.day_name, "sept") if name
)


def _is_clock_or_year(number: str) -> bool:
    return ":" in number or bool(re.fullmatch(r"(?:19|20)\d{2}", number))


def _singular(noun: str) -> str:
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith("s") and not noun.endswith("ss"):
        return noun[:-1]
    return noun
