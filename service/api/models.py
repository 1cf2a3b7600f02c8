"""The shapes the API accepts and returns, so the OpenAPI schema documents them exactly."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SOURCE_KINDS = ("feed", "sitemap", "urls", "site")
SourceKind = Literal["feed", "sitemap", "urls", "site"]
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"  # as in sources files


def _http_url(value: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// URL")
    if any(c.isspace() for c in value):
        raise ValueError("must not contain spaces")
    return value


# --- letters ---------------------------------------------------------------------------------

LetterStatus = Literal["reported", "claimed", "denied", "planned"]
PartyType = Literal["person", "organisation"]
STATUS_HELP = ("what the reports say of the letter: reported (as sent), claimed (one side says "
               "it was sent), denied, or planned; a letter takes the strongest status any of "
               "its reports gives, in that order")


class LetterSource(BaseModel):
    """One article reporting a letter, with the sentence that says so."""

    article_id: str
    url: str | None = None
    title: str | None = None
    site_name: str | None = None
    published: str | None = None
    evidence: str = ""
    kind: str | None = None
    status: str = Field("reported", description="what this article says of the letter")
    date: str | None = None
    via: str | None = None
    confidence: float | None = None
    extractor_version: str | None = None
    position: int | None = Field(None, description="log position of the finding")
    recorded_at: str | None = None


class Letter(BaseModel):
    """One letter, message or telegram, however many outlets report it."""

    letter_id: str
    sender: str
    recipient: str
    sender_type: PartyType = "person"
    recipient_type: PartyType = "person"
    kind: str
    status: LetterStatus = Field("reported", description=STATUS_HELP)
    disputed: bool = Field(False, description="some reports say it was sent, others deny it")
    date: str | None = Field(None, description="YYYY, YYYY-MM or YYYY-MM-DD; null when unknown")
    via: str | None = Field(None, description="the intermediary who carried it, if reported")
    in_reply_to: str | None = None
    confidence: float
    source_count: int
    outlets: list[str]
    first_position: int
    last_position: int
    first_reported_at: str | None = None
    sources: list[LetterSource]


class LetterRef(BaseModel):
    letter_id: str
    sender: str
    recipient: str
    kind: str
    status: LetterStatus = "reported"
    date: str | None = None


class LetterDetail(Letter):
    positions: list[int] = Field(description="log positions of the events that support it")
    in_reply_to_letter: LetterRef | None = None
    replies: list[LetterRef]


class LetterPage(BaseModel):
    items: list[Letter]
    next_cursor: str | None = Field(None, description="pass as cursor for the next page")
    as_of: int | None = Field(None, description="log position answered from, for as_of queries")


# --- people ----------------------------------------------------------------------------------


class Person(BaseModel):
    """A party to letters: a person, or an organisation (a party, a committee, students...)."""

    person_id: str = Field(description="the name's comparison key: lower case, no spaces, "
                           "hyphens or dots")
    name: str
    party_type: PartyType = Field("person", description="an organisation when every letter "
                                  "names it as one")
    sent: int
    received: int
    letters: int
    last_date: str | None = None


class Counterpart(BaseModel):
    person_id: str
    name: str
    party_type: PartyType = "person"
    sent: int = Field(description="letters the person sent to this counterpart")
    received: int = Field(description="letters the person received from this counterpart")


class PersonDetail(Person):
    counterparts: list[Counterpart]
    letters_list: list[Letter]


class PersonPage(BaseModel):
    items: list[Person]


# --- articles --------------------------------------------------------------------------------


class ArticleSummary(BaseModel):
    article_id: str
    url: str
    canonical_url: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    site_name: str | None = None
    language: str | None = None
    duplicate_of: str | None = None
    source_id: str | None = None
    first_seen_at: str | None = None
    position: int
    letter_count: int


class ArticleDetail(ArticleSummary):
    text: str
    extractor_version: str | None = None
    findings: list[dict[str, Any]] = Field(description="the extractor's raw findings")
    letters: list[Letter] = Field(description="the letters these findings were merged into")


class ArticlePage(BaseModel):
    items: list[ArticleSummary]
    next_cursor: str | None = None


# --- sources ---------------------------------------------------------------------------------


class SourceIn(BaseModel):
    """A source to poll."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000, examples=["https://example.org/world/rss.xml"])
    kind: SourceKind = "feed"
    source_id: str | None = Field(None, pattern=ID_PATTERN,
                                  description="defaults to a slug of the name, else of the URL")
    name: str | None = Field(None, max_length=200)
    interval_seconds: int = Field(3600, ge=10, le=30 * 86400)
    enabled: bool = True
    may_change: bool = False

    _url = field_validator("url")(_http_url)


