"""Who said (or believed) what, from spaCy's dependency parse.

An attribution is a cue (a speech or cognition verb, or "according to"), its source (the verb's
subject outside quotation marks, the agent of a passive, or the object of "according to") and
its content (the quotation the attribution is attached to, else the verb's clausal complement,
else its other complements, else, for "according to" and a trailing "..., X said", the clause it
interrupts). Which verbs are cues is learnt: `cues.json` holds the weights of a logistic
regression over the verb's lemma and its parse context, trained on PolNeAR train
(`bench/train_cues.py`), so "say", "tell" and "argue" count, "shows" counts only with a clausal
complement, and "go" does not.

Quotation marks are found in the text, not the parse. A quoted passage that no cue's content
covers is credited by a dash after it (“...” ― Name), else belongs to the attribution right after
it on its line, then to one before it on its line, then to one in its sentence, then to the last
one in the paragraph before; a colon that ends a clause or a name introduces one ("Shaw: “...”").
A passage nobody is said to have spoken is left out.
"""

from __future__ import annotations

import calendar
import dataclasses
import functools
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from wordfreq import zipf_frequency

from storylens.annotate.parse import doc_text

Fragments = tuple[tuple[int, int], ...]
Doc = Any  # spacy.tokens.Doc; spaCy is imported lazily
Token = Any
Span = Any  # spacy.tokens.Span

# Quotation marks news uses: curly and straight double quotes (a quote left open runs to the end
# of its paragraph, as multi-paragraph quotes do), guillemets, and British single quotes, whose
# closing mark is told from an apostrophe by what follows it ("‘It’s over,’ she said").
QUOTED = re.compile(
    r"“[^”]*(?:”|(?=\n))|\"[^\"\n]*(?:\"|(?=\n))|«[^»]*»|(?<![\w’])‘(?:[^‘’\n]|’(?=\w))*’(?!\w)"
)
OPENING_MARKS = '“"«‘'
CLOSING_MARKS = '”"»’'
DIRECT_SHARE = 0.5  # content mostly inside quotation marks (marks included) is a direct quote
MIN_QUOTE_WORDS = 3  # shorter quoted text is a term or a title: "rail tax"
SUBJECTS = {"nsubj", "nsubjpass", "csubj"}
# Children of a cue verb that belong to its content when it has no clausal complement.
CONTENT_DEPS = {"xcomp", "dobj", "attr", "oprd", "prep", "advcl", "dative"}
# Words this frequent (wordfreq Zipf; "on" 6.9, "his" 6.6) are function words, never a name's.
# Read from the headings of Multi-News audit clusters 10-19 ("ON VISION"); PolNeAR train slices
# 0-60, 120-240 and 240-400 unchanged by it.
FUNCTION_WORD_ZIPF = 6.0
OPEN_VERB_DEPS = {"conj", "advcl", "xcomp", "pcomp", "acl"}  # "..., adding that": subject from the head


@dataclass(frozen=True)
class Attribution:
    content: Fragments
    source: tuple[int, int] | None
    cue: tuple[int, int] | None
    direct: bool
    source_head: tuple[int, int] | None = None  # the source's head word with its compound name parts
    source_tag: str = ""  # the head's part-of-speech tag: NNP (a name), NNS (people), PRP, ...
    score: float = 1.0  # the cue classifier's probability ("according to" and quotes: 1)


@functools.cache
def cue_weights() -> dict[str, Any]:
    """The cue classifier's weights (see bench/train_cues.py)."""
    raw = resources.files("storylens.annotate").joinpath("cues.json").read_text(encoding="utf-8")
    weights: dict[str, Any] = json.loads(raw)
    return weights


def cue_features(token: Token) -> list[str]:
    """What the cue classifier sees of a verb: its lemma, alone and with its parse context."""
    lemma = token.lemma_.lower()
    deps = {child.dep_ for child in token.children}
    subject = next((c for c in token.children if c.dep_ in SUBJECTS), None)
    subject_kind = _subject_kind(subject)
    features = [
        f"lemma={lemma}",
        f"dep={token.dep_}",
        f"tag={token.tag_}",
        f"lemma|ccomp={lemma}|{'ccomp' in deps}",
        f"lemma|subject={lemma}|{subject_kind}",
        f"subject={subject_kind}",
        f"ccomp={'ccomp' in deps}",
        f"quote_child={any(_is_quote_mark(c) for c in token.children)}",
        f"quote_next={_next_to_quote(token, subject)}",
        f"lemma|quote_next={lemma}|{_next_to_quote(token, subject)}",
        f"lemma|dep={lemma}|{token.dep_}",
    ]
    for child in token.children:
        if child.dep_ == "prep":
            features.append(f"lemma|prep={lemma}|{child.lower_}")
    return features


