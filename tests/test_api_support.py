"""Shared by the API, page, watch and scheduler tests: a small, known body of correspondence.

Six articles from four outlets report seven letters: one letter is reported twice (merged), one
is a reply, one has no date, and one article's text and evidence carry markup that must never
run in a browser.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from events import ArticleExtracted, Finding, LettersExtracted
from events.projections import ALL
from service.api import create_app
from service.settings import Settings
from store import Store
from store.projector import catch_up

ADMIN = "admin-token-for-tests"
AUTH = {"Authorization": f"Bearer {ADMIN}"}
SEALING_KEY = "sealing-key-for-tests-0123456789abcdef"
SCRIPT = '<script>window.__pwned = true; alert("x")</script>'


def settings(**overrides: object) -> Settings:
    """Settings for tests: nothing read from the environment or a .env file."""
    values: dict[str, object] = {"admin_token": ADMIN, "database_url": "sqlite:///:memory:",
                                 "secret_key": SEALING_KEY}
    values.update(overrides)
    return Settings(_env_file=None, _secrets_dir=None, **values)  # type: ignore[call-arg]


def add_article(store: Store, article_id: str, *, site: str, published: str | None,
                title: str, findings: list[Finding], text: str | None = None,
                version: str = "1.0") -> None:
    """An article as the extractors would record it: its text, then the letters in it."""
    url = f"https://{site.lower().replace(' ', '')}.example/{article_id}"
    store.append(f"article-{article_id}", [
        ArticleExtracted(article_id=article_id, url=url, title=title, published=published,
                         site_name=site, extractor_version="t1",
                         text=text or " ".join(f.evidence for f in findings)),
        LettersExtracted(article_id=article_id, extractor_version=version,
                         letters=tuple(findings)),
    ])


def letter(sender: str, recipient: str, kind: str, date: str | None, evidence: str,
           via: str | None = None, reply_to: int | None = None) -> Finding:
    return Finding(sender=sender, recipient=recipient, kind=kind, date=date, via=via,
                   evidence=evidence, reply_to=reply_to)


def refresh(store: Store) -> None:
    for p in ALL.values():
        store.ensure_projection(p)
        catch_up(store, p)


def load_corpus(store: Store) -> None:
    add_article(store, "a1", site="Reuters", published="2018-07-12",
                title="Kim sends Trump a 'very nice' letter", findings=[
                    letter("Kim Jong Un", "Donald Trump", "letter", "2018-07-06",
                           "Trump said Kim Jong Un sent him a very nice letter on July 6.")])
    add_article(store, "a2", site="AP", published="2018-07-13",
                title="Trump shares letter from Kim", findings=[
                    letter("Kim Jong Un", "Donald Trump", "letter", "2018-07",
                           "Trump posted the letter Kim Jong-un wrote to him in July.")])
    add_article(store, "a3", site="Yonhap", published="2019-06-23",
                title="Kim answers Trump", findings=[
                    letter("Donald Trump", "Kim Jong Un", "letter", "2019-06-12",
                           "Trump wrote to Kim Jong Un on June 12."),
                    letter("Kim Jong Un", "Donald Trump", "letter", "2019-06-22",
                           "Kim Jong Un answered Trump's letter on June 22, KCNA said.",
                           reply_to=0)])
    add_article(store, "a4", site="TASS", published="2023-08-15",
                title="Putin and Kim exchange greetings", findings=[
                    letter("Vladimir Putin", "Kim Jong Un", "telegram", "2023-08-15",
                           "Putin sent Kim Jong Un a telegram on Liberation Day."),
                    letter("Kim Jong Un", "Vladimir Putin", "greetings", "2023-06-12",
                           "Kim Jong Un sent greetings to Putin on Russia Day.")])
    add_article(store, "a5", site="Reuters", published="2018-06-14",
                title="Kim sends message to Putin", findings=[
                    letter("Kim Jong Un", "Vladimir Putin", "message", None,
                           "A North Korean official handed a written message to Putin from "
                           "Kim Jong Un.", via="Kim Yong Nam")])
    add_article(store, "a6", site="Xinhua", published="2021-10-23",
                title=f"Xi replies {SCRIPT}", text=f"Body with {SCRIPT} in it.", findings=[
                    letter("Xi Jinping", "Kim Jong Un", "message", "2021-10-20",
                           f"Xi Jinping sent Kim Jong Un a reply message {SCRIPT}.")])
    refresh(store)


@pytest.fixture
def corpus(store: Store) -> Store:
    """The store on each backend, holding the six articles above, projections current."""
    load_corpus(store)
    return store


@pytest.fixture
def client(corpus: Store) -> Iterator[TestClient]:
    """A client of the app over the corpus, with the admin token configured."""
    with TestClient(create_app(settings(), corpus)) as c:
        yield c
