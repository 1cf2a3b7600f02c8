"""The clean-up pass after text extraction: drops the residue news pages leave inside the
article body (icon names, ad labels, share bars, "READ MORE" links, newsletter and donation
pleas, photo credits) and keeps every sentence of the story."""

from __future__ import annotations

import re

_NETWORKS = (r"facebook|twitter|x|whatsapp|linkedin|linked ?in|pinterest|reddit|telegram|"
             r"email|e-mail|mail|print|copy link|copy|messenger|flipboard|tumblr|vk|viber|"
             r"pocket|sms|share|tweet|comments?")
# "FacebookTwitterWhatsappLinkedin", "Share on Facebook | Twitter", "Email Print".
_SHARE_BAR = re.compile(rf"^(?:(?:share(?: (?:this|on|via))?|follow us(?: on)?|{_NETWORKS})"
                        rf"[\s|/•·,:-]*)+$", re.I)
_ICON_WORDS = re.compile(r"\b\w*icons?\b", re.I)

# Lines that are a label, never a sentence of a story.
_LABELS = {
    "advertisement", "advertisements", "advertisement - scroll to continue",
    "advertisement scroll to continue", "scroll to continue with content", "ad", "ads",
    "sponsored", "sponsored content", "promoted", "paid content", "partner content",
    "live tv", "latest news", "top stories", "trending", "most read", "most popular",
    "don't miss", "dont miss", "recommended", "recommended for you", "more from", "related",
    "related articles", "related stories", "related news", "related content", "read more",
    "see also", "also read", "comments", "show comments", "view comments", "leave a comment",
    "article-main", "skip to content", "skip to main content", "continue reading",
    "tell us what you think", "tell us what you think...", "share this article",
    "share this story", "share this", "share", "listen to this article", "about the writer",
    "about the author", "uncommon knowledge", "newsletter", "sign up", "subscribe",
    "thank you for registering", "image", "photo", "video", "watch", "close",
    "join our commenting forum", "notifications can be managed in browser preferences.",
}

# A line that starts like this is a pointer to another story, not part of this one.
_POINTER = re.compile(
    r"^\(?(?:read more|read also|also read|read next|see more|see also|related|watch|"
    r"watch now|listen|recommended|don'?t miss|must read|also on [\w.]+|click here|"
    r"more on this|more news|trending|latest|most read(?: in [\w ]+)?|you may also like|"
    r"more from [\w ]+|leggi anche(?: su)?|lesen sie auch|lire aussi|leia também|"
    r"lee también|ver también)\s*(?:[:|>»-]|\.\.\.|…)", re.I)
# Contact and follow footers: "Follow Newsbeat on Instagram, Facebook...", "Write to X at x@y".
_FOLLOW = re.compile(r"\bfollow (?:[@\w.'’-]+ ){0,6}on (?:twitter|facebook|instagram|youtube|"
                     r"linkedin|tiktok|threads)\b|\bfollow @\w+|^(?:write to|email|e-mail|"
                     r"contact) [\w .'-]+ at \S+@\S+", re.I)
_MENU_RUN = 10  # this many short label-like lines in a row are a menu, not a story
# Express-style teasers: "Some headline [VIDEO]", "Another [INSIGHT]".
_TEASER_TAG = re.compile(r"\[(?:video|insight|reaction|warning|news|pictures|poll|latest|"
                         r"analysis|live|reveal|comment|revealed)\]\s*\|?\s*$", re.I)

# Appeals that are about the outlet itself: one is enough in a short line to the reader.
_PLEA_STRONG = re.compile(
    r"\b(?:newsletters?|donat(?:e|ion|ions|ing)|your support|support (?:us|our|independent|"
    r"free-thinking|quality journalism|the guardian)|paywalls?|become a (?:member|subscriber)|"
    r"share it with a friend|like this story|commenting forum|"
    r"refresh the page|logged in|thank you for registering|stay (?:up to date|updated|informed)|"
    r"delivered (?:to|through) your (?:door|inbox|letterbox)|follow us|"
    r"join (?:the |our )?(?:conversation|discussion|debate)|thought-provoking conversations)\b",
    re.I)