def _subject_kind(subject: Token | None) -> str:
    if subject is None:
        return "none"
    if subject.pos_ == "PRON":
        return f"pron:{subject.lower_}"
    return subject.pos_


def _next_to_quote(verb: Token, subject: Token | None) -> bool:
    """Whether the verb and its subject sit right after a closing quotation mark or right before
    an opening one, punctuation aside (“...,” the judge exclaimed / he exclaimed: “...”)."""
    doc = verb.doc
    words = [verb] if subject is None else [verb, subject.left_edge, subject.right_edge]
    first, last = min(t.i for t in words), max(t.i for t in words)
    before = [t for t in doc[max(first - 3, 0) : first] if not t.is_space]
    after = [t for t in doc[last + 1 : last + 3] if not t.is_space]
    return any(_is_quote_mark(t) for t in before[-2:]) or any(_is_quote_mark(t) for t in after[:2])


def _is_quote_mark(token: Token) -> bool:
    return token.text in {*OPENING_MARKS, *CLOSING_MARKS}


def is_cue_candidate(token: Token) -> bool:
    return token.pos_ in {"VERB", "AUX"} and token.dep_ != "aux" and token.dep_ != "auxpass"


def cue_score(token: Token) -> float:
    weights = cue_weights()
    table = weights["weights"]
    total = weights["intercept"] + sum(table.get(f, 0.0) for f in cue_features(token))
    return 1.0 / (1.0 + math.exp(-total))


def find_attributions(
    doc: Doc, threshold: float | None = None, reported: float | None = None
) -> list[Attribution]:
    """Every attribution in a parsed text: cue-led ones, then quoted passages no cue covers.
    A cue at `threshold` can lead a quote; reported speech (no quotation marks) needs the
    stricter `reported` score, since a wrong "X said" in a briefing is worse than a missed one."""
    weights = cue_weights()
    cut = weights["threshold"] if threshold is None else threshold
    reported_cut = weights["reported_threshold"] if reported is None else reported
    regions = quoted_regions(doc_text(doc))
    marked = tuple((m.start(), m.end()) for m in QUOTED.finditer(doc_text(doc)))
    led = list(_cue_attributions(doc, cut, regions, marked))
    # A cue with no content of its own ("As Joel Pollak observed:") can still own the quote after it.
    found = [a for a in led if a.content and (a.direct or _is_reported_speech(doc, a, reported_cut))]
    found.extend(_quoted_passages(doc, regions, led))
    return sorted(found, key=lambda a: a.content[0])


def _is_reported_speech(doc: Doc, found: Attribution, cut: float) -> bool:
    """Reported speech needs a sure cue, content, and someone who says it: "it has long been
    thought that ...", "X is said to ..." report nobody (of the reported statements without a
    source in the hand-read Multi-News clusters 0-19, none was a statement anyone made)."""
    return found.score >= cut and found.source is not None and _says_something(doc, found)


def _says_something(doc: Doc, found: Attribution) -> bool:
    """Reported content of two words or more: "said herself" says nothing, "criticized Sanders"
    does. (Three words or more cost 0.015 of recall on PolNeAR train for no precision.)"""
    return sum(len(doc_text(doc)[start:end].split()) for start, end in found.content) >= 2


def quoted_regions(text: str) -> Fragments:
    """Quoted passages, inner text only."""
    regions = []
    for match in QUOTED.finditer(text):
        inner_start, inner_end = match.start() + 1, match.end() - (text[match.end() - 1] in CLOSING_MARKS)
        if text[inner_start:inner_end].strip():
            regions.append((inner_start, inner_end))
    return tuple(regions)


