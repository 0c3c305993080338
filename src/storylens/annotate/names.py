"""Comparing names as news writes them: titles, diacritics, typos, short first names,
surname-only mentions, initials and acronyms."""

from __future__ import annotations

import re
import unicodedata

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


def plain(text: str) -> str:
    """Lowercase, no diacritics, hyphens as spaces, no leading article: the comparable form."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_like = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = re.sub(r"[-‐–]", " ", ascii_like.lower()).strip()
    return re.sub(r"^the\s+", "", " ".join(cleaned.split()))


def without_article(name: str) -> str:
    """The name as written, less a leading "the" ("the Financial Times" -> "Financial Times")."""
    return name[4:] if name.lower().startswith("the ") else name


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
    """Words of a person's name, hyphenated surnames kept whole ("Thomas-Greenfield")."""
    decomposed = unicodedata.normalize("NFKD", strip_title(name).lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace(".", " ").split()


def same_person(first: str, second: str) -> bool:
    """Whether two full or partial names can be one person: surname alike, first names and any
    middle initials compatible. A lone surname fits every full name with that surname."""
    a, b = name_parts(first), name_parts(second)
    if not a or not b:
        return False
    if plain(strip_title(first)) == plain(strip_title(second)):
        return True  # "Kim Jong-un" / "Kim Jong Un"
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
    return len(a) == len(b) and fuzz.ratio(a, b) >= FIRST_NAME_SPELLING_RATIO


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
    initials = "".join(w[0] for w in plain(full).split() if w not in ACRONYM_SKIP)
    return len(initials) >= 2 and initials == letters.lower()
