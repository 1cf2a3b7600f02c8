"""Named days ("New Year's Eve", "Eid al-Fitr", "Lantern Festival") resolved to the date they fell on."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources

__all__ = ["Holidays", "holidays"]


@dataclass(frozen=True, slots=True)
class Holidays:
    """The table of data/holidays.toml with one pattern that finds any of its names."""

    fixed: dict[str, tuple[int, int]]
    moving: dict[str, tuple[date, ...]]
    aliases: dict[str, str]
    offsets: dict[str, tuple[str, int]]
    pattern: re.Pattern

    def on_or_before(self, name: str, ref: date) -> date | None:
        """The latest day called `name` on or before `ref` (within a year and a half)."""
        key = _key(name)
        key = self.aliases.get(key, key)
        if key in self.offsets:
            base, days = self.offsets[key]
            found = [d + timedelta(days=days) for d in self.moving[base] if d + timedelta(days=days) <= ref]
        elif key in self.moving:
            found = [d for d in self.moving[key] if d <= ref]
        elif key in self.fixed:
            mon, day = self.fixed[key]
            this_year = date(ref.year, mon, day)
            found = [this_year if this_year <= ref else date(ref.year - 1, mon, day)]
        else:
            return None
        if not found or (ref - found[-1]).days > 550:
            return None
        return found[-1]


def _key(name: str) -> str:
    return " ".join(name.lower().replace("\u2019", "'").replace("-", " ").split())


@lru_cache(maxsize=1)
def holidays() -> Holidays:
    """The packaged table, parsed once per process."""
    raw = resources.files("scrapers.letters").joinpath("data/holidays.toml").read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    fixed = {_key(k): (int(v[:2]), int(v[3:])) for k, v in data["fixed"].items()}
    moving = {_key(k): tuple(sorted(date.fromisoformat(x) for x in v)) for k, v in data["moving"].items()}
    offsets = {_key(k): (_key(v[0]), int(v[1])) for k, v in data["offsets"].items()}
    aliases = {_key(k): _key(v) for k, v in data["aliases"].items()}
    names = list(fixed) + list(moving) + list(aliases) + list(offsets)
    alt = "|".join(re.escape(n).replace("'", "['\u2019]?").replace(r"\ ", r"[\s-]+")
                   for n in sorted(names, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])", re.I)
    return Holidays(fixed, moving, aliases, offsets, pattern)