def _cue_attributions(doc: Doc, cut: float, regions: Fragments, marked: Fragments) -> Iterator[Attribution]:
    """Attributions led by a cue outside quotation marks: a "said" inside a quote is the quoted
    speaker's own report, and belongs to the quote's speaker."""
    for token in doc:
        if any(start <= token.idx < end for start, end in regions):
            continue
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            yield _according_to(token, marked)
        elif is_cue_candidate(token) and (score := cue_score(token)) >= cut:
            yield dataclasses.replace(_verb_attribution(token, marked), score=score)


def _verb_attribution(verb: Token, regions: Fragments) -> Attribution:
    source = _source_of(verb, regions)
    content = _verb_content(verb, source, regions)
    if source is not None:
        content = _minus(content, (source.left_edge.idx, _end(source.right_edge)))
    return _attribution(verb.doc, content, source, (verb.idx, _end(verb)), regions)


def _verb_content(verb: Token, source: Token | None, regions: Fragments) -> Fragments:
    """What a cue verb attributes: the quotation it is attached to, else its clausal
    complement, else its other complements after it, else the clause it interrupts."""
    complements = [c for c in verb.children if c.dep_ == "ccomp"]
    adjacent = _adjacent_quote(verb, source, regions)
    clause = _span_of(t for c in complements for t in c.subtree)
    if adjacent is not None and (not clause or _overlap(clause, (adjacent,))):
        # “...,” Trump said in February of Carrier: the quote, not "of Carrier"; and the quote,
        # not a complement the parse stretched over the sentence before it.
        return (adjacent,)
    if not complements:  # "reported at the time": a time is when it was said, not what
        complements = [
            c for c in verb.children if c.dep_ in CONTENT_DEPS and c.i > verb.i and not _is_time_phrase(c)
        ]
    if complements:
        return _span_of(t for c in complements for t in c.subtree)
    if verb.dep_ in {"parataxis", "ccomp"} and verb.head.i < verb.i:
        return _span_without(verb.head, verb)  # "Y is wrong, X said."
    return ()


def _adjacent_quote(verb: Token, source: Token | None, regions: Fragments) -> tuple[int, int] | None:
    """A quotation that the attribution directly follows (“...,” Trump said) or introduces
    (Trump said: “...”), with nothing but punctuation between them."""
    text = doc_text(verb.doc)
    words = [verb] if source is None else [verb, source.left_edge, source.right_edge]
    first, last = min(t.idx for t in words), max(_end(t) for t in words)
    introduced = [r for r in regions if r[0] >= last and not text[last : r[0]].strip(" \t,:—–-")]
    if introduced and ":" in text[last : introduced[0][0]]:
        return introduced[0]  # Trump said: “...”
    followed = [r for r in regions if r[1] <= first and not text[r[1] : first].strip(" \t,.!?—–-")]
    if followed:
        return followed[-1]
    return introduced[0] if introduced else None


def _according_to(token: Token, regions: Fragments) -> Attribution:
    to = next(c for c in token.children if c.lower_ == "to")
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    head = token.head
    content = _span_without(head, token) if head.i != token.i else ()
    cue = (token.idx, _end(to))
    return _attribution(token.doc, content, source, cue, regions)


def _attribution(
    doc: Doc, content: Fragments, source: Token | None, cue: tuple[int, int], regions: Fragments
) -> Attribution:
    content = _trimmed(doc_text(doc), content)
    direct = _inside_share(content, regions) >= DIRECT_SHARE
    if direct:  # the parse ends a clause at a sentence end inside the quote: take the whole quote
        content = _merged(content, tuple(r for r in regions if _overlap((r,), content)))
    if source is None:
        return Attribution(content, None, cue, direct)
    if source.tag_ in {"WP", "WDT"} and source.head.dep_ == "relcl":
        source = _antecedent(source.head.head)  # "Trump, who said ...": the noun "who" stands for
    return Attribution(content, _source_span(source), cue, direct, _head_name(source), source_tag=source.tag_)


# Prepositions of place: "her agents in London, who announced": the parse may tie the relative
# clause to the place, but a place named in a "where" phrase is not whom "who" stands for.
PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "near"})


