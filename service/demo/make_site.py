"""Generate the demo news site (``service/demo/site/``) from a few articles of the corpus.

Run once by a developer; its output is committed, so ``letterwatch demo`` needs no corpus and
no network. Each article becomes a page with the chrome a real news page has (navigation,
share bar, ad slots, related links, footer), so the demo exercises text extraction too.
Links hold ``{{BASE}}``, replaced by the demo server's address when it serves them.

    python -m service.demo.make_site ../shared/corpus
"""

from __future__ import annotations

import html
import json
import re
import sys
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

SITE = Path(__file__).resolve().parent / "site"
SITE_NAME = "The Demo Gazette"
DEV_IDS = ("d01", "d08", "d10", "d12")  # a few dated dev articles with letters in them
# Lines a naive scraper saved from the page chrome: they go back into chrome, not the body.
CHROME_LINE = re.compile(r"^(advertisement|twitter|facebook.*|comments|latest news|live tv|"
                         r"article-main|share|read more|notifications can be managed.*)$", re.I)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70].strip("-")


def paragraphs(text: str, title: str) -> list[str]:
    """The article's paragraphs, without the title line and stray chrome words."""
    out = []
    for block in re.split(r"\n\s*\n|\n", text):
        block = " ".join(block.split())
        if not block or block == title or CHROME_LINE.match(block) or len(block.split()) < 4:
            continue
        out.append(block)
    return out


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} | {site}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="{site}">
<meta property="og:type" content="article">
{date_meta}<link rel="canonical" href="{{{{BASE}}}}/articles/{slug}.html">
<style>body{{font-family:Georgia,serif;max-width:980px;margin:auto}} nav a{{margin-right:1em}}
.ad{{background:#eee;height:90px;text-align:center;color:#999}} aside{{font-size:.9em}}</style>
</head>
<body>
<header class="site-header">
  <a class="logo" href="{{{{BASE}}}}/">{site}</a>
  <nav><a href="{{{{BASE}}}}/">Home</a><a href="{{{{BASE}}}}/world">World</a><a href="{{{{BASE}}}}/asia">Asia</a>
  <a href="{{{{BASE}}}}/opinion">Opinion</a><a href="{{{{BASE}}}}/video">Video</a><a href="{{{{BASE}}}}/subscribe">Subscribe</a></nav>
  <div class="breaking">Breaking: markets open higher as talks resume</div>
</header>
<div class="ad ad-leaderboard">Advertisement</div>
<main>
<article>
  <h1>{title}</h1>
  <p class="byline">By {author} · {shown_date}</p>
  <div class="share-bar">Share: <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">WhatsApp</a> <a href="#">LinkedIn</a> <a href="#">Email</a></div>
{body}
  <div class="share-bar">Share this story: <a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">Email</a></div>
</article>
<div class="ad ad-inline">Advertisement</div>
<aside class="related">
  <h2>Most read</h2>
  <ul>
    <li><a href="{{{{BASE}}}}/world/weather-warning">Storm warning issued for coastal regions</a></li>
    <li><a href="{{{{BASE}}}}/sport/final-score">Late goal settles the cup final</a></li>
    <li><a href="{{{{BASE}}}}/business/rates">Central bank holds rates steady</a></li>
  </ul>
</aside>
</main>
<footer>
  <p>Sign up for our newsletter. Follow us on Twitter and Facebook.</p>
  <p>© 2024 {site}. All rights reserved. <a href="{{{{BASE}}}}/privacy">Privacy</a> · <a href="{{{{BASE}}}}/terms">Terms</a> · <a href="{{{{BASE}}}}/contact">Contact</a></p>
</footer>
</body>
</html>
"""

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>{site}: World</title>
<link>{{{{BASE}}}}/</link>
<description>World news from {site}</description>
{items}
</channel>
</rss>
"""

ITEM = """<item>
  <title>{title}</title>
  <link>{{{{BASE}}}}/articles/{slug}.html</link>
  <guid>{{{{BASE}}}}/articles/{slug}.html</guid>
{pub}</item>"""


def load(corpus: Path) -> list[dict]:
    seeds = [json.loads(line) for line in (corpus / "seeds" / "seeds.jsonl").open()]
    dev = [json.loads(line) for line in (corpus / "dev" / "articles.jsonl").open()]
    return seeds + [d for d in dev if d["id"] in DEV_IDS]


def build(corpus: Path, out: Path = SITE) -> list[Path]:
    (out / "articles").mkdir(parents=True, exist_ok=True)
    for old in (out / "articles").glob("*.html"):
        old.unlink()
    written, items, links = [], [], []
    for article in load(corpus):
        title = article["title"] or article["text"].strip().splitlines()[0]
        page_slug = slug(title)
        published = article.get("published")
        date_meta = ""
        shown = "Updated recently"
        if published:
            date_meta = f'<meta property="article:published_time" content="{published}">\n'
            shown = published
        body = "\n".join(f"  <p>{html.escape(p)}</p>" for p in paragraphs(article["text"], title))
        page = PAGE.format(title=html.escape(title), site=SITE_NAME, slug=page_slug,
                           date_meta=date_meta, shown_date=html.escape(shown),
                           author="Staff Reporter", body=body)
        path = out / "articles" / f"{page_slug}.html"
        path.write_text(page, encoding="utf-8")
        written.append(path)
        pub = ""
        if published and len(published) == 10:
            when = datetime.fromisoformat(published + "T09:00:00+00:00")
            pub = f"  <pubDate>{format_datetime(when)}</pubDate>\n"
        items.append(ITEM.format(title=html.escape(title), slug=page_slug, pub=pub))
        links.append(f'<li><a href="{{{{BASE}}}}/articles/{page_slug}.html">'
                     f"{html.escape(title)}</a></li>")
    (out / "feed.xml").write_text(FEED.format(site=SITE_NAME, items="\n".join(items)),
                                  encoding="utf-8")
    (out / "index.html").write_text(
        f"<!doctype html><html><head><meta charset=utf-8><title>{SITE_NAME}</title>"
        f'<link rel="alternate" type="application/rss+xml" href="{{{{BASE}}}}/feed.xml">'
        f"</head><body><h1>{SITE_NAME}</h1><ul>{''.join(links)}</ul></body></html>\n",
        encoding="utf-8")
    (out / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    return written


if __name__ == "__main__":
    corpus = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/corpus")
    pages = build(corpus)
    print(f"wrote {len(pages)} articles, feed.xml, index.html and robots.txt to {SITE}")
