"""Comparing names as news writes them: titles, diacritics, typos, short first names,
surname-only mentions, initials and acronyms."""

from __future__ import annotations

import functools
import mimetypes
import re
import unicodedata

from ftfy.badness import is_bad
from nameparser import HumanName
from rapidfuzz import fuzz

from storylens.annotate.roles import ROLE_NOUNS

HONORIFICS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "prof",
        "sir",
        "dame",
        "lord",
        "lady",
        "rev",
        "father",
        "sheikh",
        "sen",
        "rep",
        "gov",
        "gen",
        "col",
        "lt",
        "sgt",
        # Rank abbreviations of armed forces and police ("LAPD Cmdr. Andrew Smith").
        "capt",
        "cmdr",
        "cdr",
        "maj",
        "cpl",
        "pvt",
        "adm",
        "det",
        "insp",
        "supt",
        "justice",
        "senator",
        "governor",
        "president",
        "chancellor",
        "king",
        "queen",
        "prince",
        "princess",
    ]
)
# Two surnames this similar (rapidfuzz ratio) are one name with a typo: "Zelenskiy"/"Zelensky".
SURNAME_TYPO_RATIO = 85
# First names of the same length this similar are spellings of one name: "Sergei"/"Sergey",
# "Muammar"/"Moammar"; a length change ("Robert"/"Roberta") is a different name.
FIRST_NAME_SPELLING_RATIO = 80
SHORT_FORM_SPELLING_RATIO = 85
# Common English short forms of first names, so that "Bob Hallam" and "Robert Hallam" merge.
NICKNAMES = {
    "bob": "robert",
    "rob": "robert",
    "bobby": "robert",
    "bill": "william",
    "will": "william",
    "billy": "william",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "betty": "elizabeth",
    "jim": "james",
    "jimmy": "james",
    "mike": "michael",
    "mick": "michael",
    "tom": "thomas",
    "tony": "anthony",
    "dave": "david",
    "dan": "daniel",
    "danny": "daniel",
    "kate": "katherine",
    "katie": "katherine",
    "joe": "joseph",
    "chris": "christopher",
    "nick": "nicholas",
    "sam": "samuel",
    "ben": "benjamin",
    "alex": "alexander",
    "andy": "andrew",
    "drew": "andrew",
    "steve": "stephen",
    "matt": "matthew",
    "pat": "patrick",
    "peggy": "margaret",
    "maggie": "margaret",
    "jenny": "jennifer",
    "sue": "susan",
    "dick": "richard",
    "rick": "richard",
    "ted": "edward",
    "ed": "edward",
    "eddie": "edward",
    "charlie": "charles",
    "chuck": "charles",
    "jack": "john",
    "johnny": "john",
    "fred": "frederick",
    "greg": "gregory",
    "jeff": "jeffrey",
    "larry": "lawrence",
    "len": "leonard",
    "pete": "peter",
    "ron": "ronald",
    "tim": "timothy",
    "vince": "vincent",
    "walt": "walter",
    "abe": "abraham",
}
ACRONYM_SKIP = frozenset({"of", "the", "and", "for", "de", "du", "la", "le", "des", "on", "in"})