def _antecedent(noun: Token) -> Token:
    """The noun a relative pronoun stands for: the parse's, or, when that is a proper name in a
    phrase of place after a common noun ("agents in London", "residents of"), that common noun."""
    preposition = noun.head
    if (
        noun.dep_ == "pobj"
        and noun.pos_ == "PROPN"
        and preposition.lower_ in PLACE_PREPOSITIONS
        and preposition.head.pos_ == "NOUN"
    ):
        return preposition.head
    return noun


def _source_span(source: Token) -> tuple[int, int]:
    """The speaker's noun phrase as a reader would name it: less clauses after it ("an architect
    who said he was stiffed ..." -> "an architect", "The U.S. delegation, using economic
    development as an incentive ..." -> "The U.S. delegation"), a time after it ("President
    Trump on Tuesday") and a bracket left open ("NBC ( cmcsa")."""
    end = _end(source.right_edge)
    for child in source.children:
        if child.i > source.i and (child.dep_ in {"relcl", "acl"} or _is_time_phrase(child)):
            end = min(end, child.left_edge.idx)
    text = doc_text(source.doc)
    start = source.left_edge.idx
    opened = text.rfind("(", start, end)
    if opened > start and ")" not in text[opened:end]:
        end = opened
    return _trim_span(text, (start, end))


TIME_WORDS = frozenset(
    [
        *(d.lower() for d in calendar.day_name),
        *(m.lower() for m in calendar.month_name if m),
        *"today yesterday tonight morning afternoon evening night week month year weekend time".split(),
    ]
)


def _is_time_phrase(child: Token) -> bool:
    """ "on Tuesday", "last week", "in March": a prepositional or noun phrase of time."""
    if child.dep_ not in {"prep", "npadvmod"}:
        return False
    return any(t.lower_ in TIME_WORDS or t.like_num for t in child.subtree)


def _merged(first: Fragments, second: Fragments) -> Fragments:
    spans = sorted(first + second)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _head_name(head: Token) -> tuple[int, int]:
    """The head word of a speaker with the compound words before it: "Pat Caddell" in "longtime
    Democratic pollster Pat Caddell", "Tester" in "Tester, a Democrat"."""
    first = head
    while (
        first.i > 0
        and first.nbor(-1).dep_ in {"compound", "flat"}
        and first.nbor(-1).head.i in {head.i, first.i}
    ):
        first = first.nbor(-1)
    return first.idx, _end(head)


def _source_of(verb: Token, regions: Fragments) -> Token | None:
    """The verb's subject outside quotation marks, nearest the verb (the parse sometimes takes a
    quoted name for a second subject); for a passive cue its agent ("was told by X"), and none
    where no agent is given ("Kim was seen smiling"); an open verb ("..., adding that",
    "saying") borrows its head's, passive or not ("X was quoted as saying")."""
    seen = 0
    while verb is not None and seen < 4:
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        allowed = SUBJECTS if seen else SUBJECTS - {"nsubjpass"}
        subjects = [
            c for c in verb.children if c.dep_ in allowed and not any(s <= c.idx < e for s, e in regions)
        ]
        if subjects:
            return min(subjects, key=lambda c: abs(c.i - verb.i))
        if any(c.dep_ == "nsubjpass" for c in verb.children):
            return None
        inverted = _inverted_subject(verb, regions) if not seen else None
        if inverted is not None:
            return inverted
        if verb.dep_ not in OPEN_VERB_DEPS or verb.head.i == verb.i or _bare_participle(verb):
            return None
        verb, seen = verb.head, seen + 1
    return None


def _inverted_subject(verb: Token, regions: Fragments) -> Token | None:
    """Quotative inversion: in "“...,” added the reporter" and "Adds another contemporary: “...”"
    the parse takes the speaker, right after a finite main verb that has no subject, for its
    object. Only next to the quote: right after its closing mark, or before a colon."""
    if verb.tag_ not in {"VBD", "VBZ"} or verb.dep_ != "ROOT" or verb.i == 0 or verb.i + 1 >= len(verb.doc):
        return None  # a base form with no subject is an imperative ("Read the report: ...")
    speaker = next((c for c in verb.rights if c.dep_ == "dobj" and c.pos_ in {"NOUN", "PROPN"}), None)
    if speaker is None or speaker.left_edge.i != verb.i + 1 or any(s <= speaker.idx < e for s, e in regions):
        return None
    after_quote = _is_quote_mark(verb.nbor(-1))
    before_colon = speaker.right_edge.i + 1 < len(verb.doc) and verb.doc[speaker.right_edge.i + 1].text == ":"
    return speaker if after_quote or (before_colon and verb.is_sent_start) else None


