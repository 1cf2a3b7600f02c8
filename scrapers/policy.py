"""FetchPolicy: every knob of polite, bounded fetching, in one value the service fills in."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from importlib.metadata import PackageNotFoundError, version
from typing import Any


def _installed_version() -> str:
    try:
        return version("letterwatch")
    except PackageNotFoundError:  # a source tree run without being installed
        return "0+unknown"


# pyproject.toml holds the version; everything else reads it from the installed metadata.
VERSION = _installed_version()
DEFAULT_USER_AGENT = f"letterwatch/{VERSION} (+https://github.com/letterwatch/letterwatch)"


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How the crawler behaves on the network and how much work a crawl may do."""

    user_agent: str = DEFAULT_USER_AGENT
    concurrency: int = 8  # requests in flight overall
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0  # seconds between the starts of two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # longest silence while waiting for bytes
    total_timeout: float = 60.0  # one attempt, all redirect hops and the whole body
    max_body_bytes: int = 10_000_000  # on the wire, and again after decompression
    max_redirects: int = 5
    max_retries: int = 4  # extra attempts after the first, on timeouts, 429 and 5xx
    retry_base_delay: float = 1.0  # first backoff; doubles per attempt, with jitter
    max_retry_wait: float = 60.0  # a longer Retry-After ends the crawl's attempts for now
    allow_private: list[str] = field(default_factory=list)  # hosts or CIDRs
    respect_robots: bool = True
    robots_ttl: float = 3600.0  # seconds a host's robots.txt is trusted
    max_crawl_delay: float = 30.0  # cap on a robots.txt Crawl-delay we honour
    extract_workers: int = 1  # >1: text extraction in a process pool of this size
    max_urls_per_poll: int = 500  # new URLs taken from one listing per poll
    max_child_sitemaps: int = 20  # sitemaps read from one sitemap index per poll
    failure_backoff: float = 3600.0  # first delay before a failed page is tried again

    def __post_init__(self) -> None:
        for name in ("concurrency", "per_host_concurrency", "extract_workers",
                     "max_urls_per_poll"):
            if getattr(self, name) < 1:
                raise ValueError(f"FetchPolicy.{name} must be at least 1")
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"FetchPolicy.{name} must be positive")
        if self.max_body_bytes <= 0:
            raise ValueError("FetchPolicy.max_body_bytes must be positive")
        if self.max_redirects < 0 or self.max_retries < 0:
            raise ValueError("FetchPolicy.max_redirects and max_retries cannot be negative")
        # A frozen dataclass still holds the caller's list: keep our own copy.
        object.__setattr__(self, "allow_private", list(self.allow_private))

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> FetchPolicy:
        """A policy from any object with same-named attributes (the service's settings)."""
        names = {f.name for f in fields(cls)}
        values = {n: getattr(settings, n) for n in names if hasattr(settings, n)}
        values.update(overrides)
        return cls(**values)

    def replace(self, **changes: Any) -> FetchPolicy:
        return dataclasses.replace(self, **changes)
