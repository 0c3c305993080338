"""Quote attribution floor on the project's quote fixture (figures in docs/benchmarks.md)."""

from __future__ import annotations

from conftest import FIXTURES

from storylens.evaluate.quotes import read_cases, run_case


def test_quote_attribution_floor() -> None:
    cases = read_cases(FIXTURES / "quotes.jsonl")
    assert len(cases) >= 40
    outcomes = [run_case(case) for case in cases]
    assert sum(o.correct for o in outcomes) / len(outcomes) >= 0.9