@functools.lru_cache(maxsize=1 << 16)
def plain(text: str) -> str:
    """Lowercase, no diacritics, hyphens as spaces, no leading article: the comparable form."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_like = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = re.sub(r"[-‐–]", " ", ascii_like.lower()).strip()
    return re.sub(r"^the\s+", "", " ".join(cleaned.split()))


def without_article(name: str) -> str:
    """The name as written, less a leading "the" ("the Financial Times" -> "Financial Times")."""
    return name[4:] if name.lower().startswith("the ") else name


@functools.lru_cache(maxsize=1 << 16)
def strip_title(name: str) -> str:
    """The name without leading titles: "Defence Minister Jonas Brandt" -> "Jonas Brandt"."""
    words = name.split()
    last_title = -1
    for index, word in enumerate(words[:-1]):
        bare = word.lower().rstrip(".")
        if bare in HONORIFICS or bare in ROLE_NOUNS:
            last_title = index
    return " ".join(words[last_title + 1 :])


def name_parts(name: str) -> list[str]:
    """Words of a person's name, first to last, hyphenated surnames kept whole
    ("Thomas-Greenfield"), without titles, nicknames in brackets or suffixes ("Jr.")."""
    return list(_parts(strip_title(name)))


@functools.lru_cache(maxsize=65536)
def _parts(name: str) -> tuple[str, ...]:
    words = name.split()
    if len(words) > 1:
        parsed = HumanName(name)
        kept = " ".join(p for p in (parsed.first, parsed.middle, parsed.last) if p)
        words = [_spelled_initials(w) for w in kept.split()] or words
    decomposed = unicodedata.normalize("NFKD", " ".join(words).lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return tuple(bare.replace(".", " ").split())


def _spelled_initials(word: str) -> str:
    """Initials written without dots inside a full name are initials: "Louis CK" is "Louis C.K.",
    "WL Ross" is "W. L. Ross"."""
    return " ".join(word) if 2 <= len(word) <= 3 and word.isalpha() and word.isupper() else word


@functools.lru_cache(maxsize=1 << 18)  # called for every pair of names in a story
def same_person(first: str, second: str) -> bool:
    """Whether two full or partial names can be one person: surname alike, first names and any
    middle initials compatible. A lone surname fits every full name with that surname."""
    a, b = name_parts(first), name_parts(second)
    if not a or not b:
        return False
    if plain(strip_title(first)) == plain(strip_title(second)):
        return True  # "Kim Jong-un" / "Kim Jong Un"
    if plain(a[-1]) == plain(" ".join(b)) or plain(b[-1]) == plain(" ".join(a)):
        return True  # "Dickson Wright" is the double-barrelled surname of "Clarissa Dickson-Wright"
    if fuzz.ratio(a[-1], b[-1]) < SURNAME_TYPO_RATIO:
        return False
    if len(a) == 1 or len(b) == 1:
        return True
    return first_names_match(a[0], b[0]) and _middles_match(a[1:-1], b[1:-1])


def first_names_match(a: str, b: str) -> bool:
    short_form = a in NICKNAMES or b in NICKNAMES
    a, b = NICKNAMES.get(a, a), NICKNAMES.get(b, b)
    if a == b or a == b[:1] or b == a[:1]:
        return True
    if short_form:  # "Tony" is Anthony, and so Antony
        return fuzz.ratio(a, b) >= SHORT_FORM_SPELLING_RATIO
    if len(a) == len(b):
        return fuzz.ratio(a, b) >= FIRST_NAME_SPELLING_RATIO
    return _one_letter_inside(a, b)


def _one_letter_inside(a: str, b: str) -> bool:
    """ "Jon"/"John", "Stephen"/"Stephan" aside: one letter added inside the name spells the same
    name; one added at its end makes another ("Robert"/"Roberta", "Paul"/"Paula")."""
    short, long = sorted((a, b), key=len)
    if len(long) != len(short) + 1 or len(short) < 3 or short[-1] != long[-1]:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(1, len(long) - 1))


def _middles_match(a: list[str], b: list[str]) -> bool:
    """ "George W. Bush" and "George H. W. Bush" are two people; a missing middle name is not."""
    if not a or not b:
        return True
    return [part[:1] for part in a] == [part[:1] for part in b]


def first_name_only(short: str, full: str) -> bool:
    """A one-word mention that is the first word of a full name ("Tedros" for "Tedros Adhanom
    Ghebreyesus"), used only when no surname fits."""
    a, b = name_parts(short), name_parts(full)
    return len(a) == 1 and len(b) > 1 and a[0] == b[0]


def acronym_of(short: str, full: str) -> bool:
    """ "NRA" for "Northern Rail Authority", "U.N." for "United Nations"."""
    letters = short.replace(".", "").strip()
    if not (2 <= len(letters) <= 6 and letters.isupper()):
        return False
    words = plain(full).split()
    if letters.lower() in {w.replace(".", "") for w in words}:
        return False  # "U.S. Senate" is spelled out from "U.S.", not what "U.S." stands for
    initials = "".join(w[0] for w in words if w not in ACRONYM_SKIP)
    return len(initials) >= 2 and initials == letters.lower()


# Lowercase words that belong inside names: English connectors ("Bank of England") and surname
# particles ("Ludwig van Beethoven", "bin Laden"); any other lowercase word inside a span means
# spaCy fused a name with the sentence around it ("Lohan that Reid").
CONNECTORS = frozenset(["of", "the", "and", "for", "on", "at", "in", "upon", "&", "-"])
SURNAME_PARTICLES = frozenset(
    ["de", "del", "della", "di", "da", "dos", "das", "du", "des", "la", "le", "van", "von", "der",
     "den", "ter", "al", "el", "bin", "ibn", "bint", "y", "e"]
)  # fmt: skip
NAME_PARTICLES = CONNECTORS | SURNAME_PARTICLES
EDGE_PUNCTUATION = "\"'“”‘’`()[]{}:;,-–—|*•#/"
# A sentence run into a name without a space: "II.The", "said.The"; not "U.S.", "C.K." or "St.Louis".
FUSED_SENTENCE = re.compile(r"(?:(?<=[A-Z]{2})|(?<=[a-z]{3}))\.(?=[A-Z][a-z])")
BRACKETED = re.compile(r"\([^()]*\)")  # a nickname or an aside: "Kimani (Kiki) Gray"
# Files, addresses and handles are not names: "IMG_2041.jpg", "www.example.com/news", "@handle".
FILE_OR_ADDRESS = re.compile(
    r"\.(?:jpe?g|png|gif|webp|svg|pdf|docx?|xlsx?|mp[34]|mov|html?|php|aspx?)\b|https?:|www\.|[/\\_@]",
    re.IGNORECASE,
)


# Media and document files, as the standard library's type table knows them ("Bodeau.eps",
# "IMG_0042.JPG"); ".com" and ".org" are also file types there, so only these kinds count.
FILE_KINDS = ("image/", "video/", "audio/", "application/pdf", "application/postscript")


def _is_file_name(text: str) -> bool:
    extension = re.search(r"\.([A-Za-z0-9]{2,5})\b", text)
    if extension is None:
        return False
    kind = mimetypes.guess_type(f"file.{extension.group(1).lower()}")[0] or ""
    return kind.startswith(FILE_KINDS)


def clean_name(text: str) -> str | None:
    """The name in a recognised span, or None when the span is no name: edge punctuation,
    possessive and leading "the" removed, lowercase words at either edge trimmed ("Thompson in");
    no name when it has no letters, is mojibake, a file name or an address, or holds a lowercase
    word inside that names do not have ("Lohan that Reid"). A sentence run into the name without
    a space is cut off ("World War II.The 442nd" -> "World War II")."""
    if is_bad(text) or "\ufffd" in text or FILE_OR_ADDRESS.search(text) or _is_file_name(text):
        return None
    text = LOST_APOSTROPHE.sub("'s", FUSED_SENTENCE.split(text, maxsplit=1)[0])
    words = [w.strip(EDGE_PUNCTUATION) for w in BRACKETED.sub(" ", text).split()]
    words = [w for w in words if w]
    if words and ADJECTIVE_PREFIX.match(words[0]):
        if not words[0].startswith("ex-"):
            return None  # "pro-Kremlin", "anti-Wall Street": a modifier made from a name
        words.pop(0)  # "ex-Senator John Smith": the former title goes, the name stays
    while words and (
        (_lowercase(words[0]) and words[0] not in SURNAME_PARTICLES)
        or words[0].lower() == "the"
        or words[0].isdigit()  # a year run into a name: "2014 AGM", "2010 Gulf"
    ):
        words.pop(0)
    words = _before_date(words)
    while words and (_lowercase(words[-1]) or not any(ch.isalpha() for ch in words[-1])):
        words.pop()
    if not words or any(_lowercase(w) and w not in NAME_PARTICLES for w in words):
        return None
    words[-1] = _without_possessive(words[-1])
    name = " ".join(words)
    return name if sum(ch.isalpha() for ch in name) >= 2 else None


# A lowercase prefix hyphenated to a capitalised word makes an adjective ("pro-Kremlin",
# "anti-Wall Street", "ex-Senator"); Arabic and other surname particles ("al-Assad") do not.
ADJECTIVE_PREFIX = re.compile(rf"^(?!(?:{'|'.join(sorted(SURNAME_PARTICLES))})[-‐])[a-z]+[-‐][A-Z]")


MONTHS = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
     "sept", "oct", "nov", "dec"]
)  # fmt: skip
DAY_NUMBER = re.compile(r"^\d{1,2}(?:st|nd|rd|th)?[.,]?$")


