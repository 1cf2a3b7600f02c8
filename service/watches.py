"""Watch-lists: a webhook called once for each new letter involving a person or a pair.

A watch and every delivery attempt are events on the watch's stream (``watch-<id>``), so what
was sent, what failed and when to retry are all read back from the log after a restart. The
worker delivers under a per-watch lease, so several workers never send one letter twice.

Each request carries ``X-Letterwatch-Signature: sha256=<hex>``, the HMAC-SHA256 of
``<X-Letterwatch-Timestamp>.<body>`` keyed with the watch's secret, and
``X-Letterwatch-Delivery``, the same on every retry of one letter, for receivers to dedupe.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from events import Recorded, WatchAdded, WatchRemoved, WatchResealed, WebhookDelivered
from store import Store, StoreUnavailable

from .api.queries import LETTERS_T, LETTER_COLUMNS, LetterFilter, letter_out
from .leases import Leases
from .logs import redact
from .sealing import CannotOpen, Sealer
from .settings import Settings

log = logging.getLogger(__name__)

WATCH_TYPES = frozenset({"WatchAdded", "WatchRemoved", "WatchResealed", "WebhookDelivered"})
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
    sealed: str = ""  # "" while the URL and secret are the clear ones of a version-1 event
    problem: str | None = None  # why the URL and secret cannot be read (a missing key)

    def apply(self, r: Recorded, sealer: Sealer | None = None) -> None:
        self.version = r.stream_version
        e = r.event
        if isinstance(e, WatchRemoved):
            self.removed = True
        elif isinstance(e, WatchResealed):
            self.unseal(e.sealed, sealer)
        elif isinstance(e, WebhookDelivered):
            self.attempts.setdefault(e.letter_id, []).append(Attempt(
                e.attempt, e.ok, e.status, e.detail, r.position, r.recorded_at))

    def unseal(self, sealed: str, sealer: Sealer | None) -> None:
        self.sealed = sealed
        try:
            opened = (sealer or Sealer(())).open(sealed)
        except CannotOpen as exc:
            self.url, self.secret, self.problem = "", "", str(exc)
        else:
            self.url, self.secret, self.problem = opened["url"], opened["secret"], None

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


def fold_watches(records: list[Recorded] | Any, into: dict[str, WatchState] | None = None,
                 sealer: Sealer | None = None) -> dict[str, WatchState]:
    watches = into if into is not None else {}
    for r in records:
        e = r.event
        if isinstance(e, WatchAdded):
            state = watches[e.watch_id] = WatchState(
                e.watch_id, e.legacy_url, e.person, e.sender, e.recipient, e.legacy_secret,
                r.position, r.stream_version)
            if e.sealed:
                state.unseal(e.sealed, sealer)
        elif isinstance(e, WatchRemoved | WatchResealed | WebhookDelivered) \
                and e.watch_id in watches:
            watches[e.watch_id].apply(r, sealer)
    return watches


def load_watch(store: Store, watch_id: str, sealer: Sealer | None = None) -> WatchState | None:
    """One watch read from its own stream: the authoritative state to deliver from."""
    return fold_watches(store.read_stream(stream(watch_id)), sealer=sealer).get(watch_id)


def load_watches(store: Store, sealer: Sealer | None = None) -> dict[str, WatchState]:
    return fold_watches(store.read_all(types=WATCH_TYPES), sealer=sealer)


def reseal(store: Store, sealer: Sealer, *, rotate: bool = False) -> dict[str, str]:
    """Seal every live watch under the current key: the clear ones of version-1 events and
    those sealed with a previous key. With ``rotate``, every watch gets a new secret.

    Returns the new secret of each rotated watch (to hand to its receiver), or "" for a
    watch resealed with its secret unchanged.
    """
    import secrets as random

    done: dict[str, str] = {}
    for watch_id, state in load_watches(store, sealer).items():
        if state.removed:
            continue
        if state.problem:
            raise CannotOpen(f"watch {watch_id}: {state.problem}")
        if not rotate and state.sealed and sealer.sealed_with_current(state.sealed):
            continue
        secret = random.token_urlsafe(32) if rotate else state.secret
        store.append(stream(watch_id), [WatchResealed(
            watch_id=watch_id, sealed=sealer.seal({"url": state.url, "secret": secret}))],
            expected_version=state.version)
        done[watch_id] = secret if rotate else ""
    return done


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (and the tests): recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


Sender = Callable[[str, dict[str, str], bytes], tuple[int | None, str]]


class Deliverer:
    """Sends each watch's new letters, retrying failures with exponential backoff.

    Watches are served side by side by a bounded pool (``webhook_concurrency``), one pass per
    watch at a time, and each request has a total deadline (``webhook_total_timeout``), so
    a receiver that answers slowly or never holds up only its own watch.
    """

    def __init__(self, store: Store, settings: Settings, leases: Leases | None = None,
                 send: Sender | None = None, clock: Callable[[], datetime] | None = None) -> None:
        self.store, self.settings = store, settings
        self.leases = leases or Leases.for_store(store)
        self.send = send or self._http_send
        self.clock = clock or (lambda: datetime.now(UTC))
        self.sealer = Sealer.from_settings(settings)
        self._resolver = None
        # Watches folded so far, read on incrementally from ``_after``.
        self._watches: dict[str, WatchState] = {}
        self._after = 0
        # Per watch, the letters checkpoint of its last pass that left nothing to retry:
        # while the checkpoint stays there, the watch has nothing new to look at.
        self._settled: dict[str, int] = {}
        self._pool = ThreadPoolExecutor(max_workers=settings.webhook_concurrency,
                                        thread_name_prefix="webhook")
        self._running: dict[str, Future[int]] = {}
        self._lock = threading.Lock()

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
    def run_once(self, wait: float | None = None) -> int:
        """Start a pass for every watch with something owed and none running; returns how
        many attempts the passes that ended within ``wait`` seconds made (all: None).

        The scheduler waits for none: a pass still running at the next tick is left to
        finish, and only the other watches get a new one.
        """
        try:
            for r in self.store.read_all(after=self._after, types=WATCH_TYPES):
                fold_watches([r], into=self._watches, sealer=self.sealer)
                self._after = r.position
            letters_at = self.store.checkpoint("letters").position
        except StoreUnavailable as exc:
            log.warning("cannot read watches: %s", exc, extra={"outcome": "store_unavailable"})
            return 0
        except Exception:  # noqa: BLE001 - try again on the next tick
            log.exception("cannot read watches")
            return 0
        started: list[Future[int]] = []
        with self._lock:
            for watch_id, state in self._watches.items():
                if state.removed or self._settled.get(watch_id) == letters_at:
                    continue
                running = self._running.get(watch_id)
                if running is not None and not running.done():
                    continue
                future = self._pool.submit(self._pass, watch_id, letters_at)
                self._running[watch_id] = future
                started.append(future)
        made = 0
        deadline = None if wait is None else time.monotonic() + wait
        for future in started:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                made += future.result(timeout=left)
            except TimeoutError:
                continue
        return made

    def _pass(self, watch_id: str, letters_at: int) -> int:
        try:
            return self.deliver(watch_id, letters_at)
        except StoreUnavailable as exc:
            log.warning("cannot deliver to watch %s: %s", watch_id, exc,
                        extra={"outcome": "store_unavailable"})
        except Exception:  # noqa: BLE001 - the next tick tries again
            log.exception("delivering to watch %s failed", watch_id)
        return 0

    def deliver(self, watch_id: str, letters_at: int | None = None) -> int:
        with self.leases.hold(f"watch:{watch_id}") as got:
            if not got:
                return 0
            watch = load_watch(self.store, watch_id, self.sealer)
            if watch is None or watch.removed:
                return 0
            if watch.problem:
                # Not an attempt: nothing was sent, and the watch resumes once the key is back.
                log.warning("watch %s cannot be delivered: %s", watch_id, watch.problem,
                            extra={"outcome": "sealed"})
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
                    # The detail is in the log, which readers see: no URL credentials in it.
                    attempt=attempt, detail=redact(detail)[:500])],
                    expected_version=watch.version)
                watch.version = result.stream_version
                watch.attempts.setdefault(row["letter_id"], []).append(
                    Attempt(attempt, ok, status, detail, result.last_position, now))
                made += 1
                waiting |= not ok and attempt < self.settings.webhook_max_attempts
                if made >= BATCH or (status is None and not ok):
                    # A receiver that did not answer is not asked again in this pass: the
                    # rest of its letters wait for the backoff instead of a deadline each.
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
        """One POST, in an event loop of this pool thread's own, so that the whole exchange
        (connect, headers, body) can be given one deadline: httpx's timeouts are per read,
        and a receiver dripping a byte at a time would never trip them."""
        return asyncio.run(self._post(url, headers, body))

    async def _post(self, url: str, headers: dict[str, str],
                    body: bytes) -> tuple[int | None, str]:
        from scrapers.fetch import _pinned
        from scrapers.netguard import BlockedAddress, ResolveError, Resolver

        if self._resolver is None:
            self._resolver = Resolver(self.settings.allow_private)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None, "not an http(s) URL"
        port = parts.port or (443 if parts.scheme == "https" else 80)
        total = self.settings.webhook_total_timeout
        try:
            async with asyncio.timeout(total):
                try:
                    address = await self._resolver.resolve(parts.hostname, port)
                except BlockedAddress as exc:
                    return None, f"{exc} (see allow_private)"
                except ResolveError as exc:
                    return None, str(exc)
                # Connect to the address just checked, as the crawler does: resolving the
                # name again could give another (DNS rebinding).
                target, extensions = _pinned(parts, address)
                timeout = httpx.Timeout(self.settings.webhook_timeout)
                # No proxy from the environment, as for the crawler: a proxy would connect on
                # our behalf and defeat the address check.
                async with httpx.AsyncClient(timeout=timeout, follow_redirects=False,
                                             trust_env=False) as client:
                    response = await client.post(
                        target, content=body, extensions=extensions,
                        headers={**headers, "Host": parts.netloc.rsplit("@", 1)[-1]})
        except TimeoutError:
            return None, f"no complete answer within {total:g} s (webhook_total_timeout)"
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        return response.status_code, f"HTTP {response.status_code}"

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
