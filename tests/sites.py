"""Scripted web sites for the scraper tests: a small HTTP/1.1 server on 127.0.0.1, run in a
background thread, whose routes are plain async handlers, so hostile behaviour (stalling,
endless bodies, gzip bombs, redirect loops) is a few lines each."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import threading
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit

SHARED = Path(__file__).resolve().parents[2] / "shared"
if not SHARED.is_dir():  # the shared material lives beside the repository
    SHARED = Path("/work/shared")
AEB = SHARED / "aeb"
SEEDS = SHARED / "corpus" / "seeds"

_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
            404: "Not Found", 410: "Gone", 429: "Too Many Requests",
            500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class Request:
    method: str
    path: str
    query: str
    headers: dict[str, str]


@dataclass
class Reply:
    """Writes one response on the connection."""

    writer: asyncio.StreamWriter

    async def head(self, status: int, headers: dict[str, str] | None = None) -> None:
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
        merged = {"Connection": "close", **(headers or {})}
        lines += [f"{k}: {v}" for k, v in merged.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await self.writer.drain()

    async def send(self, status: int, body: bytes = b"",
                   headers: dict[str, str] | None = None) -> None:
        await self.head(status, {"Content-Length": str(len(body)), **(headers or {})})
        self.writer.write(body)
        await self.writer.drain()

    async def write(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()


Handler = Callable[[Request, Reply], Awaitable[None]]


@dataclass
class Site:
    """An HTTP server on a free loopback port; ``site.url("/x")`` gives a page's address."""

    routes: dict[str, Handler] = field(default_factory=dict)
    hits: Counter = field(default_factory=Counter)
    requests: list[Request] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    # --- running ------------------------------------------------------------------------
    def start(self) -> Site:
        self._thread.start()
        self._ready.wait(5)
        return self

    def stop(self) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)

    def __enter__(self) -> Site:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def serve() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]
            self._ready.set()

        self._loop.run_until_complete(serve())
        self._loop.run_forever()

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    # --- routes -------------------------------------------------------------------------
    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def page(self, path: str, body: bytes | str, *, status: int = 200,
             content_type: str = "text/html; charset=utf-8", etag: str | None = None,
             last_modified: str | None = None, headers: dict[str, str] | None = None,
             gzip_body: bool = False) -> None:
        """A static resource that honours If-None-Match / If-Modified-Since."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.route(path, static(data, status=status, content_type=content_type, etag=etag,
                                last_modified=last_modified, headers=headers,
                                gzip_body=gzip_body))

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {}
            for line in lines[1:]:
                if ":" in line:
                    k, v = line.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
            parts = urlsplit(target)
            request = Request(method, parts.path, parts.query, headers)
            self.hits[parts.path] += 1
            self.requests.append(request)
            handler = self.routes.get(parts.path)
            reply = Reply(writer)
            if handler is None:
                await reply.send(404, b"not here", {"Content-Type": "text/plain"})
            else:
                await handler(request, reply)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()


# --- handlers, friendly and hostile --------------------------------------------------------


def static(data: bytes, *, status: int = 200, content_type: str = "text/html; charset=utf-8",
           etag: str | None = None, last_modified: str | None = None,
           headers: dict[str, str] | None = None, gzip_body: bool = False) -> Handler:
    async def handler(req: Request, reply: Reply) -> None:
        if etag and req.headers.get("if-none-match") == etag:
            await reply.send(304, b"", {"ETag": etag})
            return
        if last_modified and req.headers.get("if-modified-since") == last_modified:
            await reply.send(304, b"", {"Last-Modified": last_modified})
            return
        extra = {"Content-Type": content_type, **(headers or {})}
        if etag:
            extra["ETag"] = etag
        if last_modified:
            extra["Last-Modified"] = last_modified
        body = data
        if gzip_body and "gzip" in req.headers.get("accept-encoding", ""):
            body = gzip.compress(data)
            extra["Content-Encoding"] = "gzip"
        await reply.send(status, body, extra)

    return handler


def stall(seconds: float = 30.0) -> Handler:
    """Accepts the request and says nothing."""
    async def handler(req: Request, reply: Reply) -> None:
        await asyncio.sleep(seconds)

    return handler


def trickle(interval: float = 0.05, chunk: bytes = b"<p>x</p>") -> Handler:
    """Sends headers, then a few bytes every ``interval`` for ever (never silent for long)."""
    async def handler(req: Request, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "text/html"})
        while True:
            await reply.write(chunk)
            await asyncio.sleep(interval)

    return handler


def endless(chunk_size: int = 64 * 1024) -> Handler:
    """An HTML body that never ends, as fast as the client reads it."""
    async def handler(req: Request, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "text/html"})
        await reply.write(b"<html><body>")
        block = b"<p>" + b"a" * (chunk_size - 7) + b"</p>"
        while True:
            await reply.write(block)

    return handler


def gzip_bomb(decompressed_size: int = 10 * 1024**3) -> Handler:
    """A gzip body that inflates to ``decompressed_size`` bytes, compressed on the fly."""
    async def handler(req: Request, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "text/html", "Content-Encoding": "gzip"})
        z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        zeros = b"\0" * (1024 * 1024)
        await reply.write(z.compress(b"<html><body>"))
        for _ in range(decompressed_size // len(zeros)):
            piece = z.compress(zeros)
            if piece:
                await reply.write(piece)
        await reply.write(z.flush())

    return handler


def redirect(to: str, status: int = 302) -> Handler:
    async def handler(req: Request, reply: Reply) -> None:
        await reply.send(status, b"", {"Location": to})

    return handler


def busy_then(handler: Handler, times: int, *, status: int = 429,
              retry_after: str | None = "1") -> Handler:
    """Answers ``status`` (with Retry-After) ``times`` times, then hands over to ``handler``."""
    count = 0

    async def wrapped(req: Request, reply: Reply) -> None:
        nonlocal count
        count += 1
        if count <= times:
            headers = {"Content-Type": "text/plain"}
            if retry_after is not None:
                headers["Retry-After"] = retry_after
            await reply.send(status, b"busy", headers)
        else:
            await handler(req, reply)

    return wrapped


def http_date(ts: float = 1_700_000_000) -> str:
    return formatdate(ts, usegmt=True)


# --- pages built from the shared material -------------------------------------------------


def aeb_pages() -> dict[str, tuple[str, bytes]]:
    """The benchmark's pages: key -> (original URL, raw HTML bytes)."""
    import json

    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    return {k: (v["url"], gzip.decompress((AEB / "html" / f"{k}.html.gz").read_bytes()))
            for k, v in truth.items()}


