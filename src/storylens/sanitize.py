"""Text made safe where it crosses the program's edges.

Coming in, article text and metadata lose control characters: they carry no meaning in news,
and parsers downstream choke on them (lxml refuses \\x11 or BEL as "not XML compatible"). Going
out, every text that came from an input (file names included) is stripped of control and escape
characters before it reaches a terminal, and of lone surrogates (an undecodable file name) before
it reaches UTF-8 output.
"""

from __future__ import annotations

import re

from storylens.model import Raw

# C0 controls other than tab, newline and carriage return, DEL, and the C1 controls (U+0080 to
# U+009F, among them the 8-bit CSI that some terminals obey like ESC [). Form feed goes too: a
# page break means nothing in an article and lxml refuses it.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# On one terminal line, line breaks and tabs from an input would forge lines of their own.
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")
# Lone surrogates (from a file name that is not UTF-8) and the two XML non-characters.
_UNENCODABLE = re.compile(r"[\ud800-\udfff\ufffe\uffff]")


def without_controls(text: str) -> str:
    """`text` without control characters or lone surrogates; newlines and tabs stay."""
    return _UNENCODABLE.sub("\ufffd", _CONTROLS.sub("", text))


def terminal_safe(text: str) -> str:
    """One line of `text` fit for a terminal: no ESC sequences, no bell, no forged line breaks."""
    return without_controls(_LINE_BREAKS.sub(" ", text))


def path_text(text: str) -> str:
    """A file name as text that encodes to UTF-8 (undecodable bytes become U+FFFD)."""
    return _UNENCODABLE.sub("\ufffd", text)


def safe_raw(raw: Raw) -> Raw:
    """A document without control characters in its text or metadata."""

    def clean(value: str | None) -> str | None:
        return without_controls(value) if value is not None else None

    return Raw(
        origin=path_text(raw.origin),
        format=raw.format,
        content=without_controls(raw.content),
        title=clean(raw.title),
        url=clean(raw.url),
        published=clean(raw.published),
        outlet=clean(raw.outlet),
        byline=clean(raw.byline),
    )


def one_line(exc: BaseException, limit: int = 300) -> str:
    """An exception as a one-line reason: its type and the first line of its message."""
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    reason = path_text(f"{type(exc).__name__}: {message}" if message else type(exc).__name__)
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


__all__ = ["one_line", "path_text", "safe_raw", "terminal_safe", "without_controls"]
