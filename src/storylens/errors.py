"""One exception tree. Every message says what was wrong and what to do about it."""

from __future__ import annotations


class StorylensError(Exception):
    """Base class of every error storylens raises on purpose."""


class InputError(StorylensError):
    """One input could not be read or understood; the batch goes on without it."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class ConfigError(StorylensError):
    """A settings file or value is wrong."""


class MissingExtraError(StorylensError):
    """An optional part needs a package that is not installed."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(f"{package} is not installed; install it with: pip install 'storylens[{extra}]'")
