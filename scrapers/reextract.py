"""Re-extraction from what is already stored: new text from the raw pages, new letters from
the article texts, when an extractor's version changes. Nothing is fetched again, and the
slow work happens here, never in a projection's fold."""

from __future__ import annotations

import logging
from collections.abc import Callable

from events import url_key
from events.projections.articles import ARTICLES
from events.versions import is_older
from store import Store
from store.projector import catch_up

from .crawl import ARTICLES_T, URLS_T, article_event, letters_event, load_sim_index
from .extract import EXTRACTOR_VERSION
from .pages import PageWork, find_letters, letters_extractor, process_page
from .urls import BadURL, canonical_url

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (what, done, total)
TEXT_BATCH = 200  # article texts read from the store at a time


def reextract_articles(store: Store, progress: Progress | None = None) -> int:
    """Run the current text extractor over every stored page whose article is at an older
    version (or was never extracted); returns how many ArticleExtracted were appended."""
    store.ensure_projection(ARTICLES)
    catch_up(store, ARTICLES)
    versions = {r["article_id"]: r["extractor_version"] for r in store.query(
        f"SELECT article_id, extractor_version FROM {ARTICLES_T}")}
    todo: dict[str, dict] = {}
    for page in store.query(
            "SELECT url, final_url, content_type, body_sha256, source_id, reason "
            f"FROM {URLS_T} WHERE body_sha256 IS NOT NULL ORDER BY url"):
        if page["reason"] == "not_html":
            continue
        try:
            page["article_url"] = canonical_url(page["final_url"] or page["url"])
        except BadURL:
            page["article_url"] = page["url"]
        article_id = url_key(page["article_url"])
        current = versions.get(article_id)
        if current is None or is_older(current, EXTRACTOR_VERSION):
            todo.setdefault(article_id, page)
    index = load_sim_index(store)
    appended = 0
    for done, page in enumerate(todo.values(), 1):
        body = store.get_page(page["body_sha256"])
        if body is not None:
            article_url = page["article_url"]
            try:
                work = process_page(body, article_url, page["content_type"], with_letters=False)
            except Exception:  # one page the extractor fails on must not stop the others
                log.exception("reextract: extracting %s failed", article_url)
                work = None
            if work is not None and work.article is not None:
                _append_article(store, work, article_url, page, index)
                appended += 1
        if progress is not None:
            progress("articles", done, len(todo))
    return appended


def _append_article(store: Store, work: PageWork, article_url: str, page: dict,
                    index) -> None:
    article_id = url_key(article_url)
    duplicate_of = None
    if work.simhash is not None:
        duplicate_of = index.find(work.simhash, exclude=article_id)
        if duplicate_of is None:
            index.add(work.simhash, article_id)
    event = article_event(work, article_id, article_url, page["body_sha256"], duplicate_of,
                          page["source_id"])
    events = [event]
    # Text changed, so the letters read from the old text are stale: read them again now.
    letters, version, _ = find_letters(work.article.text, work.article.title,
                                       work.article.published)
    if letters is not None and version is not None:
        events.append(letters_event(article_id, version, letters, **event.caused()))
    store.append(f"article-{article_id}", events)


def reextract_letters(store: Store, progress: Progress | None = None) -> int:
    """Run the current correspondence extractor over every article whose letters were read
    by an older version (or never); returns how many LettersExtracted were appended."""
    found = letters_extractor()
    if found is None:
        return 0
    _, version = found
    store.ensure_projection(ARTICLES)
    catch_up(store, ARTICLES)
    todo = [r["article_id"] for r in store.query(
        f"SELECT article_id, letters_version FROM {ARTICLES_T} ORDER BY position")
        if r["letters_version"] is None or is_older(r["letters_version"], version)]
    appended = done = 0
    # Texts are read a batch at a time: a large log's articles need not fit in memory at once.
    for start in range(0, len(todo), TEXT_BATCH):
        ids = todo[start:start + TEXT_BATCH]
        rows = store.query(
            f"SELECT article_id, text, title, published FROM {ARTICLES_T} "
            f"WHERE article_id IN ({', '.join('?' * len(ids))}) ORDER BY position", ids)
        for row in rows:
            letters, got_version, _ = find_letters(row["text"] or "", row["title"],
                                                   row["published"])
            if letters is not None and got_version is not None:
                store.append(f"article-{row['article_id']}",
                             [letters_event(row["article_id"], got_version, letters)])
                appended += 1
            done += 1
            if progress is not None:
                progress("letters", done, len(todo))
    return appended
