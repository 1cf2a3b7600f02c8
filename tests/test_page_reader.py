"""The pages a reader follows, a letter, a person, a thread, opened in a real (headless)
Chromium from links on other pages: at desktop and phone widths, with JavaScript off, under
an axe-core accessibility check, and with hostile text in the data.

Screenshots and axe reports are kept in ``test-artifacts/pages/`` (ignored by git) for a
person to look at.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.sqlite import SQLiteStore
from served import chromium, served
from test_api_support import add_article, letter, load_corpus, refresh
from test_page import CHROMIUM, CHROMIUM_ARGS, add_sources

ARTIFACTS = Path(os.environ.get("LETTERWATCH_TEST_ARTIFACTS",
                                Path(__file__).resolve().parent.parent / "test-artifacts")) / "pages"
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}

HOSTILE = '<script>window.__pwned = true; alert("x")</script>'
RTL = "\u202eAhmad Evil\u202c"  # a right-to-left override inside a name
LONG = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschafers" * 3


def add_hostile(store) -> None:
    """A thread of three letters whose names and evidence are hostile: markup, a
    right-to-left override, and a name far too long for a phone's width."""
    add_article(store, "h1", site="Gazette" + HOSTILE, published="2024-02-03",
                title="Letters " + HOSTILE, findings=[
                    letter(RTL, LONG, "letter", "2024-01-05",
                           f"{RTL} wrote to {LONG} {HOSTILE} in January."),
                    letter(LONG, RTL, "letter", "2024-01-20",
                           f"{LONG} replied to {RTL} on January 20.", reply_to=0),
                    letter(RTL, LONG, "note", "2024-02-01",
                           f"{RTL} answered the reply with a note.", reply_to=1)])
    refresh(store)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = SQLiteStore(tmp_path_factory.mktemp("pages") / "letterwatch.db")
    load_corpus(store)
    add_sources(store)
    add_hostile(store)
    with served(store) as url:
        yield url
    store.close()


@pytest.fixture(scope="module")
def browser():
    with chromium(CHROMIUM, CHROMIUM_ARGS) as b:
        yield b


