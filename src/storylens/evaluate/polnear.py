"""PolNeAR (Newell et al., LREC 2018): who said or believed what in real US election news.

A split folder holds `text/*.txt` and brat standoff `attributions/*.ann`: `T` lines are Source, Cue
and Content spans (character offsets, fragments joined by ";"), `E` lines tie them into one
attribution. Some articles were annotated twice; the first annotator's file (in file-name order)
is the gold, so that every article counts once.

Scoring follows issue 10: a predicted quote matches a gold Content when their overlap is at least
half of the shorter of the two; "direct" gold is content mostly inside quotation marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from storylens.errors import InputError

Fragments = tuple[tuple[int, int], ...]
# Quotation marks news uses: curly pairs, straight pairs, and the guillemets of wire copy.
QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|«[^»]*»")
DIRECT_SHARE = 0.5  # the "mostly inside quotation marks"
MIN_OVERLAP = 0.5  # the "at least half of the shorter"


@dataclass(frozen=True)
class GoldAttribution:
    source: Fragments
    cue: Fragments
    content: Fragments
    direct: bool


@dataclass(frozen=True)
class GoldArticle:
    name: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def read_split(folder: Path, limit: int | None = None) -> list[GoldArticle]:
    """Every article of a PolNeAR split folder (`.../polnear/dev`) with its gold attributions."""
    texts, notes = folder / "text", folder / "attributions"
    if not texts.is_dir() or not notes.is_dir():
        raise InputError(str(folder), "no text/ and attributions/ folders here; give a PolNeAR split folder")
    first_files: dict[str, Path] = {}
    for path in sorted(notes.glob("*.ann")):
        first_files.setdefault(path.stem.rsplit("_", 1)[0], path)
    articles = []
    for name, path in sorted(first_files.items())[:limit]:
        text = (texts / f"{name}.txt").read_text(encoding="utf-8")
        articles.append(GoldArticle(name, text, tuple(_attributions(path, text))))
    return articles


def _attributions(path: Path, text: str) -> Iterable[GoldAttribution]:
    spans: dict[str, Fragments] = {}
    events: list[dict[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if line.startswith("T") and len(fields) >= 2:
            spans[fields[0]] = _fragments(fields[1].split(" ", 1)[1])
        elif line.startswith("E") and len(fields) >= 2:
            events.append(dict(part.split(":", 1) for part in fields[1].split() if ":" in part))
    quoted = quoted_regions(text)
    for event in events:
        content = spans.get(event.get("Content", ""), ())
        if not content:
            continue
        yield GoldAttribution(
            source=spans.get(event.get("Source", ""), ()),
            cue=spans.get(event.get("Cue", ""), ()),
            content=content,
            direct=inside_share(content, quoted) >= DIRECT_SHARE,
        )


def _fragments(offsets: str) -> Fragments:
    pairs = (part.split() for part in offsets.split(";"))
    return tuple((int(start), int(end)) for start, end in pairs)


def quoted_regions(text: str) -> Fragments:
    return tuple((m.start(), m.end()) for m in QUOTED.finditer(text))


def inside_share(fragments: Fragments, regions: Fragments) -> float:
    total = length(fragments)
    return overlap(fragments, regions) / total if total else 0.0


def length(fragments: Fragments) -> int:
    return sum(end - start for start, end in fragments)


def overlap(first: Fragments, second: Fragments) -> int:
    return sum(
        max(0, min(a_end, b_end) - max(a_start, b_start))
        for a_start, a_end in first
        for b_start, b_end in second
    )


def matches(predicted: Fragments, gold: Fragments) -> bool:
    shorter = min(length(predicted), length(gold))
    return shorter > 0 and overlap(predicted, gold) >= MIN_OVERLAP * shorter


def surname(name: str) -> str:
    """The last word of a name, lower case, without a possessive: "Pat Caddell's" -> "caddell"."""
    words = re.findall(r"[\w’'-]+", name)
    return re.sub(r"[’']s?$", "", words[-1]).lower() if words else ""


def names_agree(resolved: str | None, written: str) -> bool:
    """Whether a resolved speaker is the person a gold source names: same surname, or, for a
    person the text calls by a first name alone ("Jeb wants ...", "Donald told"), that first
    name opening the resolved full name ("Jeb Bush")."""
    if not resolved:
        return False
    if surname(resolved) == surname(written):
        return True
    words, first = written.split(), resolved.split()[0]
    return len(words) == 1 and len(resolved.split()) > 1 and first.lower() == surname(written)


def best_match(predicted: Fragments, golds: Sequence[GoldAttribution]) -> GoldAttribution | None:
    """The gold attribution a prediction overlaps most, among those it matches."""
    found = [g for g in golds if matches(predicted, g.content)]
    return max(found, key=lambda g: overlap(predicted, g.content), default=None)


@dataclass(frozen=True)
class Predicted:
    """One attribution a system found: its content, where it wrote the speaker, and who it says
    the speaker is."""

    content: Fragments
    speaker: tuple[int, int] | None
    resolved: str | None
    direct: bool


@dataclass
class Tally:
    predicted: int = 0
    predicted_matched: int = 0
    gold: int = 0
    gold_matched: int = 0
    speaker_checked: int = 0
    speaker_right: int = 0
    named_checked: int = 0
    named_right: int = 0

    def scores(self) -> tuple[float, float, float, float, float]:
        """P, R, F1, speaker-as-written accuracy, resolved-name accuracy."""
        precision = self.predicted_matched / self.predicted if self.predicted else 0.0
        recall = self.gold_matched / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        speaker = self.speaker_right / self.speaker_checked if self.speaker_checked else 0.0
        named = self.named_right / self.named_checked if self.named_checked else 0.0
        return precision, recall, f1, speaker, named


def tally(article: GoldArticle, predictions: Sequence[Predicted], direct: bool, into: Tally) -> None:
    """Adds one article's counts for direct (or indirect) attributions to `into`."""
    golds = [g for g in article.attributions if g.direct == direct]
    mine = [p for p in predictions if p.direct == direct]
    into.predicted += len(mine)
    into.gold += len(golds)
    into.gold_matched += sum(any(matches(p.content, g.content) for p in mine) for g in golds)
    for prediction in mine:
        gold = best_match(prediction.content, golds)
        if gold is None:
            continue
        into.predicted_matched += 1
        if not gold.source:
            continue
        into.speaker_checked += 1
        into.speaker_right += (
            prediction.speaker is not None and overlap((prediction.speaker,), gold.source) > 0
        )
        name = proper_name(" ".join(article.text[s:e] for s, e in gold.source))
        if name:
            into.named_checked += 1
            into.named_right += names_agree(prediction.resolved, name)


# Capitalised words that open a phrase without naming anyone: "The", "His", "Former".
_NOT_NAMES = frozenset("the a an his her their its this that these those he she they it i we former".split())


def proper_name(source: str) -> str | None:
    """The name a gold Source ends its head phrase with ("longtime Democratic pollster Pat
    Caddell" -> "Pat Caddell", "Rep. Jim Clyburn (D-S.C.), the assistant leader" -> "Rep. Jim
    Clyburn"), or None when the phrase ends in a common noun or pronoun ("he", "the presumptive
    Republican nominee", "Sanders protesters")."""
    head = re.split(r"[,(—–]", source, maxsplit=1)[0].strip()
    runs = list(re.finditer(r"[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*", head))
    if not runs or runs[-1].end() < len(head.rstrip(" .")):
        return None
    name = runs[-1].group()
    if re.search(r"\b[a-z]+\s+(?:of|for|in|at|from|with|near|to)\s+(?:the\s+)?$", head[: runs[-1].start()]):
        return None  # "a longtime adviser to Trump": the head is the adviser, the name is whom he advises
    return None if name.split()[-1].lower() in _NOT_NAMES else name
