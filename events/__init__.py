"""Event types, their versions, and projections as pure folds. Depends on nothing else here."""

from .base import Event, Recorded, UnknownEvent, new_id
from .registry import decode, event_class, known_types, register, upcaster
from .types import (
    ArticleExtracted,
    FeedPolled,
    FetchFailed,
    LETTER_STATUSES,
    PARTY_TYPES,
    Finding,
    LettersExtracted,
    LoginsRevoked,
    PageFetched,
    PageNotModified,
    PageSkipped,
    SourceAdded,
    SourceChanged,
    SourceRemoved,
    WatchAdded,
    WatchRemoved,
    WatchResealed,
    WebhookDelivered,
    url_key,
)

__all__ = [
    "LETTER_STATUSES", "PARTY_TYPES", "ArticleExtracted", "Event", "FeedPolled", "FetchFailed", "Finding", "LettersExtracted", "LoginsRevoked",
    "PageFetched", "PageNotModified", "PageSkipped", "Recorded", "SourceAdded", "SourceChanged",
    "SourceRemoved", "UnknownEvent", "WatchAdded", "WatchRemoved", "WatchResealed", "WebhookDelivered", "decode",
    "event_class", "known_types", "new_id", "register", "upcaster", "url_key",
]
