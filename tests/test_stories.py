"""Story grouping in small piles (background word frequencies) and its weighting invariants."""

from __future__ import annotations

from datetime import datetime

import numpy as np
from conftest import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from storylens.evaluate import streams
from storylens.model import Article
from storylens.stories import group_stories
from storylens.stories.vectors import background_share, smoothed_idf, word_counts

PILE = FIXTURES / "small_pile"
# Four reports of a resignation over two days, and a council vote on the same people weeks before.
DATES = {
    "01_courier_resigns": datetime(2026, 2, 3, 18),
    "02_herald_steps_down": datetime(2026, 2, 3, 20),
    "03_wire_resignation": datetime(2026, 2, 3, 16),
    "04_gazette_prosecutors": datetime(2026, 2, 4, 12),
    "05_herald_shipyard_homes": datetime(2026, 1, 12, 19),
}


def small_pile(dated: bool = True) -> list[Article]:
    articles = []
    for path in sorted(PILE.glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n\n")
        published = DATES[path.stem] if dated else None
        articles.append(
            Article(
                id=path.stem,
                text=text,
                title=title,
                outlet="",
                origin=path.name,
                format="text",
                published=published,
            )
        )
    return articles


def test_an_older_event_about_the_same_people_gets_its_own_story() -> None:
    stories = group_stories(small_pile())
    assert [set(s.article_ids) for s in stories] == [
        {"01_courier_resigns", "02_herald_steps_down", "03_wire_resignation", "04_gazette_prosecutors"},
        {"05_herald_shipyard_homes"},
    ]


def test_common_words_weigh_less_than_rare_ones_in_a_pile_of_five() -> None:
    """With five documents the pile's own counts cannot tell "said" from "dredging"; the background
    frequencies can."""
    texts = [f"{a.title}\n{a.text}" for a in small_pile()]
    counts = word_counts(texts)
    document_frequency = np.bincount(counts.indices, minlength=counts.shape[1])
    idf = smoothed_idf(document_frequency, len(texts), 1, background_share())
    said, dredging = word_counts(["said", "dredging"]).indices
    assert document_frequency[said] >= document_frequency[dredging]
    assert idf[said] < idf[dredging]


def test_background_share_is_a_share() -> None:
    share = background_share()
    assert share.min() >= 0.0
    assert share.max() < 1.0
    said, dredging = word_counts(["said", "dredging"]).indices
    assert share[said] > share[dredging] > 0.0


@settings(max_examples=60, deadline=None)
@given(
    documents=st.integers(min_value=1, max_value=10_000),
    frequencies=st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=20),
    backgrounds=st.lists(st.floats(min_value=0.0, max_value=0.999), min_size=2, max_size=20),
)
def test_weight_falls_as_a_term_gets_commoner(
    documents: int, frequencies: list[int], backgrounds: list[float]
) -> None:
    """In the pile or in general English, a commoner term never weighs more, and no weight is negative."""
    size = min(len(frequencies), len(backgrounds))
    df = np.minimum(np.sort(frequencies[:size]), documents)
    background = np.sort(np.array(backgrounds[:size], dtype=np.float32))
    both_rising = smoothed_idf(df, documents, 1, background)
    assert np.all(np.diff(both_rising[df > 0]) <= 1e-5)
    assert np.all(both_rising >= 0.0)
    same_df = smoothed_idf(np.full(size, df[-1]), documents, 1, background)
    assert np.all(np.diff(same_df) <= 1e-5)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "The council voted on the harbour budget on Monday.",
                "Prosecutors searched the offices of the dredging company.",
                "A storm closed the ferry line for two days.",
                "The mayor resigned after an audit of a contract.",
                "Fishermen protested against the new quotas.",
            ]
        ),
        min_size=1,
        max_size=12,
    ),
    st.lists(st.integers(min_value=0, max_value=400), min_size=12, max_size=12),
)
def test_every_article_is_in_exactly_one_story(texts: list[str], days: list[int]) -> None:
    articles = [
        Article(
            id=f"a{i}",
            text=f"{text} {text}",
            title="",
            outlet="",
            origin=f"a{i}",
            format="text",
            published=datetime(2026, 1, 1) + (datetime(2026, 1, 2) - datetime(2026, 1, 1)) * days[i],
        )
        for i, text in enumerate(texts)
    ]
    stories = group_stories(articles)
    ids = [a for s in stories for a in s.article_ids]
    assert sorted(ids) == sorted(a.id for a in articles)
    identical = {
        a.id for a in articles if a.text == articles[0].text and a.published == articles[0].published
    }
    assert any(identical <= set(s.article_ids) for s in stories)  # copies of one report stay together


def test_pairwise_scores_count_only_labelled_pairs() -> None:
    articles = tuple(small_pile())
    ids = [a.id for a in articles]
    pile = streams.Pile(
        "toy",
        articles,
        tuple(ids),
        ("all",) * 5,
        {(ids[0], ids[1]): True, (ids[0], ids[4]): False, (ids[2], ids[3]): True},
    )
    score = streams.pairwise([0, 0, 1, 2, 0], pile)  # one right, one wrong, one missed
    assert (score.precision, score.recall) == (0.5, 0.5)


def test_timeline_gold_judges_close_pairs_of_a_topic_and_all_pairs_across_topics() -> None:
    day = datetime(2026, 1, 1)
    articles = tuple(
        Article(
            id=str(i),
            text="x",
            title="",
            outlet="",
            origin=str(i),
            format="text",
            published=day.replace(day=d),
        )
        for i, d in enumerate([1, 3, 25, 2])
    )
    pile = streams.Pile("toy", articles, ("a", "a", "a", "b"), ("s1", "s1", "s1", "s2"))
    # pairs judged: (0,1) same story; (0,3), (1,3), (2,3) different; (0,2), (1,2) too far apart
    scores = streams.pairwise_by_stream([0, 0, 0, 1], pile)
    assert scores["all"].precision == 1.0 and scores["all"].recall == 1.0
    merged = streams.pairwise_by_stream([0, 0, 0, 0], pile)
    assert merged["all"].precision == 0.25
    assert merged["s2"].recall == 0.0 and merged["s2"].precision == 0.0
