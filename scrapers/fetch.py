"""The polite, bounded HTTP client: concurrency limits per host and overall, robots.txt,
conditional GET, retries with backoff, redirects checked hop by hop, size and time caps."""

from __future__ import annotations

import asyncio
import dataclasses
import email.utils
import ipaddress
import random
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from .bodies import ACCEPT_ENCODING, BodyDecoder, DecodeError, TooLarge, is_html, media_type
from .hosts import HostMemory
from .netguard import BlockedAddress, IPAddress, ResolveError, Resolver
from .policy import FetchPolicy
from .results import FetchResult
from .robots import ROBOTS_MAX_BYTES, RobotsCache

__all__ = ["Fetcher", "FetchResult", "HostMemory", "retry_after_seconds"]

REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRYABLE = frozenset({"timeout", "connect", "network", "http_429", "http_5xx", "http_408"})
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


class _Failure(Exception):
    """One attempt failed; carries the classification the retry loop and events need."""

    def __init__(self, reason: str, detail: str = "", *, status: int | None = None,
                 permanent: bool = False, retry_after: float | None = None,
                 final_url: str | None = None) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail, self.status = reason, detail, status
        self.permanent, self.retry_after, self.final_url = permanent, retry_after, final_url

    @property
    def retryable(self) -> bool:
        return not self.permanent and self.reason in RETRYABLE


class _HostGate:
    """At most N requests in flight to one host, and a minimum gap between their starts
    (kept in the :class:`HostMemory`, so the gap holds across crawls too)."""

    def __init__(self, host: str, concurrency: int, delay: float, memory: HostMemory) -> None:
        self.host, self.memory = host, memory
        self.slots = asyncio.Semaphore(concurrency)
        self.delay = delay

    async def __aenter__(self) -> None:
        await self.slots.acquire()
        try:
            wait = self.memory.reserve(self.host, self.delay)
            if wait > 0:
                await asyncio.sleep(wait)
        except BaseException:
            self.slots.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self.slots.release()