def _bare_participle(verb: Token) -> bool:
    """A past participle with no auxiliary ("X said, when asked whether ..."): the head's
    subject is the one asked, not the one who asked. A finite verb always has a subject of its
    own, so a subject-less past form in an adverbial clause is a participle whatever the tagger
    says (VBD or VBN); a coordinated one ("X arrived and said") shares the subject."""
    if verb.dep_ == "conj" or any(c.dep_ in {"aux", "auxpass"} for c in verb.children):
        return False
    return verb.tag_ == "VBN" or (verb.tag_ == "VBD" and verb.dep_ == "advcl")


def _quoted_passages(doc: Doc, regions: Fragments, led: Sequence[Attribution]) -> Iterator[Attribution]:
    """Quoted passages that no cue's content covers, with the speaker of the nearest attribution
    that can claim them."""
    claimed = [a for a in led if a.source is not None and a.cue is not None]
    found: list[Attribution] = []
    for region in regions:
        if any(_overlap(a.content, (region,)) >= 0.5 * (region[1] - region[0]) for a in led):
            continue
        if _is_title(doc_text(doc)[region[0] : region[1]]):
            continue  # “Saturday Night Live”, “Make America Great Again”: a name, not words said
        credit = _dash_credit(doc_text(doc), region)
        if credit is not None:
            yield Attribution((region,), credit, None, True, credit, source_tag="NNP")
            continue
        short = len(doc_text(doc)[region[0] : region[1]].split()) < MIN_QUOTE_WORDS
        owner = _owner_of(doc, region, regions, claimed, trailing_only=short)
        if owner is None and not short:
            owner = _colon_owner(doc, region)
        if owner is None and not short and _topic_led(doc, region):
            owner = _previous_owner(doc, region, regions, [*led, *found])
        # A passage nobody is said to have spoken is left out: on PolNeAR train, keeping them
        # cost more precision (0.93 -> 0.88) than it gave recall (0.87 -> 0.89); keeping only
        # whole quoted sentences cost 0.05 precision for 0.01 recall.
        if owner is not None:
            found.append(dataclasses.replace(owner, content=(region,), direct=True, score=1.0))
            yield found[-1]


def _is_title(words: str) -> bool:
    """Every word capitalised (short function words aside) and no sentence inside: a title."""
    tokens = re.findall(r"[\w’']+", words)
    content = [t for t in tokens if len(t) > 3 or t[:1].isupper()]
    return (
        bool(content)
        and all(t[:1].isupper() or t[:1].isdigit() for t in content)
        and not re.search(r"[.?!]\s", words)
    )


# A quote credited with a dash after it: “...” ― Stephanie Egan (letters, vox pops, epigraphs).
DASH_CREDIT = re.compile(
    r"[”\"»]?[.,]?[^\S\n]*[―—–-]{1,2}[^\S\n]*([A-Z][\w.’'-]*(?:[^\S\n]+[A-Z][\w.’'-]*){0,3})"
)


def _dash_credit(text: str, region: tuple[int, int]) -> tuple[int, int] | None:
    found = DASH_CREDIT.match(text, region[1])
    return (found.start(1), found.end(1)) if found else None


# An attribution this close after a quote, on its line, is the quote's own ("“...,” he said").
TRAILING_REACH = 80


