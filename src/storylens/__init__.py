"""storylens: turn a pile of news articles into a faithful, source-cited briefing.

import storylens
result = storylens.brief(["articles/"])
html = storylens.to_html(result)
"""

from storylens.config import Settings, load_settings
from storylens.errors import InputError, StorylensError
from storylens.ingest import read_inputs
from storylens.model import SCHEMA_VERSION, Briefing, BriefingSet
from storylens.pipeline import brief, brief_articles
from storylens.render import to_html, to_json, to_markdown

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
    "to_html",
    "to_json",
    "to_markdown",
]
