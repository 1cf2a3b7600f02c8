"""What the crawler remembers about hosts from one poll to the next: robots.txt rules and
when each host may next be asked.

A worker polls each source in a crawl of its own; without this, every poll would fetch
robots.txt again and forget how recently it asked a host. Plain data under a thread lock:
polls run in threads of their own, each with its own event loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .robots import RobotsRules


class HostMemory:
    """robots.txt rules by origin, and each host's earliest next request start."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.robots: dict[str, RobotsRules] = {}
        self._next_start: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str, gap: float) -> float:
        """Book the next request to ``host`` and return how long to wait before it starts,
        so that starts to one host are at least ``gap`` seconds apart."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next_start.get(host, now))
            self._next_start[host] = start + gap
            return start - now