def _owner_of(
    doc: Doc, region: tuple[int, int], regions: Fragments, claimed: Sequence[Attribution], trailing_only: bool
) -> Attribution | None:
    """The attribution a bare quoted passage belongs to, nearest first: a cue right after it on
    its line, a cue before it on its line after the previous quote, a cue in its sentence, else
    the last one in the lines before it, up to the previous paragraph. A short passage (“Too
    many,” Obama said) takes only the first kind: elsewhere two quoted words are mostly a term."""
    text = doc_text(doc)
    line_start = text.rfind("\n", 0, region[0]) + 1
    line_end = text.find("\n", region[1]) % (len(text) + 1)
    next_quote = min((r[0] for r in regions if r[0] > region[1]), default=len(text))
    after = [
        a
        for a in claimed
        if region[1] <= _cue_start(a) < min(line_end, next_quote, region[1] + TRAILING_REACH)
        and _follows_directly(text, region[1], a)
    ]
    if after or trailing_only:
        return after[0] if after else None
    previous_quote = max((r[1] for r in regions if r[1] < region[0]), default=line_start)
    before = [a for a in claimed if max(line_start, previous_quote) <= _cue_start(a) < region[0]]
    if before:
        return before[-1]
    sentence = doc.char_span(region[0], region[1], alignment_mode="expand")
    if sentence is not None:
        first, last = sentence[0].sent.start_char, sentence[-1].sent.end_char
        same = [a for a in claimed if first <= _cue_start(a) < last]
        if same:
            return min(same, key=lambda a: abs(_cue_start(a) - region[0]))
    earlier = [a for a in claimed if _previous_paragraph_start(text, line_start) <= _cue_start(a) < region[0]]
    return earlier[-1] if earlier else None


def _colon_owner(doc: Doc, region: tuple[int, int]) -> Attribution | None:
    """An attribution made by a colon alone: "Republican pollster Daron Shaw: “...”", "The
    timing doesn't surprise Shaw: “...”": the subject of the clause the colon ends, or the
    name right before it."""
    before = doc_text(doc)[: region[0]].rstrip(' \t\n“"«')
    if not before.endswith(":") or _topic_led(doc, region):
        return None
    colon = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if colon is None or colon.start == 0:
        return None
    last = doc[colon.start - 1]
    root = last.sent.root
    # The parse may run the sentence on into the quote ("On tongue: “It’s wonderful stuff”"): a
    # subject inside the quote is none of the lead's.
    subject = next((c for c in root.children if c.dep_ in SUBJECTS and c.i < colon.start), None)
    if subject is not None and last.pos_ != "PROPN":
        span = (subject.left_edge.idx, _end(subject))
        speaker = subject
    elif last.pos_ in {"PROPN", "NOUN", "PRON"}:
        span = (_name_start(last).idx, _end(last))
        speaker = last
    else:
        return None
    if _is_heading(doc_text(doc)[span[0] : span[1]]):
        return None  # "ON LEADERSHIP: “...”" is a section heading over the quote, not its speaker
    cue = (colon[0].idx, _end(colon[0]))
    return Attribution((region,), span, cue, True, _head_name(speaker), source_tag=speaker.tag_)


def _lead_of(doc: Doc, region: tuple[int, int]) -> Span | None:
    """The words from the start of the sentence to a colon right before the quote, if any."""
    before = doc_text(doc)[: region[0]].rstrip(' \t\n“"«')
    if not before.endswith(":"):
        return None
    colon = doc.char_span(len(before) - 1, len(before), alignment_mode="expand")
    if colon is None or colon.start == 0:
        return None
    start = doc[colon.start - 1].sent.start
    return doc[start : colon.start] if start < colon.start else None


def _topic_led(doc: Doc, region: tuple[int, int]) -> bool:
    """A quote led by a topic, not a speaker: "On bacon: “...”", "On a lofty legume: “...”" (a
    prepositional phrase and a colon, no verb): the words are the previous quote's speaker's."""
    lead = _lead_of(doc, region)
    return (
        lead is not None
        and lead[0].pos_ == "ADP"
        and not any(t.pos_ in {"VERB", "AUX"} for t in lead)
        and not any(_is_quote_mark(t) for t in lead)
    )


def _previous_owner(
    doc: Doc, region: tuple[int, int], regions: Fragments, attributed: Sequence[Attribution]
) -> Attribution | None:
    """The attribution of the quote right before `region` when nothing but a topic lead stands
    between them (a list of one speaker's sayings, each under its topic)."""
    earlier = [r for r in regions if r[1] <= region[0]]
    if not earlier:
        return None
    previous = earlier[-1]
    lead = _lead_of(doc, region)
    gap_end = lead.start_char if lead is not None else region[0]
    if doc_text(doc)[previous[1] : gap_end].strip(' \t\n”"»’.,'):
        return None
    owners = [a for a in attributed if a.source is not None and _overlap(a.content, (previous,)) > 0]
    return owners[-1] if owners else None


