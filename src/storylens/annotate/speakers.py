"""The person behind a speaker as written: a name, a title or description, or a pronoun.

- A name inside the speaker span ("longtime Democratic pollster Pat Caddell") is the speaker,
  completed to the fullest form the article writes of that person ("Caddell" -> "Pat Caddell").
- A pronoun ("he", "she", "they") goes to the nearest earlier person it agrees with in gender
  and number, preferring the speakers of earlier attributions (who is being quoted is who the
  next "he said" most often means), and never to a person named inside the content being
  attributed or between the speaker and the content (the person the quote is about).
- A description ("the senator", "the campaign manager") goes to the person the article gave that
  title to, and stays unresolved when none or several fit.
Gender comes from titles (Mr, Mrs, Ms) and from first names through `gender-guesser`.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wordfreq import zipf_frequency

from storylens.annotate.names import HONORIFICS, same_person, strip_title
from storylens.annotate.roles import ROLE_NOUNS
from storylens.model import Mention, RoleMention

if TYPE_CHECKING:
    from spacy.tokens import Doc

SPEAKER_LABELS = {"PERSON", "ORG", "NORP", "GPE"}  # organisations and governments speak too
PRONOUN_GENDER = {"he": "male", "him": "male", "she": "female", "her": "female"}
PLURAL_PRONOUNS = {"they"}  # "we" is the speaker's own group, which the text rarely names
MALE_TITLES = {"mr", "mr.", "sir", "lord", "king", "prince"}
FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "dame", "lady", "queen", "princess"}
TITLE_WORDS = HONORIFICS | ROLE_NOUNS  # a "name" that is only a title ("Sgt") names nobody
# gender-guesser knows "The" and "Said" as names; a word this common in lower case (Zipf 6 and
# up: the, said, and, but) is not taken for a first name. "Faith" (4.4) and "Rose" (4.9) are.
COMMON_WORD_ZIPF = 6.0
CALENDAR_WORDS = frozenset(w.lower() for w in [*calendar.month_name, *calendar.day_name] if w)  # "Trump May"
# How far back (characters) a pronoun looks for its person: about three paragraphs of news.
PRONOUN_REACH = 1500


@dataclass(frozen=True)
class Person:
    name: str
    start: int
    end: int
    label: str


SUBJECT_RELATIONS = {"nsubj", "nsubjpass"}
# Words standing in apposition or coordination to a subject are subjects too ("McCullough's half
# sister, Janet Tessier, emailed"; "Smith and Jones said").
SUBJECT_EXTENSIONS = {"appos", "conj"}


@dataclass
class Salience:
    """Where the parsed parts of an article put their sentences and their subjects: the people
    a later "he" or "she" most likely means are the subjects of the latest sentence naming
    anyone (centering), the subject of a main clause before that of a clause inside it."""

    sentence_starts: list[int] = field(default_factory=list)
    subjects: dict[int, int] = field(default_factory=dict)  # subject word's start -> clause depth

    def add(self, doc: Doc, offset: int) -> None:
        self.sentence_starts.extend(sentence.start_char + offset for sentence in doc.sents)
        self.sentence_starts.sort()
        for token in doc:
            if token.dep_ in SUBJECT_RELATIONS:
                depth = sum(1 for _ in token.head.ancestors)
                for word in _with_extensions(token):
                    self.subjects[word.idx + offset] = depth

    def sentence_of(self, position: int) -> int:
        return bisect.bisect_right(self.sentence_starts, position)

    def subject_depth(self, start: int, end: int) -> int | None:
        """The clause depth of the subject written within [start, end), None when no subject
        word lies there."""
        depths = [depth for position, depth in self.subjects.items() if start <= position < end]
        return min(depths) if depths else None


def _with_extensions(token):  # type: ignore[no-untyped-def]
    found = [token]
    for child in token.children:
        if child.dep_ in SUBJECT_EXTENSIONS:
            found.extend(_with_extensions(child))
    return found


class SpeakerResolver:
    """Resolves the speakers of one article in text order, remembering who spoke."""

    def __init__(
        self,
        text: str,
        mentions: Sequence[Mention],
        roles: Sequence[RoleMention] = (),
        salience: Salience | None = None,
    ) -> None:
        self.text = text
        self.salience = salience or Salience()
        self.people = [
            Person(m.text, m.start, m.end, m.label)
            for m in mentions
            if m.label in SPEAKER_LABELS and strip_title(m.text).lower().rstrip(".") not in TITLE_WORDS
        ]
        self.roles = roles
        self.speakers: list[Person] = []
        # Where a speaker written as a one-person description that names nobody spoke ("a
        # hospital official said", "The Portland police chief said"): a later "he" or "she"
        # means that speaker before anyone named earlier.
        self.unnamed_speakers: list[tuple[int, str]] = []  # (where, gender of the noun or "")

    def resolve(
        self,
        source: tuple[int, int],
        content: Sequence[tuple[int, int]],
        head: tuple[int, int] | None = None,
        tag: str = "",
    ) -> str | None:
        """The person the speaker written at `source` refers to; `head` is the span of its head
        word and `tag` that word's part-of-speech tag (NNP for a name, NNS for people, ...)."""
        head = head or source
        name = self._named(source, head, tag)
        if name is None:
            name = self._by_reference(self.text[head[0] : head[1]], source, content)
        if name is not None:
            self.speakers.append(Person(name, source[0], source[1], self._label_of(name)))
        elif tag == "NN" and _last_word(self.text[head[0] : head[1]]) in ROLE_NOUNS:
            self.unnamed_speakers.append((source[0], _noun_gender(_last_word(self.text[head[0] : head[1]]))))
        return name

    def _named(self, source: tuple[int, int], head: tuple[int, int], tag: str) -> str | None:
        """The name the speaker's head word belongs to: a recognised mention over it, else the
        head itself when it is capitalised and no common noun, else a person named in the phrase
        (not as a possessive: "Bekah's mother" is not Bekah)."""
        over_head = [p for p in self.people if p.start < head[1] and head[0] < p.end]
        head_words = self.text[head[0] : head[1]].split()
        head_word_start = head[1] - len(head_words[-1]) if head_words else head[0]
        on_head_word = [p for p in over_head if p.start <= head_word_start < p.end]
        written = self.text[head[0] : head[1]]
        opened = self.text.rfind("(", source[0], head[0])
        if opened >= 0 and ")" not in self.text[opened : head[0]]:
            over_head, on_head_word, written = [], [], ""  # "Diane Savino (D-SI)": a bracket is no head
        if on_head_word and on_head_word[-1].label != "PERSON" and on_head_word[-1].end > head[1]:
            # The parse may end a name at its head word ("Centers" of "Centers for Disease Control
            # and Prevention"): the organisation the recogniser found speaks.
            return self.full_name(on_head_word[-1])
        if over_head and over_head[-1].label == "PERSON":
            if on_head_word or not _names_a_thing(written):
                return self.full_name(over_head[-1])
            # A person's name before other name words is what a thing is named after ("Ronald
            # Reagan UCLA Medical Center announced"): the whole written name speaks.
            return written
        if (
            tag not in NEVER_NAME_TAGS
            and _is_name_word(written)
            and not (tag in {"NN", "NNS"} and self._written_in_lower_case(written))
        ):
            return self.full_name(Person(written, head[0], head[1], "PERSON"))
        # The parse may take a title word or a bracket for the head ("Vice President for news
        # Dave Gorab", "Gov. John Kasich (R-OH)"): a person named before any apposition wins.
        phrase_end = source[0] + len(re.split(r"[,(]", self.text[source[0] : source[1]], maxsplit=1)[0])
        named = [p for p in self._people_within(source[0], phrase_end) if not self._related_to(head, p)]
        if named:
            return self.full_name(named[-1])
        # An organisation speaks when it is the head itself ("Reuters"), not a modifier of it
        # ("treasury secretary").
        at_head = [p for p in over_head if p.end >= head[1] and p.start <= head_word_start]
        if at_head:
            return self.full_name(at_head[-1])
        # "the former president, Joao Silva,": the person in the apposition.
        apposed = self._people_within(phrase_end, source[1])
        return self.full_name(apposed[0]) if apposed else None

    def _related_to(self, head: tuple[int, int], person: Person) -> bool:
        """ "a former colleague of Ross", "Residents in Gao", "a spokesman for Smith": a person in
        a prepositional phrase of the speaker's noun phrase is whom the speaker relates to. After
        a title the parse may have taken for the head ("Secretary of State John Kerry", "Vice
        President for news Dave Gorab") the person is the speaker, unless the preposition comes
        right before the name ("a vice chairman of WL Ross")."""
        between = self.text[head[1] : person.start]
        if re.search(rf"\b{RELATING}\s+(?:the\s+)?$", between):
            return True
        head_word = self.text[head[0] : head[1]].split()[-1:] or [""]
        is_title = head_word[0].lower().rstrip(".") in TITLE_WORDS
        return not is_title and re.search(rf"\b{RELATING}\b", between) is not None

    def _written_in_lower_case(self, word: str) -> bool:
        """A capitalised common noun the article also writes in lower case ("Doctors said" with
        "doctors" elsewhere) is no name; "Sanders", which the parse may also tag a common noun,
        never appears in lower case."""
        return re.search(rf"\b{re.escape(word.lower())}\b", self.text) is not None

    def _people_within(self, start: int, end: int) -> list[Person]:
        """People named between `start` and `end`, less possessives ("Bekah's mother")."""
        return [
            p
            for p in self.people
            if p.label == "PERSON" and start <= p.start and p.end <= end and not self._possessive(p)
        ]

    def _possessive(self, person: Person) -> bool:
        after = self.text[person.end : person.end + 2]
        return bool(re.match(r"[’']s?\b", after)) or person.name.endswith(("'s", "’s"))

    def full_name(self, person: Person) -> str:
        """The fullest way the article writes this person; a bare surname becomes a full name
        only when one person of the article fits it."""
        bare = _without_possessive(strip_title(person.name))
        if person.label != "PERSON":
            return bare
        # News writes a name in full before it shortens it: only forms written up to this mention
        # complete it (a correction at the end naming "Robin Carter" is not the "Carter" above).
        fuller = {
            _without_possessive(strip_title(p.name))
            for p in self.people
            if p.label == "PERSON" and p.start <= person.start and same_person(p.name, bare)
        }
        full_names = {n for n in fuller if len(n.split()) > 1}
        titled = self._title_gender(person)
        if titled:
            # "Mr Wilson" is not "Jane Wilson": a title's gender rules out a full name whose first
            # name the detector gives the other gender.
            fuller = {n for n in fuller if _first_name_gender(_first_word(n)) != _other_gender(titled)}
            full_names = {n for n in full_names if n in fuller}
        if len(full_names) > 1:
            return bare
        if not full_names and len(bare.split()) == 1:
            by_first_name = None if self._titled(person) else self._called_by_first_name(bare, person.start)
            return by_first_name or self._first_name_before(bare, person.end, titled) or bare
        return max([*fuller, bare], key=lambda n: (len(n.split()), len(n)))

    def _title_gender(self, person: Person) -> str:
        """ "male" for "Mr Wilson", "female" for "Mrs Wilson" or "Ms. Gao" (the title written in the
        name or right before it), "" when no gendered title is there."""
        before = self.text[max(0, person.start - 12) : person.start].split()[-1:]
        near = [w.lower() for w in [*before, *person.name.split()[:1]]]
        if any(w in MALE_TITLES for w in near):
            return "male"
        if any(w in FEMALE_TITLES for w in near):
            return "female"
        return ""

    def _titled(self, person: Person) -> bool:
        """ "Mr. Lou", "Ms Gao": a title before a single name makes it a surname."""
        words = (self.text[max(0, person.start - 12) : person.start] + " " + person.name).split()
        return any(w.lower().rstrip(".") in HONORIFICS for w in words[-3:-1])

    def _called_by_first_name(self, word: str, start: int) -> str | None:
        """ "Carter" -> "Carter Roberts" when the one person written in full before `start` with
        that first name exists (children, athletes and friends are called by first names)."""
        found = {
            _without_possessive(strip_title(p.name))
            for p in self.people
            if p.label == "PERSON" and p.start < start and _first_word(p.name) == word
        }
        return found.pop() if len(found) == 1 else None

    def _first_name_before(self, surname: str, end: int, gender: str = "") -> str | None:
        """ "Langat" -> "Faith Langat" where the text up to `end` writes a known first name before
        the surname (the recogniser misses some full names); None when it does not, or several."""
        found = {
            f"{m.group(1)} {surname}"
            for m in re.finditer(rf"\b([A-Z][a-z’'-]+)\s+{re.escape(surname)}\b", self.text[:end])
            if _first_name_gender(m.group(1)) not in {"none", _other_gender(gender)}
            and zipf_frequency(m.group(1).lower(), "en") < COMMON_WORD_ZIPF
        }
        return found.pop() if len(found) == 1 else None

    def _by_reference(
        self, head: str, source: tuple[int, int], content: Sequence[tuple[int, int]]
    ) -> str | None:
        """A pronoun or a description: "she", "they", "the senator" (head word given)."""
        word = head.lower().strip(",.")
        if word in PRONOUN_GENDER:
            return self._pronoun(PRONOUN_GENDER[word], source, content)
        if word in PLURAL_PRONOUNS:
            return self._plural(source, content)
        if word == "it":
            return self._organisation(source, content)
        return self._described(word) if word.isalpha() else None

    def _pronoun(
        self, gender: str, source: tuple[int, int], content: Sequence[tuple[int, int]]
    ) -> str | None:
        def reachable(person: Person) -> bool:
            return source[0] - PRONOUN_REACH <= person.start < source[0] and not _within(person, content)

        def fits(person: Person) -> bool:
            return (
                person.label == "PERSON"
                and reachable(person)
                and self._gender(person) in {gender, "unknown", "none"}
            )

        salient = [(p.start, 0, p.name) for p in self.speakers if fits(p)]
        for person in self.people:
            depth = self.salience.subject_depth(person.start, person.end)
            if depth is not None and fits(person) and not self._possessive(person):
                salient.append((person.start, 1 + depth, self.full_name(person)))
        unnamed = [
            start
            for start, noun_gender in self.unnamed_speakers
            if source[0] - PRONOUN_REACH <= start < source[0] and noun_gender != _other_gender(gender)
        ]
        last_unnamed = max((self.salience.sentence_of(s) for s in unnamed), default=-1)
        if salient:
            latest = max(self.salience.sentence_of(start) for start, _, _ in salient)
            if last_unnamed >= latest:
                return None  # "a hospital official said. He spoke on condition of anonymity"
            in_latest = [c for c in salient if self.salience.sentence_of(c[0]) == latest]
            return min(in_latest, key=lambda c: (c[1], -c[0]))[2]
        # Whoever was named last before the pronoun, outside the content being attributed.
        candidates = [p for p in self.people if fits(p)]
        if not candidates or last_unnamed >= self.salience.sentence_of(candidates[-1].start):
            return None
        return self.full_name(candidates[-1])

    def _organisation(self, source: tuple[int, int], content: Sequence[tuple[int, int]]) -> str | None:
        """ "It said": the organisation that was the subject or the speaker of the latest sentence
        naming one (as "he" goes to a person); none when that sentence names no organisation as
        its subject or speaker (a report, a study or a place may be "it")."""

        def fits(person: Person) -> bool:
            return (
                person.label == "ORG"
                and _first_name_gender((strip_title(person.name).split() or [""])[0]) == "none"
                and source[0] - PRONOUN_REACH <= person.start < source[0]
                and not _within(person, content)
                and not self._possessive(person)
            )

        salient = [(p.start, 0, p.name) for p in self.speakers if fits(p)]
        for person in self.people:
            depth = self.salience.subject_depth(person.start, person.end)
            if depth is not None and fits(person):
                salient.append((person.start, 1 + depth, self.full_name(person)))
        if not salient:
            return None
        latest = max(self.salience.sentence_of(start) for start, _, _ in salient)
        in_latest = [c for c in salient if self.salience.sentence_of(c[0]) == latest]
        return min(in_latest, key=lambda c: (c[1], -c[0]))[2]

    def _plural(self, source: tuple[int, int], content: Sequence[tuple[int, int]]) -> str | None:
        """ "They said": the group named last (a NORP such as "Republicans") when it is the latest
        name before the pronoun; an organisation or a place is "it", and plain "they" is mostly
        people the text never names ("officials"), so it stays unresolved otherwise."""
        earlier = [
            p
            for p in self.people
            if source[0] - PRONOUN_REACH <= p.start < source[0] and not _within(p, content)
        ]
        if earlier and earlier[-1].label == "NORP":
            return self.full_name(earlier[-1])
        return None

    def _described(self, noun: str) -> str | None:
        """The one person the article gave a title with this noun ("the senator" -> the person
        titled "Senator ..."), by the roles found next to names."""
        titled = {role.person for role in self.roles if _title_head(role.title) == noun}
        named = {p.name for p in self.people if p.label == "PERSON"}
        anywhere = len(self.text)
        people = {
            self.full_name(Person(name, anywhere, anywhere, "PERSON")) for name in titled if name in named
        }
        return people.pop() if len(people) == 1 else None

    def _gender(self, person: Person) -> str:
        """From a title, else the first name of the fullest form written up to this mention."""
        words = person.name.split()
        if not words:
            return "unknown"
        title = words[0].lower()
        if title in MALE_TITLES:
            return "male"
        if title in FEMALE_TITLES:
            return "female"
        full = self.full_name(person)
        first = strip_title(full).split()[0] if len(strip_title(full).split()) > 1 else ""
        return _first_name_gender(first) if first else "unknown"

    def _label_of(self, name: str) -> str:
        for person in self.people:
            if _without_possessive(strip_title(person.name)) == name:
                return person.label
        return "PERSON"


