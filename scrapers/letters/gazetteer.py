"""People, their name variants, and offices with their holders over time."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

from .name_keys import norm, strip_accents

# `norm` and `strip_accents` live in name_keys; they are named here too, where callers first met them
__all__ = ["Gazetteer", "Tenure", "Country", "norm", "strip_accents", "load_gazetteer", "GENERIC_TITLES"]


def _parse_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class Tenure:
    """One holder of one office between two dates (end None: still in office)."""

    person: str
    country: str
    office: str
    start: date
    end: date | None

    def covers(self, when: date) -> bool:
        return self.start <= when and (self.end is None or when < self.end)

    def distance(self, when: date) -> int:
        """Days between `when` and this tenure (0 when it covers it)."""
        if self.covers(when):
            return 0
        if when < self.start:
            return (self.start - when).days
        assert self.end is not None
        return (when - self.end).days + 1


@dataclass(slots=True)
class Country:
    """A country's names, adjectives, seats of power and office-title vocabulary."""

    code: str
    names: list[str]
    adjectives: list[str]
    seats: list[str]
    leader: str
    titles: dict[str, str]
    offices: dict[str, list[Tenure]] = field(default_factory=dict)
    honorifics: list[str] = field(default_factory=list)
    family_first_too: bool = False  # names also written family name first ("Kishida Fumio")


# Office words understood for every country; a country's own `titles` table overrides.
GENERIC_TITLES: dict[str, str] = {
    "president": "hos",
    "head of state": "hos",
    "king": "hos",
    "queen": "hos",
    "emperor": "hos",
    "monarch": "hos",
    "prime minister": "hog",
    "premier": "hog",
    "chancellor": "hog",
    "head of government": "hog",
    "pm": "hog",
    "foreign minister": "fm",
    "foreign secretary": "fm",
    "minister of foreign affairs": "fm",
    "foreign affairs minister": "fm",
    "top diplomat": "fm",
    "leader": "leader",
    "ruler": "leader",
    "dictator": "leader",
    "strongman": "leader",
    "supreme leader": "leader",
    "top leader": "leader",
    # "his Chinese counterpart": the country's leader is the usual reading; a country whose
    # premier writes to premiers says so in its `titles`
    "counterpart": "leader",
    "president-elect": "elect",
    "president elect": "elect",
    "prime minister-elect": "elect_hog",
    "prime minister elect": "elect_hog",
}

# "President-elect": the next holder of an office, between an election and taking office.
_ELECT = {"elect": "hos", "elect_hog": "hog"}
_ELECT_WINDOW_DAYS = 120

_REGNAL = re.compile(r"[IVXL]+")

# Eastern name order: the family name comes first and is what articles use alone.
_EASTERN = {"KP", "KR", "CN", "VN", "KH"}
_KOREAN_SURNAMES = {"kim", "lee", "ri", "park", "pak", "choe", "choi", "chung", "jung", "jong", "moon", "mun", "kang",
                    "yoon", "yun", "han", "cho", "jo", "suh", "so", "roh", "ro", "hyon", "hyun", "ban", "song", "yu",
                    "hwang", "jang", "chang", "kwon", "shin", "sin", "oh", "o", "im", "lim", "ryu", "hong", "paek"}


