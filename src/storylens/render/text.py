"""Markdown and the short terminal view, written directly (no HTML involved)."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape

from storylens.model import Briefing, BriefingSet
from storylens.render.views import (
    day_without_year,
    derivation_phrase,
    excerpt,
    headline_origin,
    outlets,
    quote_words,
    speaker_phrase,
    spin_evidence,
    story_heading,
)
from storylens.sanitize import terminal_safe

# Every character CommonMark or GitHub gives a meaning inline, escaped with a backslash (which
# CommonMark allows before any ASCII punctuation): no raw HTML, link, image, code span, table cell,
# entity or emphasis can start inside a text from an input.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#!&~])")
TERMINAL_QUOTES = 5  # the short view names the most widely carried quotes only


def _md(text: str) -> str:
    """Text from an input made inert in Markdown: one line (a newline cannot start a heading or
    a list), no control characters, no raw HTML, no accidental formatting."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(terminal_safe(text).split()))


def _tty(text: str) -> str:
    """Text from an input made safe for the terminal and inert as rich markup."""
    return escape(terminal_safe(text))


def to_markdown(result: BriefingSet) -> str:
    out = ["# storylens briefing", ""]
    for failure in result.failures:
        out.append(f"- could not use {_md(failure.origin)} ({failure.stage}): {_md(failure.reason)}")
    for briefing in result.briefings:
        out += _story_markdown(briefing)
    return "\n".join(out) + "\n"


def _story_markdown(b: Briefing) -> list[str]:
    names = outlets(b)
    by_id = {a.id: a for a in b.articles}
    out = [
        "",
        f"## {_md(story_heading(b))}",
        "",
        f"Headline: {_md(_headline_source(b))}; keywords: {_md(b.story.label)}.",
        "",
        f"{len(b.articles)} articles, {len(b.conflicts)} conflicts.",
        "",
        "### Summary",
        "",
    ]
    for line in b.summary:
        cites = ", ".join(f"{names[c.article_id]} {c.start}-{c.end}" for c in line.citations)
        out.append(f"- {_md(line.text)} [{_md(cites)}]")
    if b.conflicts:
        out += ["", "### Conflicts", ""]
        for conflict in b.conflicts:
            out.append(f"- **{conflict.kind.value}**: {_md(conflict.explanation)}")
            for span in (conflict.first, conflict.second):
                out.append(f"  - {_md(names[span.article_id])}: “{_md(excerpt(span, by_id))}”")
    out += ["", "### Facts", "", "| claim | voices | sources |", "|---|---|---|"]
    for claim in b.claims:
        if len(claim.articles) > 1:
            sources = ", ".join(names[a] for a in claim.articles)
            voices = f"{claim.independent_voices}" + (
                " (single voice)" if claim.independent_voices == 1 else ""
            )
            out.append(f"| {_md(claim.text)} | {voices} | {_md(sources)} |")
    if b.quotes:
        out += ["", "### Quotes", ""]
        for quote in b.quotes:
            sources = ", ".join(dict.fromkeys(names[s.article_id] for s in quote.spans))
            words = _md(quote_words(quote, by_id))
            out.append(f"- {_md(speaker_phrase(quote, by_id))}: {words} ({_md(sources)})")
    out += ["", "### Who's who", ""]
    for entity in b.entities:
        if entity.label not in {"PERSON", "ORG", "GPE", "LOC"}:
            continue
        titles = ", ".join(dict.fromkeys(role.title for role in entity.roles))
        aliases = ", ".join(entity.aliases)
        entry = f"- {_md(entity.name)} ({entity.label})"
        entry += f": {_md(titles)}" if titles else ""
        entry += f"; also written {_md(aliases)}" if aliases else ""
        out.append(entry)
    out += ["", "### Timeline", ""]
    for event in b.timeline:
        sources = ", ".join(dict.fromkeys(names[s.article_id] for s in event.citations))
        out.append(
            f"- {event.date.isoformat()} ({event.precision.value}): {_md(event.description)} ({_md(sources)})"
        )
    for yearless in b.timeline_without_year:
        sources = ", ".join(dict.fromkeys(names[s.article_id] for s in yearless.citations))
        out.append(f"- {day_without_year(yearless)}: {_md(yearless.description)} ({_md(sources)})")
    out += ["", "### Provenance", ""]
    for d in b.derivations:
        out.append(f"- {_md(derivation_phrase(d, names))} ({d.reused_share:.0%} of its sentences reused)")
        out += [f"  - spin: {_md(text)}" for text, _ in spin_evidence(d, b)]
    return out


def _headline_source(b: Briefing) -> str:
    """Where the headline comes from, with the characters of a lead sentence it cites."""
    headline = b.story.headline
    origin = headline_origin(b)
    if headline is None or not headline.citations:
        return origin
    first = headline.citations[0]
    return f"{origin} ({first.start}-{first.end})"


def print_terminal(result: BriefingSet, console: Console) -> None:
    """A short view: per story its summary lines, conflicts, main quotes and copies."""
    for b in result.briefings:
        names = outlets(b)
        # The headline on a line of its own: a rule's title is cut at the terminal's width.
        console.rule(f"{len(b.articles)} articles")
        console.print(f"[bold]{_tty(story_heading(b))}[/]", highlight=False)
        origin = f"headline: {_tty(headline_origin(b))}; keywords: {_tty(b.story.label)}"
        console.print(f"[dim]{origin}[/]", highlight=False)
        for line in b.summary:
            sources = ", ".join(dict.fromkeys(names[c.article_id] for c in line.citations))
            console.print(f"• {_tty(line.text)} [dim]\\[{_tty(sources)}][/]", highlight=False)
        for conflict in b.conflicts:
            console.print(
                f"[red]conflict ({conflict.kind.value}):[/] {_tty(conflict.explanation)}", highlight=False
            )
        by_id = {a.id: a for a in b.articles}
        for quote in b.quotes[:TERMINAL_QUOTES]:
            speaker = _tty(speaker_phrase(quote, by_id))
            console.print(f"[cyan]{speaker}:[/] {_tty(quote_words(quote, by_id))}", highlight=False)
        for d in b.derivations:
            console.print(f"[dim]{_tty(derivation_phrase(d, names))}[/]", highlight=False)
    for failure in result.failures:
        console.print(
            f"[yellow]could not use {_tty(failure.origin)}:[/] {_tty(failure.reason)}", highlight=False
        )
