"""JSON and JSON Lines: one article per object, fields found by configurable names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import orjson

from storylens.config import IngestSettings
from storylens.errors import InputError
from storylens.model import Failure, Raw


def _first(record: dict[str, Any], names: tuple[str, ...], origin: str) -> str | None:
    """The first of the fields `names` that holds text; a field holding something other than
    text (or a list of texts, joined) is refused by name rather than read as a Python repr."""
    for name in names:
        value = record.get(name)
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = ", ".join(item for item in value if item)
        if value is None or value == "":
            continue
        if not isinstance(value, str):
            raise InputError(origin, f"the field {name!r} holds {_json_type(value)}, not text")
        return value
    return None


def _json_type(value: Any) -> str:
    """How a JSON value is named in a message, with a short sample of it."""
    if isinstance(value, bool):
        kind = "true/false"
    elif isinstance(value, int | float):
        kind = "a number"
    elif isinstance(value, dict):
        kind = "an object"
    elif isinstance(value, list):
        kinds = sorted({_json_type(item).split(" (")[0] for item in value if not isinstance(item, str)})
        kind = f"a list with {' and '.join(kinds)} in it"
    else:
        kind = type(value).__name__
    sample = orjson.dumps(value).decode()
    return f"{kind} ({sample[:40] + '…' if len(sample) > 40 else sample})"


def raw_from_record(record: Any, origin: str, settings: IngestSettings) -> Raw:
    if not isinstance(record, dict):
        raise InputError(origin, f"expected a JSON object, found {_json_type(record)}")
    text = _first(record, settings.text_fields, origin)
    if text is None or not text.strip():
        raise InputError(
            origin,
            f"no article text: none of the fields {list(settings.text_fields)}"
            " holds text; name the field with --field text=NAME",
        )
    fmt = "html" if text.lstrip().startswith("<") else "text"
    return Raw(
        origin=origin,
        format=fmt,
        content=text,
        title=_first(record, settings.title_fields, origin),
        url=_first(record, settings.url_fields, origin),
        published=_first(record, settings.date_fields, origin),
        outlet=_first(record, settings.source_fields, origin),
        byline=_first(record, settings.author_fields, origin),
    )


def read_json(text: str, origin: str, settings: IngestSettings) -> Iterator[Raw | Failure]:
    """A .json file: one object, or a list of objects."""
    try:
        data = load_json_document(text)
    except RecursionError:
        yield Failure(origin, "ingest", "malformed JSON (nested too deeply)")
        return
    except ValueError as exc:
        if "\n{" in text.strip():  # several objects, one per line, in a .json file
            yield from read_json_lines(text, origin, settings)
            return
        yield Failure(origin, "ingest", f"malformed JSON ({exc}); fix the file or save it as .jsonl")
        return
    records = data if isinstance(data, list) else [data]
    if not records:
        yield Failure(origin, "ingest", "an empty JSON list: no articles in it")
    for number, record in enumerate(records, start=1):
        where = origin if len(records) == 1 else f"{origin}#{number}"
        yield _one(record, where, settings)


def load_json_document(text: str) -> Any:
    """A whole JSON file, parsed by the standard library: orjson holds about 14 times the text
    while it parses a long list (852 KB of records peaked at 12.4 MB), the standard parser about
    4 times. What orjson refuses is refused here too: NaN and Infinity, lone surrogates."""
    data = json.loads(text, parse_constant=_no_constant)
    if not _all_text_encodes(data):
        raise ValueError("a lone surrogate escape, which is no text")
    return data


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _all_text_encodes(data: Any) -> bool:
    """Every string of a parsed document (keys too) can be written as UTF-8."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def read_json_lines(text: str, origin: str, settings: IngestSettings) -> Iterator[Raw | Failure]:
    """A .jsonl file: a malformed line fails alone, the other lines are read."""
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if not lines:
        yield Failure(origin, "ingest", "the file is empty: no JSON lines in it")
    for number, line in lines:
        yield json_line(line, f"{origin}:{number}", settings)


def json_line(line: str | bytes, where: str, settings: IngestSettings) -> Raw | Failure:
    if len(line) > settings.max_bytes:
        limit = settings.max_bytes
        return Failure(where, "ingest", f"the line is {len(line):,} bytes, over the limit of {limit:,}")
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return Failure(where, "ingest", f"malformed JSON line ({exc})")
    return _one(record, where, settings)


def _one(record: Any, origin: str, settings: IngestSettings) -> Raw | Failure:
    try:
        return raw_from_record(record, origin, settings)
    except InputError as exc:
        return Failure(exc.origin, "ingest", exc.reason)
