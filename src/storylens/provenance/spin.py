"""Spin signals: what a rewriting tool leaves in the sentences it rewrote.

An editor who rewrites a wire story changes its structure; a spinning tool keeps the structure
and swaps words one for one. So the aligned sentence pairs of a derivation are diffed word by
word, and each one-for-one swap is checked: a common word replaced by a far rarer one ("rain" by
"precipitation": thesaurus substitutions that break the phrases news is written in), a name
respelt ("Okafor" by "Okafur"), a figure that changed. Word frequencies come from wordfreq, whose
tables ship inside the package.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator, Sequence

from storylens.model import AlignedPair, Sentence, SpinKind, SpinSignal

WORD = re.compile(r"[^\W_]+(?:['’.,][^\W_]+)*")
# A swap is "rare" when the new word is this many Zipf units (powers of ten) rarer than the old
# one, and itself no more common than this (Zipf 4: about once per 10,000 words).
RARITY_GAP = 1.0
RARE_ZIPF = 4.0
# Two spellings count as one name garbled when this similar (difflib ratio, case ignored).
GARBLED_NAME_RATIO = 0.6
MAX_SIGNALS = 12


@functools.cache
def zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def spin_signals(
    source: Sequence[Sentence], derived: Sequence[Sentence], pairs: Sequence[AlignedPair]
) -> tuple[SpinSignal, ...]:
    """Spin signals over the aligned sentence pairs of one derivation, at most MAX_SIGNALS."""
    found: list[SpinSignal] = []
    for pair in pairs:
        before = WORD.findall(source[pair.source_sentence].text)
        after = WORD.findall(derived[pair.derived_sentence].text)
        for old, new in swapped_words(before, after):
            kind = classify_swap(old, new)
            if kind is not None:
                found.append(SpinSignal(kind, pair.source_sentence, pair.derived_sentence, old, new))
    return tuple(found[:MAX_SIGNALS])


def swapped_words(before: list[str], after: list[str]) -> Iterator[tuple[str, str]]:
    """Words replaced one for one (runs of up to three swapped words, same length both sides)."""
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1 <= 3:
            yield from zip(before[i1:i2], after[j1:j2], strict=True)


def classify_swap(old: str, new: str) -> SpinKind | None:
    if old.lower() == new.lower():
        return None
    if _is_number(old) and _is_number(new):
        return SpinKind.CHANGED_NUMBER
    if _is_number(old) or _is_number(new):
        return None
    if old[0].isupper() and new[0].isupper():
        similar = difflib.SequenceMatcher(a=old.lower(), b=new.lower()).ratio() >= GARBLED_NAME_RATIO
        return SpinKind.GARBLED_NAME if similar else None
    if old.islower() and new.islower():
        common, rare = zipf(old), zipf(new)
        if rare <= RARE_ZIPF and common - rare >= RARITY_GAP:
            return SpinKind.RARE_SUBSTITUTION
    return None


def _is_number(word: str) -> bool:
    return word[0].isdigit()
