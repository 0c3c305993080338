"""Cleaning: boilerplate removal is a general method, metadata is captured, nothing is lost."""

from __future__ import annotations

from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.clean import clean_batch, clean_one, split_paragraphs
from storylens.clean.boilerplate import judge_lines, repeated_lines
from storylens.model import Raw


def _clean_fixture(name: str):  # type: ignore[no-untyped-def]
    path = FIXTURES / name
    return clean_one(Raw(origin=str(path), format="text", content=path.read_text(encoding="utf-8")))


def test_unseen_boilerplate_is_removed_and_prose_kept() -> None:
    # Written after the scorer and never used to tune it: different widgets, different wording.
    article = _clean_fixture("harbour_fire.txt")
    for junk in (
        "Listen to this article",
        "Advertisement",
        "Image: Smoke",
        "Click here",
        "Related stories",
        "Trending now",
        "Copyright 2025",
    ):
        assert junk not in article.text
    assert article.text.count("\n\n") == 4  # the five paragraphs of the report
    assert article.title == "Warehouse fire closes Port Hemlin for second day"
    assert article.published is not None and article.published.date().isoformat() == "2025-05-12"


def test_a_short_quote_paragraph_inside_the_body_is_kept() -> None:
    text = (
        "Ministers met on Friday to discuss the budget for the coming year in the capital.\n"
        '"We will not back down," she said.\n'
        "The talks will continue next week, officials said, after a long day of meetings."
    )
    article = clean_one(Raw(origin="t.txt", format="text", content=text))
    assert "We will not back down" in article.text


def test_lines_repeated_across_a_batch_are_templates() -> None:
    body = "The council approved the new budget on Tuesday after a debate lasting seven hours."
    raws = [
        Raw(
            origin=f"{i}.txt",
            format="text",
            content=f"Valley Gazette Daily Edition\n{body} Item {i} of the agenda passed too.",
        )
        for i in range(3)
    ]
    articles, failures = clean_batch(raws)
    assert not failures
    for article in articles:
        assert "Valley Gazette Daily Edition" not in article.text


def test_too_little_text_is_a_failure_not_an_article() -> None:
    articles, failures = clean_batch([Raw(origin="x.txt", format="text", content="Share this\nLog in")])
    assert not articles and "words of article text" in failures[0].reason


def test_hard_wrapped_paragraphs_are_joined() -> None:
    wrapped = (
        "The committee published its report on Thursday, calling for a\n"
        "complete review of the safety rules that apply to rail bridges\n"
        "across the northern network before the end of the year."
    )
    assert split_paragraphs(wrapped) == [" ".join(wrapped.split())]


line = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=0, max_size=80)


@settings(max_examples=200, deadline=None)
@given(st.lists(line, min_size=1, max_size=12))
def test_every_line_is_kept_or_recorded_as_removed(lines: list[str]) -> None:
    lines = [" ".join(item.split()) for item in lines if item.strip()]
    verdicts = judge_lines(lines, repeated_lines([lines]), 0.5)
    assert [v.text for v in verdicts] == lines
    assert all(0.0 <= v.score <= 1.0 for v in verdicts)


PROSE = (
    "The mayor said the bridge would reopen in June after repairs costing 2 million euros.",
    "Officials said on Monday that traffic would be diverted through the town centre for weeks.",
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                PROSE[0],
                "Share this article",
                "Watch live",
                "Photo: A. Person / Agency",
                PROSE[1],
                "Read more",
                "By Jane Smith",
                "date: 2024-06-01",
            ]
        ),
        min_size=2,
        max_size=10,
    )
)
def test_clean_never_drops_a_line_silently(lines: list[str]) -> None:
    raw = Raw(origin="p.txt", format="text", content="\n".join(lines))
    articles, failures = clean_batch([raw])
    if not set(lines) & set(PROSE):
        # only widgets, credits and metadata: refused, and the reason says so
        assert not articles and "words of article text after cleaning" in failures[0].reason
        return
    assert not failures, failures  # one sentence of prose (15 words) is an article
    article = articles[0]
    removed = [r.text for r in article.removed]
    for item in lines:
        assert item in article.text or item in removed or item == article.title
    assert all(sentence in article.text for sentence in set(lines) & set(PROSE))


