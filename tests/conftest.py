from __future__ import annotations

import sys
from pathlib import Path

import pytest

from storylens.model import Briefing, BriefingSet
from storylens.pipeline import brief

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT / "bench"))  # the /proc helpers the kill benches and the tests share


@pytest.fixture(scope="session")
def example_result() -> BriefingSet:
    return brief([str(EXAMPLES)])


@pytest.fixture(scope="session")
def main_story(example_result: BriefingSet) -> Briefing:
    return max(example_result.briefings, key=lambda b: len(b.articles))


def outlet_ids(briefing: Briefing) -> dict[str, str]:
    """Outlet -> article id; the bundled outlets are unique."""
    return {article.outlet: article.id for article in briefing.articles}
