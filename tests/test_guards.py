"""What strangers meet before any route: operator pages that need the read token, a limit
on failed authentication, a sign-in that can be revoked, links that ignore the Host header,
and headers that keep the page out of frames and its scripts to its own."""

from __future__ import annotations

import feedparser
import pytest
from fastapi.testclient import TestClient

from service.api import create_app
from service.api.guards import AuthFailures
from service.api.login import COOKIE
from store import Store
from test_api_support import AUTH, corpus, settings  # noqa: F401

READER = "reader-token-for-guards-0001"
READ = {"Authorization": f"Bearer {READER}"}
OPERATOR = ["/docs", "/openapi.json", "/metrics", "/redoc"]


def client(store: Store, **overrides: object) -> TestClient:
    return TestClient(create_app(settings(**overrides), store), follow_redirects=False)


def test_operator_pages_need_the_read_token_when_one_is_set(corpus: Store):
    with client(corpus, read_token=READER) as c:
        for path in OPERATOR:
            assert c.get(path).status_code == 401, path
            assert c.get(path, headers=READ).status_code == 200, path
            assert c.get(path, headers=AUTH).status_code == 200, path
        c.post("/login", data={"token": READER})  # a signed-in browser may read the docs
        assert c.get("/docs").status_code == 200
    with client(corpus, read_token=READER, protect_docs=False) as c:
        assert all(c.get(path).status_code == 200 for path in OPERATOR)
    with client(corpus) as c:  # reads open: so are the operator's pages, unless asked
        assert all(c.get(path).status_code == 200 for path in OPERATOR)
    with client(corpus, protect_docs=True) as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers=AUTH).status_code == 200


def test_failed_authentication_is_limited_per_client(corpus: Store):
    with client(corpus, read_token=READER, auth_failures_per_minute=5) as c:
        wrong = {"Authorization": "Bearer not-the-token-at-all-000"}
        assert [c.get("/letters", headers=wrong).status_code for _ in range(5)] == [401] * 5
        blocked = c.get("/letters", headers=wrong)
        assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
        # Even the right token waits: the limit is on the address, not on the guess.
        assert c.get("/letters", headers=READ).status_code == 429
        assert c.post("/login", data={"token": READER}).status_code == 429
        # A visitor without any token is not guessing: the page still sends them to sign in.
        assert c.get("/").status_code == 303
    with client(corpus, read_token=READER, auth_failures_per_minute=3) as c:
        wrong = {"Authorization": "Bearer not-the-token-at-all-000"}
        # The fast path of /letters/latest counts too, and so do write attempts.
        codes = [c.get("/letters/latest", headers=wrong).status_code,
                 c.post("/sources", headers=wrong, json={}).status_code,
                 c.get("/events", headers=wrong).status_code,
                 c.get("/letters/latest", headers=wrong).status_code]
        assert codes == [401, 401, 401, 429]


def test_sign_in_failures_count_and_windows_end():
    now = [0.0]
    failures = AuthFailures(3, clock=lambda: now[0])
    for _ in range(3):
        failures.failed("10.0.0.1")
    assert failures.blocked("10.0.0.1") == pytest.approx(60)
    assert failures.blocked("10.0.0.2") == 0
    now[0] = 61
    assert failures.blocked("10.0.0.1") == 0


def test_the_login_form_counts_wrong_tokens(corpus: Store):
    with client(corpus, read_token=READER, auth_failures_per_minute=3) as c:
        for _ in range(3):
            assert c.post("/login", data={"token": "guess"}).status_code == 401
        assert c.post("/login", data={"token": READER}).status_code == 429


def test_tokens_shorter_than_the_minimum_refuse_to_start():
    with pytest.raises(ValueError, match="LETTERWATCH_ADMIN_TOKEN is 5 characters long; use "
                                         "at least 16"):
        settings(admin_token="short")
    with pytest.raises(ValueError, match="LETTERWATCH_READ_TOKEN"):
        settings(read_token="x" * 15)
    assert settings(read_token="x" * 8, min_token_length=8).read_token == "x" * 8


def test_signed_in_browsers_are_signed_out_by_a_revocation(corpus: Store):
    with client(corpus, read_token=READER) as c:
        c.post("/login", data={"token": READER})
        cookie = c.cookies[COOKIE]
        assert c.get("/letters").status_code == 200
        assert c.post("/admin/logins/revoke").status_code == 401  # a reader cannot revoke
        assert c.post("/admin/logins/revoke", headers=AUTH).status_code == 204
        assert c.get("/letters").status_code == 401
        assert c.get("/").status_code == 303
        # Signing in again works, with a cookie the old key did not sign.
        c.cookies.clear()
        c.post("/login", data={"token": READER})
        assert c.cookies[COOKIE] != cookie and c.get("/letters").status_code == 200
    # Another process sees the revocation in the log.
    with client(corpus, read_token=READER) as other:
        other.cookies.set(COOKIE, cookie)
        assert other.get("/letters").status_code == 401


def test_a_forged_or_old_cookie_does_not_read(corpus: Store):
    from service.api.login import cookie_value

    with client(corpus, read_token=READER) as c:
        c.cookies.set(COOKIE, cookie_value(READER, 0, issued=1))  # signed, but 1970
        assert c.get("/letters").status_code == 401
        for forged in ("", "1.abc", "-1." + "0" * 64, "9" * 40):
            c.cookies.set(COOKIE, forged)
            assert c.get("/letters").status_code == 401, forged


def test_links_never_come_from_the_host_header(corpus: Store):
    evil = {"Host": "evil.example"}
    with client(corpus) as c:
        page = c.get("/", headers=evil)
        assert "evil.example" not in page.text
        feed = c.get("/letters.atom", headers=evil)
        assert b"evil.example" not in feed.content
        moved = c.get("/letters/", headers=evil)
        assert moved.status_code == 307 and moved.headers["location"] == "/letters"
    with client(corpus, public_url="https://letters.example/lw/") as c:
        feed = feedparser.parse(c.get("/letters.atom", headers=evil).content)
        assert feed.feed.link == "https://letters.example/lw/"
        assert "evil.example" not in c.get("/letters.atom", headers=evil).text
        assert 'href="https://letters.example/lw/static/app.css"' in c.get("/").text
        assert c.get("/letters/", headers=evil).headers["location"] == \
            "https://letters.example/lw/letters"


def test_pages_forbid_framing_and_foreign_scripts(corpus: Store):
    with client(corpus) as c:
        for path in ("/", "/login", "/letters"):
            r = c.get(path)
            assert r.headers["x-frame-options"] == "DENY", path
            assert r.headers["x-content-type-options"] == "nosniff"
            csp = r.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "content-security-policy" not in c.get("/docs").headers  # Swagger's CDN
        assert c.get("/docs").headers["x-frame-options"] == "DENY"


def test_a_short_token_stops_the_server_with_one_clear_line(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERWATCH_")}
    env.update(LETTERWATCH_ADMIN_TOKEN="short", LETTERWATCH_DATABASE_URL=f"sqlite:///{tmp_path}/x.db")
    result = subprocess.run([sys.executable, "-m", "service.cli", "serve"], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "LETTERWATCH_ADMIN_TOKEN is 5 characters long; use at least 16" in result.stderr
    assert "Traceback" not in result.stderr