def seed_texts() -> dict[str, str]:
    """The seed articles as a naive scraper saved them (noise included): file stem -> text."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}


# --- pytest glue ---------------------------------------------------------------------------

try:
    import pytest
except ImportError:  # the benchmarks import this module without pytest
    pytest = None  # type: ignore[assignment]

if pytest is not None:
    @pytest.fixture
    def site():
        """A fresh scripted site for one test."""
        with Site() as s:
            yield s


def seeds() -> list[dict]:
    """The seed articles from seeds.jsonl: id, file, title, published, text, letters."""
    import json

    lines = (SEEDS / "seeds.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def news_page(title: str, body_html: str, *, published: str | None = "2019-09-16T10:11:00Z",
              site_name: str = "The Daily Example", author: str | None = "Jane Reporter",
              lang: str = "en", canonical: str | None = None, charset: str = "utf-8") -> str:
    """A realistic news page around ``body_html``: head metadata, navigation, share bar,
    ad slots, a newsletter box, related links, comments and a footer."""
    from html import escape

    meta_pub = (f'<meta property="article:published_time" content="{published}">'
                if published else "")
    meta_author = f'<meta name="author" content="{escape(author)}">' if author else ""
    link_canonical = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="{charset}">
<title>{escape(title)} | {escape(site_name)}</title>
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="{escape(site_name)}">
{meta_pub}{meta_author}{link_canonical}
<link rel="alternate" type="application/rss+xml" href="/feed.xml" title="RSS">
</head><body>
<header class="site-header"><a href="/">{escape(site_name)}</a>
<nav class="main-nav"><ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/opinion">Opinion</a></li><li><a href="/video">Video</a></li></ul></nav>
<form class="search"><input name="q" placeholder="Search"></form></header>
<div class="ad-slot ad-leaderboard">Advertisement</div>
<main><article class="story">
<h1 class="headline">{escape(title)}</h1>
<div class="byline">By {escape(author or 'Staff')} <time datetime="{published or ''}">{published or ''}</time></div>
<div class="share-bar"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">WhatsApp</a> <a href="#">Email</a></div>
<div class="story-body">
{body_html}
</div>
<div class="share-bar bottom"><span>Share this article</span> <a href="#">Facebook</a> <a href="#">Twitter</a></div>
</article>
<aside class="newsletter-box"><h3>Get our morning briefing</h3><p>Sign up for our free newsletter and get the day's top stories delivered to your inbox.</p><form><input type="email"><button>Subscribe</button></form></aside>
<aside class="related"><h3>Related stories</h3><ul>
<li><a href="/x/1">Markets rally as central bank holds rates steady</a></li>
<li><a href="/x/2">Storm warning issued for the north coast this weekend</a></li>
<li><a href="/x/3">Local team wins the regional championship final</a></li></ul></aside>
<div class="ad-slot ad-mpu">Advertisement</div>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment"><span class="user">reader42</span><p>Great article, thanks for sharing this with us all!</p></div>
<div class="comment"><span class="user">skeptic</span><p>I do not believe a word of this, frankly.</p></div></section>
</main>
<footer class="site-footer"><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li>
<li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul>
<p>© 2019 The Daily Example Ltd. All rights reserved.</p></footer>
</body></html>"""


def seed_page(seed: dict, **kw) -> str:
    """A seed article (its naive-scraper text, noise included) as paragraphs in a page."""
    from html import escape

    paras = "\n".join(f"<p>{escape(line.strip())}</p>" for line in seed["text"].split("\n")
                      if line.strip())
    return news_page(seed["title"], paras, published=kw.pop("published", seed["published"]),
                     **kw)


def rss(items: list[tuple[str, str]], *, title: str = "Example news") -> str:
    """An RSS 2.0 feed of (title, link) items."""
    from html import escape

    body = "".join(f"<item><title>{escape(t)}</title><link>{escape(link)}</link>"
                   f"<pubDate>Mon, 16 Sep 2019 10:{i:02d}:00 GMT</pubDate></item>"
                   for i, (t, link) in enumerate(items))
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>/</link>{body}</channel></rss>")


def news_sitemap(urls: list[tuple[str, str]]) -> str:
    """A news sitemap of (loc, publication date) entries."""
    body = "".join(f"<url><loc>{loc}</loc><lastmod>{day[:10]}</lastmod><news:news>"
                   f"<news:publication_date>{day}</news:publication_date></news:news></url>"
                   for loc, day in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + body + "</urlset>")
