"""Conflicts in the wording of two aligned sentences: one negates what the other states, or one
puts a different person, organisation or place in the same slot (or swaps two of them)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from storylens.model import ConflictKind, Entity, Mention, Sentence, Span

# "without" is left out: "left homes without power" and "homes lost power" agree.
NEGATION = re.compile(r"\b(?:not|never|no|none|nobody|nothing|neither|nor)\b|n[’']t\b", re.I)
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
AUXILIARIES = frozenset(
    [
        "be",
        "been",
        "being",
        "is",
        "are",
        "was",
        "were",
        "am",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "yet",
        "also",
        "ever",
        "even",
        "to",
        "a",
        "an",
        "the",
        "any",
    ]
)
STEM = 5  # "approve"/"approved"/"approval" share their first five letters
SLOT_WORDS = 2  # words either side of a mention that must match for "the same slot"
# Entity swaps are judged only between closely aligned sentences: a loosely aligned pair may
# name different people because it reports different facts.
SWAP_MIN_SIMILARITY = 0.55
# Two names in reversed order ("Spain defeated Italy" / "Italy defeated Spain") keep every word:
# the synthetic swaps score 1.0, while on the Multi-News dev clusters two sentences naming the
# same people in another order for another fact scored 0.60-0.68.
REVERSAL_MIN_SIMILARITY = 0.9
# A negated fact keeps the other words: the synthetic negations score 0.76-1.0; the negation
# false alarms of the Multi-News dev clusters (an imperative against a statement, two lines of a
# dialogue, a different claim about the same thing) scored 0.51-0.59.
NEGATION_MIN_SIMILARITY = 0.7
# A question asserts nothing, and a heading or fragment of a few words ("No regrets") has no
# fact to negate.
NEGATION_MIN_WORDS = 5
SWAP_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP"}


@dataclass(frozen=True)
class WordingConflict:
    kind: ConflictKind
    first: Span
    second: Span
    first_value: str
    second_value: str


def _stem(word: str) -> str:
    return word.lower()[:STEM]


INFLECTIONS = ("ings", "ing", "ions", "ion", "als", "al", "ed", "es", "s", "e", "d")


def _root(word: str) -> str:
    word = word.lower()
    for ending in INFLECTIONS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def same_word(first: str, second: str) -> bool:
    """One word in two inflections ("approve" / "approved" / "approval"), not two words that
    begin alike ("strong" / "strongman", "state" / "statement")."""
    return _root(first) == _root(second)


def negation_conflict(a: Sentence, b: Sentence, similarity: float) -> WordingConflict | None:
    """One sentence negates a word the other states plainly: "did not approve" / "approved"."""
    if similarity < NEGATION_MIN_SIMILARITY or not (_asserts(a.text) and _asserts(b.text)):
        return None
    cues_a, cues_b = list(NEGATION.finditer(a.text)), list(NEGATION.finditer(b.text))
    if bool(cues_a) == bool(cues_b):
        return None
    negated, plain, cues = (a, b, cues_a) if cues_a else (b, a, cues_b)
    plain_words = {_stem(m.group()): m for m in WORD.finditer(plain.text) if len(m.group()) >= 3}
    for cue in cues:
        target = _negated_word(negated.text, cue.end())
        if target is None or _stem(target.group()) not in plain_words:
            continue
        hit = plain_words[_stem(target.group())]
        if not same_word(target.group(), hit.group()):
            continue  # "not strong" says nothing of a "strongman"
        neg_span = Span(negated.article_id, negated.start + cue.start(), negated.start + target.end())
        plain_span = Span(plain.article_id, plain.start + hit.start(), plain.start + hit.end())
        neg_text = negated.text[cue.start() : target.end()]
        conflict = (neg_span, plain_span, neg_text, hit.group())
        if negated is b:
            conflict = (plain_span, neg_span, hit.group(), neg_text)
        return WordingConflict(ConflictKind.NEGATION, *conflict)
    return None


def _asserts(text: str) -> bool:
    """A statement: not a question, and long enough to state a fact."""
    return not text.rstrip(" \"'”’)]").endswith("?") and len(WORD.findall(text)) >= NEGATION_MIN_WORDS


def _negated_word(text: str, position: int) -> re.Match[str] | None:
    """The first content word within three words after a negation cue."""
    for count, word in enumerate(WORD.finditer(text, position)):
        if count >= 4:
            return None
        if word.group().lower() not in AUXILIARIES:
            return word
    return None


def entity_conflict(
    a: Sentence,
    b: Sentence,
    a_mentions: Sequence[tuple[Mention, Entity]],
    b_mentions: Sequence[tuple[Mention, Entity]],
    similarity: float,
) -> WordingConflict | None:
    """A different entity in the same slot ("led by Okafor" / "led by Osei"), or two entities in
    reversed order ("A defeated B" / "B defeated A", passives excepted)."""
    if similarity < SWAP_MIN_SIMILARITY:
        return None
    replaced = _replaced(a, b, a_mentions, b_mentions)
    if replaced is not None or similarity < REVERSAL_MIN_SIMILARITY:
        return replaced
    return _reversed(a, b, a_mentions, b_mentions)


def _replaced(
    a: Sentence,
    b: Sentence,
    a_mentions: Sequence[tuple[Mention, Entity]],
    b_mentions: Sequence[tuple[Mention, Entity]],
) -> WordingConflict | None:
    ids_a = {entity.id for _, entity in a_mentions}
    ids_b = {entity.id for _, entity in b_mentions}
    for mention_a, entity_a in a_mentions:
        if entity_a.id in ids_b:
            continue
        for mention_b, entity_b in b_mentions:
            if entity_b.id in ids_a or entity_b.label != entity_a.label:
                continue
            if one_name(entity_a, entity_b):
                continue  # "U.S." / "US", "Stephen Bogart" / "Humphrey Bogart": one party
            if _same_slot(a, mention_a, b, mention_b):
                return WordingConflict(
                    ConflictKind.ENTITY_SWAP,
                    Span(a.article_id, mention_a.start, mention_a.end),
                    Span(b.article_id, mention_b.start, mention_b.end),
                    entity_a.name,
                    entity_b.name,
                )
    return None


def one_name(a: Entity, b: Entity) -> bool:
    """Two who's-who entries that may name one party the merge kept apart: the same letters
    ("U.S." / "US", a name with a full stop), or, for people, one surname ("Vladimir Katriuk" /
    "Volodymyr Katriuk", "Stephen Bogart" / "Humphrey Bogart")."""
    letters_a, letters_b = _letters(a.name), _letters(b.name)
    if letters_a == letters_b:
        return True
    words_a, words_b = WORD.findall(a.name.lower()), WORD.findall(b.name.lower())
    return a.label == "PERSON" and bool(words_a and words_b) and words_a[-1] == words_b[-1]


def _letters(name: str) -> str:
    return "".join(WORD.findall(name.lower()))


def _context(sentence: Sentence, mention: Mention) -> tuple[tuple[str, ...], tuple[str, ...]]:
    before = [w.lower() for w in WORD.findall(sentence.text[: mention.start - sentence.start])]
    after = [w.lower() for w in WORD.findall(sentence.text[mention.end - sentence.start :])]
    return tuple(before[-SLOT_WORDS:]), tuple(after[:SLOT_WORDS])


def _same_slot(a: Sentence, mention_a: Mention, b: Sentence, mention_b: Mention) -> bool:
    before_a, after_a = _context(a, mention_a)
    before_b, after_b = _context(b, mention_b)
    return (len(before_a) == SLOT_WORDS and before_a == before_b) or (
        len(after_a) == SLOT_WORDS and after_a == after_b
    )


def _reversed(
    a: Sentence,
    b: Sentence,
    a_mentions: Sequence[tuple[Mention, Entity]],
    b_mentions: Sequence[tuple[Mention, Entity]],
) -> WordingConflict | None:
    order_a = _first_positions(a_mentions)
    order_b = _first_positions(b_mentions)
    shared = [e for e in order_a if e in order_b and order_a[e][1].label in SWAP_LABELS]
    for i, x in enumerate(shared):
        for y in shared[i + 1 :]:
            if not _comparable(order_a[x][1].label, order_a[y][1].label):
                continue
            flipped = (order_a[x][0].start < order_a[y][0].start) != (
                order_b[x][0].start < order_b[y][0].start
            )
            if flipped and not _passive_between(a, order_a, x, y) and not _passive_between(b, order_b, x, y):
                first_a, first_b = order_a[x][0], order_b[x][0]
                return WordingConflict(
                    ConflictKind.ENTITY_SWAP,
                    Span(a.article_id, first_a.start, first_a.end),
                    Span(b.article_id, first_b.start, first_b.end),
                    f"{order_a[x][1].name} before {order_a[y][1].name}",
                    f"{order_b[y][1].name} before {order_b[x][1].name}",
                )
    return None


def _comparable(first: str, second: str) -> bool:
    """Labels of two names that can trade places; spaCy often calls a company a person."""
    return first == second or {first, second} <= {"PERSON", "ORG"}


def _first_positions(mentions: Sequence[tuple[Mention, Entity]]) -> dict[str, tuple[Mention, Entity]]:
    first: dict[str, tuple[Mention, Entity]] = {}
    for mention, entity in mentions:
        first.setdefault(entity.id, (mention, entity))
    return first


def _passive_between(sentence: Sentence, order: dict[str, tuple[Mention, Entity]], x: str, y: str) -> bool:
    """Word orders that reverse two names without changing the fact: a passive ("B was beaten
    by A"), a list ("A and B", "A, B"), or reported speech ("A said B ...")."""
    start = min(order[x][0].end, order[y][0].end) - sentence.start
    end = max(order[x][0].start, order[y][0].start) - sentence.start
    between = f" {sentence.text[start:end].lower()} "
    if between.strip() in {",", "and", "or", "&", ", and", "with", "and the", "or the"}:
        return True
    return any(marker in between for marker in (" by ", " said ", " says ", " told ", " according "))
