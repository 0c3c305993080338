"""Bytes to text: refuse binary data, detect the encoding, say why when it cannot be done."""

from __future__ import annotations

import logging

import charset_normalizer

from storylens.errors import InputError

log = logging.getLogger(__name__)

# Share of control characters (other than tab, newline, carriage return, form feed) above which a
# file is binary, not text. Text in any encoding has almost none; images and archives have many.
MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = {9, 10, 12, 13}
# charset-normalizer's mess ratio at or above which a decoding is noise, not text.
MAX_CHAOS = 0.2
MIN_SPACE_SHARE = 0.02
MAX_WESTERN_NON_ASCII = 0.15
WESTERN_PUNCTUATION = set("‘’“”–—…•€£©®°«»·¡¿½¼¾§¶ ")


# Valid UTF-8 multi-byte characters per bad byte at or above which a file that is not valid UTF-8
# is damaged UTF-8 (see `_as_damaged_utf8` for the measurement behind it).
UTF8_VALID_PER_BAD = 2
# Bytes charset-normalizer looks at to find a legacy encoding: enough text to settle a code
# page, and a bounded cost (its working memory is some 40 times what it reads).
DETECT_SAMPLE = 16_384

# UTF-16 without a byte-order mark: in text that is mostly Latin script, one byte of each pair
# is zero. At least this share of the pairs must have it on one side, and almost none on the other.
UTF16_ZERO_SHARE = 0.4
UTF16_OTHER_SIDE_ZEROS = 0.02


def looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return _utf16_encoding(sample) is None
    controls = sum(1 for byte in sample if byte < 32 and byte not in _ALLOWED_CONTROLS)
    return controls > MAX_CONTROL_SHARE * max(len(sample), 1)


def _utf16_encoding(sample: bytes) -> str | None:
    """ "utf-16" (with a byte-order mark), "utf-16-le" or "utf-16-be" (told by where the zero
    bytes fall), or None for data that is not UTF-16."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0 : 2 * pairs : 2].count(0), sample[1 : 2 * pairs : 2].count(0)
    if odd >= UTF16_ZERO_SHARE * pairs and even <= UTF16_OTHER_SIDE_ZEROS * pairs:
        return "utf-16-le"
    if even >= UTF16_ZERO_SHARE * pairs and odd <= UTF16_OTHER_SIDE_ZEROS * pairs:
        return "utf-16-be"
    return None


def decode(data: bytes, origin: str) -> str:
    """Text of `data`: UTF-8 when it is valid, else the encoding charset-normalizer finds."""
    if not data.strip():
        raise InputError(origin, "the file is empty; nothing to read")
    if looks_binary(data):
        raise InputError(origin, "binary data, not text (an image, archive or other non-text file?)")
    utf16 = _utf16_encoding(data[:65536])
    if utf16 is not None:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError as exc:
            raise InputError(origin, f"looks like UTF-16 but does not decode as it ({exc.reason})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    damaged = _as_damaged_utf8(data, origin)
    if damaged is not None:
        return damaged
    western = _as_western(data)
    if western is not None:
        return western
    return _as_detected(data, origin)


def _as_damaged_utf8(data: bytes, origin: str) -> str | None:
    """UTF-8 text with a few bad bytes (a flipped bit, a cut or spliced download), each bad byte
    replaced by U+FFFD, when valid multi-byte characters are at least UTF8_VALID_PER_BAD times
    the bad bytes; else None.

    Text in a legacy encoding read as UTF-8 is almost all bad bytes: re-encoding the 381 real
    pages of ../shared/data (MediaCloud, scrapinghub) into eight legacy code pages gave at most
    0.46 valid characters per bad byte (GBK), while the same pages with 1 to 50 flipped bits
    gave 2 or more in 307 of the 336 that had bad bytes (the others are mostly ASCII pages,
    which the legacy readers below decode as well)."""
    text = data.decode("utf-8-sig", "replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(ch > "\x7f" for ch in text) - text.count("\ufffd")
    if valid < UTF8_VALID_PER_BAD * replaced:
        return None
    log.warning("%s: %d bytes are not valid UTF-8; each is shown as U+FFFD", origin, replaced)
    return text


def _as_detected(data: bytes, origin: str) -> str:
    """`data` in the encoding charset-normalizer finds on its first DETECT_SAMPLE bytes, or
    InputError. Detection on the whole file held some 40 times the file in memory (a 430 KB
    page peaked at 18 MB); a sample settles a code page as well."""
    sample = data[:DETECT_SAMPLE]
    if len(data) > DETECT_SAMPLE:  # never end the sample inside a multi-byte character
        sample = sample[: max(sample.rfind(b"\n"), sample.rfind(b" ")) + 1] or sample
    best = charset_normalizer.from_bytes(sample).best()
    if best is None or best.chaos >= MAX_CHAOS or not _reads_as_text(str(best), best.coherence):
        raise InputError(
            origin, "undecodable bytes: no text encoding reads this file as text; save it as UTF-8"
        )
    return data.decode(best.encoding, "replace")


def _as_western(data: bytes) -> str | None:
    """Windows-1252 text (the most common legacy encoding of English and Western European news)
    when every byte above ASCII decodes to a letter or common typographic sign in it."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    extra = sum(ch > "\x7f" for ch in text)
    letters = sum(ch.isalpha() for ch in text)
    # Western European text is mostly ASCII; Cyrillic or Greek in a legacy code page is not.
    if (
        extra
        and extra <= MAX_WESTERN_NON_ASCII * max(letters, 1)
        and all(ch.isalpha() or ch in WESTERN_PUNCTUATION for ch in text if ch > "\x7f")
    ):
        return text
    return None


def _reads_as_text(text: str, coherence: float) -> bool:
    """Garbage decoded as an East Asian encoding has neither spaces nor a recognised language."""
    spaces = sum(ch.isspace() for ch in text) / max(len(text), 1)
    return coherence > 0 or spaces >= MIN_SPACE_SHARE
