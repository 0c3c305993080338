"""Cleaning rules for pages rendered to text: where the article ends, repeated copies, teasers
cut short and Chinese or Japanese prose. Each rule that removes something has a test that a real
sentence of the same shape stays."""

from __future__ import annotations

from storylens.clean import clean_one
from storylens.clean.boilerplate import ends_sentence, judge_lines, main_block, words
from storylens.model import Raw

ARTICLE = [
    "The regional council voted on Tuesday to close the old quarry road for the whole winter season.",
    "Drivers will be sent through the valley instead, adding about twenty minutes to the journey.",
    "The council said the road had been damaged by three landslides since the start of October.",
    "Residents of the upper village said they had asked for repairs for more than two years now.",
    "A spokesman said the work would be put out to tender early next year, once surveys are done.",
    "The decision will be reviewed at the council's March meeting, when the surveys are complete.",
]
# What sites print after an article: share buttons, a "Related" header, tags, then teasers.
WIDGETS = ["Share this article", "Tweet", "Comments", "Related stories", "Local", "Roads", "Weather"]
TEASERS = [
    "Bakery wins national prize for its rye bread",
    "The small family bakery on Mill Street has won a national prize for its rye bread, its third.",
    "School opens new science wing after two years of work",
    "Pupils moved into the new science wing on Monday after two years of building work and delays.",
    "Festival returns to the harbour this summer",
    "The folk festival will return to the harbour in July after a break of four years, its organisers said.",
    "Library extends its opening hours in the evening",
    "The town library will stay open until nine in the evening from next month, the council announced today.",
    "Ferry timetable changes for the winter months",
    "The island ferry will run four times a day instead of six from November until the end of February.",
    "Hospital car park to be rebuilt next spring",
    "The hospital's main car park will be rebuilt next spring, with two hundred more spaces for visitors.",
]


def _kept(lines: list[str]) -> list[str]:
    return [v.text for v in judge_lines(lines, set(), 0.5) if v.reason == "kept"]


def test_teasers_after_a_gap_of_page_widgets_are_not_the_article() -> None:
    kept = _kept(["Home", "News", *ARTICLE, *WIDGETS, *TEASERS])
    assert kept[: len(ARTICLE)] == ARTICLE
    assert not set(TEASERS) & set(kept)


def test_a_short_break_inside_the_article_does_not_end_it() -> None:
    # An advertisement slot and a caption between paragraphs: the article goes on after them.
    lines = [
        *ARTICLE[:3],
        "Advertisement",
        "The road above the quarry (Photo: Jane Roe/Valley Times)",
        "Advertisement",
        *ARTICLE[3:],
    ]
    assert set(ARTICLE) <= set(_kept(lines))


def test_a_second_part_of_prose_is_kept_when_the_first_is_a_stray_paragraph() -> None:
    stray = ["A cookie notice tells you that this site uses cookies to work properly, as they all do."]
    lines = [*stray, *WIDGETS, *ARTICLE, "Share"]
    first, last = main_block(lines)
    assert lines[first : last + 1] == ARTICLE


def test_a_paragraph_printed_twice_is_kept_once() -> None:
    lines = [*ARTICLE[:3], "Photo", *ARTICLE[:3], *ARTICLE[3:]]
    kept = _kept(lines)
    assert kept == ARTICLE


def test_a_short_line_said_twice_stays_twice() -> None:
    # A refrain or a one-word answer may rightly recur; only long paragraphs are copies.
    lines = [ARTICLE[0], "No.", ARTICLE[1], "No.", ARTICLE[2]]
    assert _kept(lines).count("No.") == 2


def test_a_teaser_cut_short_is_no_sentence_but_an_ellipsis_in_a_quote_is() -> None:
    assert not ends_sentence("Council closes quarry road for the winter after three landslides...")
    assert not ends_sentence("Council closes quarry road for the winter after three landslides…")
    assert ends_sentence('"We will wait and see..." the mayor said.')
    assert ends_sentence('She paused: "And then, well..."')


def test_chinese_and_japanese_characters_count_as_words() -> None:
    assert len(words("今回はその話。")) == 6
    assert words("Kindle for PC") == ["Kindle", "for", "PC"]
    assert ends_sentence("今回はそのキンドルに関する話。")


def test_a_japanese_article_rendered_to_text_is_kept() -> None:
    prose = [
        "キンドルの書籍を読む場合は、一般的にスマホやタブレットなどの端末で読むことが多いと思います。",
        "そんな用途を考慮してか、デスクトップ用のアプリが用意されています。今回はそのアプリに関する話です。",
        "設定で変更できる箇所も少なく、融通が効かない面も多々あります。特に困ったのが起動の設定です。",
    ]
    page = "\n".join(["サイトマップ", "お問い合わせ", *prose, "プライバシーポリシー"])
    article = clean_one(Raw(origin="page.txt", format="text", content=page))
    assert article.text.split("\n\n") == prose
