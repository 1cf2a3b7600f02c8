"""The page at ``/``, as a person sees it in a real (headless) Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from events import FeedPolled, FetchFailed, SourceAdded
from service.api import create_app
from store import Store
from store.sqlite import SQLiteStore
from served import chromium, served
from test_api_support import SCRIPT, corpus, load_corpus, refresh, settings  # noqa: F401

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def add_sources(store: Store) -> None:
    """One healthy source and one that keeps failing."""
    store.append("source-yonhap", [
        SourceAdded(source_id="yonhap", url="https://yonhap.example/rss", kind="feed",
                    name="Yonhap"),
        FeedPolled(source_id="yonhap", url="https://yonhap.example/rss", status=200,
                   entries_seen=20)])
    store.append("source-kcna", [
        SourceAdded(source_id="kcna", url="https://kcna.example/rss", kind="feed", name="KCNA"),
        FetchFailed(url="https://kcna.example/rss", reason="timeout", source_id="kcna"),
        FetchFailed(url="https://kcna.example/rss", reason="timeout", source_id="kcna")])
    refresh(store)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over the test corpus, served by uvicorn on a free loopback port."""
    store = SQLiteStore(tmp_path_factory.mktemp("page") / "letterwatch.db")
    load_corpus(store)
    add_sources(store)
    with served(store) as url:
        yield url
    store.close()


def test_article_text_is_escaped_in_the_html(corpus: Store):
    with TestClient(create_app(settings(), corpus)) as client:
        html = client.get("/").text
    assert SCRIPT not in html
    assert "&lt;script&gt;window.__pwned = true;" in html


@pytest.fixture
def page(site: str):
    with chromium(CHROMIUM, CHROMIUM_ARGS) as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.dialogs = dialogs  # type: ignore[attr-defined]
        yield page


@pytest.mark.browser
def test_the_timeline_shows_who_wrote_to_whom_with_evidence(page, site: str, tmp_path: Path):
    page.goto(site + "/")
    letters = page.locator("li.letter")
    assert letters.count() == 7
    first = letters.first
    assert first.locator(".when").inner_text() == "2023-08-15"
    assert first.locator(".who").inner_text().startswith("Vladimir Putin → Kim Jong Un")
    assert "telegram" in first.locator(".kind").inner_text()
    assert "Reported by TASS" in first.locator(".outlets").inner_text()
    assert "Liberation Day" in first.locator("blockquote").inner_text()
    merged = page.locator("li.letter", has_text="very nice letter")
    assert "Reported by AP, Reuters (2 articles)" in merged.locator(".outlets").inner_text()
    assert "via Kim Yong Nam" in page.locator("li.letter", has_text="written message").inner_text()
    undated = letters.last.locator(".when").inner_text()
    assert undated == "date unknown"

    # Markup in an article is shown as text and never runs.
    xi = page.locator("li.letter", has_text="Xi Jinping").locator("blockquote")
    assert "<script>window.__pwned = true;" in xi.inner_text()
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []

    # Who writes to whom, and how the sources are doing.
    matrix = page.locator("section.matrix")
    assert matrix.locator("tbody tr").count() == 4
    cell = matrix.locator("td[title='Kim Jong Un → Donald Trump: 2']")
    assert cell.inner_text() == "2"
    failing = page.locator("section.sources tr.failing")
    assert failing.locator("td").first.inner_text() == "KCNA"
    assert "failing ×2" in failing.inner_text()
    assert page.locator("section.sources tr.ok td").last.inner_text() == "ok"

    shot = tmp_path / "timeline.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    shutil.copy(shot, Path("/tmp") / "letterwatch-page.png")  # for a person to look at


@pytest.mark.browser
def test_filters_by_person_kind_and_dates(page, site: str, tmp_path: Path):
    page.goto(site + "/")
    page.fill("input[name=person]", "donald trump")
    page.click("button[type=submit]")
    page.wait_for_url("**/?person=donald+trump")  # empty fields are left out of the address
    assert page.locator("h1").inner_text().startswith("Letters from or to donald trump")
    whos = page.locator("li.letter .who").all_inner_texts()
    assert len(whos) == 3 and all("Donald Trump" in w for w in whos)

    page.select_option("select[name=kind]", "letter")
    page.fill("input[name=since]", "2019")
    page.click("button[type=submit]")
    assert page.locator("li.letter").count() == 2
    assert page.locator("select[name=kind]").input_value() == "letter"

    page.fill("input[name=since]", "June")
    page.click("button[type=submit]")
    assert "'June' is not a date" in page.locator(".problem").inner_text()

    # A person's name opens their page, which leads back to the list filtered by them.
    page.goto(site + "/")
    page.locator("li.letter a.person", has_text="Xi Jinping").first.click()
    page.wait_for_url("**/person/xijinping")
    page.locator(".lede a", has_text="on the first page").click()
    page.wait_for_url("**person=Xi*")
    assert page.locator("li.letter").count() == 1
    page.screenshot(path=str(tmp_path / "filtered.png"))


@pytest.mark.browser
def test_search_over_the_evidence_narrows_the_list_and_its_chart(page, site: str):
    page.goto(site + "/")
    page.fill("input[name=q]", "June")
    page.click("button[type=submit]")
    page.wait_for_url("**/?q=June")
    assert page.locator("li.letter").count() == 2  # "on June 12", "on June 22"
    assert page.locator("h1").inner_text().startswith("Letters whose evidence mentions")
    bars = page.locator("#letters-chart rect title").all_text_contents()
    assert bars == ["2019-06, letter: 2"]  # under three years: drawn by month
    csv = page.locator("a", has_text="numbers as CSV").get_attribute("href")
    assert csv == "/timeline.csv?q=June"
