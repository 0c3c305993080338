"""Rendering: HTML is self-contained and never runs article text; JSON follows the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest

from storylens.model import SCHEMA_VERSION, BriefingSet
from storylens.pipeline import brief
from storylens.render import to_html, to_json, to_markdown

HOSTILE = """date: 2026-11-17
source: Evil <b>Outlet</b>
Hallam quits <script>alert('title')</script>

Robert Hallam resigned on Tuesday <script>alert('xss')</script> after the derailment near Aldbridge that injured 42 people.

Critics posted <img src=x onerror="alert('img')"> and <a href="javascript:alert(1)">links</a> in the comments, but the authority said the inquiry would go ahead as planned.

The minister said on Monday that the report would be published by the end of the year [link](javascript:alert(2)).
"""


@pytest.fixture(scope="module")
def hostile_result(tmp_path_factory: pytest.TempPathFactory) -> BriefingSet:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    return brief([str(folder)])


def test_article_text_never_becomes_markup(hostile_result: BriefingSet) -> None:
    html = to_html(hostile_result)
    tree = lxml.html.fromstring(html)
    assert tree.xpath("//script") == []
    assert tree.xpath("//img") == []
    for element in tree.iter():
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name} on <{element.tag}>"
            assert not value.strip().lower().startswith("javascript:")
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html  # shown as text


def test_html_is_self_contained_with_a_strict_policy(example_result: BriefingSet) -> None:
    html = to_html(example_result)
    tree = lxml.html.fromstring(html)
    assert not tree.xpath("//link[@rel='stylesheet'] | //script[@src] | //img[@src]")
    policy = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in policy


def test_every_citation_link_has_a_target(example_result: BriefingSet) -> None:
    tree = lxml.html.fromstring(to_html(example_result))
    ids = set(tree.xpath("//@id"))
    links = tree.xpath("//a[starts-with(@href, '#')]/@href")
    assert links
    assert all(link[1:] in ids for link in links)
    cited = tree.xpath("//ol[@class='summary']//a[@class='cite']/@href")
    for href in cited:
        target = tree.get_element_by_id(href[1:])
        assert "sent" in target.get("class", "")


def test_markdown_escapes_markup(hostile_result: BriefingSet) -> None:
    markdown = to_markdown(hostile_result)
    # CommonMark shows a backslash-escaped "<" as text, never as raw HTML.
    assert re.search(r"(?<!\\)<", markdown) is None
    assert "\\[link\\]" in markdown or "link" not in markdown


def test_json_is_versioned_and_spans_are_valid(example_result: BriefingSet, tmp_path: Path) -> None:
    data = json.loads(to_json(example_result))
    assert data["schema_version"] == SCHEMA_VERSION
    for briefing in data["briefings"]:
        texts = {a["id"]: a["text"] for a in briefing["articles"]}
        for line in briefing["summary"]:
            span = line["citations"][0]
            assert texts[span["article_id"]][span["start"] : span["end"]] == line["text"]
        for conflict in briefing["conflicts"]:
            for side in ("first", "second"):
                span = conflict[side]
                assert texts[span["article_id"]][span["start"] : span["end"]]
        assert {
            "story",
            "summary",
            "claims",
            "conflicts",
            "timeline",
            "quotes",
            "entities",
            "derivations",
            "articles",
        } <= set(briefing)