def _before_date(words: list[str]) -> list[str]:
    """A name less a date spaCy ran into it: "Comedy Central October 29th" -> "Comedy Central"."""
    for index in range(1, len(words)):
        if words[index].lower().rstrip(".") in MONTHS and (
            index + 1 == len(words) or DAY_NUMBER.match(words[index + 1])
        ):
            return words[:index]
    return words


def _lowercase(word: str) -> bool:
    """A word written in lowercase: "in", "said", "bin"; not "al-Assad", "McCain", "117th"."""
    return (word[:1].islower() and not any(ch.isupper() for ch in word)) or not word[:1].isalnum()


def _without_possessive(word: str) -> str:
    """ "Trump's" -> "Trump", "Reuters'" stays (a name that ends in s keeps its s)."""
    if word.endswith(POSSESSIVES):
        return word[:-2]
    return word.rstrip("'’‘")


LOST_APOSTROPHE = re.compile(r"(?<=[a-z])\?s\b")  # "Committee?s Office": "Committee's"


# The last one a mistyped apostrophe ("Kevin Spacey‘s"); one lost to a wrong encoding
# ("Trump?s", as scraped pages often have it) is put back by clean_name.
POSSESSIVES = ("'s", "’s", "‘s")


def possessive_split(name: str) -> tuple[str, str] | None:
    """(owner, thing) of a name with a possessive inside: "University of Toulouse's Young-Ho Eom"
    -> ("University of Toulouse", "Young-Ho Eom"); None when there is none."""
    words = name.split()
    for index, word in enumerate(words[:-1]):
        if word.endswith(POSSESSIVES):
            return " ".join([*words[:index], word[:-2]]), " ".join(words[index + 1 :])
    return None