# Words a story may well use for its own subject ("sign up for Disney+"): they count only
# when the outlet speaks of itself too.
_PLEA_WEAK = re.compile(r"\b(?:sign(?:ing)? up|subscribe|subscription|subscriber|inbox|"
                        r"contribut(?:e|ion)|unlock|ad-free|notifications)\b", re.I)
_CLICK_HERE = re.compile(r"\bclick here\W*$|\bread more\W*$|\bclicking here\W*$|"
                         r"^click here to (?:get the [\w ]+ app|download the|subscribe|sign up)\b",
                         re.I)
_YOU = re.compile(r"\b(?:you|your|yours)\b", re.I)
_WE = re.compile(r"\b(?:we|our|us)\b", re.I)

# Photo credits: "Photo: AFP", "(Photo by Jane Doe/Getty Images)", "KCNA/Reuters".
_AGENCIES = (r"reuters|afp|ap|getty images|getty|epa|efe|shutterstock|bloomberg|xinhua|"
             r"yonhap|kcna|tass|sputnik|anadolu|pa|alamy|ani|pti|ians|istock|dpa|"
             r"associated press|agence france-presse|zuma|sipa|ria novosti|kyodo")
_CREDIT_LABEL = re.compile(r"^\(?(?:photo|photograph|image|picture|pic|video|file photo|"
                           r"credit|source|illustration)s?(?: credit)?\s*(?:by|:|\||©)", re.I)
# "... The agency... KCNA/Reuters", "Mandel Ngan/AFP via Getty Images", "REUTERS/Jane Doe".
_CREDIT_TAIL = re.compile(rf"[\w.-]+/(?:{_AGENCIES})(?:\s+via\s+(?:{_AGENCIES}))?\W*$", re.I)
_CREDIT_LEAD = re.compile(rf"^\(?(?:{_AGENCIES})/[\w .'-]+\)?$", re.I)
_FILE_RESIDUE = re.compile(r"^(?=.*[a-z])[\w-]*_[\w-]*$|^[\w-]+\.(?:jpe?g|png|gif|webp|svg)$", re.I)
_MAX_PLEA_GAP = 4
_TAIL_LINKS = 3  # this many headline-like list items at the very end
_HEADLINE_ITEM = re.compile(r"^[-•*] [^\W\d_][^ ]*(?: \S+){3,}")  # "- Word word word word..."
_ITEM_END = re.compile(r"[.!?…\"”’)。！？:;]\s*$")
_SENTENCE = re.compile(r"[.!?…\"”’)。！？]\s*$")


def clean_text(text: str, *, title: str | None = None) -> str:
    """``text`` (paragraphs one a line) without the lines that are page furniture."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    paragraphs = _drop_menus(_drop_plea_blocks(paragraphs))
    kept: list[str] = []
    norm_title = _norm(title) if title else None
    last_key = None
    for para in paragraphs:
        key = para.lower()
        if key == last_key:
            continue  # the same block twice in a row (a slogan, a teaser): keep one
        if norm_title and len(kept) < 3 and _same_headline(_norm(para), norm_title):
            continue  # the headline repeated at the top of the body
        if is_noise(para):
            continue
        kept.append(para)
        last_key = key
    return "\n".join(_drop_tail_links(kept))


def _drop_tail_links(paragraphs: list[str]) -> list[str]:
    """A list closing the text whose items are bare headlines is a "related stories" box;
    its headlines would otherwise be read as this article's news."""
    end = len(paragraphs)
    while end > 0 and _HEADLINE_ITEM.match(paragraphs[end - 1]) \
            and not _ITEM_END.search(paragraphs[end - 1]):
        end -= 1
    return paragraphs[:end] if len(paragraphs) - end >= _TAIL_LINKS else paragraphs


def _drop_plea_blocks(paragraphs: list[str]) -> list[str]:
    """An appeal often spans a few paragraphs between two plea lines ("Your support helps
    us..." ... "Your support makes all the difference."): drop the ones in between that
    speak to the reader or for the outlet."""
    pleas = [i for i, p in enumerate(paragraphs) if _is_plea(p, len(p.split()))]
    drop: set[int] = set()
    for a, b in zip(pleas, pleas[1:], strict=False):
        if 1 < b - a <= _MAX_PLEA_GAP + 1:
            inner = range(a + 1, b)
            if all(len(paragraphs[i].split()) <= 90 and
                   (_WE.search(paragraphs[i]) or _YOU.search(paragraphs[i])) for i in inner):
                drop.update(inner)
    return [p for i, p in enumerate(paragraphs) if i not in drop]


