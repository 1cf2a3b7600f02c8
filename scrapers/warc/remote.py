"""A web archive read over HTTP as it arrives, through the crawler's fetch policy: its user
agent, timeouts and redirect limit, the address guard on every hop, and a size cap.

The archive is streamed to the record reader, never held whole: a CC-NEWS file is a
gigabyte. fetch.Fetcher reads bodies into memory (pages are small), so this opens its own
streaming request, connected the way Fetcher connects: to the address the guard checked.
"""

from __future__ import annotations

import io
from urllib.parse import urljoin, urlsplit

import httpx

from ..fetch import REDIRECTS, _pinned
from ..netguard import BlockedAddress, ResolveError, Resolver
from ..policy import FetchPolicy

DEFAULT_ARCHIVE_LIMIT = 8 * 1024**3  # CC-NEWS files are about 1 GB; a page's cap is far less


class RemoteArchiveError(Exception):
    """The archive cannot be downloaded: blocked address, HTTP error, too large..."""


class RemoteArchive(io.RawIOBase):
    """The body of one HTTP response as a readable, non-seekable binary stream."""

    def __init__(self, client: httpx.Client, response: httpx.Response, url: str,
                 limit: int) -> None:
        self.url, self.limit, self.size = url, limit, 0
        self._client, self._response = client, response
        self._chunks = response.iter_bytes(1 << 16)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
            except httpx.HTTPError as exc:
                raise RemoteArchiveError(f"download of {self.url} failed after {self.size} "
                                         f"bytes: {type(exc).__name__}: {exc}") from None
            self.size += len(self._pending)
            if self.size > self.limit:
                raise RemoteArchiveError(f"too_large: {self.url} exceeds {self.limit} bytes")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        if not self.closed:
            self._response.close()
            self._client.close()
        super().close()


async def open_remote(url: str, policy: FetchPolicy,
                      limit: int = DEFAULT_ARCHIVE_LIMIT) -> RemoteArchive:
    """Start downloading ``url``; RemoteArchiveError when the policy forbids it or the
    server does not answer 200 with an archive of at most ``limit`` bytes."""
    resolver = Resolver(policy.allow_private)
    client = httpx.Client(
        trust_env=False, follow_redirects=False,  # each hop is checked here
        timeout=httpx.Timeout(connect=policy.connect_timeout, read=policy.read_timeout,
                              write=policy.read_timeout, pool=policy.connect_timeout),
        headers={"User-Agent": policy.user_agent})
    current = url
    try:
        for _ in range(policy.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise RemoteArchiveError(f"cannot download {current!r}")
            port = parts.port or (443 if parts.scheme == "https" else 80)
            try:
                address = await resolver.resolve(parts.hostname, port)
            except (BlockedAddress, ResolveError) as exc:
                raise RemoteArchiveError(str(exc)) from None
            target, extensions = _pinned(parts, address)
            request = client.build_request(
                "GET", target, headers={"Host": parts.netloc.rsplit("@", 1)[-1]},
                extensions=extensions)
            try:
                response = client.send(request, stream=True)
            except httpx.HTTPError as exc:
                raise RemoteArchiveError(f"{current}: {type(exc).__name__}: {exc}") from None
            if response.status_code in REDIRECTS and response.headers.get("location"):
                response.close()
                current = urljoin(current, response.headers["location"].strip())
                continue
            if response.status_code != 200:
                response.close()
                raise RemoteArchiveError(f"{current} answered HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                response.close()
                raise RemoteArchiveError(f"too_large: {current} is {declared} bytes, more "
                                         f"than the {limit} allowed")
            return RemoteArchive(client, response, current, limit)
        raise RemoteArchiveError(f"{url}: more than {policy.max_redirects} redirects")
    except BaseException:
        client.close()
        raise
