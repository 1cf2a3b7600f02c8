"""What one fetch came to: the value the fetcher returns and the crawl and robots.txt read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch came to, after retries and redirects.

    ``outcome`` is "ok" (body holds the decoded content), "not_modified" (304), "skipped"
    (not a page we extract; body not downloaded) or "failed" (``reason`` says why).
    """

    url: str
    final_url: str
    outcome: str
    status: int | None = None
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    reason: str | None = None
    detail: str = ""
    permanent: bool = False
    retry_at: datetime | None = None
    attempts: int = 1
    elapsed_ms: int = 0

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"
