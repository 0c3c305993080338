"""Whether a sentence can stand as a summary line on its own, after the lines before it.

A summary line is read out of its article: it must be a full statement of the news (not a
fragment, heading, caption, promotion, question or imperative), give every quote a speaker in the
line, and open on nothing the reader has not been told: no third-person pronoun, no surname alone
whose person no earlier line names in full, no "the <noun>" that no earlier line spoke of. The
rules work on the parse (spaCy's tagger and parser) and on the names annotate found; none keys
on the words of a particular text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from storylens.annotate.attribution import cue_weights
from storylens.annotate.parse import parse_model
from storylens.clean.boilerplate import DISCLAIMER, PROMOTION, SOCIAL, is_caption
from storylens.model import Mention, QuoteMention, Sentence

# Issue 12: "no fragment under 6 words" (words with a letter or digit).
MIN_WORDS = 6
# Quoted words fewer than this are a term in scare quotes ("slut", "swamped"), not speech.
MIN_QUOTE_WORDS = 4
# A paragraph longer than this is prose even where it quotes a credit (as clean.boilerplate's
# CAPTION_MAX_WORDS; read from the dev scrapinghub pages).
CAPTION_PARAGRAPH_WORDS = 60
# A courtesy title before a surname ("Mr", "Ms", "Dr", "Sen.") does not say who the person is;
# a title that names a role ("President", "Governor") does. Titles are told apart by length:
# the courtesy abbreviations have at most this many letters.
COURTESY_TITLE_LETTERS = 4
SENTENCE_START = re.compile(r"[\"'“‘(\[]*[A-Z0-9]")
SENTENCE_END = re.compile(r"[.!…][\"'”’)\]]*$")
QUOTED = re.compile(r"[\"“]([^\"“”]+)[\"”]")
# A credit closing a line: "... (Associated Press)", "(CNN)", "Media caption ...".
CLOSING_CREDIT = re.compile(r"\((?:[A-Z][\w.&-]*\s?){1,4}\)\s*$|\bmedia caption\b|\.\.\.\s*\(", re.IGNORECASE)
FINITE_TAGS = {"VBD", "VBZ", "VBP", "MD"}
SUBJECTS = {"nsubj", "nsubjpass", "csubj", "expl"}
QUALIFIERS = {"prep", "acl", "relcl", "appos", "compound", "poss"}
# Determiners that point back to something already told ("the deal", "these crawls"): the
# definite article and the demonstratives, a closed class of English grammar.
DEFINITE = {"the", "this", "these", "those", "that"}
COURTESY = re.compile(rf"^[A-Z][a-z]{{1,{COURTESY_TITLE_LETTERS - 1}}}\.?$")


@dataclass(frozen=True)
class StoryText:
    """What the summary reads of the story beyond its claims: article texts, the names and
    quotes annotate found, publication days and origin groups (copies of one report together)."""

    texts: Mapping[str, str] = field(default_factory=dict)
    mentions: Mapping[str, Sequence[Mention]] = field(default_factory=dict)
    quotes: Mapping[str, Sequence[QuoteMention]] = field(default_factory=dict)
    published: Mapping[str, Any] = field(default_factory=dict)  # article id -> date or None
    groups: Sequence[Sequence[str]] = ()


class LineJudge:
    """Judges sentences as summary lines; parses each sentence once."""

    def __init__(self, story: StoryText) -> None:
        self.story = story
        self._docs: dict[tuple[str, int], Any] = {}
        self._full_names = _full_names(story.mentions)

    def doc(self, sentence: Sentence) -> Any:
        key = (sentence.article_id, sentence.start)
        if key not in self._docs:
            self._docs[key] = parse_model()(sentence.text)
        return self._docs[key]

    def fault(self, sentence: Sentence, earlier: Sequence[Sentence]) -> str | None:
        """Why the sentence cannot follow `earlier` as a summary line, or None if it can."""
        return self.form_fault(sentence) or self.reference_fault(sentence, earlier)

    def form_fault(self, sentence: Sentence) -> str | None:
        """Faults of the line itself, whatever comes before it."""
        text = sentence.text.strip()
        if len([w for w in text.split() if any(c.isalnum() for c in w)]) < MIN_WORDS:
            return "fragment"
        if self._caption(sentence) or CLOSING_CREDIT.search(text):
            return "caption or credit"
        if "\n" in text or not SENTENCE_END.search(text):
            return "heading or question"
        if not SENTENCE_START.match(text):
            return "fragment"  # the tail of a sentence the splitter cut
        if PROMOTION.search(text) or SOCIAL.search(text) or DISCLAIMER.search(text):
            return "promotion"
        doc = self.doc(sentence)
        if _imperative(doc):
            return "imperative"
        if not any(t.tag_ in FINITE_TAGS for t in doc):
            return "no finite verb"
        if self._present_tense_caption(sentence, doc):
            return "caption or credit"
        if _heading_before_colon(doc):
            return "heading"
        if _first_or_second_person(doc):
            return "speaker unknown"
        if self._quote_without_speaker(sentence):
            return "quote without speaker"
        return None

    def reference_fault(self, sentence: Sentence, earlier: Sequence[Sentence]) -> str | None:
        """An opening that refers to something the lines before it have not introduced."""
        doc = self.doc(sentence)
        for token in _opening_references(doc):
            if token.tag_ in ("PRP", "PRP$") and token.morph.get("Person") == ["3"]:
                if not _expletive(token):
                    return "pronoun"
            elif token.tag_ == "DT" and token.dep_ in SUBJECTS:
                return "pronoun"  # "This is where ...", "That was ..."
            elif token.dep_ == "det" and token.lower_ in DEFINITE and _unqualified_noun(token.head):
                if not any(t.lemma_ == token.head.lemma_ for e in earlier for t in self.doc(e)):
                    return "unintroduced 'the ...'"
            elif self._lone_surname(sentence, token, earlier):
                return "surname alone"
        return None

    def _caption(self, sentence: Sentence) -> bool:
        paragraph = self._paragraph(sentence)
        short = len(paragraph.split()) <= CAPTION_PARAGRAPH_WORDS
        return is_caption(sentence.text) or (short and is_caption(paragraph))

    def _present_tense_caption(self, sentence: Sentence, doc: Any) -> bool:
        """A paragraph of one sentence that tells in the simple present what someone does
        ("A woman waves the Egyptian flag during a protest ..."): the form of a photo caption.
        Reporting verbs are the exception ("Trump says he has no regret")."""
        if self._paragraph(sentence).strip() != sentence.text.strip():
            return False
        roots = [t for t in doc if t.dep_ == "ROOT"]
        return bool(roots) and all(
            t.tag_ in ("VBZ", "VBP")
            and t.lemma_ not in ("be", "have")
            and t.lower_ not in _speech_forms()
            and not any(c.dep_ in ("aux", "auxpass") for c in t.children)
            for t in roots
        )

    def _paragraph(self, sentence: Sentence) -> str:
        text = self.story.texts.get(sentence.article_id, "")
        if not text:
            return ""
        start = text.rfind("\n\n", 0, sentence.start) + 1
        end = text.find("\n\n", sentence.end)
        return text[start : end if end >= 0 else len(text)].strip()

    def _quote_without_speaker(self, sentence: Sentence) -> bool:
        text = sentence.text
        if text.count("“") != text.count("”") or text.count('"') % 2:
            return True  # a quotation cut by the sentence split: its speaker is in another line
        quoted = [m for m in QUOTED.finditer(sentence.text) if len(m.group(1).split()) >= MIN_QUOTE_WORDS]
        if not quoted:
            return False
        quotes = self.story.quotes.get(sentence.article_id, ())
        return not any(
            q.speaker_span is not None
            and sentence.start <= q.speaker_span.start < sentence.end
            and q.start < sentence.end
            and q.end > sentence.start
            for q in quotes
        )

    def _lone_surname(self, sentence: Sentence, token: Any, earlier: Sequence[Sentence]) -> bool:
        """The token opens a one-word person's name that the story elsewhere writes in full, and
        neither this line nor an earlier one gives the full name."""
        mention = self._person_at(sentence, sentence.start + token.idx)
        if mention is None or len(mention.text.split()) > 1:
            return False
        before = token.nbor(-1) if token.i > 0 else None
        if before is not None and before.is_title and not COURTESY.match(before.text):
            return False  # "President Obama": the role says who
        surname = mention.text.lower()
        if surname not in self._full_names:
            return False  # the only name the story has for this person
        return not any(
            len(m.text.split()) > 1 and m.text.lower().split()[-1] == surname
            for line in (*earlier, sentence)
            for m in self._persons_in(line)
        )

    def _persons_in(self, sentence: Sentence) -> list[Mention]:
        return [
            m
            for m in self.story.mentions.get(sentence.article_id, ())
            if m.label == "PERSON" and sentence.start <= m.start < sentence.end
        ]

    def _person_at(self, sentence: Sentence, offset: int) -> Mention | None:
        return next((m for m in self._persons_in(sentence) if m.start == offset), None)


@functools.cache
def _speech_forms() -> frozenset[str]:
    """Word forms that can report speech or thought (annotate's learnt cue lexicon)."""
    return frozenset(cue_weights()["forms"])


def _full_names(mentions: Mapping[str, Sequence[Mention]]) -> frozenset[str]:
    """Last words of the story's people named in full: "Pao" when "Ellen Pao" is written."""
    return frozenset(
        m.text.lower().split()[-1]
        for found in mentions.values()
        for m in found
        if m.label == "PERSON" and len(m.text.split()) > 1
    )


def _opening_references(doc: Any) -> list[Any]:
    """The words that must be understood for the line to start: its first word (after a
    conjunction, an adverb or punctuation) and the first word of the main verb's subject."""
    words = [t for t in doc if not t.is_punct and t.dep_ not in ("cc", "advmod", "intj")]
    found = words[:1]
    for root in (t for t in doc if t.dep_ == "ROOT"):
        for child in root.children:
            first = doc[child.left_edge.i]
            opens_line = not any(t.pos_ in ("VERB", "AUX") for t in doc[: first.i])
            if child.dep_ in ("nsubj", "nsubjpass") and opens_line and first not in found:
                found.append(first)
    return found


def _expletive(token: Any) -> bool:
    """ "It" that stands for a clause after the verb ("It is unclear whether ..."), not a thing."""
    if token.lower_ != "it":
        return False
    head = token.head
    return token.dep_ == "expl" or any(
        c.dep_ in ("ccomp", "xcomp", "csubj") and c.i > head.i for c in head.children
    )


def _unqualified_noun(head: Any) -> bool:
    """A common noun as subject with nothing in its phrase to say which one it is."""
    if head.pos_ != "NOUN" or head.dep_ not in ("nsubj", "nsubjpass"):
        return False
    if any(c.dep_ in QUALIFIERS for c in head.children):
        return False
    return not any(c.pos_ == "PROPN" for c in head.subtree if c.i < head.i)


def _imperative(doc: Any) -> bool:
    """The main verb in its base form with no subject and no auxiliary: "Follow my journey"."""
    for root in (t for t in doc if t.dep_ == "ROOT"):
        if root.tag_ == "VB" and not any(
            c.dep_ in SUBJECTS or c.dep_ in ("aux", "auxpass") for c in root.children
        ):
            return True
    return False


def _heading_before_colon(doc: Any) -> bool:
    """A heading run into its first sentence: words with no finite verb before a colon near the
    start ("Hiking the PCT: 2016 I set out ...")."""
    colon = next((t for t in doc[:12] if t.text == ":"), None)
    if colon is None or colon.i < 2:
        return False
    return not any(t.tag_ in FINITE_TAGS for t in doc[: colon.i])


def _first_or_second_person(doc: Any) -> bool:
    """A subject "I", "we" or "you" outside quotation marks: a first-person voice (an author, an
    unnamed speaker) or words to the reader, not a report."""
    regions = [m.span() for m in QUOTED.finditer(doc.text)]
    for token in doc:
        if token.dep_ not in ("nsubj", "nsubjpass") or token.tag_ != "PRP":
            continue
        if token.morph.get("Person") in (["1"], ["2"]) and not any(s <= token.idx < e for s, e in regions):
            return True
    return False


__all__ = ["LineJudge", "StoryText"]