def _names_a_thing(written: str) -> bool:
    """A capitalised head word after a person's name that is neither a date word ("Trump May",
    a headline's modal) nor a title: "Center" in "Ronald Reagan UCLA Medical Center"."""
    return _is_name_word(written) and written.split()[-1].lower() not in CALENDAR_WORDS


def _is_name_word(written: str) -> bool:
    """A capitalised head word that is neither a pronoun nor a title: "Golvach", not "President"
    or "He"."""
    words = written.split()
    if not words or not all(w[:1].isupper() for w in words):
        return False
    last = words[-1].lower().rstrip(".")
    return last not in NOT_NAME_HEADS and last not in HONORIFICS and last not in ROLE_NOUNS


# Closed word classes and adjectives head no name: "Some" of "Some of our favorite quotes", "One
# of the men", "Many". Grammar; the tags were counted on PolNeAR train 0-400, where the only
# names among them were surnames in -ing tagged VBG ("Schilling"), so verb forms stay names.
NEVER_NAME_TAGS = frozenset(
    {"DT", "PDT", "CD", "PRP", "PRP$", "WP", "WP$", "WDT", "IN", "CC", "EX", "JJ", "JJR", "JJS"}
)
# Prepositions that tie a name to the speaker's noun phrase without making it the speaker (read
# from Multi-News audit clusters 10-29; checked on PolNeAR train 0-400: "adviser to Trump").
RELATING = r"(?:of|for|in|at|from|with|near|to)"
NOT_NAME_HEADS = frozenset({*PRONOUN_GENDER, *PLURAL_PRONOUNS, "i", "you", "we", "it", "who", "this", "that"})