# gender-guesser knows "The", "Said" and "Will" as first names; a word this common in lowercase
# English (wordfreq Zipf 5.5 and up: said 6.0, may 6.0, new 6.3, the 7.7) is not taken for one.
# Set between those and the commonest first names that are also words (Hope 5.4, Bill 5.2,
# Mark 5.1); "Mo" (4.4) and "Rose" (4.8) are first names.
COMMON_WORD_ZIPF = 5.5


@functools.cache
def _gender_detector():  # type: ignore[no-untyped-def]
    import gender_guesser.detector as detector

    return detector.Detector(case_sensitive=False)


def known_first_name(word: str) -> bool:
    """Whether `word` is a first name that `gender-guesser` knows as a man's or a woman's (mostly
    or only), and not a common English word."""
    return bool(first_name_gender(word))


@functools.lru_cache(maxsize=65536)
def first_name_gender(word: str) -> str:
    """ "male" or "female" for a first name `gender-guesser` knows as mostly or only one's, and
    not a common English word; "" otherwise."""
    from wordfreq import zipf_frequency

    bare = word.strip(".").lower()
    if len(bare) < 2 or not bare.isalpha() or zipf_frequency(bare, "en") >= COMMON_WORD_ZIPF:
        return ""
    guess = _gender_detector().get_gender(bare)
    return (
        guess.removeprefix("mostly_") if guess in {"male", "female", "mostly_male", "mostly_female"} else ""
    )


# Honorifics that say a person's gender: "Mrs Wilson" is not Gary Wilson.
HONORIFIC_GENDER = {"mr": "male", "mrs": "female", "ms": "female", "miss": "female"}
