"""People mentioned in an article: names, short forms, titles, places and pronouns, resolved."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from .gazetteer import GENERIC_TITLES, Gazetteer, load_gazetteer, norm

__all__ = ["Mention", "ArticleEntities", "find_entities"]


@dataclass(slots=True)
class Mention:
    """One reference to a person (or a place standing for its leader, or a pronoun)."""

    start: int
    end: int
    text: str
    kind: str  # name | short | title | place | generic | pronoun | descriptor
    person: str | None = None
    possessive: bool = False
    pronoun: str | None = None  # he/she/they/i/two for pronouns and "the two leaders"
    role: str | None = None  # for descriptors: official, envoy, ...


_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*(?:'(?!s\b)[^\W\d_]+)*")
_POSS = re.compile(r"'s?\b|s'")
_JOIN_OK = re.compile(r"^(?: |\. ?|-)$")


def _joins(prev_tok: str, gap: str) -> bool:
    """Tokens of one name are separated by a space, or by a dot after an initial ("W. Bush")."""
    if not _JOIN_OK.match(gap):
        return False
    return "." not in gap or len(prev_tok) == 1 or prev_tok.isupper()

# Capitalised words that start no person's name.
_STOP_CAPS = set("""
the a an in on at for from to of and but or nor so yet as by with without into onto upon about after before
during while when where since until unless if though although because whether than then there here this that
these those it its he she they we you i his her their our your my me him them us who whom whose which what
north south east west northern southern eastern western korea korean koreas president prime minister secretary
general chairman leader comrade respected mr mrs ms dr sir madam ambassador envoy state department house white
blue central news agency party committee workers people peoples republic democratic united states nations union
council assembly supreme federation russian chinese american japanese monday tuesday wednesday thursday friday
saturday sunday january february march april may june july august september october november december jan feb
mar apr jun jul aug sep sept oct nov dec reuters ap afp yonhap kcna xinhua tass ria novosti photo getty images
file pool twitter facebook whatsapp linkedin instagram youtube telegram read more related advertisement your
excellency dear samdech techo akka moha sena padei h e he premier vice deputy minister ministry foreign affairs
office embassy government administration kingdom empire army navy military force forces war peninsula summit
letter letters message messages greetings greeting note invitation telegram sends send sent writes wrote receives
received reply replies visit ahead new year day national liberation founding anniversary celebration correction
movement press daily times post journal herald tribune news world asia pacific europe africa america middle
street palace hall city island province region zone demilitarized demilitarised capital earlier later meanwhile
however following according speaking asked pressed both other critics efforts latest breaking live update updated
published posted source by staff writer editor correspondent reporting comments share follow subscribe sign log
home top trending watch video audio listen more also just like thank thanks please support join today yesterday
tonight kim's university school college institute center centre foundation association organization organisation
company corporation group bank fund hotel studios airport station port parliament congress senate court police
emir amir sheikh shaikh sultan king queen prince princess crown gen lt col maj marshal ayatollah grand imam
archbishop cardinal bishop highness majesty lord lady dame jazeera arabiya anadolu bernama antara kyodo sputnik
interfax ians pti bbc cnn nbc cbs abc afp dpa efe ansa
""".split())

# Titles that, before a single name word, are part of how the person is called ("Sheikh Hasina").
_NAME_TITLES = frozenset("sheikh shaikh emir amir sultan king queen prince princess ayatollah".split())

# Lower-case words inside Arabic, Iberian, Dutch and German names ("Tamim bin Hamad", "Lula da Silva").
_PARTICLES = frozenset("bin bint ibn al el da de di do dos das van von der den la le du y".split())
_ROMAN = re.compile(r"(?:I{1,3}|IV|VI{0,3}|IX|XI{0,3})")


def _same_name(person: str, surface: str) -> bool:
    """Whether a name found in the text is a spelling of `person` ("Bashar Al-Asad", "Bashar al-Assad")."""
    from difflib import SequenceMatcher

    a = [t for t in norm(person).split() if len(t) > 2]
    b = [t for t in norm(surface).split() if len(t) > 2]
    return any(x == y or SequenceMatcher(None, x, y).ratio() >= 0.8 for x in a for y in b)


@lru_cache(maxsize=32768)
def _stop(tok: str) -> bool:
    low = tok.lower()
    if low in _STOP_CAPS:
        return True
    # "Secretary-General", "Vice-President": hyphenated titles
    return "-" in low and all(p in _STOP_CAPS for p in low.split("-"))

_ROLE_WORDS = (
    "official|officials|envoy|emissary|ambassador|diplomat|minister|secretary|spokesman|spokeswoman|spokesperson|"
    "adviser|advisor|aide|negotiator|representative|director|chief|speaker|delegation|delegate|messenger|"
    "sister|brother|wife|husband|counterpart|lawmaker|senator|general|premier"
)
_DESCRIPTOR = re.compile(
    rf"\b(?P<det>[Aa]n?|[Tt]he|[Oo]ne)\s+(?:(?:[A-Z][\w.]*|senior|top|high-ranking|special|visiting|former|personal)\s+){{0,4}}"
    rf"(?P<role>official|envoy|emissary|ambassador|diplomat|aide|negotiator|representative|delegation|messenger)\b"
)
_ROLE_HINT = re.compile(r"official|envoy|emissary|ambassador|diplomat|aide|negotiator|representative|delegation|messenger")
_APPOSITION = re.compile(
    rf"\b(?P<role>{_ROLE_WORDS})\b[,]?\s+(?P<name>(?:[A-Z]\.\s?)*[A-Z][a-z]+(?:[-'][A-Za-z]+)?(?:\s+(?:[A-Z]\.\s?)*[A-Z][a-z]+(?:-[A-Za-z]+)?){{1,3}})"
)

_SEAT_AS_MODIFIER = re.compile(
    r"\s+(?:[A-Z]|officials?\b|spokes\w+|press\b|aides?\b|staff\b|advis[eo]rs?\b|lawn\b|grounds\b|website\b|"
    r"statement\b|sources?\b|correspondents?\b|briefing\b|national\b|chief\s+of\s+staff|counsel\b|readout\b|transcript\b)"
)

_PRONOUNS = {
    "he": ("he", False), "him": ("he", False), "his": ("he", True),
    "she": ("she", False), "her": ("she", True), "hers": ("she", True),
    "they": ("they", False), "them": ("they", False), "their": ("they", True),
    "i": ("i", False), "me": ("i", False), "my": ("i", True),
}
_PRONOUN_RE = re.compile(r"\b(?:he|him|his|she|her|hers|they|them|their|I|me|my)\b", re.I)
# "the two" alone only when a verb follows ("The two exchanged greetings"), not "the two letters"
_GROUP_RE = re.compile(
    r"\b(?:the\s+two(?:\s+(?:[a-z]+\s+)?(?:leaders|men|presidents|heads\s+of\s+state))|the\s+two(?=\s+(?:had|have|has|also|then|later|exchanged|met|agreed|were|are|sent|wrote|[a-z]+ed)\b)|"
    r"both\s+(?:leaders|men|presidents)|the\s+leaders|the\s+pair)\b",
    re.I,
)

# Words that would be common English if read as a short name; they need the full name nearby.
_COMMON_SHORT = {"moon", "may", "hill", "rice", "park", "lee", "kang", "ban", "hu", "wen", "ri", "li", "wang", "kim",
                 "chung", "choe", "cook", "brown", "young", "king", "martin", "smith", "graham", "green", "fox",
                 "carr", "wong", "tan", "han", "suh", "roh", "yoon", "cho", "jiang", "bush", "clinton", "abe", "mao",
                 "murphy", "lula", "sharaa", "assad", "al-assad", "al-sharaa", "hun"}
_ALWAYS_SHORT = {"kim", "bush", "clinton", "abe", "assad", "al-assad", "lula", "mao", "moon"}


@dataclass(frozen=True, slots=True)
class _Patterns:
    office: re.Pattern
    title_tail: re.Pattern
    office_of_tail: re.Pattern
    seat: re.Pattern
    place: re.Pattern
    country_of: dict[str, str]
    office_words: list[str]
    office_first: frozenset[str]
    seat_first: frozenset[str]
    place_first: frozenset[str]


def _alt(words: list[str]) -> str:
    words = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    g = load_gazetteer()
    country_forms: dict[str, str] = {}
    for c in g.countries.values():
        for n in c.names + c.adjectives:
            if n.startswith("the "):
                continue
            country_forms.setdefault(n, c.code)
    offices = set(GENERIC_TITLES)
    for c in g.countries.values():
        offices.update(c.titles)
    offices.update({"chairman", "general secretary", "secretary general", "crown prince", "speaker"})
    ctry = _alt(list(country_forms))
    off = _alt(list(offices))
    mods = r"(?:(?:then|former|outgoing|incoming|late|new|current|top|reclusive|young|elderly|veteran|nuclear-armed|isolated)\s+)"
    # Office words are rare, so they are found first and the country is looked for around them.
    office = re.compile(rf"(?<![\w-])(?P<office>{off})(?![\w-])", re.I)
    title_tail = re.compile(
        rf"(?<![\w-])(?:(?P<det>the|a|an)\s+)?{mods}?(?P<country>{ctry})(?P<poss>'s)?\s+{mods}?$",
        re.I,
    )
    office_of_tail = re.compile(
        rf"(?:\s+of\s+the\s+State\s+Affairs(?:\s+Commission)?)?\s+of\s+(?:the\s+)?(?P<country>{ctry})(?![\w-])",
        re.I,
    )
    seats = {s: c.code for c in g.countries.values() for s in c.seats}
    seat = re.compile(rf"(?<![\w-])(?:(?P<det>[Tt]he)\s+)?(?P<seat>{_alt(list(seats))})(?:\s+(?P<suffix>chief|leader|boss|strongman))?(?![\w-])")
    place_names = {n: c.code for c in g.countries.values() for n in c.names if not n.startswith("the ")}
    place = re.compile(rf"(?<![\w-])(?P<place>{_alt(list(place_names))})(?![\w-])")
    lookup = {norm(k): v for k, v in country_forms.items()}
    lookup.update({norm(k): v for k, v in seats.items()})
    office_first = frozenset(o.split()[0].lower() for o in offices)
    seat_first = frozenset(x.split()[0] for x in seats)
    place_first = frozenset(_TOKEN.match(x).group(0) for x in place_names if _TOKEN.match(x))
    return _Patterns(office, title_tail, office_of_tail, seat, place, lookup, sorted(offices), office_first, seat_first, place_first)


@dataclass(slots=True)
class ArticleEntities:
    """All mentions in one text with the article-level tables used to resolve them."""

    mentions: list[Mention]
    named: set[str]
    bindings: dict[tuple[str, str], str] = field(default_factory=dict)
    descriptors: dict[str, str] = field(default_factory=dict)
    _starts: list[int] | None = None

    def in_span(self, start: int, end: int) -> list[Mention]:
        if self._starts is None:
            self._starts = [m.start for m in self.mentions]
        i = bisect_left(self._starts, start)
        out = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                out.append(self.mentions[i])
            i += 1
        return out


def _tokens(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]


@lru_cache(maxsize=32768)
def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or (tok.startswith(("al-", "el-")) and tok[3:4].isupper())


def _possessive_after(text: str, end: int) -> tuple[bool, int]:
    m = _POSS.match(text, end)
    if m:
        return True, m.end()
    return False, end


_COUNTRY_WORDS_BEFORE = re.compile(r"((?:[A-Z][\w.'-]*\s+){1,3})$")
_COUNTRY_WORDS_AFTER = re.compile(r",?\s+(?:of|of\s+the)\s+((?:[A-Z][\w.'-]*\s*){1,4})")


def _of_country(g: Gazetteer, words: list[str], cands: set[str]) -> set[str] | None:
    for n in range(len(words), 0, -1):
        for i in range(len(words) - n + 1):
            code = g.country_of(norm(" ".join(words[i:i + n])))
            if code:
                return {p for p in cands if any(t.country == code for t in g.tenures.get(p, []))}
    return None


def _in_country_near(g: Gazetteer, text: str, start: int, end: int, cands: set[str]) -> set[str]:
    """Of the people sharing a name, those of the country named beside it ("Jordan's King Abdullah",
    "Sheikh Hamad of Bahrain")."""
    if len(cands) < 2:
        return cands
    before = _COUNTRY_WORDS_BEFORE.search(text, max(0, start - 40), start)
    if before is not None:
        mine = _of_country(g, [w[:-2] if w.endswith("'s") else w for w in before.group(1).split()], cands)
        if mine:
            return mine
    after = _COUNTRY_WORDS_AFTER.match(text, end)
    if after is not None:
        mine = _of_country(g, after.group(1).split(), cands)
        if mine:
            return mine
    return cands


def find_entities(text: str, when: date | None, *, headline_ranges: list[tuple[int, int]] | None = None,
                  extra_named: set[str] | None = None) -> ArticleEntities:
    """Find and resolve every person reference in `text` (already normalised)."""
    g = load_gazetteer()
    pats = _patterns()
    toks = _tokens(text)
    taken = bytearray(len(text) + 1)
    mentions: list[Mention] = []

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def take(m: Mention) -> None:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
        mentions.append(m)

    # 1. full names from the gazetteer, longest first at each position
    full_hits: list[tuple[int, int, set[str]]] = []
    last_taken_tok = 0
    n_tok = len(toks)
    maxn = g.max_name_tokens
    first_tokens = g.first_tokens
    prefixes = g.name_prefixes
    starts = [k for k, (_, _, t) in enumerate(toks) if _is_cap(t) and norm(t) in first_tokens]
    si_ = 0
    while si_ < len(starts):
        i = starts[si_]
        si_ += 1
        a, b, tok = toks[i]
        if i < last_taken_tok:
            continue
        hit = None
        # extend while the words so far begin some name and are joined as one ("W. Bush", "Kim Jong-un")
        n = 1
        while True:
            end = toks[i + n - 1][1]
            key = norm(text[a:end])
            if key not in prefixes:
                break
            cands = g.full_names.get(key)
            if cands:
                hit = (a, end, cands, n)
            if n >= maxn or i + n >= n_tok or not _joins(toks[i + n - 1][2], text[end:toks[i + n][0]]):
                break
            n += 1
        if hit and i + hit[3] < n_tok and _ROMAN.fullmatch(toks[i + hit[3]][2]) and text[hit[1]:toks[i + hit[3]][0]] == " ":
            hit = None  # "King Abdullah II" is not King Abdullah
        if hit:
            full_hits.append(hit[:3])
            last_taken_tok = i + hit[3]
    named: set[str] = set(extra_named or ())
    full_hits = [(a, b, _in_country_near(g, text, a, b, cands)) for a, b, cands in full_hits]
    for a, b, cands in full_hits:
        person = g.pick(cands, when, named) if len(cands) > 1 else next(iter(cands))
        if len(cands) == 1:
            named.add(person)
    for a, b, cands in full_hits:
        person = g.pick(cands, when, named) if len(cands) > 1 else next(iter(cands))
        named.add(person)
        poss, _ = _possessive_after(text, b)
        take(Mention(a, b, text[a:b], "name", person, poss))

    # 2. titles: "Russian President", "the North Korean leader", "President of the Syrian Arab Republic"
    bindings: dict[tuple[str, str], str] = {}
    title_hits: list[tuple[int, int, str, str, bool]] = []
    tok_starts = [t[0] for t in toks]

    def starts_before(pos: int) -> list[int]:
        """Word starts in the 56 characters before `pos`, earliest first (longest title first)."""
        hi = bisect_left(tok_starts, pos)
        lo = bisect_left(tok_starts, pos - 56)
        return tok_starts[lo:hi]

    for a_, b_, tok_ in toks:
        if tok_.lower() not in pats.office_first:
            continue
        om = pats.office.match(text, a_)
        if om is None:
            continue
        os_, oe = om.start(), om.end()
        word = om.group("office")
        found = []
        tail = None
        for ts in starts_before(os_):
            tail = pats.title_tail.match(text, ts, os_)
            if tail:
                break
        if tail:
            found.append((tail.start(), oe, tail.group("country"), tail.group("det")))
        after = pats.office_of_tail.match(text, oe)
        if after:
            det = re.search(r"(?i)\b(the|a|an)\s+$", text[max(0, os_ - 5):os_])
            found.append((os_ - (len(det.group(0)) if det else 0), after.end(), after.group("country"), det))
        for a, b, country, det in found:
            code = pats.country_of.get(norm(country))
            office = g.office_key(code, word) if code else None
            if not office or not free(a, b):
                continue
            title_hits.append((a, b, code, office, det is not None))
    seat_matches = [pats.seat.match(text, a_ - 4 if text[max(0, a_ - 4):a_] in ("the ", "The ") else a_)
                    for a_, b_, tok_ in toks if tok_ in pats.seat_first]
    for m in seat_matches:
        if m is None:
            continue
        code = pats.country_of.get(norm(m.group("seat")))
        # "White House officials", "Kremlin spokesman Dmitry Peskov": the seat names an institution there
        if _SEAT_AS_MODIFIER.match(text, m.end()) and not m.group("suffix"):
            continue
        if code and free(m.start(), m.end()):
            title_hits.append((m.start(), m.end(), code, g.countries[code].leader if g.countries[code].leader in g.countries[code].offices else "hos", True))
    title_hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    name_starts = {mm.start: mm for mm in mentions}
    last_end = -1
    for a, b, code, office, has_det in title_hits:
        if a < last_end:
            continue
        last_end = b
        # a name right after the title ("Russian President Vladimir Putin", "U.S. President H.E. Donald Trump")
        nxt = re.match(r"[\s,]*(?:H\.\s?E\.\s*|Mr\.?\s+|Ms\.?\s+|Comrade\s+)?", text[b:b + 12])
        after = b + (nxt.end() if nxt else 0)
        follow = name_starts.get(after)
        if follow is not None and follow.person:
            bindings[(code, office)] = follow.person
            # one mention for "Russian President Vladimir Putin", so the title words are not read as text
            for i in range(a, follow.start):
                taken[i] = 1
            follow.start = a
            follow.text = text[a:follow.end]
            continue
        for i in range(a, b):
            taken[i] = 1
        poss, _ = _possessive_after(text, b)
        mentions.append(Mention(a, b, text[a:b], "title", None, poss, role=f"{code}:{office}"))

    # 3. generic names: capitalised runs that are nobody in the gazetteer ("W. Patrick Murphy")
    headline_ranges = headline_ranges or []

    head_mask = bytearray(len(text) + 1)
    for x, y in headline_ranges:
        head_mask[x:y] = b"\x01" * (y - x)

    def in_headline(pos: int) -> bool:
        return bool(head_mask[pos])

    generic_aliases: dict[str, str] = {}
    i = 0
    while i < n_tok:
        a, b, tok = toks[i]
        if (tok.lower() in _NAME_TITLES and i + 1 < n_tok and not taken[a] and not in_headline(a)
                and text[b:toks[i + 1][0]] == " "):
            # "Sheikh Hasina": a title with a single name word is how the person is called
            na, nb, ntok = toks[i + 1]
            more = i + 2 < n_tok and _joins(ntok, text[nb:toks[i + 2][0]]) and (
                _is_cap(toks[i + 2][2]) or toks[i + 2][2] in _PARTICLES)
            if (_is_cap(ntok) and not _stop(ntok) and not taken[na] and not more and not ntok.isupper()
                    and norm(ntok) not in g.short_names and norm(f"{tok} {ntok}") not in g.full_names):
                surface = text[a:nb]
                poss, _ = _possessive_after(text, nb)
                take(Mention(a, nb, surface, "generic", surface, poss))
                generic_aliases.setdefault(norm(ntok), surface)
                i += 2
                continue
        if not _is_cap(tok) or taken[a] or _stop(tok) or in_headline(a):
            i += 1
            continue
        j = i
        while j + 1 < n_tok and j - i < 5:
            na, nb, ntok = toks[j + 1]
            gap = text[toks[j][1]:na]
            if not _joins(toks[j][2], gap) or taken[na]:
                break
            if ntok in _PARTICLES and j + 2 < n_tok and j + 1 - i < 5:
                # "Tamim bin Hamad": a particle joins two capitalised parts of one name
                qa, qb, qtok = toks[j + 2]
                if _joins(ntok, text[nb:qa]) and _is_cap(qtok) and not taken[qa] and not _stop(qtok):
                    j += 2
                    continue
                break
            if _ROMAN.fullmatch(ntok) and j > i:
                j += 1  # "Abdullah II"
                break
            if not _is_cap(ntok) or _stop(ntok):
                break
            if ntok.isupper() and len(ntok) > 2:
                break
            j += 1
        # a single initial before the run ("W. Patrick Murphy")
        start = a
        if i > 0:
            pa, pb, ptok = toks[i - 1]
            if (len(ptok) == 1 and ptok.isupper() and text[pb:pb + 1] == "." and a - pb <= 2 and not taken[pa]
                    and not (pa >= 2 and text[pa - 1] == "." and text[pa - 2].isupper())):
                start = pa
        if j > i and not tok.isupper():
            end = toks[j][1]
            surface = text[start:end]
            key = norm(surface)
            if key not in g.full_names and g.country_of(key) is None:
                poss, _ = _possessive_after(text, end)
                take(Mention(start, end, surface, "generic", surface, poss))
                parts = surface.replace(".", " ").split()
                last = parts[-2] if len(parts) > 2 and _ROMAN.fullmatch(parts[-1]) else parts[-1]
                for p in (parts[0], last):
                    if len(p) > 2 and p.lower() not in _STOP_CAPS and p not in _PARTICLES:
                        generic_aliases.setdefault(norm(p), surface)
                for p in parts[1:]:
                    if "-" in p:
                        generic_aliases.setdefault(norm(p), surface)
            i = j + 1
            continue
        i += 1

    # "Moroccan King Hassan Benali": a title followed by a name the gazetteer lacks is that person,
    # unless the name is a spelling of the office-holder the gazetteer has
    generic_at = {m.start: m for m in mentions if m.kind == "generic"}
    if generic_at:
        for m in [x for x in mentions if x.kind == "title"]:
            nxt = re.match(r"[\s,]*(?:H\.\s?E\.\s*|Mr\.?\s+|Ms\.?\s+|Mrs\.?\s+|Gen\.?\s+|Dr\.?\s+)?", text[m.end:m.end + 12])
            follow = generic_at.get(m.end + (nxt.end() if nxt else 0))
            if follow is None or m.role is None:
                continue
            code, office = m.role.split(":", 1)
            holder = g.holder(code, office, when, named)
            person = holder if holder and _same_name(holder, follow.text) else follow.text
            bindings[(code, office)] = person
            follow.person = person
            follow.kind = "name" if person == holder else "generic"
            follow.start = m.start
            follow.text = text[m.start:follow.end]
            mentions.remove(m)

    # eastern-order gazetteer names are also called by their given name ("Yong-chol")
    person_aliases: dict[str, str] = {}
    for m in mentions:
        if m.kind == "name" and m.person and g.is_eastern(m.person):
            parts = norm(m.person).split()
            if len(parts) == 3:
                person_aliases.setdefault(f"{parts[1]} {parts[2]}", m.person)

    # 4. short forms: "Putin", "Mr Kim", "Chairman Kim", "Bosworth", "Yong-chol"
    for idx, (a, b, tok) in enumerate(toks):
        if taken[a] or not _is_cap(tok):
            continue
        key = norm(tok)
        person = None
        if key in person_aliases:
            person = person_aliases[key]
        elif key in g.short_names:
            cands = g.short_names[key]
            named_c = [c for c in cands if c in named]
            if named_c:
                person = g.pick(set(named_c), when, named)
            elif key not in _COMMON_SHORT or key in _ALWAYS_SHORT:
                person = g.pick(cands, when, named)
            if person is None and key in generic_aliases:
                person = generic_aliases[key]
        elif key in generic_aliases:
            person = generic_aliases[key]
        if person is None:
            continue
        if tok.isupper() and len(tok) > 3 and key not in g.short_names:
            continue
        poss, _ = _possessive_after(text, b)
        take(Mention(a, b, tok, "short", person, poss))

    # 5. places standing for their leader ("a message to Pyongyang"), resolved later if used
    place_matches = []
    for a_, b_, tok_ in toks:
        if tok_ in pats.place_first and not taken[a_]:
            pm = pats.place.match(text, a_)
            if pm:
                place_matches.append(pm)
    for m in place_matches:
        if not free(m.start(), m.end()):
            continue
        code = pats.country_of.get(norm(m.group("place")))
        if code is None:
            continue
        poss, _ = _possessive_after(text, m.end())
        take(Mention(m.start(), m.end(), m.group(0), "place", None, poss, role=f"{code}:{g.countries[code].leader}"))

    # "North Korea's Kim", "China's Xi Jinping": the country is part of how the person is named
    mentions.sort(key=lambda x: x.start)
    merged: list[Mention] = []
    for m in mentions:
        prev = merged[-1] if merged else None
        if (prev is not None and prev.kind == "place" and m.kind in ("name", "short", "title", "generic")
                and (re.fullmatch(r"'s?\s+", text[prev.end:m.start]) if prev.possessive
                     else re.fullmatch(r"\s+(?:[a-z]+\s+){0,2}", text[prev.end:m.start]))):
            m.start = prev.start
            m.text = text[m.start:m.end]
            merged[-1] = m
            continue
        merged.append(m)
    mentions[:] = merged

    # 6. descriptors ("a North Korean official") and who they turn out to be ("the official, Kim Yong Nam")
    descriptors: dict[str, str] = {}
    for m in _APPOSITION.finditer(text):
        name_start = m.start("name")
        named_m = next((x for x in mentions if x.start == name_start and x.person), None)
        if named_m is not None:
            descriptors.setdefault(m.group("role").lower(), named_m.person)
    desc_iter = _DESCRIPTOR.finditer(text) if _ROLE_HINT.search(text) else ()
    for m in desc_iter:
        a, b = m.start(), m.end()
        if not free(b - len(m.group("role")), b):
            continue
        if re.match(r"[\s,]+(?:(?:[A-Z]\.\s?)*[A-Z][a-z])", text[b:b + 6]):
            continue  # a name follows; the name itself is the mention
        take(Mention(a, b, text[a:b], "descriptor", None, False, role=m.group("role").lower()))

    # 7. pronouns and "the two leaders"
    low = text.lower()
    group_iter = _GROUP_RE.finditer(text) if ("two" in low or "both" in low or "leaders" in low or "pair" in low) else ()
    for m in group_iter:
        if free(m.start(), m.end()):
            take(Mention(m.start(), m.end(), m.group(0), "pronoun", None, False, pronoun="two"))
    for a_, b_, w in toks:
        if w.lower() not in _PRONOUNS or (w != "I" and w.lower() == "i") or not free(a_, b_):
            continue
        m = _PRONOUN_RE.match(text, a_)
        if m is None or m.end() != b_:
            continue
        if w == "I" or w.lower() != "i":
            p, poss = _PRONOUNS[w.lower()]
            if w.lower() == "her":
                # "her letter" (possessive) versus "sent her a letter" (object)
                nxt = re.match(r"\s+(?:a|an|the)\b", text[m.end():m.end() + 5])
                poss = nxt is None and bool(re.match(r"\s+[a-z\"']", text[m.end():m.end() + 3]))
            take(Mention(m.start(), m.end(), w, "pronoun", None, poss, pronoun=p))

    mentions.sort(key=lambda x: x.start)
    return ArticleEntities(mentions, named, bindings, descriptors)


def resolve_title(ents: ArticleEntities, role: str, when: date | None) -> str | None:
    """The holder of a title mention ("KP:leader") at the article's date, preferring people the article names."""
    g = load_gazetteer()
    code, office = role.split(":", 1)
    if (code, office) in ents.bindings:
        return ents.bindings[(code, office)]
    return g.holder(code, office, when, ents.named)


def gazetteer() -> Gazetteer:
    return load_gazetteer()