def _is_heading(words: str) -> bool:
    """Two or more words all in capitals, one of them a function word ("ON VISION", "IN HIS
    WORDS"): a heading. A transcript's speaker in capitals ("MITT ROMNEY:", "RAMOS:") is not."""
    letters = [ch for ch in words if ch.isalpha()]
    if not letters or any(ch.islower() for ch in letters) or len(words.split()) < 2:
        return False
    return any(
        zipf_frequency(word.lower(), "en") >= FUNCTION_WORD_ZIPF for word in re.findall(r"[A-Za-z]+", words)
    )


def _name_start(token: Token) -> Token:
    first = token
    while first.i > 0 and first.nbor(-1).pos_ == "PROPN" and first.nbor(-1).sent == token.sent:
        first = first.nbor(-1)
    return first


def _follows_directly(text: str, quote_end: int, found: Attribution) -> bool:
    """Whether the attribution starts right after the quote, punctuation aside (“...,” Trump
    said / “...,” said Trump), not in a later clause (“...” He went on to endorse Ayotte)."""
    starts = [found.cue[0] if found.cue else len(text)]
    if found.source is not None:
        starts.append(found.source[0])
    return not text[quote_end : min(starts)].strip(' \t\xa0,.!?”"’»—–-')


def _cue_start(found: Attribution) -> int:
    return found.cue[0] if found.cue else -1


def _previous_paragraph_start(text: str, line_start: int) -> int:
    """Where the paragraph before the line at `line_start` begins, blank lines skipped."""
    cursor = line_start - 1
    while cursor > 0 and text[cursor - 1] == "\n":
        cursor -= 1
    return text.rfind("\n", 0, max(cursor, 0)) + 1


def _span_of(tokens: Iterable[Token]) -> Fragments:
    chosen = list(tokens)
    if not chosen:
        return ()
    return ((min(t.idx for t in chosen), max(_end(t) for t in chosen)),)


def _span_without(head: Token, cut: Token) -> Fragments:
    """The head's subtree less the subtree of `cut` (and the commas around it), as fragments."""
    removed = {t.i for t in cut.subtree}
    kept = [t for t in head.subtree if t.i not in removed]
    fragments: list[tuple[int, int]] = []
    previous = -2
    for token in kept:  # tokens next to each other in the text make one fragment
        if fragments and token.i == previous + 1:
            fragments[-1] = (fragments[-1][0], _end(token))
        else:
            fragments.append((token.idx, _end(token)))
        previous = token.i
    return tuple(fragments)


def _minus(content: Fragments, cut: tuple[int, int]) -> Fragments:
    pieces: list[tuple[int, int]] = []
    for start, end in content:
        if cut[1] <= start or end <= cut[0]:
            pieces.append((start, end))
            continue
        if start < cut[0]:
            pieces.append((start, cut[0]))
        if cut[1] < end:
            pieces.append((cut[1], end))
    return tuple(pieces)


def _trimmed(text: str, content: Fragments) -> Fragments:
    """Fragments without edge spaces and separators, each widened over the quotation marks and
    closing punctuation right around it (the parse leaves a closing ” outside the clause)."""
    trimmed = [_trim_span(text, fragment) for fragment in content]
    return tuple(_with_marks(text, f) for f in trimmed if re.search(r"\w", text[f[0] : f[1]]))


def _with_marks(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    if start > 0 and text[start - 1] in OPENING_MARKS:
        start -= 1
    while end < len(text) and text[end] in ".,!?" + CLOSING_MARKS:
        end += 1
    return start, end


def _trim_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    start, end = span
    while start < end and (text[start].isspace() or text[start] in ",;:—–-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-"):
        end -= 1
    return start, end


def _inside_share(content: Fragments, regions: Fragments) -> float:
    total = sum(end - start for start, end in content)
    return _overlap(content, regions) / total if total else 0.0


def _overlap(first: Fragments, second: Fragments) -> int:
    return sum(max(0, min(a1, b1) - max(a0, b0)) for a0, a1 in first for b0, b1 in second)


def _end(token: Token) -> int:
    return int(token.idx + len(token.text))