def _title_head(title: str) -> str:
    """The noun a title is headed by: "secretary" in "general secretary of the rail workers'
    union", not "union" (so "the union" never resolves to its secretary)."""
    words = re.split(r"\s+(?:of|for|at|in|to)\s+", title.lower(), maxsplit=1)[0].split()
    return words[-1].strip(",.") if words else ""


def _within(person: Person, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= person.start and person.end <= end for start, end in spans)


def _without_possessive(name: str) -> str:
    return re.sub(r"[’']s?$", "", name).strip()


def _other_gender(gender: str) -> str:
    """The gender a title of `gender` rules out ("" for none)."""
    return {"male": "female", "female": "male"}.get(gender, "")


@functools.cache
def _detector():  # type: ignore[no-untyped-def]
    import gender_guesser.detector as detector

    return detector.Detector(case_sensitive=False)


def _first_word(name: str) -> str:
    """The first name of a full name ("Carter" of "Carter Roberts"); "" for a single word."""
    words = strip_title(name).split()
    return words[0] if len(words) > 1 else ""


@functools.cache
def _first_name_gender(first: str) -> str:
    """ "male", "female", "unknown" (androgynous names, which agree with any pronoun) or "none"
    (not a first name the detector knows, which also agrees with any pronoun)."""
    guess = _detector().get_gender(first)
    if guess == "unknown":
        return "none"
    # "mostly" guesses are names of both ("Bernie" is mostly female to the detector): no evidence.
    return guess if guess in {"male", "female"} else "unknown"


def _noun_gender(noun: str) -> str:
    """ "male" for "spokesman" or "king", "female" for "spokeswoman" or "queen", else ""."""
    if noun.endswith("woman") or noun in FEMALE_TITLES:
        return "female"
    if noun.endswith("man") or noun in MALE_TITLES:
        return "male"
    return ""


def _last_word(words: str) -> str:
    """ "official" of "hospital official"."""
    split = words.lower().split()
    return split[-1] if split else ""