class Fetcher:
    """One crawl's HTTP client. Use as ``async with Fetcher(policy) as f: await f.fetch(url)``.

    ``memory`` carries robots.txt rules and per-host pacing from one crawl to the next (a new
    one per fetcher when not given); ``transport`` replaces the network (``httpx.MockTransport``
    in tests) and ``resolver`` the DNS look-up and address check.
    """

    def __init__(self, policy: FetchPolicy, *, memory: HostMemory | None = None,
                 transport: httpx.AsyncBaseTransport | None = None,
                 resolver: Resolver | None = None) -> None:
        self.policy = policy
        self.memory = memory if memory is not None else HostMemory()
        self.resolver = resolver or Resolver(policy.allow_private)
        self.robots = RobotsCache(self._load_robots, policy.robots_ttl, self.memory.robots)
        self._global = asyncio.Semaphore(policy.concurrency)
        self._gates: dict[str, _HostGate] = {}
        timeout = httpx.Timeout(connect=policy.connect_timeout, read=policy.read_timeout,
                                write=policy.read_timeout, pool=policy.total_timeout)
        self._client = httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=False,  # each hop is checked here: robots, address, count
            trust_env=False,  # a proxy would connect on our behalf and defeat the address check
            limits=httpx.Limits(max_connections=policy.concurrency * 2,
                                max_keepalive_connections=policy.concurrency),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            transport=transport,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- the public call ------------------------------------------------------------------

    async def fetch(self, url: str, *, etag: str | None = None,
                    last_modified: str | None = None, html_only: bool = False,
                    accept: str = HTML_ACCEPT, check_robots: bool = True,
                    retries: int | None = None, limit: int | None = None) -> FetchResult:
        """Fetch ``url`` with retries; never raises for network or HTTP trouble."""
        started = time.monotonic()
        max_retries = self.policy.max_retries if retries is None else retries
        attempt = 0
        # A small explicit loop rather than tenacity: the wait depends on each response
        # (Retry-After), a too-long wait must end the attempts with a recorded retry time
        # instead of sleeping, and the attempt count goes into the event.
        while True:
            attempt += 1
            try:
                result = await self._attempt(
                    url, etag=etag, last_modified=last_modified, html_only=html_only,
                    accept=accept, check_robots=check_robots,
                    limit=limit or self.policy.max_body_bytes)
                return dataclasses.replace(result, attempts=attempt,
                                           elapsed_ms=_ms_since(started))
            except _Failure as failure:
                wait = failure.retry_after if failure.retry_after is not None \
                    else self._backoff(attempt)
                if (not failure.retryable or attempt > max_retries
                        or wait > self.policy.max_retry_wait):
                    return self._failed(url, failure, attempt, started, wait)
                await asyncio.sleep(wait)

    async def _load_robots(self, url: str) -> FetchResult:
        return await self.fetch(url, check_robots=False, retries=0, limit=ROBOTS_MAX_BYTES)

    def _backoff(self, attempt: int) -> float:
        base = self.policy.retry_base_delay * 2 ** (attempt - 1)
        return min(base, self.policy.max_retry_wait) * random.uniform(0.5, 1.0)

    def _failed(self, url: str, failure: _Failure, attempts: int, started: float,
                wait: float) -> FetchResult:
        retry_at = None
        if not failure.permanent:
            delay = failure.retry_after if failure.retry_after is not None \
                else max(wait, self.policy.failure_backoff)
            retry_at = datetime.now(UTC) + timedelta(seconds=delay)
        return FetchResult(url=url, final_url=failure.final_url or url, outcome="failed",
                           status=failure.status, reason=failure.reason,
                           detail=failure.detail[:500], permanent=failure.permanent,
                           retry_at=retry_at, attempts=attempts, elapsed_ms=_ms_since(started))

    # --- one attempt: every redirect hop ----------------------------------------------------

    async def _attempt(self, url: str, *, etag: str | None, last_modified: str | None,
                       html_only: bool, accept: str, check_robots: bool,
                       limit: int) -> FetchResult:
        budget = self.policy.total_timeout
        seen: set[str] = set()
        current = url
        for hop in range(self.policy.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise _Failure("bad_url", f"cannot fetch {current!r}", permanent=True,
                               final_url=current)
            address = await self._resolve(parts, current)
            if check_robots and self.policy.respect_robots:
                await self._check_robots(current)
            headers = {"Accept": accept}
            if hop == 0:  # validators belong to the URL asked for, not to a redirect target
                if etag:
                    headers["If-None-Match"] = etag
                if last_modified:
                    headers["If-Modified-Since"] = last_modified
            async with self._gate(parts.hostname), self._global:
                began = time.monotonic()
                try:
                    async with asyncio.timeout(budget):
                        result = await self._exchange(current, parts, address, headers,
                                                      html_only, limit)
                except TimeoutError:
                    raise _Failure("timeout", f"no complete answer within "
                                   f"{self.policy.total_timeout:g}s",
                                   final_url=current) from None
            budget = max(0.001, budget - (time.monotonic() - began))
            if isinstance(result, FetchResult):
                return dataclasses.replace(result, url=url)
            seen.add(current)
            current = result
            if current in seen:
                raise _Failure("too_many_redirects", f"redirect loop back to {current}",
                               permanent=True, final_url=current)
        raise _Failure("too_many_redirects",
                       f"more than {self.policy.max_redirects} redirects", permanent=True,
                       final_url=current)

    async def _check_robots(self, url: str) -> None:
        rules = await self.robots.rules_for(url)
        if rules.error:
            raise _Failure("robots", rules.error, final_url=url)
        if not rules.allowed(url, self.policy.user_agent):
            raise _Failure("robots", "disallowed by robots.txt", permanent=True,
                           final_url=url)
        delay = rules.crawl_delay(self.policy.user_agent)
        if delay:
            gate = self._gate(urlsplit(url).hostname or "")
            gate.delay = max(gate.delay, min(delay, self.policy.max_crawl_delay))

    async def _resolve(self, parts, url: str) -> IPAddress:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            return await self.resolver.resolve(parts.hostname, port)
        except BlockedAddress as exc:
            raise _Failure("blocked_address", str(exc), permanent=True, final_url=url) from None
        except ResolveError as exc:
            raise _Failure("dns", str(exc), final_url=url) from None

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(host, self.policy.per_host_concurrency,
                                                 self.policy.per_host_delay, self.memory)
        return gate

    async def _exchange(self, url: str, parts, address: IPAddress, headers: dict[str, str],
                        html_only: bool, limit: int) -> FetchResult | str:
        """One request/response. Returns the result, or the next URL of a redirect."""
        target, extensions = _pinned(parts, address)
        headers = {**headers, "Host": parts.netloc.rsplit("@", 1)[-1]}
        try:
            async with self._client.stream("GET", target, headers=headers,
                                           extensions=extensions) as resp:
                status = resp.status_code
                if status in REDIRECTS and resp.headers.get("location"):
                    location = resp.headers["location"].strip()
                    return urljoin(url, location).split("#", 1)[0]
                ctype = resp.headers.get("content-type")
                common = dict(url=url, final_url=url, status=status, content_type=ctype,
                              etag=resp.headers.get("etag"),
                              last_modified=resp.headers.get("last-modified"))
                if status == 304:
                    return FetchResult(outcome="not_modified", **common)
                if status >= 400 or status < 200 or status in REDIRECTS:
                    raise _status_failure(status, resp.headers, url)
                if html_only and media_type(ctype) and not is_html(ctype):
                    return FetchResult(outcome="skipped", reason="not_html",
                                       detail=media_type(ctype), **common)
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise _Failure("too_large", f"Content-Length {declared} > {limit} bytes",
                                   status=status, permanent=True, final_url=url)
                body = await _read_capped(resp, limit, url)
                return FetchResult(outcome="ok", body=body, **common)
        except _Failure:
            raise
        except TooLarge as exc:
            raise _Failure("too_large", str(exc), permanent=True, final_url=url) from None
        except DecodeError as exc:
            raise _Failure("decode", str(exc), final_url=url) from None
        except httpx.TimeoutException as exc:
            raise _Failure("timeout", f"{type(exc).__name__}: {exc}", final_url=url) from None
        except httpx.ConnectError as exc:
            raise _Failure("connect", str(exc) or "connection failed", final_url=url) from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise _Failure("bad_url", str(exc), permanent=True, final_url=url) from None
        except httpx.HTTPError as exc:  # protocol errors, resets mid-body
            raise _Failure("network", f"{type(exc).__name__}: {exc}", final_url=url) from None


async def _read_capped(resp: httpx.Response, limit: int, url: str) -> bytes:
    """The body with its content-encoding undone; stops the download past ``limit``."""
    decoder = BodyDecoder(resp.headers.get("content-encoding"), limit)
    out: list[bytes] = []
    wire = 0
    async for raw in resp.aiter_raw():
        wire += len(raw)
        if wire > limit:
            raise TooLarge(f"body exceeds {limit} bytes")
        out.append(decoder.feed(raw))
    out.append(decoder.finish())
    if wire and not decoder.complete:  # an empty body is empty, not cut short
        raise _Failure("network", f"{decoder.coding} body cut short after {wire} bytes",
                       final_url=url)
    return b"".join(out)


def _pinned(parts, address: IPAddress) -> tuple[str, dict]:
    """The URL to connect to the checked address, keeping the name for TLS."""
    host = f"[{address}]" if isinstance(address, ipaddress.IPv6Address) else str(address)
    netloc = f"{host}:{parts.port}" if parts.port else host
    target = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    return target, extensions


def _status_failure(status: int, headers: httpx.Headers, url: str) -> _Failure:
    if status == 429:
        return _Failure("http_429", "too many requests", status=status, final_url=url,
                        retry_after=retry_after_seconds(headers.get("retry-after")))
    if status >= 500:
        return _Failure("http_5xx", f"server error {status}", status=status, final_url=url,
                        retry_after=retry_after_seconds(headers.get("retry-after")))
    if status == 408:
        return _Failure("http_408", "request timeout", status=status, final_url=url)
    if status in (404, 410):
        return _Failure(f"http_{status}", "gone" if status == 410 else "not found",
                        status=status, permanent=True, final_url=url)
    if status in REDIRECTS:
        return _Failure("bad_redirect", f"{status} without Location", status=status,
                        permanent=True, final_url=url)
    return _Failure(f"http_{status}", f"status {status}", status=status, permanent=True,
                    final_url=url)


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _ms_since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
