"""Signing in from a browser when reads need a token: the page sends a visitor to /login,
and the cookie it sets opens reads, never writes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from service.api import create_app
from service.api.login import COOKIE
from store import Store
from test_api_support import corpus, settings  # noqa: F401

READER = "reader-secret-0123456789"


def client(store: Store, **overrides: str) -> TestClient:
    return TestClient(create_app(settings(**{"read_token": READER, **overrides}), store),
                      follow_redirects=False)


def test_the_page_sends_a_visitor_without_the_token_to_sign_in(corpus: Store):
    with client(corpus) as c:
        # The query spelled out: HTTP clients differ in how they encode a space (+ or %20).
        r = c.get("/?person=Kim+Jong+Un")
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=%2F%3Fperson%3DKim%2BJong%2BUn"
        assert 'type="password"' in c.get(r.headers["location"]).text
        assert c.get("/letters").status_code == 401  # the API still answers 401, not a redirect


def test_signing_in_sets_a_cookie_that_opens_the_page_and_the_reads(corpus: Store):
    with client(corpus) as c:
        r = c.post("/login?next=/%3Fkind%3Dletter", data={"token": READER})
        assert r.status_code == 303 and r.headers["location"] == "/?kind=letter"
        cookie = r.cookies[COOKIE]
        assert READER not in cookie  # a digest, not the token itself
        assert "httponly" in r.headers["set-cookie"].lower()
        page = c.get("/")
        assert page.status_code == 200 and "Kim Jong Un" in page.text
        assert c.get("/letters").status_code == 200
        assert c.get("/logout").status_code == 303
        assert c.get("/").status_code == 303


def test_a_wrong_token_is_refused_and_says_so(corpus: Store):
    with client(corpus) as c:
        r = c.post("/login", data={"token": "guess"})
        assert r.status_code == 401
        assert "not this server's read token" in r.text
        assert COOKIE not in r.cookies
        assert c.get("/").status_code == 303


def test_the_cookie_never_writes_and_a_new_token_signs_everyone_out(corpus: Store):
    with client(corpus, admin_token="admin-secret-0123456789") as c:
        c.post("/login", data={"token": READER})
        r = c.post("/watches", json={"url": "https://hooks.example/x", "person": "Kim Jong Un"})
        assert r.status_code == 401
        cookie = c.cookies[COOKIE]
    with client(corpus, read_token="rotated-token-0123456789") as c:
        c.cookies.set(COOKIE, cookie)
        assert c.get("/").status_code == 303
        assert c.get("/letters").status_code == 401


def test_signing_in_only_ever_returns_to_this_server(corpus: Store):
    with client(corpus) as c:
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            r = c.post("/login", params={"next": target}, data={"token": READER})
            assert r.headers["location"] == "/", target
