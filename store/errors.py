"""Errors the store raises, each saying what went wrong in words a user can act on."""

from __future__ import annotations


class StoreError(Exception):
    """Base of every store error."""


class ConcurrencyError(StoreError):
    """An append expected a stream version that is no longer current; nothing was written."""

    def __init__(self, stream: str, expected: int, actual: int) -> None:
        super().__init__(
            f"stream {stream!r} is at version {actual}, not {expected} as expected; "
            "nothing was written (re-read the stream and try again)"
        )
        self.stream, self.expected, self.actual = stream, expected, actual


class CheckpointMoved(StoreError):
    """Another runner advanced this projection first; the batch was rolled back."""


class QueryTimeout(StoreError):
    """A read ran past the store's ``read_budget`` and was stopped; nothing changed."""


class StoreUnavailable(StoreError):
    """The database cannot be reached or written (gone, read-only, full); nothing was lost."""
