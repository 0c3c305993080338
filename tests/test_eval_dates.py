"""`storylens eval dates` on a two-page folder in the layout of htmldate's evaluation set."""

from __future__ import annotations

from pathlib import Path

from storylens.evaluate.runner import Ticker, dates

BODY = " ".join(
    ["The council voted on Tuesday to close the old bridge after engineers found cracks in its supports."] * 4
)
PAGE = (
    "<html><head><title>Bridge closes</title></head><body><nav>Home</nav>"
    "<h1>Council closes the old bridge over the river</h1><p>Published 18 October 2021</p>"
    f"<article><p>{BODY}</p><p>{BODY}</p></article></body></html>"
)


def test_dates_scores_both_paths_and_counts_a_date_on_an_undated_page_as_false(tmp_path: Path) -> None:
    (tmp_path / "test_set").mkdir()
    (tmp_path / "test_set" / "a.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "test_set" / "b.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "eval_mediacloud_2020.json").write_text(
        '{"https://news.example/a": {"file": "a.html", "date": "2021-10-18"},'
        ' "https://news.example/b": {"file": "b.html", "date": NaN}}',
        encoding="utf-8",
    )
    table = dates(tmp_path, None, Ticker())
    rows = {(row[0], row[1]): row[2:] for row in table.rows}
    plain = "storylens plain-text path (page rendered to text)"
    assert rows[(plain, "dev")] == [1, 1.0, 0, 0]  # a.html: the date line above the prose
    assert rows[(plain, "test")] == [1, 0.0, 1, 0]  # b.html has no gold date: a date is false