class SourcePatch(BaseModel):
    """New values for some of a source's settings."""

    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(None, max_length=2000)
    kind: SourceKind | None = None
    name: str | None = Field(None, max_length=200)
    interval_seconds: int | None = Field(None, ge=10, le=30 * 86400)
    enabled: bool | None = None
    may_change: bool | None = None
    expected_version: int | None = Field(
        None, ge=0, description="the source's version you last read; 409 if it has moved")

    @field_validator("url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        return None if v is None else _http_url(v)

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump(exclude={"expected_version"}).items()
                if k in self.model_fields_set and v is not None}


class Source(BaseModel):
    """A source, its settings and its health."""

    source_id: str
    url: str
    kind: str
    name: str | None = None
    interval_seconds: int
    enabled: bool
    may_change: bool
    removed: bool
    version: int = Field(description="stream version: send as expected_version to PATCH safely")
    added_at: str | None = None
    last_polled_at: str | None = None
    last_success_at: str | None = None
    last_error_at: str | None = None
    last_error: str | None = None
    consecutive_failures: int
    next_poll_at: str | None = None
    polls: int
    entries_seen: int
    new_urls: int
    pages_fetched: int
    pages_failed: int
    healthy: bool = Field(description="no failure since the last successful poll")


class SourceList(BaseModel):
    items: list[Source]


class FetchResult(BaseModel):
    source: Source
    polled: bool
    detail: str


# --- events ----------------------------------------------------------------------------------


class EventOut(BaseModel):
    position: int
    id: str
    stream: str
    stream_version: int
    recorded_at: str
    type: str
    version: int
    causation_id: str | None = None
    correlation_id: str | None = None
    data: dict[str, Any]


class EventPage(BaseModel):
    items: list[EventOut]
    next_after: int = Field(description="pass as after= to read on")
    head: int


# --- watches ---------------------------------------------------------------------------------


class WatchIn(BaseModel):
    """A webhook to call once for each new letter involving a person, or between two people."""

    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=2000)
    person: str | None = Field(None, min_length=1, max_length=200)
    sender: str | None = Field(None, min_length=1, max_length=200)
    recipient: str | None = Field(None, min_length=1, max_length=200)
    secret: str | None = Field(None, min_length=16, max_length=200,
                               description="HMAC key for the signature; generated if omitted")

    _url = field_validator("url")(_http_url)

    @model_validator(mode="after")
    def _one_target(self) -> WatchIn:
        if self.person and (self.sender or self.recipient):
            raise ValueError("give either person, or sender and/or recipient, not both")
        if not (self.person or self.sender or self.recipient):
            raise ValueError("give a person, or a sender and/or recipient, to watch")
        return self


class Watch(BaseModel):
    watch_id: str
    url: str
    person: str | None = None
    sender: str | None = None
    recipient: str | None = None
    position: int = Field(description="letters first reported after this log position are sent")
    delivered: int = 0
    failed: int = 0
    pending: int = 0


class WatchCreated(Watch):
    secret: str = Field(description="shown only once: verify X-Letterwatch-Signature with it")


class SecretIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secret: str | None = Field(None, min_length=16, max_length=200,
                               description="the new HMAC key; generated if omitted")


class WatchSecret(BaseModel):
    watch_id: str
    secret: str = Field(description="shown only once: verify X-Letterwatch-Signature with it")


class WatchList(BaseModel):
    items: list[Watch]


class Delivery(BaseModel):
    letter_id: str
    attempt: int
    ok: bool
    status: int | None = None
    detail: str = ""
    position: int
    recorded_at: str


class WatchDetail(Watch):
    deliveries: list[Delivery]


# --- admin -----------------------------------------------------------------------------------


class RebuildIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    projections: list[str] | None = Field(None, description="names; all when omitted")


class RebuildOut(BaseModel):
    rebuilt: dict[str, int] = Field(description="events folded per projection")


class ProjectionLag(BaseModel):
    name: str
    version: int
    position: int
    lag: int


class Ready(BaseModel):
    ready: bool
    store: bool
    head: int
    projections: list[ProjectionLag]
    detail: str = ""
