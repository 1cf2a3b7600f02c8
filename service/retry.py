"""Waiting out a database that went away: exponential backoff with a cap and jitter."""

from __future__ import annotations

import random


class Backoff:
    """Delays of ``first``, doubling per consecutive failure up to ``cap``, each shortened by
    up to ``jitter`` of itself so that processes which lost the database together do not
    all come back at the same instant."""

    def __init__(self, first: float = 0.5, cap: float = 30.0, jitter: float = 0.2) -> None:
        self.first, self.cap, self.jitter = first, cap, jitter
        self.failures = 0

    def next(self) -> float:
        """The wait after one more failure."""
        delay = min(self.cap, self.first * 2 ** self.failures)
        self.failures += 1
        return delay * (1 - self.jitter * random.random())

    def reset(self) -> None:
        self.failures = 0