def is_noise(para: str) -> bool:
    """True when a paragraph is page furniture rather than part of the story."""
    words = para.split()
    n = len(words)
    lower = para.lower()
    if n <= 8 and (lower.strip(" .:!|") in _LABELS or lower.strip() in _LABELS):
        return True
    if n <= 12 and (_SHARE_BAR.match(para) or _share_run(para)):
        return True
    if n >= 6 and "icon" in lower and len(_ICON_WORDS.findall(para)) >= max(5, n // 3):
        return True  # "icon bookmark-bicon bookmarkicon camera..." sprite-sheet names
    if n <= 30 and _POINTER.match(para):
        return True
    if n <= 25 and "[" in para and _TEASER_TAG.search(para):
        return True
    if n <= 40 and ("follow" in lower or "@" in para) and _FOLLOW.search(para):
        return True
    if n <= 60 and ("click" in lower or "read more" in lower) and _CLICK_HERE.search(para):
        return True
    if n <= 1 and _FILE_RESIDUE.match(para):
        return True
    if _is_credit(para, n):
        return True
    return _is_plea(para, n)


def _drop_menus(paragraphs: list[str]) -> list[str]:
    """Runs of many short lines without sentence ends (navigation menus) are dropped."""
    out: list[str] = []
    run: list[str] = []
    for para in [*paragraphs, None]:
        if (para is not None and len(para.split()) <= 4 and len(para) <= 40
                and not _SENTENCE.search(para) and not para.startswith(("-", "•", "*"))):
            run.append(para)
            continue
        if len(run) < _MENU_RUN:
            out.extend(run)
        run = []
        if para is not None:
            out.append(para)
    return out


def _share_run(para: str) -> bool:
    """Network names glued together: "FacebookTwitterWhatsappLinkedin"."""
    if " " in para.strip() or len(para) > 80:
        return False
    parts = re.findall(r"[A-Z][a-z]+", para)
    return len(parts) >= 2 and "".join(parts) == para.strip() and all(
        re.fullmatch(_NETWORKS, p, re.I) for p in parts)


def _is_credit(para: str, n: int) -> bool:
    if n <= 12 and (_CREDIT_LABEL.match(para) or ("/" in para and _CREDIT_LEAD.match(para))):
        return True
    # A caption or a bare credit ending in "Name/Agency".
    return n <= 80 and "/" in para and bool(_CREDIT_TAIL.search(para))


def _is_plea(para: str, n: int) -> bool:
    """Newsletter, donation, subscription and notification appeals to the reader."""
    if n > 90:
        return False
    lower = para.lower()
    if not any(stem in lower for stem in _PLEA_STEMS):
        return False  # the common case, decided without the long regular expressions
    strong = len(_PLEA_STRONG.findall(para))
    weak = len(_PLEA_WEAK.findall(para))
    if not strong and not weak:
        return False
    addressed = bool(_YOU.search(para)) or lower.startswith(_APPEAL_STARTS)
    outlet = bool(_WE.search(para))
    if strong and (addressed or outlet) and (n <= 60 or strong + weak >= 2):
        return not _quoted(para)
    return weak >= 1 and addressed and outlet and n <= 60 and not _quoted(para)


_PLEA_STEMS = ("newsletter", "donat", "support", "paywall", "become a", "share it", "like this",
               "commenting", "refresh", "logged in", "registering", "stay ", "delivered",
               "follow us", "join", "thought-provoking", "sign", "subscri", "inbox",
               "contribut", "unlock", "ad-free", "notification")
_APPEAL_STARTS = ("sign up", "subscribe", "get ", "join ", "support ", "follow ", "like this",
                  "stay ", "enjoy ")


def _quoted(para: str) -> bool:
    return para.count('"') + para.count("“") + para.count("”") >= 2


def _same_headline(line: str, title: str) -> bool:
    """The title, or the title with the site's prefix or suffix ("Opinion | ...")."""
    if line == title:
        return True
    shorter, longer = sorted((line, title), key=len)
    return len(shorter) >= 20 and shorter in longer and len(longer) <= 1.6 * len(shorter)


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()
