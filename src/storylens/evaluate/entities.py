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

A nationality word that ECB+ links to a person ("the 40-year-old American" for Tony Thompson) is
a description of that person, as "the actress" is, not a name of them: the who's who rightly keeps
"American" apart and typed NORP. Such mentions (a person's gold mention that spaCy types NORP,
see `is_description`) are left out of both scores, for every system alike, and counted apart.
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
# ECB+ classes of named participants and places, and the spaCy (OntoNotes) types that name each
# rightly. OntoNotes types named streets, parks and mountains' huts FAC, so every place class
# allows GPE, LOC and FAC; a named facility that is a place in the event ("Promises Treatment
# Center", a hospital, a prison) is an institution in OntoNotes, so ORG is right for it too.
ALLOWED_TYPES: dict[str, frozenset[str]] = {
    "HUMAN_PART_PER": frozenset({"PERSON"}),
    "HUMAN_PART_ORG": frozenset({"ORG", "NORP"}),
    "HUMAN_PART_GPE": frozenset({"GPE", "NORP"}),
    "LOC_GEO": frozenset({"GPE", "LOC", "FAC"}),
    "LOC_FAC": frozenset({"FAC", "ORG", "GPE", "LOC"}),
    "LOC_OTHER": frozenset({"GPE", "LOC", "FAC"}),
}


# Words that end the head of a gold mention: "the Betty Ford Center in Rancho Mirage, Calif"
# is headed by "Center", "to a small hut on Mount Sefton" by "hut" (closed-class prepositions).
PREPOSITIONS = frozenset(
    ["in", "on", "at", "near", "of", "from", "to", "into", "outside", "inside", "along", "alongside",
     "towards", "toward", "across", "by", "off", "over", "under", "between", "within", "around"]
)  # fmt: skip


@dataclass(frozen=True)
class GoldMention:
    start: int
    end: int
    text: str
    chain: str  # the cross-document instance id
    kind: str  # the ECB+ class, a key of ALLOWED_TYPES
    head_start: int  # the head word, which a system mention must cover to name this one
    head_end: int


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
        raise InputError(
            str(data), "no ECB+ documents (*/N_Xecb.xml) here; pass --data pointing at events/ecbplus"
        )
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
            head = _head(text, spans)
            mentions.append(GoldMention(start, end, text[start:end], chain, kind, *head))
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


def _head(text: str, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """The span of a mention's head: its last word before a comma, a bracket or a preposition
    that follows a first word ("at Betty Ford" -> "Ford", "Bush administration" ->
    "administration"), skipping a possessive ending ("Lohan's" -> "Lohan")."""
    words = [(s, e, text[s:e]) for s, e in spans]
    head = words[0]
    for index, (start, end, word) in enumerate(words):
        if index and (word in {",", "(", "-", "--"} or word in PREPOSITIONS):
            break
        if word not in {"'s", "'", "’s", "’"}:
            head = (start, end, word)
    return head[0], head[1]


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
    covers its head word and lies mostly inside it ("Newport Beach" names "in Newport Beach",
    "the Betty Ford Center" names "the Betty Ford Center in Rancho Mirage", but "Bush" does not
    name "the Bush administration"). A gold mention that no spaCy mention names (a pronoun, a
    description, a name the recogniser missed) is left out."""
    pairs = []
    used: set[int] = set()
    for mention in gold:
        for index, candidate in enumerate(found):
            overlap = min(mention.end, candidate.end) - max(mention.start, candidate.start)
            covers_head = candidate.start <= mention.head_start and mention.head_end <= candidate.end
            if covers_head and 2 * overlap >= candidate.end - candidate.start and index not in used:
                used.add(index)
                pairs.append((mention, index))
                break
    return pairs


@dataclass
class Scores:
    predicted: list[str]
    gold: list[str]
    typed_right: list[bool]
    descriptions: int = 0  # aligned gold mentions left out as descriptions (see is_description)

    def row(self) -> list[float]:
        score: PRF = bcubed(self.predicted, self.gold)
        types = sum(self.typed_right) / len(self.typed_right) if self.typed_right else 0.0
        return [score.precision, score.recall, score.f1, types]


def is_description(gold: GoldMention, mention: Mention, text: str, name_words: set[str]) -> bool:
    """A person's gold mention that the recogniser types as a nationality, religious or political
    group ("the American", "a Democrat") and whose head word is no word of the names of that person
    (`name_words`: the words of the chain's mentions typed PERSON): a description, not a name.
    "Klitschko" typed NORP stays scored, since "Wladimir Klitschko" names the same chain."""
    head = text[gold.head_start : gold.head_end].lower()
    return gold.kind == "HUMAN_PART_PER" and mention.label == "NORP" and head not in name_words


def chain_name_words(
    documents: Sequence[Document], found: dict[str, tuple[Mention, ...]]
) -> dict[str, set[str]]:
    """Lowercase words of each chain's mentions that the recogniser types PERSON, over a topic."""
    words: dict[str, set[str]] = defaultdict(set)
    for document in documents:
        for gold, local in aligned(document.mentions, found[document.name]):
            if found[document.name][local].label == "PERSON":
                words[gold.chain].update(found[document.name][local].text.lower().split())
    return words


def score_topic(
    documents: Sequence[Document], found: dict[str, tuple[Mention, ...]], merger: Merger, into: Scores
) -> None:
    """Merge one topic's spaCy mentions and add its aligned gold mentions to `into` (descriptions
    by nationality or group aside: counted in `into.descriptions`)."""
    mentions = [m for d in documents for m in found[d.name]]
    labels = merger(mentions)
    index_of = {(m.article_id, m.start): i for i, m in enumerate(mentions)}
    name_words = chain_name_words(documents, found)
    for document in documents:
        for gold, local in aligned(document.mentions, found[document.name]):
            mention = found[document.name][local]
            if is_description(gold, mention, document.text, name_words[gold.chain]):
                into.descriptions += 1
                continue
            entity, label = labels[index_of[(mention.article_id, mention.start)]]
            into.predicted.append(f"{document.topic}/{entity}")
            into.gold.append(gold.chain)
            into.typed_right.append(label in ALLOWED_TYPES[gold.kind])


SYSTEMS: dict[str, Merger] = {
    "storylens who's who (merge_entities)": storylens_merge,
    "exact string match (baseline)": key_merge(exact_string),
    "last-token match (baseline)": key_merge(last_token),
}


def by_topic(documents: Sequence[Document]) -> dict[int, list[Document]]:
    topics: dict[int, list[Document]] = defaultdict(list)
    for document in documents:
        topics[document.topic].append(document)
    return dict(sorted(topics.items()))


def score_split(
    topics: dict[int, list[Document]], found: dict[str, tuple[Mention, ...]], merger: Merger, even: bool
) -> Scores:
    """Scores of one system over the even (test) or odd (tuning) topics, each merged as one story."""
    scores = Scores([], [], [])
    for topic, documents in topics.items():
        if (topic % 2 == 0) == even:
            score_topic(documents, found, merger, scores)
    return scores


def gold_count(documents: Iterable[Document]) -> int:
    return sum(len(d.mentions) for d in documents)