BRIDGE = [
    "The council voted on Tuesday to close the old bridge after engineers found cracks in its supports.",
    "Repairs are expected to take most of the year, and a ferry will carry commuters across meanwhile.",
    "Residents said the closure would add an hour to their journeys, and shop owners feared for their trade.",
]


def test_readers_comments_after_the_article_are_removed() -> None:
    comments = [
        "34 responses to “Bridge closes”",
        "riverfan says:",
        "November 19, 2019 at 6:34 am",
        "This is the worst decision the council has made in years, and everyone in town knows it by now.",
        "joe says:",
        "Finally someone is doing something about that bridge before it falls into the river for good.",
    ]
    article = clean_one(
        Raw(origin="t.txt", format="text", content="\n".join(["Bridge closes", *BRIDGE, *comments]))
    )
    assert "worst decision" not in article.text and "Finally someone" not in article.text
    assert all(line in article.text for line in BRIDGE)
    assert any(r.reason == "readers' comments" for r in article.removed)


def test_a_comments_button_in_a_share_bar_does_not_end_the_article() -> None:
    lines = ["Bridge closes", "Facebook", "Twitter", "Comments", "Print", *BRIDGE]
    article = clean_one(Raw(origin="t.txt", format="text", content="\n".join(lines)))
    assert all(line in article.text for line in BRIDGE)


def test_a_most_read_list_is_not_prose() -> None:
    lines = [
        "Bridge closes",
        *BRIDGE,
        "Vikings come back to beat the Broncos (145)",
        "Week 12 power rankings (133)",
    ]
    article = clean_one(Raw(origin="t.txt", format="text", content="\n".join(lines)))
    assert "(145)" not in article.text and "(133)" not in article.text


def _kept_and_removed(extra: list[str], position: int = 2) -> tuple[str, dict[str, str]]:
    lines = ["Bridge closes", *BRIDGE]
    lines[position:position] = extra
    article = clean_one(Raw(origin="t.txt", format="text", content="\n\n".join(lines)))
    return article.text, {r.text: r.reason for r in article.removed}


def test_captions_credits_footers_embeds_and_disclaimers_are_removed() -> None:
    furniture = [
        "The old bridge seen from the east bank on Monday. (AP Photo/Jane Roe)",
        "Read all the Latest News, Breaking News and Coronavirus News here",
        "pic.twitter.com/abc123",
        "— Jane Roe (@janeroe) October 18, 2021",
        "Twitter/JaneRoe",
        "Disclaimer: The views expressed are the author's own and do not reflect those of the paper.",
        "What happens next",
    ]
    text, removed = _kept_and_removed(furniture)
    for line in furniture:
        assert line not in text and line in removed, line
    assert all(line in text for line in BRIDGE)


def test_a_short_sentence_between_prose_paragraphs_is_prose_even_when_repeated() -> None:
    short = "Syria denies the allegation."
    raws = [
        Raw(
            origin=f"{i}.txt",
            format="text",
            content="\n".join(["Bridge closes", BRIDGE[0], short, BRIDGE[1]]),
        )
        for i in range(3)
    ]
    articles, _ = clean_batch(raws)
    assert all(short in article.text for article in articles)


def test_a_sentence_broken_after_an_initial_stays_one_line() -> None:
    assert split_paragraphs("Former football star O.J.\nSimpson was granted parole on Thursday.") == [
        "Former football star O.J. Simpson was granted parole on Thursday."
    ]
    assert split_paragraphs("Share this\narticle:\ndate: 2024-06-01") == [
        "Share this",
        "article:",
        "date: 2024-06-01",
    ]


def test_teasers_after_a_related_header_at_the_end_of_a_long_article_are_removed() -> None:
    body = [
        f"{line} Paragraph {n} of the report goes on with more detail." for n in range(8) for line in BRIDGE
    ]
    teaser = "Another town reopened its bridge last spring after a year of repairs and protests by residents."
    lines = ["Bridge closes", *body, "Related stories", teaser]
    article = clean_one(Raw(origin="t.txt", format="text", content="\n\n".join(lines)))
    assert teaser not in article.text and body[-1] in article.text
    short = clean_one(
        Raw(origin="t.txt", format="text", content="\n\n".join(["Bridge closes", *BRIDGE, "Related", teaser]))
    )
    assert all(line in short.text for line in BRIDGE)
