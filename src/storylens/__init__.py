"""storylens: turn a pile of news articles into a faithful, source-cited briefing.

import storylens
result = storylens.brief(["articles/"])
html = storylens.to_html(result)
"""

from __future__ import annotations

import importlib
from typing import Any

from storylens.config import Settings, load_settings
from storylens.errors import InputError, StorylensError
from storylens.model import SCHEMA_VERSION, Briefing, BriefingSet

# The pipeline pulls in trafilatura, dateparser, scikit-learn and more; it is imported on first
# use, so that `storylens --help`, `storylens serve` and `import storylens.model` start fast.
_LAZY = {
    "brief": "storylens.pipeline",
    "brief_articles": "storylens.pipeline",
    "read_inputs": "storylens.ingest",
    "screen_articles": "storylens.pipeline",
    "to_html": "storylens.render",
    "to_json": "storylens.render",
    "to_markdown": "storylens.render",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'storylens' has no attribute {name!r}")


__version__ = "0.1.0"
__all__ = [
    "SCHEMA_VERSION",
    "Briefing",
    "BriefingSet",
    "InputError",
    "Settings",
    "StorylensError",
    "brief",
    "brief_articles",
    "load_settings",
    "read_inputs",
    "screen_articles",
    "to_html",
    "to_json",
    "to_markdown",
]
