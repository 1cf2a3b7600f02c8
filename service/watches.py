"""Watch-lists: a webhook called once for each new letter involving a person or a pair.

A watch and every delivery attempt are events on the watch's stream (``watch-<id>``), so what
was sent, what failed and when to retry are all read back from the log after a restart. The
worker delivers under a per-watch lease, so several workers never send one letter twice.

Each request carries ``X-Letterwatch-Signature: sha256=<hex>``, the HMAC-SHA256 of
``<X-Letterwatch-Timestamp>.<body>`` keyed with the watch's secret, and
``X-Letterwatch-Delivery``, the same on every retry of one letter, for receivers to dedupe.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from events import Recorded, WatchAdded, WatchRemoved, WebhookDelivered
from store import Store, StoreUnavailable

from .api.queries import LETTERS_T, LETTER_COLUMNS, LetterFilter, letter_out
from .leases import Leases
from .settings import Settings

log = logging.getLogger(__name__)

WATCH_TYPES = frozenset({"WatchAdded", "WatchRemoved", "WebhookDelivered"})
BATCH = 100  # letters looked at per watch per run


def stream(watch_id: str) -> str:
    return f"watch-{watch_id}"


@dataclass
class Attempt:
    attempt: int
    ok: bool
    status: int | None
    detail: str
    position: int
    recorded_at: datetime


@dataclass
class WatchState:
    """A watch as its stream tells it: settings, and every attempt per letter."""

    watch_id: str
    url: str
    person: str | None
    sender: str | None
    recipient: str | None
    secret: str
    position: int
    version: int = 0
    removed: bool = False
    attempts: dict[str, list[Attempt]] = field(default_factory=dict)

    def apply(self, r: Recorded) -> None:
        self.version = r.stream_version
        e = r.event
        if isinstance(e, WatchRemoved):
            self.removed = True
        elif isinstance(e, WebhookDelivered):
            self.attempts.setdefault(e.letter_id, []).append(Attempt(
                e.attempt, e.ok, e.status, e.detail, r.position, r.recorded_at))

    def filter(self) -> LetterFilter:
        return LetterFilter(person=self.person, sender=self.sender, recipient=self.recipient)

    def counts(self, max_attempts: int) -> dict[str, int]:
        delivered = failed = pending = 0
        for tries in self.attempts.values():
            if any(a.ok for a in tries):
                delivered += 1
            elif len(tries) >= max_attempts:
                failed += 1
            else:
                pending += 1
        return {"delivered": delivered, "failed": failed, "pending": pending}

    def public(self, max_attempts: int) -> dict[str, Any]:
        """What the API shows: everything but the secret."""
        return {"watch_id": self.watch_id, "url": self.url, "person": self.person,
                "sender": self.sender, "recipient": self.recipient, "position": self.position,
                **self.counts(max_attempts)}


def fold_watches(records: list[Recorded] | Any,
                 into: dict[str, WatchState] | None = None) -> dict[str, WatchState]:
    watches = into if into is not None else {}
    for r in records:
        e = r.event
        if isinstance(e, WatchAdded):
            watches[e.watch_id] = WatchState(e.watch_id, e.url, e.person, e.sender, e.recipient,
                                             e.secret, r.position, r.stream_version)
        elif isinstance(e, WatchRemoved | WebhookDelivered) and e.watch_id in watches:
            watches[e.watch_id].apply(r)
    return watches


def load_watch(store: Store, watch_id: str) -> WatchState | None:
    """One watch read from its own stream: the authoritative state to deliver from."""
    return fold_watches(store.read_stream(stream(watch_id))).get(watch_id)


def load_watches(store: Store) -> dict[str, WatchState]:
    return fold_watches(store.read_all(types=WATCH_TYPES))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and the tests): recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


Sender = Callable[[str, dict[str, str], bytes], tuple[int | None, str]]


class Deliverer:
    """Sends each watch's new letters, retrying failures with exponential backoff."""

    def __init__(self, store: Store, settings: Settings, leases: Leases | None = None,
                 send: Sender | None = None, clock: Callable[[], datetime] | None = None) -> None:
        self.store, self.settings = store, settings
        self.leases = leases or Leases.for_store(store)
        self.send = send or self._http_send
        self.clock = clock or (lambda: datetime.now(UTC))
        self._client: httpx.Client | None = None
        self._allow = None
        # Watches folded so far, read on incrementally from ``_after``.
        self._watches: dict[str, WatchState] = {}
        self._after = 0
        # Per watch, the letters checkpoint of its last pass that left nothing to retry:
        # while the checkpoint stays there, the watch has nothing new to look at.
        self._settled: dict[str, int] = {}

    # --- what is owed ---------------------------------------------------------------------
    def _candidates(self, watch: WatchState) -> list[dict[str, Any]]:
        where, params = watch.filter().where(self.store)
        sql = (f"SELECT {', '.join(LETTER_COLUMNS)} FROM {LETTERS_T} WHERE {where} "
               f"AND first_position > ? ORDER BY first_position, letter_id")
        return self.store.query(sql, [*params, watch.position])

    def _owed(self, watch: WatchState, letter_id: str, now: datetime) -> int | None:
        """The attempt number due now for this letter, or None (sent, given up, or waiting)."""
        tries = watch.attempts.get(letter_id, [])
        if any(a.ok for a in tries):
            return None
        if len(tries) >= self.settings.webhook_max_attempts:
            return None
        if tries:
            wait = self.settings.webhook_backoff_seconds * 2 ** (len(tries) - 1)
            if now < tries[-1].recorded_at + timedelta(seconds=wait):
                return None
        return len(tries) + 1

    # --- delivering -----------------------------------------------------------------------
    def run_once(self) -> int:
        """Deliver what is owed to every watch; returns how many attempts were made."""
        made = 0
        try:
            for r in self.store.read_all(after=self._after, types=WATCH_TYPES):
                fold_watches([r], into=self._watches)
                self._after = r.position
            letters_at = self.store.checkpoint("letters").position
        except StoreUnavailable as exc:
            log.warning("cannot read watches: %s", exc, extra={"outcome": "store_unavailable"})
            return 0
        except Exception:  # noqa: BLE001 - try again on the next tick
            log.exception("cannot read watches")
            return 0
        for watch_id, state in self._watches.items():
            if not state.removed and self._settled.get(watch_id) != letters_at:
                made += self.deliver(watch_id, letters_at)
        return made

    def deliver(self, watch_id: str, letters_at: int | None = None) -> int:
        with self.leases.hold(f"watch:{watch_id}") as got:
            if not got:
                return 0
            watch = load_watch(self.store, watch_id)
            if watch is None or watch.removed:
                return 0
            made = 0
            waiting = False
            now = self.clock()
            for row in self._candidates(watch):
                attempt = self._owed(watch, row["letter_id"], now)
                if attempt is None:
                    tries = watch.attempts.get(row["letter_id"], [])
                    waiting |= bool(tries) and not any(t.ok for t in tries) and \
                        len(tries) < self.settings.webhook_max_attempts
                    continue
                status, detail = self._send_letter(watch, row)
                ok = status is not None and 200 <= status < 300
                result = self.store.append(stream(watch_id), [WebhookDelivered(
                    watch_id=watch_id, letter_id=row["letter_id"], status=status, ok=ok,
                    attempt=attempt, detail=detail[:500])], expected_version=watch.version)
                watch.version = result.stream_version
                watch.attempts.setdefault(row["letter_id"], []).append(
                    Attempt(attempt, ok, status, detail, result.last_position, now))
                made += 1
                waiting |= not ok and attempt < self.settings.webhook_max_attempts
                if made >= BATCH:
                    waiting = True
                    break
            if letters_at is not None and not waiting:
                self._settled[watch_id] = letters_at
            return made

    def _send_letter(self, watch: WatchState, row: dict[str, Any]) -> tuple[int | None, str]:
        body = orjson.dumps({"type": "letter", "watch_id": watch.watch_id,
                             "letter": letter_out(row)})
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": self.settings.user_agent,
            "X-Letterwatch-Delivery": f"{watch.watch_id}:{row['letter_id']}",
            "X-Letterwatch-Timestamp": timestamp,
            "X-Letterwatch-Signature": sign(watch.secret, timestamp, body),
        }
        try:
            return self.send(watch.url, headers, body)
        except Exception as exc:  # noqa: BLE001 - a failed attempt, recorded and retried
            return None, f"{type(exc).__name__}: {exc}"

    def _http_send(self, url: str, headers: dict[str, str], body: bytes) -> tuple[int | None, str]:
        blocked = self._blocked(url)
        if blocked:
            return None, blocked
        if self._client is None:
            self._client = httpx.Client(timeout=self.settings.webhook_timeout,
                                        follow_redirects=False)
        response = self._client.post(url, content=body, headers=headers)
        return response.status_code, f"HTTP {response.status_code}"

    def _blocked(self, url: str) -> str | None:
        """Webhooks go to public addresses only, unless allow-listed like the fetcher's."""
        from scrapers.netguard import AllowList, is_public

        if self._allow is None:
            self._allow = AllowList.parse(self.settings.allow_private)
        host = urlsplit(url).hostname or ""
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except OSError as exc:
            return f"cannot resolve {host}: {exc}"
        for info in infos:
            address = ipaddress.ip_address(info[4][0].split("%")[0])
            if not is_public(address) and not self._allow.allows(host, address):
                return f"{host} resolves to {address}, a non-public address (see allow_private)"
        return None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