class Gazetteer:
    """Name and office look-ups; build once with `load_gazetteer()`."""

    def __init__(self, data: dict) -> None:
        self.meta: dict = data.get("meta", {})
        self.countries: dict[str, Country] = {}
        self.full_names: dict[str, set[str]] = {}
        self.short_names: dict[str, set[str]] = {}
        self.tenures: dict[str, list[Tenure]] = {}
        self.person_country: dict[str, str] = {}
        self.female: set[str] = set(data.get("pronouns", {}).get("female", []))
        self.country_keys: dict[str, str] = {}
        self.adjective_keys: dict[str, str] = {}
        self.seat_keys: dict[str, str] = {}
        self.style_keys: set[str] = set()
        for c in data.get("country", []):
            self._add_country(c)
        explicit: dict[str, dict] = {p["name"]: p for p in data.get("person", [])}
        self._explicit = frozenset(explicit)
        for name in sorted(set(self.tenures) | set(explicit)):
            self._add_person(name, explicit.get(name, {}))
        self.max_name_tokens = max(len(k.split()) for k in self.full_names)
        self._shorts_of: dict[str, tuple[str, ...]] | None = None
        self._index_prefixes()
        # first word -> (last word, person), for names written with a middle name or a misspelt
        # surname ("Laurent Koudou Gbagbo", "Joao Lourenzo")
        self.by_first: dict[str, list[tuple[str, str]]] = {}
        for key, people in self.full_names.items():
            parts = key.split()
            if len(parts) >= 2 and len(people) == 1 and parts[1] not in ("bin", "ibn", "al"):
                person = next(iter(people))
                if not self.is_eastern(person):
                    self.by_first.setdefault(parts[0], []).append((parts[-1], person))

    def _add_country(self, c: dict) -> None:
        country = Country(
            code=c["code"],
            names=list(c.get("names", [])),
            adjectives=list(c.get("adjectives", [])),
            seats=list(c.get("seats", [])),
            leader=c.get("leader", "hos"),
            titles={k.lower(): v for k, v in c.get("titles", {}).items()},
            honorifics=list(c.get("honorifics", [])),
            family_first_too=bool(c.get("family_first_too", False)),
        )
        for key, rows in c.items():
            if not isinstance(rows, list) or not rows or not isinstance(rows[0], list):
                continue
            office = "leader" if key == "leader_list" else key
            tenures = [Tenure(r[0], country.code, office, _parse_date(r[1]) or date.min, _parse_date(r[2])) for r in rows]
            country.offices[office] = tenures
            for t in tenures:
                self.tenures.setdefault(t.person, []).append(t)
                self.person_country.setdefault(t.person, country.code)
        self.countries[country.code] = country
        for n in country.names:
            self.country_keys.setdefault(norm(n), country.code)
        for a in country.adjectives:
            self.adjective_keys.setdefault(norm(a), country.code)
        for s in country.seats:
            self.seat_keys.setdefault(norm(s), country.code)

    def _add_person(self, name: str, spec: dict) -> None:
        if spec.get("female"):
            self.female.add(name)
        for v in [name, *self._styled_variants(name, spec.get("variants", []))]:
            self._add_full(v, name)
        shorts = spec.get("short")
        for s in self._default_short(name) if shorts is None else shorts:
            self.short_names.setdefault(norm(s), set()).add(name)

    def _index_prefixes(self) -> None:
        # every word-prefix of a full name, so a scan can stop as soon as no name continues
        self.name_prefixes: set[str] = set()
        # the normalised first word of every full name, to skip most capitalised words quickly;
        # joined initials ("apj" for "A. P. J. Abdul Kalam") also start with their first letter
        self.first_tokens: set[str] = set()
        for k in self.full_names:
            parts = k.split()
            for n in range(1, len(parts) + 1):
                self.name_prefixes.add(" ".join(parts[:n]))
                # "George H.W. Bush" is read "george h" before "george hw": initials arrive one at a time
                if len(parts[n - 1]) <= 4:
                    for c in range(1, len(parts[n - 1])):
                        self.name_prefixes.add(" ".join(parts[:n - 1] + [parts[n - 1][:c]]))
            self.first_tokens.add(parts[0])
            if len(parts[0]) <= 4:
                self.first_tokens.add(parts[0][0])

    def _add_full(self, variant: str, name: str) -> None:
        key = norm(variant)
        self.full_names.setdefault(key, set()).add(name)
        parts = key.split()
        # "Kim Jong-un" is also written "Kim Jongun"; Korean and Chinese given names
        # are two syllables that English text hyphenates, spaces or joins.
        if len(parts) == 3 and self.is_eastern(name):
            self.full_names.setdefault(f"{parts[0]} {parts[1]}{parts[2]}", set()).add(name)

    def _styled_variants(self, name: str, variants: list[str]) -> list[str]:
        """The listed variants and how rulers are called short of their full name: "Tamim bin Hamad",
        "Tamim Al Thani", "Sabah Al-Ahmad", and each of these after the country's styles ("Sheikh Tamim")."""
        parts = name.split()
        out: list[str] = list(variants)
        if len(parts) > 3 and parts[1].lower() in ("bin", "ibn"):
            out.append(" ".join(parts[:3]))
            if parts[-2].lower() == "al":
                out.append(" ".join([parts[0], *parts[-2:]]))
        if len(parts) > 2 and parts[1].lower().startswith(("al-", "el-")) and len(parts[1]) > 3:
            out.append(" ".join(parts[:2]))
        if len(parts) == 2 and any(self.countries[t.country].family_first_too for t in self.tenures.get(name, [])
                                   if t.country in self.countries):
            out.append(f"{parts[1]} {parts[0]}")  # "Kishida Fumio", as Japanese sources write it
        honorifics: list[str] = []
        for t in self.tenures.get(name, []):
            c = self.countries.get(t.country)
            if c is not None and c.honorifics and self._royal(name, c):
                honorifics += c.honorifics
        if honorifics and not name.startswith("Pope "):
            # the full and shortened forms after the honorific too, so "Emir Sheikh Sabah" never
            # stops the reading of "Emir Sheikh Sabah al-Ahmad al-Jaber al-Sabah" short
            stems = [name] + out + ([parts[0]] if len(parts) > 1 else [])
            out = out + [f"{h} {s}" for h in dict.fromkeys(honorifics) for s in stems]
            if len(parts) > 1:
                # "King Hassan" is Hassan II only where the name stops there, not in "King Hassan Benali"
                self.style_keys.update(norm(f"{h} {parts[0]}") for h in honorifics)
        return out

    @staticmethod
    def _royal(name: str, country: Country) -> bool:
        """Whether a country's royal styles fit `name`: a ruler, a "bin" name or one of the ruling house."""
        rulers = [t.person for o in ("hos", "crown_prince") for t in country.offices.get(o, [])]
        houses = {r.split()[-1].lower() for r in rulers if len(r.split()) > 2}
        parts = name.lower().split()
        return name in rulers or "bin" in parts or "ibn" in parts or (len(parts) > 2 and parts[-1] in houses)

    def _default_short(self, name: str) -> list[str]:
        parts = name.replace("-", " ").split()
        if len(parts) < 2 or _REGNAL.fullmatch(parts[-1]):
            return []  # "Hassan II" is never called "II"
        if any(p.lower() in ("bin", "ibn", "bint") for p in parts) or sum(p.lower() == "al" for p in parts) > 1:
            return []  # Gulf rulers are called "Sheikh Tamim", never by a dynasty word alone
        if self.is_eastern(name):
            return [parts[0]]
        return [name.split()[-1]]

    def is_eastern(self, name: str) -> bool:
        """Family name first: Korean, Chinese, Vietnamese and Cambodian names."""
        if self.person_country.get(name) in _EASTERN:
            return True
        first = name.split()[0].lower()
        return first in _KOREAN_SURNAMES and len(name.replace("-", " ").split()) >= 2

    # ------------------------------------------------------------ look-ups

    def office_key(self, country: str, title: str) -> str | None:
        """Office list ("hos", "hog", "fm", "leader", ...) a title word means in a country."""
        c = self.countries.get(country)
        if c is None:
            return None
        title = " ".join(title.lower().split())
        office = c.titles.get(title) or GENERIC_TITLES.get(title)
        if office == "leader" and "leader" not in c.offices:
            office = c.leader
        if office in _ELECT and office not in c.offices and _ELECT[office] in c.offices:
            return office
        if office is None or office not in c.offices:
            return None
        return office

    def holders(self, country: str, office: str) -> list[Tenure]:
        c = self.countries.get(country)
        return list(c.offices.get(office, [])) if c else []

    def holder(self, country: str, office: str, when: date | None, prefer: frozenset[str] | set[str] = frozenset()) -> str | None:
        """Who held `office` of `country` on `when`.

        Without a date, a holder named elsewhere in the article (`prefer`) wins, then
        the current holder: an undated article is most likely recent.
        """
        tenures = self.holders(country, office)
        if not tenures and office in _ELECT:
            return self._elect(country, _ELECT[office], when)
        if not tenures:
            return None
        if when is not None:
            covering = [t for t in tenures if t.covers(when)]
            if covering:
                named = [t for t in covering if t.person in prefer]
                return (named or covering)[-1].person
            return min(tenures, key=lambda t: t.distance(when)).person
        named = [t for t in tenures if t.person in prefer]
        if named:
            return named[-1].person
        return tenures[-1].person

    def _elect(self, country: str, office: str, when: date | None) -> str | None:
        """The holder whose term began soonest after `when` (within four months): the one elected."""
        if when is None:
            return None
        nxt = [t for t in self.holders(country, office) if when < t.start <= when + timedelta(days=_ELECT_WINDOW_DAYS)]
        return nxt[0].person if nxt else None

    def predecessor(self, person: str, when: date | None) -> str | None:
        """Who held `person`'s office before them ("his predecessor"): the office held on `when`
        (or most recently), ranked leader, head of state, head of government, foreign minister."""
        return self._neighbour(person, when, -1)

    def successor(self, person: str, when: date | None) -> str | None:
        """Who held `person`'s office after them ("his successor")."""
        return self._neighbour(person, when, +1)

    def _neighbour(self, person: str, when: date | None, step: int) -> str | None:
        rank = {"leader": 0, "hos": 1, "president": 1, "hog": 2, "fm": 3}
        own = self.tenures.get(person, [])
        if when is not None:
            own = [t for t in own if t.covers(when)] or [t for t in own if t.start <= when] or own
        if not own:
            return None
        mine = min(own, key=lambda t: (rank.get(t.office, 5), -t.start.toordinal()))
        others = [t for t in self.holders(mine.country, mine.office) if t.person != person]
        if step < 0:
            before = [t for t in others if t.start < mine.start]
            return before[-1].person if before else None
        after = [t for t in others if t.start > mine.start]
        return after[0].person if after else None

    def resolve_name(self, key: str, when: date | None, prefer: frozenset[str] | set[str] = frozenset(), short: bool = False) -> str | None:
        """Canonical person for a normalised name or short form, disambiguated by date."""
        cands = (self.short_names if short else self.full_names).get(key)
        if not cands:
            return None
        if len(cands) == 1:
            return next(iter(cands))
        return self.pick(cands, when, prefer)

    def pick(self, cands: set[str] | list[str], when: date | None, prefer: frozenset[str] | set[str] = frozenset()) -> str:
        """Choose among people sharing a name: named in the article, then in office on the date."""
        rank = {"leader": 0, "hos": 1, "president": 1, "hog": 2, "fm": 3}

        def score(person: str) -> tuple:
            ts = self.tenures.get(person, [])
            in_office = [t for t in ts if when is not None and t.covers(when)]
            best_rank = min((rank.get(t.office, 5) for t in (in_office or ts)), default=9)
            nearest = min((t.distance(when) for t in ts), default=10**6) if when else 0
            latest = max((t.start for t in ts), default=date.min)
            return (
                person not in prefer,
                not in_office,
                nearest,
                best_rank,
                -latest.toordinal() if when is None else 0,
                person,
            )

        return min(cands, key=score)

    def resembling(self, key: str) -> str | None:
        """The one person whose first name is the first word of `key` and whose surname its last word is,
        or nearly is: "laurent koudou gbagbo" is Laurent Gbagbo, "joao lourenzo" is João Lourenço."""
        from difflib import SequenceMatcher

        parts = key.split()
        if len(parts) < 2 or len(parts[-1]) < 4:
            return None
        tail = parts[-1]
        found = {p for last, p in self.by_first.get(parts[0], ())
                 if last == tail or (len(last) >= 5 and last[0] == tail[0] and abs(len(last) - len(tail)) <= 2
                                     and SequenceMatcher(None, last, tail).ratio() >= 0.8)}
        return next(iter(found)) if len(found) == 1 else None

    def shorts_of(self, person: str) -> tuple[str, ...]:
        """The short-form keys that can stand for `person` ("clinton" for Bill Clinton)."""
        if self._shorts_of is None:
            index: dict[str, list[str]] = {}
            for key, people in self.short_names.items():
                for p in people:
                    index.setdefault(p, []).append(key)
            self._shorts_of = {p: tuple(keys) for p, keys in index.items()}
        return self._shorts_of.get(person, ())

    def country_of(self, key: str) -> str | None:
        return self.country_keys.get(key) or self.adjective_keys.get(key)

    def knows(self, person: str) -> bool:
        """Whether `person` is a canonical name of the gazetteer (not a name found only in the text)."""
        return person in self.tenures or person in self._explicit

    def is_female(self, person: str) -> bool:
        return person in self.female

    def offices_of(self, person: str) -> list[Tenure]:
        return list(self.tenures.get(person, []))


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The packaged gazetteer, parsed once per process."""
    from .gazetteer_files import data_files, merge_data

    base = resources.files("scrapers.letters").joinpath("data")
    parts = [tomllib.loads(base.joinpath(name).read_bytes().decode("utf-8")) for name in data_files()]
    return Gazetteer(merge_data(parts))
