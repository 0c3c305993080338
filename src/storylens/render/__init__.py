"""Render: a briefing set as JSON (versioned schema), Markdown, one self-contained HTML file, or a
short terminal view."""

from __future__ import annotations

import functools
from typing import Any

import jinja2
import orjson

from storylens.model import BriefingSet, to_dict
from storylens.render import views
from storylens.render.text import print_terminal, to_markdown
from storylens.sanitize import path_text

SCHEMA_URL = "https://github.com/storylens/storylens/blob/main/docs/schema.md"


def to_json(result: BriefingSet) -> bytes:
    """The briefing as UTF-8 JSON; a text that cannot be UTF-8 (a lone surrogate from a file
    name that was not) is written with U+FFFD in its place rather than failing the output."""
    data: dict[str, Any] = {"schema": SCHEMA_URL, **to_dict(result)}
    try:
        return orjson.dumps(data, option=orjson.OPT_INDENT_2)
    except TypeError:
        return orjson.dumps(_encodable(data), option=orjson.OPT_INDENT_2)


def _encodable(value: Any) -> Any:
    if isinstance(value, str):
        return path_text(value)
    if isinstance(value, dict):
        return {_encodable(key): _encodable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_encodable(item) for item in value]
    return value


@functools.cache
def environment() -> jinja2.Environment:
    # Autoescape everywhere: article text is untrusted, and the HTML must never run it.
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("storylens.render", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        anchor=views.anchor,
        excerpt=views.excerpt,
        outlets=views.outlets,
        segments=views.article_segments,
        disputed=views.disputed_anchors,
        graph=views.provenance_graph,
        roles=views.article_roles,
        kind_name=views.kind_name,
        spin=views.spin_evidence,
        wordings=views.speaker_wordings,
        cue_word=views.cue_word,
        heading=views.story_heading,
        headline_origin=views.headline_origin,
        day_without_year=views.day_without_year,
    )
    return env


def to_html(result: BriefingSet, title: str = "storylens briefing") -> str:
    return environment().get_template("briefing.html.j2").render(result=result, title=title)


__all__ = ["print_terminal", "to_html", "to_json", "to_markdown"]
