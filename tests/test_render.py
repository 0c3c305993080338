"""Rendering: HTML is self-contained and never runs article text; JSON follows the schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import markupsafe
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from storylens.model import (
    SCHEMA_VERSION,
    Article,
    Briefing,
    BriefingSet,
    Quote,
    QuoteKind,
    Sentence,
    Span,
    Story,
)
from storylens.pipeline import brief
from storylens.render import print_terminal, to_html, to_json, to_markdown
from storylens.render.text import _md
from storylens.sanitize import without_controls

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
    """Rendered by a CommonMark renderer that passes raw HTML through (as many viewers do), the
    hostile text shows as text, and no element or link comes from it."""
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": True}).render(to_markdown(hostile_result))
    tree = lxml.html.fromstring(html)
    assert tree.xpath("//script | //img | //a | //b") == []
    text = " ".join(tree.text_content().split())
    assert "<script>alert('xss')</script> after the derailment" in text
    assert "<img src=x onerror=\"alert('img')\">" in text
    assert "[link](javascript:alert(2))" in text
    assert "Evil <b>Outlet</b>" in text


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


# A story written by hand, so that the quotes section can be checked whatever the quote finder
# finds: a direct quote whose speaker is written as a pronoun, a reported statement, an
# unresolved speaker and an unattributed quote.
QUOTED = (
    "Elizabeth Warren spoke in Boston on Monday. "
    "“We will win this fight,” she said. "
    "The senator said that the bill would pass before the summer. "
    "The minister said the vote would be close. "
    "“Nobody knows what happens next,” a banner read."
)


def _span(text: str, words: str, article_id: str = "a1") -> Span:
    start = text.index(words)
    return Span(article_id, start, start + len(words))


def _quoted_result(text: str = QUOTED, pronoun: str = "she", written: tuple[str, ...] = ()) -> BriefingSet:
    article = Article("a1", text, "Warren in Boston", "Boston Ledger", "a1.txt", "text")
    sentences = tuple(
        Sentence("a1", index, match.start(), match.end(), match.group())
        for index, match in enumerate(re.finditer(r"[^.]+[.]", text))
    )
    quotes = (
        Quote(
            "We will win this fight",
            "Elizabeth Warren",
            (_span(text, "We will win this fight"),),
            (),
            QuoteKind.DIRECT,
            (pronoun, *written),
            (_span(text, pronoun),),
        ),
        Quote(
            "the bill would pass before the summer",
            "Elizabeth Warren",
            (_span(text, "the bill would pass before the summer"),),
            (),
            QuoteKind.INDIRECT,
            ("The senator",),
            (_span(text, "The senator"),),
            (_span(text, "said that"),),  # the cue, shown before reported words ("said that")
        ),
        Quote(
            "the vote would be close",
            None,
            (_span(text, "the vote would be close"),),
            (),
            QuoteKind.INDIRECT,
            ("The minister",),
            (_span(text, "The minister"),),
        ),
        Quote("Nobody knows what happens next", None, (_span(text, "Nobody knows what happens next"),), ()),
    )
    story = Story("s1", ("a1",), "Warren", None, None)
    briefing = Briefing(story, (), (), (), (), quotes, (), (), (article,), sentences)
    return BriefingSet((briefing,), ())


def _quote_rows(html: str) -> list[lxml.html.HtmlElement]:
    return list(lxml.html.fromstring(html).xpath("//table[@class='quotes']//tr[contains(@class, 'quote')]"))


def test_quotes_show_the_person_and_the_speaker_as_written() -> None:
    html = to_html(_quoted_result())
    tree = lxml.html.fromstring(html)
    direct, reported, unresolved, unattributed = _quote_rows(html)
    assert direct.xpath("td[@class='speaker']")[0].text_content() == "Elizabeth Warren"
    link = direct.xpath("td[@class='written']/a[@class='as-written']")[0]
    assert link.text_content() == "“she”"
    target = tree.get_element_by_id(link.get("href")[1:])  # the sentence, with the pronoun marked
    assert "sent" in target.get("class") and target.xpath("mark[@class='speaker']/text()") == ["she"]
    assert reported.xpath("td[@class='written']")[0].text_content() == "“The senator”"
    cells = [td.text_content() for td in unresolved.xpath("td")]
    assert cells[:2] == ["unresolved", "“The minister”"]
    cells = [td.text_content() for td in unattributed.xpath("td")]
    assert cells[:3] == ["unattributed", "", "“Nobody knows what happens next”"]


def test_reported_speech_is_never_put_in_quotation_marks() -> None:
    result = _quoted_result()
    labels = []
    for row in _quote_rows(to_html(result))[1:3]:
        words = row.xpath("td[@class='words']")[0].text_content()
        labels.append(words.split(":")[0])
        assert not set(words) & set('“”"')
    assert labels == ["said that", "reported"]  # the source's own verb; "reported" where none was kept
    markdown = to_markdown(result)
    assert "- Elizabeth Warren — written as “she”: “We will win this fight” (Boston Ledger)" in markdown
    assert "Elizabeth Warren — written as “The senator”: said that: the bill would pass before" in markdown
    assert "“the bill would pass" not in markdown
    assert "- “The minister” (unresolved): reported: the vote would be close (Boston Ledger)" in markdown
    assert "- unattributed: “Nobody knows what happens next” (Boston Ledger)" in markdown


def test_the_terminal_view_names_the_speaker_as_written() -> None:
    console = Console(record=True, width=200)
    print_terminal(_quoted_result(), console)
    shown = console.export_text()
    assert "Elizabeth Warren — written as “she”: “We will win this fight”" in shown
    assert "“The minister” (unresolved): reported: the vote would be close" in shown


def test_hostile_speaker_text_is_escaped() -> None:
    hostile = "<script>alert('speaker')</script>"
    text = QUOTED.replace("she said", f"{hostile} said")
    result = _quoted_result(text, pronoun=hostile, written=("<img src=x onerror=alert(1)>",))
    html = to_html(result)
    tree = lxml.html.fromstring(html)
    assert tree.xpath("//script") == [] and tree.xpath("//img") == []
    assert "&lt;script&gt;alert(&#39;speaker&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert re.search(r"(?<!\\)<", to_markdown(result)) is None


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_every_speaker_as_written_appears_escaped(written: str) -> None:
    written = without_controls(written)  # as every text is once read (ingest drops them)
    result = _quoted_result(written=(written,))
    shown = " ".join(written.split())
    html = to_html(result)
    markdown = to_markdown(result)
    if shown:
        assert f"“{markupsafe.escape(shown)}”" in html
        assert f"“{_md(shown)}”" in markdown
    assert "<script" not in html.lower()  # the template has no script: one here came from the text


def test_json_stays_utf8_when_a_text_holds_a_lone_surrogate() -> None:
    from storylens.model import Failure

    result = BriefingSet(
        briefings=(), failures=(Failure("caf\udce9.txt", "ingest", "x\ud800y"),), stage_seconds=()
    )
    data = json.loads(to_json(result).decode("utf-8"))
    assert data["failures"] == [{"origin": "caf\ufffd.txt", "stage": "ingest", "reason": "x\ufffdy"}]
