"""`storylens eval` on a tiny dataset written here, and its messages for a wrong path or format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from storylens.cli import app

pytest.importorskip("sumy", reason="install storylens[eval]")
pytest.importorskip("rouge_score", reason="install storylens[eval]")


def _multinews(path: Path) -> Path:
    wire = (EXAMPLES / "01_meridian_wire.txt").read_text(encoding="utf-8").split("\n", 3)[3]
    harbor = json.loads((EXAMPLES / "05_harbor_times.json").read_text(encoding="utf-8"))["text"]
    context = (
        "Passage 1:\n"
        + wire.replace("\n", " NEWLINE_CHAR ")
        + "\nPassage 2:\n"
        + harbor.replace("\n", " NEWLINE_CHAR ")
    )
    reference = (
        "Robert Hallam resigned as head of the Northern Rail Authority three days after a derailment "
        "near Aldbridge injured 42 people; the minister promised an inquiry."
    )
    path.write_text(
        json.dumps({"context": context, "answers": [reference], "_id": "x1"}) + "\n", encoding="utf-8"
    )
    return path


def test_eval_summaries_prints_every_system(tmp_path: Path) -> None:
    data = _multinews(tmp_path / "multi_news.jsonl")
    out = tmp_path / "table.json"
    result = CliRunner().invoke(app, ["eval", "summaries", "--data", str(data), "--json", str(out)])
    assert result.exit_code == 0, result.output
    table = json.loads(out.read_text(encoding="utf-8"))
    systems = [row[0] for row in table["rows"]]
    assert systems[0] == "storylens" and len(systems) == 9
    assert sum("top 30 in document order" in name for name in systems) == 3  # one per sumy method
    assert all(0 < row[2] <= 100 for row in table["rows"])  # every system overlaps the reference


def test_sumy_top_sentences_keep_document_order_and_the_budget() -> None:
    from storylens.evaluate.summaries import sentences_of, sumy_summarizer

    documents = [
        " ".join(f"Sentence {i} tells of the harbour fire and the ferries {i}." for i in range(40)),
        "The ferry company said it would rebuild. The harbour reopened on Friday.",
    ]
    summary = sumy_summarizer("LexRank", 30)(documents, 50)
    assert len(summary.split()) == 50
    flat = [s for doc in sentences_of(documents) for s in doc]
    positions = [flat.index(s) for s in flat if s in summary]
    assert positions == sorted(positions)


def test_eval_names_a_wrong_path_or_format(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["eval", "summaries", "--data", str(tmp_path / "nope.jsonl")])
    # The message wraps at the terminal's width, wherever the temporary path puts the break.
    assert missing.exit_code == 2 and "no such file" in " ".join(missing.output.split())
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"something": 1}\n', encoding="utf-8")
    wrong = runner.invoke(app, ["eval", "summaries", "--data", str(bad)])
    assert wrong.exit_code == 2 and "not a Multi-News record" in " ".join(wrong.output.split())
    assert runner.invoke(app, ["eval", "nosuchtask", "--data", str(bad)]).exit_code == 2


def test_similarity_and_paraphrase_readers_check_their_format(tmp_path: Path) -> None:
    from storylens.errors import InputError
    from storylens.evaluate import paraphrase, similarity

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="SemEval-2022 Task 8"):
        similarity.read_pairs(wrong)
    with pytest.raises(InputError, match="not an MSRP file"):
        paraphrase.read_pairs(wrong)
    good = tmp_path / "pairs.csv"
    good.write_text(
        "lang1,lang2,text1,text2,Overall\n"
        "en,en,Rail chief resigns after crash,Rail boss quits after derailment,1.0\n"
        "de,en,Bahnchef tritt zurück,Rail boss quits,1.0\n"
        "en,en,Rail chief resigns after crash,Local bakery wins a prize,4.0\n",
        encoding="utf-8",
    )
    pairs = similarity.read_pairs(good)
    assert list(pairs.overall) == [1.0, 4.0]  # English-English pairs only
    assert similarity.pearson_with_overall(similarity.tfidf_cosine(pairs), pairs.overall) == pytest.approx(
        1.0
    )


def test_extraction_reader_names_a_wrong_folder(tmp_path: Path) -> None:
    from storylens.errors import InputError
    from storylens.evaluate.extraction import read_pages

    with pytest.raises(InputError, match=r"ground-truth\.json"):
        read_pages(tmp_path)
    (tmp_path / "ground-truth.json").write_text('{"k": {"articleBody": "x"}}', encoding="utf-8")
    with pytest.raises(InputError, match="scrapinghub benchmark layout"):
        read_pages(tmp_path)  # the page file is missing


def test_reuse_and_support_readers_check_their_format(tmp_path: Path) -> None:
    from storylens.errors import InputError
    from storylens.evaluate.reuse import read_corpus
    from storylens.evaluate.support import read_examples

    with pytest.raises(InputError, match="no such file"):
        read_corpus(tmp_path)
    (tmp_path / "file_information.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="File, Task, Category"):
        read_corpus(tmp_path)
    bad = tmp_path / "summedits_news.json"
    bad.write_text('[{"doc": "x"}]', encoding="utf-8")
    with pytest.raises(InputError, match="not a SummEdits file"):
        read_examples(bad)


def test_timelines_reader_names_a_wrong_folder(tmp_path: Path) -> None:
    from storylens.errors import InputError
    from storylens.evaluate.timelines import read_topics

    with pytest.raises(InputError, match="no topic folders"):
        read_topics(tmp_path)
    (tmp_path / "topic").mkdir()
    with pytest.raises(InputError, match="not a Timeline17 topic folder"):
        read_topics(tmp_path)
