"""Roles and titles of people, with their spans.

Found in the four ways news writes them: a title before the name ("Transport Minister Elena
Marsh", "retired judge Miriam Okafor"), an apposition after it ("Tom Keane, general secretary of
the rail workers' union,"), an apposition before it ("her deputy, Anna Berg"), and a predicate
("Okafor, who is a retired judge", "Osei is the chief inspector"). A phrase counts as a role only
when it holds a role noun, so ages ("Hallam, 58,") and places are not taken for titles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from storylens.model import Mention, RoleMention

ROLE_NOUNS = frozenset(
    [
        "minister",
        "secretary",
        "president",
        "chancellor",
        "premier",
        "governor",
        "mayor",
        "ambassador",
        "envoy",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "executive",
        "chief",
        "head",
        "director",
        "chairman",
        "chairwoman",
        "chair",
        "judge",
        "inspector",
        "commissioner",
        "leader",
        "officer",
        "general",
        "commander",
        "ceo",
        "cfo",
        "coo",
        "founder",
        "editor",
        "professor",
        "manager",
        "coach",
        "captain",
        "deputy",
        "adviser",
        "advisor",
        "senator",
        "congressman",
        "congresswoman",
        "representative",
        "mp",
        "lawmaker",
        "prosecutor",
        "attorney",
        "lawyer",
        "king",
        "queen",
        "prince",
        "princess",
        "pope",
        "bishop",
        "archbishop",
        "analyst",
        "economist",
        "researcher",
        "scientist",
        "doctor",
        "surgeon",
        "official",
        "superintendent",
        "sheriff",
        "detective",
        "constable",
        "sergeant",
        "colonel",
        "major",
        "lieutenant",
        "admiral",
        "marshal",
        "treasurer",
        "auditor",
        "dean",
        "rector",
        "principal",
        "owner",
        "partner",
        "boss",
        "coordinator",
        "negotiator",
        "mediator",
        "investigator",
        "engineer",
        "pilot",
        "correspondent",
        "reporter",
        "columnist",
        "presenter",
        "chairperson",
        "vice",
        "undersecretary",
        "spokespeople",
        "councillor",
        "councilor",
        "councilman",
        "councilwoman",
        "councilmember",
        "mayor-elect",
        "president-elect",
        "secretary-general",
    ]
)
DETERMINERS = re.compile(r"^(?:the|a|an|its|his|her|their|our|your|my)\s+", re.IGNORECASE)
# Words that end a title read backwards from the name: "said", "by", "and" are not part of it.
TITLE_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "by",
        "with",
        "for",
        "to",
        "from",
        "of",
        "in",
        "on",
        "at",
        "as",
        "said",
        "says",
        "told",
        "says,",
        "according",
        # a clause, not a title, runs into a lowercase title read backwards: "which featured now
        # president-elect Donald Trump", "the decision was director Ridley Scott's"
        "which",
        "who",
        "whom",
        "whose",
        "that",
        "now",
        "is",
        "was",
        "were",
        "are",
        "be",
        "been",
        "has",
        "have",
        "had",
        # nor a clause opened by a conjunction: "Although Shell Chief Executive Ben van Beurden"
        "although",
        "though",
        "while",
        "when",
        "because",
        "if",
        "result",
    ]
)
PHRASE = r"[^,.;:\"“”()\n]{2,90}?"
AFTER_NAME = re.compile(
    rf"^,(?!\s*(?:who|which|that|whose|whom)\b)\s*(?P<role>{PHRASE})\s*(?=,|\.|;|$|\s+(?:said|says|told|who)\b)"
)
PREDICATE = re.compile(
    rf"^(?:,\s*who\s+(?:is|was|has been)|\s+(?:is|was|has been|became|serves as|served as))\s+"
    rf"(?P<role>{PHRASE})\s*(?=,|\.|;|$|\s+(?:and|since|until)\b)"
)
BEFORE_NAME = re.compile(rf"(?:^|[,.;:]\s+|\b(?:and|with|by)\s+)(?P<role>{PHRASE}),\s*$")
WORD = re.compile(r"[\w'’-]+")


def has_role_noun(phrase: str) -> bool:
    return any(word.lower().strip("'’") in ROLE_NOUNS for word in WORD.findall(phrase))


def find_roles(article_id: str, text: str, mentions: Sequence[Mention]) -> tuple[RoleMention, ...]:
    """Titles that attach to the people mentioned: a role phrase must be headed by a role noun
    (so a clause that merely holds one, "who said the minister lied", is no title), and must not
    hold another person's name (so "Keane, the union's secretary Anna Berg" gives Keane nothing)."""
    people = [m for m in mentions if m.label == "PERSON"]
    names = [(m.start, m.end) for m in people]
    found: list[RoleMention] = []
    for person in people:
        found.extend(r for r in _roles_of(article_id, text, person) if not _holds_name(r, names))
    return tuple(found)


def _holds_name(role: RoleMention, names: Sequence[tuple[int, int]]) -> bool:
    return any(role.start < end and start < role.end for start, end in names)


# Words after which a role phrase goes on as a complement: "secretary of the union".
COMPLEMENT = re.compile(r"\b(?:of|at|for|in|with|to|on|from|since|until)\b", re.IGNORECASE)


def headed_by_role_noun(phrase: str) -> bool:
    """Whether the phrase's head, its last word before any complement, is a role noun:
    "the authority's chief executive", "general secretary of the rail workers' union"; not
    "whose deputy resigned last week"."""
    words = WORD.findall(COMPLEMENT.split(phrase, maxsplit=1)[0])
    return bool(words) and _bare(words[-1]).lower() in ROLE_NOUNS


