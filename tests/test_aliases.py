"""Alias merging floor on the project's mention sets, and the cases that must stay apart."""

from __future__ import annotations

from conftest import FIXTURES

from storylens.annotate.names import acronym_of, same_person, strip_title
from storylens.evaluate.aliases import evaluate, read_sets


def test_alias_fixture_floor() -> None:
    sets = read_sets(FIXTURES / "aliases.jsonl")
    assert len(sets) >= 30
    score, _ = evaluate(sets)
    assert score.f1 >= 0.9
    assert score.precision >= 0.95  # merging two people is worse than missing an alias


def test_name_forms() -> None:
    assert strip_title("Defence Minister Jonas Brandt") == "Jonas Brandt"
    assert strip_title("Mr. Hallam") == "Hallam"
    assert same_person("Recep Tayyip Erdogan", "Erdoğan")
    assert same_person("Sergei Lavrov", "Sergey Lavrov")
    assert same_person("Kim Jong Un", "Kim Jong-un")
    assert same_person("Tony Blinken", "Antony Blinken")
    assert not same_person("Robert Hallam", "Roberta Hallam")
    assert not same_person("George W. Bush", "George H. W. Bush")
    assert not same_person("Kim Yo Jong", "Kim Jong Un")
    assert acronym_of("U.N.", "the United Nations")
    assert acronym_of("FBI", "Federal Bureau of Investigation")
    assert not acronym_of("NATO", "United Nations")
