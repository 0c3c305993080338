"""Who's who on ECB+: cross-document coreference of the named people, organisations and places.

ECB+ annotates participants and locations of events with cross-document chains (one instance id
per real-world entity across the documents of a topic). The who's who is measured where it runs in
the product: spaCy's mentions of every document of a topic go through `merge_entities` as one
story, and each gold mention that a spaCy mention names (see `aligned`) is scored by the entity its
spaCy mention landed in. Gold mentions that spaCy does not recognise (pronouns, descriptions, and
names it misses) are left out: they measure the recogniser, not the merging; the note of the
table says how many gold mentions were matched. Both baselines merge the very same mentions.

Type accuracy: the share of scored mentions whose entity's type (majority over its mentions) is
one of those allowed for the gold class (`ALLOWED_TYPES`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from storylens.errors import InputError
from storylens.evaluate.metrics import PRF, bcubed
from storylens.model import Entity, Mention

FILE = re.compile(r"^(?P<topic>\d+)_(?P<number>\d+)(?P<kind>ecbplus|ecb)\.xml$")
NO_SPACE_BEFORE = re.compile(r"^(?:[.,;:!?%)\]'’]|n't|'s|'d|'ll|'re|'ve|'m)$")
NO_SPACE_AFTER = re.compile(r"^[(\[$]$")
# ECB+ classes of named participants and places, and the spaCy types that name each rightly.
# A named facility that is a place in the event ("Promises Treatment Center", a hospital, a
# prison) is an institution in OntoNotes, so ORG is right for it as well as FAC.
ALLOWED_TYPES: dict[str, frozenset[str]] = {
    "HUMAN_PART_PER": frozenset({"PERSON"}),
    "HUMAN_PART_ORG": frozenset({"ORG", "NORP"}),
    "HUMAN_PART_GPE": frozenset({"GPE", "NORP"}),
    "LOC_GEO": frozenset({"GPE", "LOC"}),
    "LOC_FAC": frozenset({"FAC", "ORG", "GPE", "LOC"}),
    "LOC_OTHER": frozenset({"GPE", "LOC", "FAC"}),
}


@dataclass(frozen=True)
class GoldMention:
    start: int
    end: int
    text: str
    chain: str  # the cross-document instance id
    kind: str  # the ECB+ class, a key of ALLOWED_TYPES


@dataclass(frozen=True)
class Document:
    name: str
    topic: int
    text: str
    mentions: tuple[GoldMention, ...]


def read_documents(data: Path, limit: int | None = None) -> list[Document]:
    """The ECB+ documents under `data` (the ecbplus folder or its ECB+ folder), in file order;
    `limit` keeps the first topics only."""
    folder = data / "ECB+" if (data / "ECB+").is_dir() else data
    files = sorted(
        (p for p in folder.glob("*/*.xml") if FILE.match(p.name)),
        key=lambda p: (int(p.parent.name) if p.parent.name.isdigit() else 0, p.name),
    )
    if not files:
        raise InputError(str(data), "no ECB+ documents (*/N_Xecb.xml) here; pass --data pointing at events/ecbplus")
    documents = [_read_document(path) for path in files]
    if limit is not None:
        topics = sorted({d.topic for d in documents})[:limit]
        documents = [d for d in documents if d.topic in topics]
    return documents


def _read_document(path: Path) -> Document:
    match = FILE.match(path.name)
    assert match is not None
    try:
        root = etree.parse(str(path)).getroot()
    except etree.XMLSyntaxError as exc:
        raise InputError(str(path), f"not an ECB+ token file ({exc})") from exc
    # The ecbplus files carry the page's address as sentence 0: page furniture, not text.
    skip_first = match["kind"] == "ecbplus"
    text, offsets = _text_of(root.iter("token"), skip_first)
    chains = _chains(root)
    mentions = []
    markables = root.find("Markables")
    for markable in markables if markables is not None else ():
        kind, anchors = markable.tag, [a.get("t_id") for a in markable.iter("token_anchor")]
        chain = chains.get(markable.get("m_id", ""))
        spans = [offsets[t] for t in anchors if t in offsets]
        if kind in ALLOWED_TYPES and chain and spans:
            start, end = spans[0][0], spans[-1][1]
            mentions.append(GoldMention(start, end, text[start:end], chain, kind))
    return Document(path.name, int(match["topic"]), text, tuple(mentions))


def _text_of(tokens: Iterable[etree._Element], skip_first: bool) -> tuple[str, dict[str, tuple[int, int]]]:
    """The document text (tokens joined as written, one line per sentence) and each token's span."""
    parts: list[str] = []
    offsets: dict[str, tuple[int, int]] = {}
    length, sentence, previous = 0, None, ""
    for token in tokens:
        if skip_first and token.get("sentence") == "0":
            continue
        word = token.text or ""
        if sentence is not None and token.get("sentence") != sentence:
            gap = "\n"
        elif not parts or NO_SPACE_BEFORE.match(word) or NO_SPACE_AFTER.match(previous):
            gap = ""
        else:
            gap = " "
        parts.append(gap + word)
        offsets[token.get("t_id", "")] = (length + len(gap), length + len(gap) + len(word))
        length += len(gap) + len(word)
        sentence, previous = token.get("sentence"), word
    return "".join(parts), offsets