def open_page(browser, viewport: dict, javascript: bool = True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return context, page


@pytest.fixture
def desktop(browser):
    context, page = open_page(browser, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone(browser):
    context, page = open_page(browser, PHONE)
    yield page
    context.close()


def shoot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-screen.png"))  # what shows first
    assert path.stat().st_size > 10_000
    return path


def accessible(page, name: str) -> None:
    """axe-core (shipped in the axe-playwright-python wheel, never from a CDN) finds no
    serious or critical violation; the full report is kept beside the screenshots."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"{name}.axe.json").write_text(json.dumps(violations, indent=1))
    bad = [(v["id"], v["impact"], len(v["nodes"])) for v in violations
           if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name}: {bad}"


def fits(page) -> None:
    """Nothing makes the page scroll sideways (charts scroll inside their own box)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


def unharmed(page) -> None:
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []


def canonical(page) -> str:
    return page.locator("link[rel=canonical]").get_attribute("href")


# --- the reader's path -----------------------------------------------------------------------


def walk(page, site: str, width: str) -> None:
    """First page → a letter → its sender → a letter in a thread → the thread → back."""
    page.goto(site + "/")
    assert page.title().endswith("· letterwatch")
    assert canonical(page) == "/"  # relative unless a public address is configured
    chart = page.locator("#letters-chart")
    assert chart.locator("rect").count() >= 6  # a bar segment per year and kind
    assert chart.locator("title").first.text_content() == "Letters over time, by year and kind"
    narrow = page.locator("#letters-chart-narrow")
    assert (chart.is_visible(), narrow.is_visible()) == ((True, False) if width == "desktop"
                                                         else (False, True))
    shoot(page, f"first-{width}")
    accessible(page, f"first-{width}")

    # The merged letter reported by AP and Reuters.
    page.locator("li.letter", has_text="very nice letter").locator(".when a").click()
    page.wait_for_url("**/letter/*")
    assert page.locator("h1").inner_text() == "Kim Jong Un → Donald Trump"
    reports = page.locator("article.report")
    assert reports.count() == 2
    assert page.locator("mark", has_text="very nice letter on July 6").count() == 1
    assert "July 2018" in page.locator(".facts-box").inner_text()
    assert page.locator(".record a[href^='/events']").count() == 2  # two log positions
    assert site + canonical(page) == page.url
    shoot(page, f"letter-{width}")
    accessible(page, f"letter-{width}")
    fits(page)

    page.locator(".facts-box dd a.person", has_text="Kim Jong Un").click()
    page.wait_for_url("**/person/*")
    assert page.locator("h1").inner_text() == "Kim Jong Un"
    assert "Leader, North Korea" in page.locator("ul.offices").inner_text()
    assert page.locator("#person-chart rect").count() >= 4
    assert page.locator("table.counterparts tbody tr").first.locator("th").inner_text() \
        == "Donald Trump"
    assert page.locator("a", has_text="CSV").first.get_attribute("href").startswith(
        "/letters.csv?person=")
    shoot(page, f"person-{width}")
    accessible(page, f"person-{width}")
    fits(page)

    page.locator(".card", has_text="answered Trump").locator(".when a").click()
    page.wait_for_url("**/letter/*")
    assert "In reply to" in page.locator(".facts-box").inner_text()
    page.locator("a", has_text="Read the whole thread").click()
    page.wait_for_url("**/thread/*")
    msgs = page.locator("ol.thread > li")
    assert msgs.count() == 2
    assert "Trump wrote to Kim" in msgs.first.inner_text()
    assert page.locator("li[aria-current=true]").count() == 1
    shoot(page, f"thread-{width}")
    accessible(page, f"thread-{width}")
    fits(page)

    page.locator("nav.crumbs a", has_text="Letters").click()
    page.wait_for_url(site + "/")
    unharmed(page)

    response = page.goto(site + "/letter/0000000000000000")
    assert response.status == 404 and page.locator("h1").inner_text() == "No such letter"
    accessible(page, f"missing-{width}")
    page.locator("main a", has_text="Back to the latest letters").click()
    page.wait_for_url(site + "/")


@pytest.mark.browser
def test_a_reader_goes_from_the_first_page_to_a_letter_its_sender_and_a_thread(desktop, site):
    walk(desktop, site, "desktop")


@pytest.mark.browser
def test_the_same_path_at_phone_width(phone, site):
    walk(phone, site, "phone")


@pytest.mark.browser
def test_every_page_works_with_javascript_off(browser, site):
    context, page = open_page(browser, DESKTOP, javascript=False)
    try:
        page.goto(site + "/")
        page.fill("input[name=q]", "birthday OR Liberation")
        page.fill("input[name=q]", "Liberation Day")
        page.click("form.filters button[type=submit]")
        page.wait_for_url("**q=Liberation*")
        assert page.locator("li.letter").count() == 1
        assert "telegram" in page.locator("#letters-chart").inner_html()
        page.locator("li.letter .more a").click()
        page.wait_for_url("**/letter/*")
        page.locator("a.person", has_text="Vladimir Putin").first.click()
        page.wait_for_url("**/person/*")
        assert "received" in page.locator(".lede").inner_text()
        shoot(page, "person-nojs")
        page.fill("header input[name=q]", "KCNA")  # the search box on every other page
        page.click("header button[type=submit]")
        page.wait_for_url("**/?q=KCNA")
        page.locator("li.letter a.thread-link").first.click()
        page.wait_for_url("**/thread/*")
        assert page.locator("ol.thread > li").count() == 2
        shoot(page, "thread-nojs")
    finally:
        context.close()


@pytest.mark.browser
def test_hostile_names_and_evidence_are_escaped_and_laid_out(browser, site):
    for viewport, width in ((DESKTOP, "desktop"), (PHONE, "phone")):
        context, page = open_page(browser, viewport)
        try:
            page.goto(site + "/?q=January")
            unharmed(page)
            page.locator("li.letter", has_text="wrote to").locator(".when a").click()
            page.wait_for_url("**/letter/*")
            assert HOSTILE in page.locator("mark").inner_text()
            assert page.locator("h1 bdi").first.inner_text() == RTL
            fits(page)
            page.locator("a", has_text="Read the whole thread").click()
            page.wait_for_url("**/thread/*")
            assert page.locator("ol.thread > li").count() == 3
            depths = page.locator("ol.thread > li").evaluate_all(
                "els => els.map(e => e.className.match(/depth-(\\d)/)[1])")
            assert depths == ["0", "1", "2"]
            fits(page)
            shoot(page, f"hostile-thread-{width}")
            page.locator("ol.thread a.person", has_text="Wolfe").first.click()
            page.wait_for_url("**/person/*")
            assert page.locator("h1").inner_text() == LONG
            fits(page)
            shoot(page, f"hostile-person-{width}")
            accessible(page, f"hostile-person-{width}")
            unharmed(page)
        finally:
            context.close()