def _roles_of(article_id: str, text: str, person: Mention) -> Iterator[RoleMention]:
    after = text[person.end : person.end + 120]
    for pattern in (AFTER_NAME, PREDICATE):
        match = pattern.match(after)
        if match and headed_by_role_noun(match.group("role")):
            yield _role(article_id, person, match.group("role"), person.end + match.start("role"))
            break
    title = _title_before(text, person)
    if title is not None:
        yield _role(article_id, person, text[title[0] : title[1]], title[0])
        return
    before = text[max(0, person.start - 100) : person.start]
    match = BEFORE_NAME.search(before)
    if match and headed_by_role_noun(match.group("role")) and not _has_capital_name(match.group("role")):
        start = person.start - len(before) + match.start("role")
        yield _role(article_id, person, match.group("role"), start)


def _title_before(text: str, person: Mention) -> tuple[int, int] | None:
    """The span of a title written just before the name ("Transport Minister", "retired judge"):
    the word touching the name is a role noun, and the words before it written in the same case
    (a capitalised title takes capitalised qualifiers) belong to it."""
    offset = max(0, person.start - 60)
    words = list(WORD.finditer(text[offset : person.start]))
    if not words or text[offset + words[-1].end() : person.start].strip():
        return None
    noun = words[-1]
    if noun.group().lower() not in ROLE_NOUNS:
        return None
    capitalised = noun.group()[0].isupper()
    first = noun
    for word in reversed(words[:-1][-3:]):
        gap = text[offset + word.end() : offset + first.start()]
        lowered = word.group().lower()
        if gap.strip() or "\n" in gap or lowered in TITLE_STOP or word.group()[0].isupper() != capitalised:
            break
        first = word
    return offset + first.start(), offset + noun.end()


def _has_capital_name(phrase: str) -> bool:
    """A phrase before a name that itself contains a full name is a list, not an apposition."""
    return bool(re.search(r"\b[A-Z][a-z]+\s+[A-Z][a-z]+\b", phrase)) and not has_role_noun(phrase.split()[-1])


# An adverb before a predicate's title is no part of it: "technically the beneficial owner".
LEADING_ADVERB = re.compile(r"^(?:[a-z]+ly\s+)+")


def _role(article_id: str, person: Mention, title: str, start: int) -> RoleMention:
    clean = DETERMINERS.sub("", LEADING_ADVERB.sub("", title.strip()))
    shift = len(title) - len(title.lstrip()) + (len(title.strip()) - len(clean))
    return RoleMention(
        article_id, person.start, person.text, clean, start + shift, start + shift + len(clean)
    )


def _bare(word: str) -> str:
    """A word without its possessive ending: "authority's" -> "authority", "teachers'" -> "teachers"."""
    for ending in ("'s", "’s", "'", "’"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word


def role_head(title: str) -> tuple[str, frozenset[str], frozenset[str]]:
    """(head noun, words before it, words of its "of ..." complement), for comparing titles:
    "general secretary of the rail workers' union" -> ("secretary", {general}, {rail, workers', union})."""
    main, _, complement = title.lower().partition(" of ")
    words = [_bare(w) for w in WORD.findall(main)]
    heads = [i for i, w in enumerate(words) if w in ROLE_NOUNS]
    if not heads:
        return "", frozenset(words), frozenset()
    head = heads[-1]
    qualifiers = frozenset(w for w in words[:head] if w not in MODIFIERS_THAT_DO_NOT_CONFLICT)
    rest = frozenset(_bare(w) for w in WORD.findall(complement) if w not in TITLE_STOP)
    return words[head], qualifiers, rest


# "former", "acting", "retired", "chief" and the like qualify a title without changing the office.
MODIFIERS_THAT_DO_NOT_CONFLICT = frozenset(
    [
        "former",
        "acting",
        "retired",
        "interim",
        "outgoing",
        "incoming",
        "new",
        "then",
        "current",
        "longtime",
        "long-time",
        "veteran",
        "senior",
        "top",
        "chief",
    ]
)


# Words that make a different, lower office of the same title.
RANK_WORDS = frozenset({"deputy", "vice", "assistant", "under"})
# Two titles whose distinguishing words overlap less than this (Jaccard) name different offices.
ROLE_OVERLAP_LIMIT = 0.5


def roles_conflict(first: str, second: str) -> bool:
    """Whether two titles for one person cannot both be right: the same kind of office with
    different portfolios ("defence minister" / "foreign minister", "secretary of the rail union" /
    "secretary of the teachers' union") or rank ("deputy mayor" / "mayor"). A title and a
    shorter or reordered form of it never conflict ("minister" / "transport minister" /
    "minister of transport")."""
    head_a, qualifiers_a, complement_a = role_head(first)
    head_b, qualifiers_b, complement_b = role_head(second)
    if not head_a or head_a != head_b:
        return False
    if bool(qualifiers_a & RANK_WORDS) != bool(qualifiers_b & RANK_WORDS):
        return True  # "deputy mayor" is not the mayor
    return any(
        _differ(a, b)
        for a, b in (
            (qualifiers_a, qualifiers_b),
            (complement_a, complement_b),
            (qualifiers_a | complement_a, qualifiers_b | complement_b),
        )
    )


def _differ(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b or a <= b or b <= a:
        return False
    return len(a & b) / len(a | b) < ROLE_OVERLAP_LIMIT