def _chains(root: etree._Element) -> dict[str, str]:
    """Cross-document instance id of each mention id in a cross-document chain."""
    chains = {}
    for relation in root.iter("CROSS_DOC_COREF"):
        for source in relation.iter("source"):
            chains[source.get("m_id", "")] = relation.get("note", "")
    return chains


# --- merging systems: each takes a topic's mentions and gives one label per mention -------------

Merger = Callable[[Sequence[Mention]], list[tuple[str, str]]]


def storylens_merge(mentions: Sequence[Mention]) -> list[tuple[str, str]]:
    """(entity id, entity type) of each mention, by the who's who of the product."""
    from storylens.annotate.entities import merge_entities

    return _labels_from_entities(mentions, merge_entities(mentions))


def _labels_from_entities(mentions: Sequence[Mention], entities: Iterable[Entity]) -> list[tuple[str, str]]:
    found = {(span.article_id, span.start): (e.id, e.label) for e in entities for span in e.mentions}
    # A mention the who's who drops as no name stands alone, with no type.
    return [found.get((m.article_id, m.start), (f"dropped:{i}", "")) for i, m in enumerate(mentions)]


def key_merge(key: Callable[[str], str]) -> Merger:
    """A baseline that merges mentions with the same key; a group's type is its majority label."""

    def merge(mentions: Sequence[Mention]) -> list[tuple[str, str]]:
        groups: dict[str, Counter[str]] = defaultdict(Counter)
        for mention in mentions:
            groups[key(mention.text)][mention.label] += 1
        return [(key(m.text), groups[key(m.text)].most_common(1)[0][0]) for m in mentions]

    return merge


def exact_string(text: str) -> str:
    return text


def last_token(text: str) -> str:
    words = text.split()
    return words[-1].lower() if words else ""


# --- alignment and scores -----------------------------------------------------------------------


def aligned(gold: Sequence[GoldMention], found: Sequence[Mention]) -> list[tuple[GoldMention, int]]:
    """Each gold mention paired with the index of the spaCy mention that names it: the one that
    overlaps it most, mostly inside it (so "Newport Beach" names "in Newport Beach", and "the
    Betty Ford Center" names "the Betty Ford Center in Rancho Mirage"). A gold mention that no
    spaCy mention names (a pronoun, a description, a name the recogniser missed) is left out."""
    pairs = []
    used: set[int] = set()
    for mention in gold:
        best, best_overlap = -1, 0
        for index, candidate in enumerate(found):
            overlap = min(mention.end, candidate.end) - max(mention.start, candidate.start)
            inside = 2 * overlap >= candidate.end - candidate.start
            if overlap > best_overlap and inside and index not in used:
                best, best_overlap = index, overlap
        if best >= 0:
            used.add(best)
            pairs.append((mention, best))
    return pairs


@dataclass
class Scores:
    predicted: list[str]
    gold: list[str]
    typed_right: list[bool]

    def row(self) -> list[float]:
        score: PRF = bcubed(self.predicted, self.gold)
        types = sum(self.typed_right) / len(self.typed_right) if self.typed_right else 0.0
        return [score.precision, score.recall, score.f1, types]


def score_topic(documents: Sequence[Document], found: dict[str, tuple[Mention, ...]], merger: Merger, into: Scores) -> None:
    """Merge one topic's spaCy mentions and add its aligned gold mentions to `into`."""
    mentions = [m for d in documents for m in found[d.name]]
    labels = merger(mentions)
    index_of = {(m.article_id, m.start): i for i, m in enumerate(mentions)}
    for document in documents:
        for gold, local in aligned(document.mentions, found[document.name]):
            mention = found[document.name][local]
            entity, label = labels[index_of[(mention.article_id, mention.start)]]
            into.predicted.append(f"{document.topic}/{entity}")
            into.gold.append(gold.chain)
            into.typed_right.append(label in ALLOWED_TYPES[gold.kind])
