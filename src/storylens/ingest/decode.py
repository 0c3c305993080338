"""Bytes to text: refuse binary data, detect the encoding, say why when it cannot be done."""

from __future__ import annotations

import charset_normalizer

from storylens.errors import InputError

# Share of control characters (other than tab, newline, carriage return, form feed) above which a
# file is binary, not text. Text in any encoding has almost none; images and archives have many.
MAX_CONTROL_SHARE = 0.01
_ALLOWED_CONTROLS = {9, 10, 12, 13}


def looks_binary(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample and not _is_utf16(sample):
        return True
    controls = sum(1 for byte in sample if byte < 32 and byte not in _ALLOWED_CONTROLS)
    return controls > MAX_CONTROL_SHARE * max(len(sample), 1)


def _is_utf16(sample: bytes) -> bool:
    return sample.startswith((b"\xff\xfe", b"\xfe\xff"))


def decode(data: bytes, origin: str) -> str:
    """Text of `data`: UTF-8 when it is valid, else the encoding charset-normalizer finds."""
    if not data.strip():
        raise InputError(origin, "the file is empty; nothing to read")
    if looks_binary(data):
        raise InputError(origin, "binary data, not text (an image, archive or other non-text file?)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(origin, "cannot detect the text encoding; save the file as UTF-8")
    return str(best)
